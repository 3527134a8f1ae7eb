/*
 * lease.c - expiring locks on Redis keys (see lease.h).
 */
#include "lease.h"

#include <sodium.h>

#include "clock.h"

/* KEYS[1] the lease, ARGV[1] the owner, ARGV[2] the TTL in ms: take it
 * unless another owner holds it (SET NX PX); 1 when it is ours. */
static const char lease_acquire_script[] =
    "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end "
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end return 0";
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
    /* Safe to send again on a fresh connection (the script finds a lease
     * its first sending took as its own), so a connection Redis dropped
     * while idle costs no 503. */
    st = cv_redis_command(redis, true, &rep, err, "EVAL %s 1 %s %s %ld", lease_acquire_script, key,
                          owner, ttl_ms);
    if (st != CV_OK)
        return st;
    if (rep->type == REDIS_REPLY_ERROR)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "acquiring %s: %s", key, rep->str);
    else
        *acquired = rep->type == REDIS_REPLY_INTEGER && rep->integer == 1;
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

void cv_lease_owner_new(char owner[CV_LEASE_OWNER_MAX])
{
    unsigned char raw[(CV_LEASE_OWNER_MAX - 1) / 2];

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(owner, CV_LEASE_OWNER_MAX, raw, sizeof(raw));
}

enum cv_status cv_lease_acquire_wait(struct cv_redis *redis, const char *key, const char *owner,
                                     long ttl_ms, long wait_ms, bool *acquired,
                                     struct cv_error *err)
{
    long polls;
    enum cv_status st;

    for (polls = 0; polls <= wait_ms / CV_LEASE_POLL_MS; polls++) {
        if (polls > 0)
            cv_sleep_ms(CV_LEASE_POLL_MS);
        st = cv_lease_acquire(redis, key, owner, ttl_ms, acquired, err);
        if (st != CV_OK || *acquired)
            return st;
    }
    return CV_OK;
}
