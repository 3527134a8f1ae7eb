/*
 * redis_keys.c - building Redis key names (see redis_keys.h).
 */
#include "redis_keys.h"

#include <stdio.h>

enum cv_status cv_redis_key(char *out, size_t size, const char *prefix, const char *id,
                            struct cv_error *err)
{
    int n = snprintf(out, size, "%s%s", prefix, id);

    if (n < 0 || (size_t)n >= size) {
        if (size > 0)
            out[0] = '\0';
        return cv_error_set(err, CV_ERR_INTERNAL, "Redis key %s... longer than %zu bytes",
                            prefix, size > 0 ? size - 1 : 0);
    }
    return CV_OK;
}
