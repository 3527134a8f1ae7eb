/*
 * user_lock.c (src/users) - the Redis lease on one user document (see
 * user_lock.h).
 */
#include "user_lock.h"

#include <stdio.h>
#include <time.h>

#include <sodium.h>

#include "log.h"
#include "redis_conn.h"

static void pause_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0)
        ;
}

enum cv_status user_lock_take(struct cv_ctx *ctx, const char *user_id, struct user_lock *lock,
                              struct cv_error *err)
{
    unsigned char raw[USER_LOCK_TOKEN_BYTES];
    long polls;
    redisReply *rep;
    enum cv_status st;
    bool acquired;
    int n;

    n = snprintf(lock->key, sizeof(lock->key), "cv:lock:user:%s", user_id);
    if (n < 0 || (size_t)n >= sizeof(lock->key))
        return cv_error_set(err, CV_ERR_INTERNAL, "lock key too long");
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(lock->token, sizeof(lock->token), raw, sizeof(raw));
    for (polls = 0; polls <= USER_LOCK_WAIT_MS / USER_LOCK_POLL_MS; polls++) {
        if (polls > 0)
            pause_ms(USER_LOCK_POLL_MS);
        st = cv_redis_command(ctx->redis, false, &rep, err, "SET %s %s NX PX %ld", lock->key,
                              lock->token, USER_LOCK_TTL_MS);
        if (st != CV_OK)
            return st;
        if (rep->type == REDIS_REPLY_ERROR) {
            st = cv_error_set(err, CV_ERR_UNAVAILABLE, "SET NX %s: %s", lock->key, rep->str);
            freeReplyObject(rep);
            return st;
        }
        acquired = rep->type == REDIS_REPLY_STATUS;
        freeReplyObject(rep);
        if (acquired)
            return CV_OK;
    }
    return cv_error_set(err, CV_ERR_UNAVAILABLE, "%s still held after %ld ms", lock->key,
                        USER_LOCK_WAIT_MS);
}

void user_lock_release(struct cv_ctx *ctx, const struct user_lock *lock)
{
    static const char script[] =
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
        "return 0";
    struct cv_error err;
    redisReply *rep;

    cv_error_clear(&err);
    if (cv_redis_command(ctx->redis, true, &rep, &err, "EVAL %s 1 %s %s", script, lock->key,
                         lock->token) == CV_OK)
        freeReplyObject(rep);
    else
        cv_log(CV_LOG_WARN, ctx->request_id, "releasing %s: %s (it expires by itself)",
               lock->key, err.message);
}
