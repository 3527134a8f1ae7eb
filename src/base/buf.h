/*
 * buf.h - a growable byte buffer with a hard maximum, in the manner of
 * curl's dynbuf: the limit is given at init and an append past it fails
 * with CV_ERR_TOO_LARGE, leaving the buffer as it was.
 *
 * The content is always NUL-terminated (the NUL is not counted in len).
 * Not thread safe; one owner at a time. Release with cv_buf_free.
 */
#ifndef CV_BUF_H
#define CV_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "cv_status.h"

struct cv_buf {
    char *data;   /* NULL until the first append */
    size_t len;   /* bytes used, without the trailing NUL */
    size_t cap;   /* bytes allocated */
    size_t max;   /* most bytes len may reach */
};

/* A view on bytes owned elsewhere: lengths travel with bytes. */
struct cv_str {
    const char *ptr;
    size_t len;
};

#define CV_STR_LIT(s) ((struct cv_str){ (s), sizeof(s) - 1 })

void cv_buf_init(struct cv_buf *b, size_t max);
void cv_buf_free(struct cv_buf *b);
/* Forget the content, keep the allocation. */
void cv_buf_reset(struct cv_buf *b);

/* Append n bytes. CV_ERR_TOO_LARGE past max, CV_ERR_NOMEM on allocation
 * failure; on failure nothing is appended. */
enum cv_status cv_buf_append(struct cv_buf *b, const void *p, size_t n) CV_WARN_UNUSED;
enum cv_status cv_buf_puts(struct cv_buf *b, const char *s) CV_WARN_UNUSED;
enum cv_status cv_buf_printf(struct cv_buf *b, const char *fmt, ...)
    CV_PRINTF(2, 3) CV_WARN_UNUSED;

/* Append s (n bytes) as a JSON string literal, quotes included. Invalid
 * UTF-8 bytes are replaced by U+FFFD so the output is always valid JSON. */
enum cv_status cv_buf_append_json_string(struct cv_buf *b, const char *s, size_t n) CV_WARN_UNUSED;

/* snprintf into a fixed array, saying whether the result fit: true when
 * the whole result is in out; false when it was cut (out then holds the
 * cut, NUL-terminated text) or the format failed (out is then ""). For
 * names and keys a cut would silently change. */
bool cv_fmt(char *out, size_t size, const char *fmt, ...) CV_PRINTF(3, 4) CV_WARN_UNUSED;

/* Hand the content to the caller (free() it); the buffer becomes empty. */
char *cv_buf_take(struct cv_buf *b);

#endif
