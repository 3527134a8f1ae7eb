/*
 * llm_cache.h - the Redis cache of LLM answers, keyed by a hash of the
 * whole request (llm_cache_key in llm.h), and the one reference from each
 * analysis to the entry it used, so that deleting the analysis deletes the
 * answer too: an answer quotes and rewrites the CV it was asked about.
 *
 * Redis keys (redis_keys.h): CV_KEY_LLM_CACHE_PREFIX + sha256 hex (the
 * answer's JSON) and CV_KEY_LLM_CACHE_REF_PREFIX + analysis id (the sha256
 * hex), both expiring after the TTL given. Written by cv-worker's jobs;
 * cv-api's deletions of an analysis or an account forget them. Thread
 * safety follows the struct cv_redis passed in (one per thread).
 */
#ifndef CV_LLM_CACHE_H
#define CV_LLM_CACHE_H

#include <stdbool.h>

#include "cv_status.h"
#include "redis_conn.h"

/* The cached answer for key_hex: *json malloc'd (free it) and *found true,
 * or *found false. A hit records that analysis_id uses the entry, for ttl_s
 * seconds. CV_ERR_UNAVAILABLE when Redis fails (treat as a miss). */
enum cv_status llm_cache_get(struct cv_redis *redis, const char *key_hex,
                             const char *analysis_id, long ttl_s, char **json, bool *found,
                             struct cv_error *err) CV_WARN_UNUSED;

/* Store json under key_hex and the reference from analysis_id, both for
 * ttl_s seconds, atomically. */
enum cv_status llm_cache_put(struct cv_redis *redis, const char *key_hex,
                             const char *analysis_id, const char *json, long ttl_s,
                             struct cv_error *err) CV_WARN_UNUSED;

/* Delete the entry analysis_id used, if any, and the reference; an entry
 * shared with another analysis goes too (that one keeps its own result).
 * Idempotent; CV_ERR_UNAVAILABLE when Redis fails. */
enum cv_status llm_cache_forget(struct cv_redis *redis, const char *analysis_id,
                                struct cv_error *err) CV_WARN_UNUSED;

#endif
