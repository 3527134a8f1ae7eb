/*
 * fuzz_query.c - arbitrary bytes as a URL query string: query_get for the
 * list's parameters (page, limit, status) into buffers of several sizes.
 * Must never crash or write past size; a found value is NUL-terminated
 * within size and holds no NUL, a malformed one is "" and found; a value
 * that fits a small buffer is the prefix-free equal of the same value read
 * into a large one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_QUERY_LARGE_BYTES 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *names[] = { "page", "limit", "status", "" };
    static const size_t sizes[] = { 1, 2, 8, 32 };
    char *qs = malloc(size + 1);
    size_t i, j;

    if (qs == NULL)
        return 0;
    if (size > 0)
        memcpy(qs, data, size);
    qs[size] = '\0';
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char large[FUZZ_QUERY_LARGE_BYTES];
        bool large_bad = false, large_found;

        large_found = query_get(qs, names[i], large, sizeof(large), &large_bad);
        if (large_found && strlen(large) >= sizeof(large))
            abort();
        if (large_bad && (!large_found || large[0] != '\0'))
            abort();
        for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
            /* exactly sized, so ASan sees a write past size */
            char *out = malloc(sizes[j]);
            bool bad = false, found;

            if (out == NULL)
                break;
            found = query_get(qs, names[i], out, sizes[j], &bad);
            if (found != large_found)
                abort();
            if (found) {
                if (memchr(out, '\0', sizes[j]) == NULL)
                    abort();
                if (bad && out[0] != '\0')
                    abort();
                if (!bad && (large_bad || strcmp(out, large) != 0))
                    abort();
            }
            free(out);
        }
    }
    free(qs);
    return 0;
}
