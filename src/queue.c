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
