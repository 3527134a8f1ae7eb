/*
 * queue.c - job queue setup on Redis Streams (see queue.h).
 */
#include "queue.h"

#include <string.h>

enum cv_status cv_queue_ensure_group(struct cv_redis *redis, struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;

    st = cv_redis_command(redis, true, &rep, err, "XGROUP CREATE %s %s $ MKSTREAM",
                          CV_QUEUE_STREAM, CV_QUEUE_GROUP);
    if (st != CV_OK)
        return st;
    /* BUSYGROUP: another process created it first, which is what we want. */
    if (rep->type == REDIS_REPLY_ERROR && strncmp(rep->str, "BUSYGROUP", 9) != 0)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "XGROUP CREATE: %s", rep->str);
    freeReplyObject(rep);
    return st;
}

enum cv_status cv_queue_enqueue(struct cv_redis *redis, const char *analysis_id,
                                const char *request_id, struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;

    st = cv_redis_command(redis, false, &rep, err, "XADD %s * analysisId %s requestId %s",
                          CV_QUEUE_STREAM, analysis_id, request_id != NULL ? request_id : "");
    if (st != CV_OK)
        return st;
    if (rep->type != REDIS_REPLY_STRING)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "XADD: %s",
                          rep->type == REDIS_REPLY_ERROR ? rep->str : "unexpected reply");
    freeReplyObject(rep);
    return st;
}
