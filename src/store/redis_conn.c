/*
 * redis_conn.c - self-healing Redis connection (see redis_conn.h).
 */
#include "redis_conn.h"

#include <stdarg.h>
#include <string.h>

#include "cv_limits.h"
#include "log.h"

void cv_redis_init(struct cv_redis *r, const struct cv_config *cfg)
{
    r->cfg = cfg;
    r->ctx = NULL;
}

void cv_redis_close(struct cv_redis *r)
{
    if (r->ctx != NULL)
        redisFree(r->ctx);
    r->ctx = NULL;
}

static struct timeval ms_to_tv(long ms)
{
    struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
    return tv;
}

/* Send AUTH/SELECT as the URL asks; false (and err set) on any failure. */
static bool redis_handshake(struct cv_redis *r, struct cv_error *err)
{
    const struct cv_config *cfg = r->cfg;
    redisReply *rep;

    if (cfg->redis_password != NULL) {
        rep = redisCommand(r->ctx, "AUTH %s", cfg->redis_password);
        if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
            cv_error_set(err, CV_ERR_UNAVAILABLE, "redis AUTH refused");
            if (rep != NULL)
                freeReplyObject(rep);
            return false;
        }
        freeReplyObject(rep);
    }
    if (cfg->redis_db != 0) {
        rep = redisCommand(r->ctx, "SELECT %d", cfg->redis_db);
        if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
            cv_error_set(err, CV_ERR_UNAVAILABLE, "redis SELECT %d refused", cfg->redis_db);
            if (rep != NULL)
                freeReplyObject(rep);
            return false;
        }
        freeReplyObject(rep);
    }
    return true;
}

static enum cv_status redis_connect(struct cv_redis *r, struct cv_error *err)
{
    const struct cv_config *cfg = r->cfg;

    if (r->ctx != NULL)
        return CV_OK;
    if (cfg->redis_unix_path != NULL)
        r->ctx = redisConnectUnixWithTimeout(cfg->redis_unix_path,
                                             ms_to_tv(CV_REDIS_CONNECT_TIMEOUT_MS));
    else
        r->ctx = redisConnectWithTimeout(cfg->redis_host, cfg->redis_port,
                                         ms_to_tv(CV_REDIS_CONNECT_TIMEOUT_MS));
    if (r->ctx == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "redis: cannot allocate a context");
    if (r->ctx->err != 0) {
        cv_error_set(err, CV_ERR_UNAVAILABLE, "redis connect: %s", r->ctx->errstr);
        cv_redis_close(r);
        return CV_ERR_UNAVAILABLE;
    }
    if (redisSetTimeout(r->ctx, ms_to_tv(CV_REDIS_COMMAND_TIMEOUT_MS)) != REDIS_OK ||
        !redis_handshake(r, err)) {
        if (err != NULL && err->status == CV_OK)
            cv_error_set(err, CV_ERR_UNAVAILABLE, "redis: cannot set timeouts");
        cv_redis_close(r);
        return CV_ERR_UNAVAILABLE;
    }
    return CV_OK;
}

enum cv_status cv_redis_command(struct cv_redis *r, bool idempotent, redisReply **reply,
                                struct cv_error *err, const char *fmt, ...)
{
    int attempt;

    *reply = NULL;
    for (attempt = 0; attempt < 2; attempt++) {
        bool was_connected = r->ctx != NULL;
        va_list ap;
        void *rep;
        enum cv_status st;

        /* Its own status: err may be NULL, and is not read back. */
        st = redis_connect(r, err);
        if (st != CV_OK)
            return st;
        va_start(ap, fmt);
        rep = redisvCommand(r->ctx, fmt, ap);
        va_end(ap);
        if (rep != NULL) {
            *reply = rep;
            return CV_OK;
        }
        cv_error_set(err, CV_ERR_UNAVAILABLE, "redis: %s", r->ctx->errstr);
        cv_redis_close(r);
        /* Only a connection that was already open can have gone stale. */
        if (!idempotent || !was_connected)
            break;
    }
    return CV_ERR_UNAVAILABLE;
}

enum cv_status cv_redis_ping(struct cv_redis *r, struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;

    st = cv_redis_command(r, true, &rep, err, "PING");
    if (st != CV_OK)
        return st;
    if (rep->type != REDIS_REPLY_STATUS || strcmp(rep->str, "PONG") != 0)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "redis PING: unexpected reply");
    freeReplyObject(rep);
    return st;
}
