/*
 * lease.c - expiring locks on Redis keys (see lease.h).
 */
#include "lease.h"

/* KEYS[1] the lease, ARGV[1] the owner: delete it only if still ours. */
static const char lease_release_script[] =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
    "return 0";
/* KEYS[1] the lease, ARGV[1] the owner, ARGV[2] the TTL in ms. */
static const char lease_extend_script[] =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

enum cv_status cv_lease_acquire(struct cv_redis *redis, const char *key, const char *owner,
                                long ttl_ms, bool *acquired, struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;

    *acquired = false;
    /* Not idempotent: a SET NX resent after a lost reply finds its own
     * lease and reports it as someone else's. */
    st = cv_redis_command(redis, false, &rep, err, "SET %s %s NX PX %ld", key, owner, ttl_ms);
    if (st != CV_OK)
        return st;
    if (rep->type == REDIS_REPLY_ERROR)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "SET NX %s: %s", key, rep->str);
    else
        *acquired = rep->type == REDIS_REPLY_STATUS;
    freeReplyObject(rep);
    return st;
}

enum cv_status cv_lease_release(struct cv_redis *redis, const char *key, const char *owner,
                                struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;

    st = cv_redis_command(redis, true, &rep, err, "EVAL %s 1 %s %s", lease_release_script, key,
                          owner);
    if (st != CV_OK)
        return st;
    if (rep->type == REDIS_REPLY_ERROR)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "releasing %s: %s", key, rep->str);
    freeReplyObject(rep);
    return st;
}

enum cv_status cv_lease_extend(struct cv_redis *redis, const char *key, const char *owner,
                               long ttl_ms, bool *held, struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;

    *held = false;
    st = cv_redis_command(redis, true, &rep, err, "EVAL %s 1 %s %s %ld", lease_extend_script,
                          key, owner, ttl_ms);
    if (st != CV_OK)
        return st;
    if (rep->type == REDIS_REPLY_ERROR)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "extending %s: %s", key, rep->str);
    else
        *held = rep->type == REDIS_REPLY_INTEGER && rep->integer == 1;
    freeReplyObject(rep);
    return st;
}
