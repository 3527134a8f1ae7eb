/*
 * fuzz_env_file.c - arbitrary bytes as a .env file: cv_env_file_parse must
 * never crash or read past len, answers CV_OK, CV_ERR_CONFIG (with the
 * line named) or CV_ERR_TOO_LARGE, hands the callback NUL-terminated keys
 * that are non-empty and made of [A-Za-z0-9_], and parses the same text
 * to the same assignments twice (it is pure).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "env_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FNV_OFFSET 1469598103934665603ull
#define FNV_PRIME 1099511628211ull

struct fuzz_env {
    uint64_t hash;
    size_t count;
};

static void fuzz_mix(struct fuzz_env *e, const char *s)
{
    size_t i, n = strlen(s) + 1;   /* the NUL separates key from value */

    for (i = 0; i < n; i++) {
        e->hash ^= (unsigned char)s[i];
        e->hash *= FNV_PRIME;
    }
}

static bool fuzz_assign(const char *key, const char *value, void *ctx)
{
    struct fuzz_env *e = ctx;
    size_t i;

    if (key == NULL || value == NULL || key[0] == '\0')
        abort();
    for (i = 0; key[i] != '\0'; i++)
        if (!((key[i] >= 'A' && key[i] <= 'Z') || (key[i] >= 'a' && key[i] <= 'z') ||
              (key[i] >= '0' && key[i] <= '9') || key[i] == '_'))
            abort();
    fuzz_mix(e, key);
    fuzz_mix(e, value);
    e->count++;
    return true;
}

static enum cv_status fuzz_parse(const char *text, size_t len, struct fuzz_env *e,
                                 struct cv_error *err)
{
    memset(e, 0, sizeof(*e));
    e->hash = FNV_OFFSET;
    cv_error_clear(err);
    return cv_env_file_parse(text, len, fuzz_assign, e, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size > 0 ? size : 1);
    struct fuzz_env a, b;
    struct cv_error ea, eb;
    enum cv_status sa, sb;

    if (copy == NULL)
        return 0;
    if (size > 0)
        memcpy(copy, data, size);
    sa = fuzz_parse(copy, size, &a, &ea);
    sb = fuzz_parse(copy, size, &b, &eb);
    if (sa != sb || a.hash != b.hash || a.count != b.count)
        abort();
    if (sa != CV_OK && (ea.status != sa || strcmp(ea.message, eb.message) != 0 ||
                        (sa == CV_ERR_CONFIG && strncmp(ea.message, "line ", 5) != 0)))
        abort();
    if (sa != CV_OK && sa != CV_ERR_CONFIG && sa != CV_ERR_TOO_LARGE)
        abort();
    free(copy);
    return 0;
}
