/*
 * query.c (fcgi/) - query string parameters (see query.h).
 */
#include "query.h"

#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode [p, end) into out; false when malformed or too long. */
static bool decode(const char *p, const char *end, char *out, size_t size)
{
    size_t n = 0;

    while (p < end) {
        int c = (unsigned char)*p++;
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi, lo;
            if (end - p < 2 || (hi = hexval(p[0])) < 0 || (lo = hexval(p[1])) < 0)
                return false;
            c = hi * 16 + lo;
            p += 2;
            if (c == 0)
                return false;
        }
        if (n + 1 >= size)
            return false;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return true;
}

bool query_get(const char *qs, const char *name, char *out, size_t size, bool *malformed)
{
    size_t nlen = strlen(name);
    const char *p = qs;

    *malformed = false;
    out[0] = '\0';
    while (p != NULL && *p != '\0') {
        const char *amp = strchr(p, '&');
        const char *end = amp != NULL ? amp : p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        const char *key_end = eq != NULL ? eq : end;

        if ((size_t)(key_end - p) == nlen && memcmp(p, name, nlen) == 0) {
            if (!decode(eq != NULL ? eq + 1 : end, end, out, size)) {
                *malformed = true;
                out[0] = '\0';
            }
            return true;
        }
        p = amp != NULL ? amp + 1 : NULL;
    }
    return false;
}
