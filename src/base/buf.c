/*
 * buf.c - bounded growable buffer (see buf.h).
 */
#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

void cv_buf_init(struct cv_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void cv_buf_free(struct cv_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void cv_buf_reset(struct cv_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

static enum cv_status buf_reserve(struct cv_buf *b, size_t n)
{
    size_t need, cap;
    char *p;

    if (n > b->max || b->len > b->max - n)
        return CV_ERR_TOO_LARGE;
    need = b->len + n + 1;
    if (need <= b->cap)
        return CV_OK;
    cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    p = realloc(b->data, cap);
    if (p == NULL)
        return CV_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return CV_OK;
}

enum cv_status cv_buf_append(struct cv_buf *b, const void *p, size_t n)
{
    enum cv_status st = buf_reserve(b, n);

    if (st != CV_OK)
        return st;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return CV_OK;
}

enum cv_status cv_buf_puts(struct cv_buf *b, const char *s)
{
    return cv_buf_append(b, s, strlen(s));
}

enum cv_status cv_buf_printf(struct cv_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    enum cv_status st;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return CV_ERR_INTERNAL;
    st = buf_reserve(b, (size_t)n);
    if (st != CV_OK)
        return st;
    va_start(ap, fmt);
    (void)vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return CV_OK;
}

enum cv_status cv_buf_append_json_string(struct cv_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, start = b->len;
    enum cv_status st;

    st = cv_buf_append(b, "\"", 1);
    while (st == CV_OK && i < n) {
        unsigned char c = p[i];
        char esc[6];
        size_t seq;

        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            st = cv_buf_append(b, esc, 2);
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            esc[0] = '\\';
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 0xF];
            st = cv_buf_append(b, esc, 6);
            i++;
        } else if (c < 0x80) {
            st = cv_buf_append(b, &p[i], 1);
            i++;
        } else if ((seq = cv_utf8_seq_len(p + i, n - i)) > 0) {
            st = cv_buf_append(b, &p[i], seq);
            i += seq;
        } else {
            st = cv_buf_append(b, "\xEF\xBF\xBD", 3);
            i++;
        }
    }
    if (st == CV_OK)
        st = cv_buf_append(b, "\"", 1);
    if (st != CV_OK) {
        b->len = start;     /* all or nothing */
        if (b->data != NULL)
            b->data[start] = '\0';
    }
    return st;
}

char *cv_buf_take(struct cv_buf *b)
{
    char *p = b->data;

    if (p == NULL)
        p = calloc(1, 1);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

bool cv_fmt(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (size == 0)
        return false;
    va_start(ap, fmt);
    n = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    if (n < 0) {
        out[0] = '\0';
        return false;
    }
    return (size_t)n < size;
}
