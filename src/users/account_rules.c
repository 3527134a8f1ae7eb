/*
 * account_rules.c - email and name rules (see account_rules.h).
 */
#include "account_rules.h"

#include <string.h>

#include "utf8.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* RFC 5322 atext. */
static bool is_atext(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+/=?^_`{|}~-", c) != NULL);
}

static bool is_ldh(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

static void trim(const char **s, size_t *len)
{
    while (*len > 0 && is_space(**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && is_space((*s)[*len - 1]))
        (*len)--;
}

bool account_email_normalize(const char *in, size_t len, char *out, size_t out_size)
{
    size_t i, at = 0, nat = 0, label = 0, labels = 1;

    trim(&in, &len);
    if (len == 0 || len > ACCOUNT_EMAIL_MAX_BYTES || len + 1 > out_size)
        return false;
    for (i = 0; i < len; i++) {
        char c = in[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        out[i] = c;
        if (c == '@') {
            at = i;
            nat++;
        }
    }
    out[len] = '\0';
    if (nat != 1 || at == 0 || at > ACCOUNT_EMAIL_LOCAL_MAX_BYTES || at == len - 1)
        return false;
    /* local part: atext and dots, no dot first, last or doubled */
    if (out[0] == '.' || out[at - 1] == '.')
        return false;
    for (i = 0; i < at; i++) {
        if (out[i] == '.' ? out[i + 1] == '.' : !is_atext(out[i]))
            return false;
    }
    /* domain: LDH labels of 1..63 bytes, no hyphen at their ends */
    for (i = at + 1; i <= len; i++) {
        char c = out[i];
        if (c == '.' || c == '\0') {
            if (label == 0 || label > ACCOUNT_EMAIL_LABEL_MAX_BYTES || out[i - 1] == '-' ||
                out[i - label] == '-')
                return false;
            if (c == '.')
                labels++;
            label = 0;
        } else if (is_ldh(c)) {
            label++;
        } else {
            return false;
        }
    }
    return labels >= 2;
}

bool account_name_normalize(const char *in, size_t len, char *out, size_t out_size,
                            const char **why)
{
    size_t n, i;

    trim(&in, &len);
    *why = "must be 1 to 100 characters";
    if (len == 0 || len + 1 > out_size)
        return false;
    if (!cv_utf8_count((const unsigned char *)in, len, &n)) {
        *why = "must be valid UTF-8 text";
        return false;
    }
    if (n > ACCOUNT_NAME_MAX_CODE_POINTS)
        return false;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        /* C0 controls and DEL; C1 controls are U+0080..U+009F (C2 80..C2 9F) */
        if (c < 0x20 || c == 0x7F || (c == 0xC2 && i + 1 < len &&
                                      (unsigned char)in[i + 1] < 0xA0)) {
            *why = "must not contain control characters";
            return false;
        }
    }
    memcpy(out, in, len);
    out[len] = '\0';
    *why = NULL;
    return true;
}
