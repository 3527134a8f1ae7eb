/*
 * stripe_form.c - form-encoded Stripe request bodies (see stripe_form.h).
 */
#include "stripe_form.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

/* Append s percent-encoded; brackets stay raw when keep_brackets. Runs of
 * bytes that need no escape are appended at once. */
static enum cv_status form_encode(struct cv_buf *b, const char *s, bool keep_brackets)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s;
    enum cv_status st = CV_OK;
    size_t run;

    while (st == CV_OK && *p != '\0') {
        for (run = 0; p[run] != '\0' && (is_unreserved(p[run]) ||
                                          (keep_brackets && (p[run] == '[' || p[run] == ']')));
             run++)
            ;
        if (run > 0) {
            st = cv_buf_append(b, p, run);
            p += run;
        } else {
            char esc[3] = { '%', hex[*p >> 4], hex[*p & 0x0F] };

            st = cv_buf_append(b, esc, sizeof(esc));
            p++;
        }
    }
    return st;
}

enum cv_status stripe_form_add(struct cv_buf *b, const char *key, const char *value)
{
    size_t start = b->len;
    enum cv_status st = CV_OK;

    if (key == NULL || key[0] == '\0' || value == NULL)
        return CV_ERR_INTERNAL;
    if (b->len > 0)
        st = cv_buf_append(b, "&", 1);
    if (st == CV_OK)
        st = form_encode(b, key, true);
    if (st == CV_OK)
        st = cv_buf_append(b, "=", 1);
    if (st == CV_OK)
        st = form_encode(b, value, false);
    if (st != CV_OK) {
        b->len = start;     /* all or nothing */
        if (b->data != NULL)
            b->data[start] = '\0';
    }
    return st;
}

enum cv_status stripe_form_add_keyf(struct cv_buf *b, const char *value, const char *key_fmt, ...)
{
    char key[STRIPE_FORM_KEY_MAX_BYTES];
    va_list ap;
    int n;

    if (key_fmt == NULL)
        return CV_ERR_INTERNAL;
    va_start(ap, key_fmt);
    n = vsnprintf(key, sizeof(key), key_fmt, ap);
    va_end(ap);
    if (n < 0)
        return CV_ERR_INTERNAL;
    if ((size_t)n >= sizeof(key))
        return CV_ERR_TOO_LARGE;
    return stripe_form_add(b, key, value);
}
