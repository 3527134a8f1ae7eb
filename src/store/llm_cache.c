/*
 * llm_cache.c - the Redis cache of LLM answers and its per-analysis
 * references (see llm_cache.h). Each operation is one Lua script, so an
 * entry never exists without the reference that lets a deletion find it.
 */
#include "llm_cache.h"

#include <stdlib.h>
#include <string.h>

#include "redis_keys.h"

/* Check a script's reply and free it; when json is given, a string
 * reply is copied into it (*json NULL otherwise). */
static enum cv_status cache_reply(redisReply *rep, char **json, struct cv_error *err)
{
    enum cv_status st = CV_OK;

    if (rep->type == REDIS_REPLY_ERROR) {
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "LLM cache: %s", rep->str);
    } else if (json != NULL && rep->type == REDIS_REPLY_STRING) {
        *json = strndup(rep->str, rep->len);
        if (*json == NULL)
            st = cv_error_set(err, CV_ERR_NOMEM, "out of memory");
    }
    freeReplyObject(rep);
    return st;
}

enum cv_status llm_cache_get(struct cv_redis *redis, const char *key_hex,
                             const char *analysis_id, long ttl_s, char **json, bool *found,
                             struct cv_error *err)
{
    static const char script[] =
        "local v = redis.call('GET', KEYS[1]) "
        "if v then redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2]) end return v";
    redisReply *rep;
    enum cv_status st;

    *json = NULL;
    st = cv_redis_command(redis, true, &rep, err, "EVAL %s 2 " CV_KEY_LLM_CACHE_PREFIX "%s "
                          CV_KEY_LLM_CACHE_REF_PREFIX "%s %s %ld", script, key_hex, analysis_id,
                          key_hex, ttl_s);
    if (st == CV_OK)
        st = cache_reply(rep, json, err);
    *found = *json != NULL;
    return st;
}

enum cv_status llm_cache_put(struct cv_redis *redis, const char *key_hex,
                             const char *analysis_id, const char *json, long ttl_s,
                             struct cv_error *err)
{
    static const char script[] =
        "redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3]) "
        "redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3]) return 1";
    redisReply *rep;
    enum cv_status st;

    st = cv_redis_command(redis, true, &rep, err, "EVAL %s 2 " CV_KEY_LLM_CACHE_PREFIX "%s "
                          CV_KEY_LLM_CACHE_REF_PREFIX "%s %s %s %ld", script, key_hex, analysis_id,
                          json, key_hex, ttl_s);
    return st == CV_OK ? cache_reply(rep, NULL, err) : st;
}

enum cv_status llm_cache_forget(struct cv_redis *redis, const char *analysis_id,
                                struct cv_error *err)
{
    static const char script[] =
        "local k = redis.call('GET', KEYS[1]) "
        "if k then redis.call('DEL', ARGV[1] .. k) end "
        "return redis.call('DEL', KEYS[1])";
    redisReply *rep;
    enum cv_status st;

    st = cv_redis_command(redis, true, &rep, err, "EVAL %s 1 " CV_KEY_LLM_CACHE_REF_PREFIX "%s %s",
                          script, analysis_id, CV_KEY_LLM_CACHE_PREFIX);
    return st == CV_OK ? cache_reply(rep, NULL, err) : st;
}
