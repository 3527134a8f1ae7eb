/*
 * queue.c - job queue setup on Redis Streams (see queue.h).
 */
#include "queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lease.h"

enum cv_status cv_queue_ensure_group(struct cv_redis *redis, struct cv_error *err)
{
    static const char busy[] = "BUSYGROUP";
    redisReply *rep;
    enum cv_status st;

    st = cv_redis_command(redis, true, &rep, err, "XGROUP CREATE %s %s $ MKSTREAM",
                          CV_KEY_JOBS, CV_KEY_JOBS_GROUP);
    if (st != CV_OK)
        return st;
    /* BUSYGROUP: another process created it first, which is what we want. */
    if (rep->type == REDIS_REPLY_ERROR && strncmp(rep->str, busy, sizeof(busy) - 1) != 0)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "XGROUP CREATE: %s", rep->str);
    freeReplyObject(rep);
    return st;
}

static enum cv_status queue_count(struct cv_redis *redis, const char *cmd, const char *key,
                                  long long *out, struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;

    st = cv_redis_command(redis, true, &rep, err, "%s %s", cmd, key);
    if (st != CV_OK)
        return st;
    *out = rep->type == REDIS_REPLY_INTEGER ? rep->integer : 0;
    freeReplyObject(rep);
    return CV_OK;
}

enum cv_status cv_queue_stats(struct cv_redis *redis, struct queue_stats *out,
                              struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;

    memset(out, 0, sizeof(*out));
    if ((st = queue_count(redis, "XLEN", CV_KEY_JOBS, &out->depth, err)) != CV_OK ||
        (st = queue_count(redis, "ZCARD", CV_KEY_JOBS_DELAYED, &out->delayed, err)) != CV_OK ||
        (st = queue_count(redis, "XLEN", CV_KEY_JOBS_DEAD, &out->dead, err)) != CV_OK)
        return st;
    st = cv_redis_command(redis, true, &rep, err, "XPENDING %s %s", CV_KEY_JOBS,
                          CV_KEY_JOBS_GROUP);
    if (st != CV_OK)
        return st;
    /* Before the group exists XPENDING is an error reply: nothing pending. */
    if (rep->type == REDIS_REPLY_ARRAY && rep->elements > 0 &&
        rep->element[0]->type == REDIS_REPLY_INTEGER)
        out->pending = rep->element[0]->integer;
    freeReplyObject(rep);
    return CV_OK;
}

enum cv_status cv_queue_enqueue(struct cv_redis *redis, const char *analysis_id,
                                const char *request_id, struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;

    st = cv_redis_command(redis, false, &rep, err, "XADD %s * analysisId %s requestId %s",
                          CV_KEY_JOBS, analysis_id, request_id != NULL ? request_id : "");
    if (st != CV_OK)
        return st;
    if (rep->type != REDIS_REPLY_STRING)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "XADD: %s",
                          rep->type == REDIS_REPLY_ERROR ? rep->str : "unexpected reply");
    freeReplyObject(rep);
    return st;
}

/* Fill job from one stream entry [id, [field, value, ...]]. */
static bool job_from_entry(const redisReply *entry, struct queue_job *job)
{
    const redisReply *fields;
    size_t i;

    memset(job, 0, sizeof(*job));
    if (entry == NULL || entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 ||
        entry->element[0]->type != REDIS_REPLY_STRING)
        return false;
    /* A stream id is two 64-bit numbers and a dash: at most 41 bytes. */
    if (!cv_fmt(job->entry_id, sizeof(job->entry_id), "%s", entry->element[0]->str))
        return false;
    fields = entry->element[1];
    if (fields->type != REDIS_REPLY_ARRAY)
        return true;   /* a deleted entry: acknowledged and dropped by the caller */
    for (i = 0; i + 1 < fields->elements; i += 2) {
        const redisReply *k = fields->element[i], *v = fields->element[i + 1];
        char *dst = NULL;
        size_t size = 0;

        if (k->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING)
            continue;
        if (strcmp(k->str, "analysisId") == 0) {
            dst = job->analysis_id;
            size = sizeof(job->analysis_id);
        } else if (strcmp(k->str, "requestId") == 0) {
            dst = job->request_id;
            size = sizeof(job->request_id);
        }
        /* A value too long to be an id is dropped whole, never cut: a job
         * that names no analysis is acknowledged and dropped. */
        if (dst != NULL && !cv_fmt(dst, size, "%s", v->str))
            dst[0] = '\0';
    }
    return true;
}

enum cv_status cv_queue_read(struct cv_redis *redis, const char *consumer, long block_ms,
                             struct queue_job *job, bool *got, struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;

    *got = false;
    st = cv_redis_command(redis, false, &rep, err,
                          "XREADGROUP GROUP %s %s COUNT 1 BLOCK %ld STREAMS %s >",
                          CV_KEY_JOBS_GROUP, consumer, block_ms, CV_KEY_JOBS);
    if (st != CV_OK)
        return st;
    if (rep->type == REDIS_REPLY_ERROR) {
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "XREADGROUP: %s", rep->str);
    } else if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 1) {
        const redisReply *stream = rep->element[0];
        if (stream->type == REDIS_REPLY_ARRAY && stream->elements == 2 &&
            stream->element[1]->type == REDIS_REPLY_ARRAY && stream->element[1]->elements > 0)
            *got = job_from_entry(stream->element[1]->element[0], job);
    }
    freeReplyObject(rep);
    return st;
}

enum cv_status cv_queue_claim_stale(struct cv_redis *redis, const char *consumer,
                                    long min_idle_ms, struct queue_job *job, bool *got,
                                    struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;

    *got = false;
    st = cv_redis_command(redis, false, &rep, err, "XAUTOCLAIM %s %s %s %ld 0-0 COUNT 1",
                          CV_KEY_JOBS, CV_KEY_JOBS_GROUP, consumer, min_idle_ms);
    if (st != CV_OK)
        return st;
    if (rep->type == REDIS_REPLY_ERROR)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "XAUTOCLAIM: %s", rep->str);
    else if (rep->type == REDIS_REPLY_ARRAY && rep->elements >= 2 &&
             rep->element[1]->type == REDIS_REPLY_ARRAY && rep->element[1]->elements > 0)
        *got = job_from_entry(rep->element[1]->element[0], job);
    freeReplyObject(rep);
    return st;
}

/* One command whose reply only matters for errors. */
static enum cv_status simple(struct cv_redis *redis, bool idempotent, struct cv_error *err,
                             redisReply *rep_in, enum cv_status st, const char *what)
{
    (void)redis;
    (void)idempotent;
    if (st != CV_OK)
        return st;
    if (rep_in->type == REDIS_REPLY_ERROR)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "%s: %s", what, rep_in->str);
    freeReplyObject(rep_in);
    return st;
}

enum cv_status cv_queue_ack(struct cv_redis *redis, const struct queue_job *job,
                            struct cv_error *err)
{
    redisReply *rep = NULL;
    enum cv_status st = cv_redis_command(redis, true, &rep, err, "XACK %s %s %s",
                                         CV_KEY_JOBS, CV_KEY_JOBS_GROUP, job->entry_id);

    return simple(redis, true, err, rep, st, "XACK");
}

enum cv_status cv_queue_delay(struct cv_redis *redis, const struct queue_job *job, int64_t due_ms,
                              struct cv_error *err)
{
    redisReply *rep = NULL;
    enum cv_status st = cv_redis_command(redis, true, &rep, err, "ZADD %s %lld %s|%s",
                                         CV_KEY_JOBS_DELAYED, (long long)due_ms, job->analysis_id,
                                         job->request_id);

    return simple(redis, true, err, rep, st, "ZADD");
}

enum cv_status cv_queue_release_due(struct cv_redis *redis, int64_t now_ms, size_t *moved,
                                    struct cv_error *err)
{
    redisReply *due = NULL;
    enum cv_status st;
    size_t i;

    *moved = 0;
    st = cv_redis_command(redis, true, &due, err, "ZRANGEBYSCORE %s -inf %lld LIMIT 0 %d",
                          CV_KEY_JOBS_DELAYED, (long long)now_ms, CV_QUEUE_RELEASE_BATCH);
    if (st != CV_OK)
        return st;
    for (i = 0; st == CV_OK && due->type == REDIS_REPLY_ARRAY && i < due->elements; i++) {
        const char *member = due->element[i]->str;
        const char *bar = member != NULL ? strchr(member, '|') : NULL;
        redisReply *rem = NULL;
        char id[32];

        if (bar == NULL || (size_t)(bar - member) >= sizeof(id))
            continue;
        st = cv_redis_command(redis, false, &rem, err, "ZREM %s %s", CV_KEY_JOBS_DELAYED, member);
        if (st != CV_OK)
            break;
        if (rem->type == REDIS_REPLY_INTEGER && rem->integer == 1) {
            memcpy(id, member, (size_t)(bar - member));
            id[bar - member] = '\0';
            st = cv_queue_enqueue(redis, id, bar + 1, err);
            if (st == CV_OK)
                (*moved)++;
        }
        freeReplyObject(rem);
    }
    freeReplyObject(due);
    return st;
}

enum cv_status cv_queue_dead_letter(struct cv_redis *redis, const struct queue_job *job,
                                    const char *reason, struct cv_error *err)
{
    redisReply *rep = NULL;
    enum cv_status st = cv_redis_command(redis, false, &rep, err,
                                         "XADD %s MAXLEN ~ %d * analysisId %s requestId %s reason %s",
                                         CV_KEY_JOBS_DEAD, CV_QUEUE_DEAD_MAXLEN, job->analysis_id,
                                         job->request_id, reason);

    return simple(redis, false, err, rep, st, "XADD dead letter");
}

/* The analysis's lease key; CV_ERR_INTERNAL for an id too long to be one. */
static enum cv_status lease_key(const char *analysis_id, char key[CV_REDIS_KEY_MAX_BYTES],
                                struct cv_error *err)
{
    return cv_redis_key(key, CV_REDIS_KEY_MAX_BYTES, CV_KEY_ANALYSIS_LEASE_PREFIX, analysis_id,
                        err);
}

enum cv_status cv_queue_lock(struct cv_redis *redis, const char *analysis_id, const char *owner,
                             long lease_ms, bool *acquired, struct cv_error *err)
{
    char key[CV_REDIS_KEY_MAX_BYTES];
    enum cv_status st;

    *acquired = false;
    st = lease_key(analysis_id, key, err);
    return st != CV_OK ? st : cv_lease_acquire(redis, key, owner, lease_ms, acquired, err);
}

void cv_queue_unlock(struct cv_redis *redis, const char *analysis_id, const char *owner)
{
    char key[CV_REDIS_KEY_MAX_BYTES];
    struct cv_error err;

    cv_error_clear(&err);
    if (lease_key(analysis_id, key, &err) == CV_OK)
        (void)cv_lease_release(redis, key, owner, &err);   /* else it expires by itself */
}

enum cv_status cv_queue_heartbeat(struct cv_redis *redis, const struct queue_job *job,
                                  const char *owner, long lease_ms, bool *held,
                                  struct cv_error *err)
{
    char key[CV_REDIS_KEY_MAX_BYTES];
    redisReply *rep;
    enum cv_status st;

    *held = false;
    st = lease_key(job->analysis_id, key, err);
    if (st == CV_OK)
        st = cv_lease_extend(redis, key, owner, lease_ms, held, err);
    if (st != CV_OK || !*held)
        return st;
    st = cv_redis_command(redis, true, &rep, err, "XCLAIM %s %s %s 0 %s JUSTID", CV_KEY_JOBS,
                          CV_KEY_JOBS_GROUP, owner, job->entry_id);
    if (st != CV_OK)
        return st;
    if (rep->type == REDIS_REPLY_ERROR)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "XCLAIM: %s", rep->str);
    freeReplyObject(rep);
    return st;
}
