/*
 * user_lock.c (src/users) - the Redis lease on one user document (see
 * user_lock.h), a lease.h lease polled until it is had.
 */
#include "user_lock.h"

#include <sodium.h>

#include "clock.h"
#include "lease.h"
#include "log.h"
#include "redis_keys.h"

enum cv_status user_lock_take(struct cv_ctx *ctx, const char *user_id, struct user_lock *lock,
                              struct cv_error *err)
{
    unsigned char raw[USER_LOCK_TOKEN_BYTES];
    long polls;
    enum cv_status st;
    bool acquired;

    st = cv_redis_key(lock->key, sizeof(lock->key), CV_KEY_USER_LOCK_PREFIX, user_id, err);
    if (st != CV_OK)
        return st;
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(lock->token, sizeof(lock->token), raw, sizeof(raw));
    for (polls = 0; polls <= USER_LOCK_WAIT_MS / USER_LOCK_POLL_MS; polls++) {
        if (polls > 0)
            cv_sleep_ms(USER_LOCK_POLL_MS);
        st = cv_lease_acquire(ctx->redis, lock->key, lock->token, USER_LOCK_TTL_MS, &acquired,
                              err);
        if (st != CV_OK || acquired)
            return st;
    }
    return cv_error_set(err, CV_ERR_UNAVAILABLE, "%s still held after %ld ms", lock->key,
                        USER_LOCK_WAIT_MS);
}

void user_lock_release(struct cv_ctx *ctx, const struct user_lock *lock)
{
    struct cv_error err;

    cv_error_clear(&err);
    if (cv_lease_release(ctx->redis, lock->key, lock->token, &err) != CV_OK)
        cv_log(CV_LOG_WARN, ctx->request_id, "releasing %s: %s (it expires by itself)",
               lock->key, err.message);
}
