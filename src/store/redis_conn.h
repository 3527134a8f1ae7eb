/*
 * redis_conn.h - one Redis connection, owned by one thread, that heals
 * itself: a broken connection is dropped and the next command connects
 * again, so a Redis restart costs at most the commands in flight.
 *
 * Connect and command times are bounded (cv_limits.h). Not thread safe: give
 * each thread its own struct cv_redis.
 */
#ifndef CV_REDIS_CONN_H
#define CV_REDIS_CONN_H

#include <stdbool.h>

#include <hiredis/hiredis.h>

#include "config.h"
#include "cv_status.h"

struct cv_redis {
    const struct cv_config *cfg;   /* borrowed, read-only */
    redisContext *ctx;             /* NULL while disconnected */
};

void cv_redis_init(struct cv_redis *r, const struct cv_config *cfg);
void cv_redis_close(struct cv_redis *r);

/*
 * Run one command (hiredis format string). On success *reply is the reply,
 * which the caller frees with freeReplyObject; a Redis error reply is
 * returned as a reply, not as a failure. CV_ERR_UNAVAILABLE when Redis
 * cannot be reached or the connection breaks; then the connection is
 * dropped. With idempotent, a command that failed on a connection that
 * broke while idle is sent once more on a fresh connection; never pass it
 * for a command that must not run twice (XADD, INCR).
 */
enum cv_status cv_redis_command(struct cv_redis *r, bool idempotent, redisReply **reply,
                                struct cv_error *err, const char *fmt, ...) CV_WARN_UNUSED;

/* PING; CV_OK only on +PONG. */
enum cv_status cv_redis_ping(struct cv_redis *r, struct cv_error *err) CV_WARN_UNUSED;

#endif
