/*
 * utf8.h - UTF-8 checks for the core (src/, pure): the length of one
 * sequence, whole-string validation and code point counting (API.md counts
 * lengths in code points), a cut that never splits a sequence, and a
 * streaming validator that is resumable: feed it chunks of any size, a
 * sequence may be split between two chunks.
 *
 * Valid means RFC 3629: no overlong forms, no surrogates (U+D800..U+DFFF),
 * nothing past U+10FFFF, no truncated sequence. U+0000 is valid UTF-8;
 * callers that refuse NUL check for it themselves.
 * Bytes are `const unsigned char *` throughout; every function reads at
 * most n bytes and never needs a NUL terminator. All functions are pure and
 * thread safe; a struct cv_utf8_stream has one owner at a time.
 */
#ifndef CV_UTF8_H
#define CV_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest UTF-8 sequence, in bytes (U+10000..U+10FFFF). */
#define CV_UTF8_SEQ_MAX_BYTES 4

/*
 * Length in bytes (1..4) of the valid UTF-8 sequence starting at s, of
 * which n bytes are available. 0 when n is 0 or the sequence is invalid:
 * a stray continuation byte, C0/C1/F5..FF leads, an overlong form, a
 * surrogate, a value past U+10FFFF, or a sequence cut short by n.
 * s may be NULL only when n is 0.
 */
size_t cv_utf8_seq_len(const unsigned char *s, size_t n);

/* True when the n bytes at s are entirely valid UTF-8 (n = 0 is valid). */
bool cv_utf8_valid(const unsigned char *s, size_t n);

/*
 * Count the code points of the n bytes at s into *code_points. False when
 * they are not valid UTF-8; *code_points is then left unchanged.
 */
bool cv_utf8_count(const unsigned char *s, size_t n, size_t *code_points);

/*
 * Length in bytes of the longest prefix of s (n bytes) that holds at most
 * max_code_points code points and at most max_bytes bytes and ends on a
 * code point boundary. Pass SIZE_MAX for a limit that does not apply.
 * Meant for valid UTF-8; an invalid byte counts as one code point of one
 * byte (as if replaced by U+FFFD), so a cut never splits a valid sequence.
 */
size_t cv_utf8_truncate(const unsigned char *s, size_t n, size_t max_code_points,
                        size_t max_bytes);

/*
 * Streaming validator. Init, feed chunks, then finish. Once a chunk shows
 * the input invalid the state is sticky and later feeds only return false.
 * The fields are private; callers only pass the struct around.
 */
struct cv_utf8_stream {
    unsigned char pending[CV_UTF8_SEQ_MAX_BYTES]; /* start of a split sequence */
    size_t npending;        /* bytes held in pending, 0..3 */
    size_t nneed;           /* full length of the split sequence, 2..4 */
    bool invalid;           /* sticky */
};

void cv_utf8_stream_init(struct cv_utf8_stream *v);

/*
 * Check the next len bytes. Returns false once the input seen so far can
 * no longer be valid UTF-8 (sticky), true otherwise - including when the
 * chunk ends inside a sequence, which the next chunk may complete.
 * data may be NULL only when len is 0. Keeps no pointer to data.
 */
bool cv_utf8_stream_feed(struct cv_utf8_stream *v, const void *data, size_t len);

/*
 * The input has ended: true when everything fed was valid UTF-8 and no
 * sequence is left incomplete. Does not change the state.
 */
bool cv_utf8_stream_finish(const struct cv_utf8_stream *v);

#endif
