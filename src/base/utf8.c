/*
 * utf8.c - UTF-8 validation, counting, truncation and streaming check
 * (see utf8.h). The byte ranges are those of Unicode 15, table 3-7
 * ("Well-Formed UTF-8 Byte Sequences").
 */
#include "utf8.h"

/* Full length announced by a lead byte, 0 when c cannot start a sequence
 * (continuation bytes 80..BF, overlong leads C0 C1, leads past U+10FFFF). */
static size_t utf8_lead_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return 2;
    if (c >= 0xE0 && c <= 0xEF)
        return 3;
    if (c >= 0xF0 && c <= 0xF4)
        return 4;
    return 0;
}

/*
 * How many of the first min(n, *seq_len) bytes at s (n >= 1) are a
 * well-formed start of one sequence; *seq_len gets the full length the
 * lead announces (0 for a bad lead, and then 0 is returned). The second
 * byte's range rules out overlong forms (E0, F0), surrogates (ED) and
 * values past U+10FFFF (F4); later bytes are plain continuations.
 */
static size_t utf8_consistent(const unsigned char *s, size_t n, size_t *seq_len)
{
    size_t len = utf8_lead_len(s[0]), lim, k;
    unsigned char lo = 0x80, hi = 0xBF;

    *seq_len = len;
    if (len == 0)
        return 0;
    switch (s[0]) {
    case 0xE0: lo = 0xA0; break;
    case 0xED: hi = 0x9F; break;
    case 0xF0: lo = 0x90; break;
    case 0xF4: hi = 0x8F; break;
    default: break;
    }
    lim = n < len ? n : len;
    for (k = 1; k < lim; k++) {
        if (s[k] < lo || s[k] > hi)
            return k;
        lo = 0x80;
        hi = 0xBF;
    }
    return lim;
}

size_t cv_utf8_seq_len(const unsigned char *s, size_t n)
{
    size_t len;

    if (n == 0)
        return 0;
    if (s[0] < 0x80)
        return 1;
    return utf8_consistent(s, n, &len) == len ? len : 0;
}

bool cv_utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0, len;

    while (i < n) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        len = cv_utf8_seq_len(s + i, n - i);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

bool cv_utf8_count(const unsigned char *s, size_t n, size_t *code_points)
{
    size_t i = 0, count = 0, len;

    while (i < n) {
        len = s[i] < 0x80 ? 1 : cv_utf8_seq_len(s + i, n - i);
        if (len == 0)
            return false;
        i += len;
        count++;
    }
    *code_points = count;
    return true;
}

size_t cv_utf8_truncate(const unsigned char *s, size_t n, size_t max_code_points,
                        size_t max_bytes)
{
    size_t i = 0, count = 0, len;

    /* Invariant: i <= max_bytes, so max_bytes - i cannot wrap. */
    while (i < n && count < max_code_points) {
        len = cv_utf8_seq_len(s + i, n - i);
        if (len == 0)
            len = 1;
        if (len > max_bytes - i)
            break;
        i += len;
        count++;
    }
    return i;
}

void cv_utf8_stream_init(struct cv_utf8_stream *v)
{
    v->npending = 0;
    v->nneed = 0;
    v->invalid = false;
}

/* Complete the split sequence held in v->pending from p (len bytes);
 * returns the bytes consumed, or sets v->invalid. */
static size_t utf8_stream_complete(struct cv_utf8_stream *v, const unsigned char *p,
                                   size_t len)
{
    size_t used = 0, full;

    /* nneed is at most CV_UTF8_SEQ_MAX_BYTES; the second bound says so to
     * the compiler, which cannot see it across calls. */
    while (v->npending < v->nneed && v->npending < sizeof(v->pending) && used < len)
        v->pending[v->npending++] = p[used++];
    if (utf8_consistent(v->pending, v->npending, &full) < v->npending) {
        v->invalid = true;
        return used;
    }
    if (v->npending == v->nneed) {
        v->npending = 0;
        v->nneed = 0;
    }
    return used;
}

bool cv_utf8_stream_feed(struct cv_utf8_stream *v, const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t i = 0, ok, full;

    if (v->invalid)
        return false;
    if (v->npending > 0) {
        i = utf8_stream_complete(v, p, len);
        if (v->invalid)
            return false;
    }
    while (i < len) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        ok = utf8_consistent(p + i, len - i, &full);
        if (full != 0 && ok == full) {
            i += full;
        } else if (full != 0 && ok == len - i) {
            /* The chunk ends inside a sequence that is fine so far. */
            v->nneed = full;
            v->npending = ok;
            for (ok = 0; ok < v->npending; ok++)
                v->pending[ok] = p[i + ok];
            return true;
        } else {
            v->invalid = true;
            return false;
        }
    }
    return true;
}

bool cv_utf8_stream_finish(const struct cv_utf8_stream *v)
{
    return !v->invalid && v->npending == 0;
}
