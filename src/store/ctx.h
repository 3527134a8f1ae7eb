/*
 * ctx.h - what a core operation runs with: the configuration, this
 * thread's MongoDB client and Redis connection, and the id of the request
 * or job that caused it (for logs).
 *
 * Built by the caller (a responder thread per request, a worker per job)
 * and passed first to core services. Never shared between threads; the
 * pointers are borrowed for the duration of the call.
 */
#ifndef CV_CTX_H
#define CV_CTX_H

#include <mongoc/mongoc.h>

#include "config.h"
#include "redis_conn.h"

struct cv_ctx {
    const struct cv_config *cfg;
    mongoc_client_t *mongo;
    struct cv_redis *redis;
    const char *request_id;     /* may be NULL */
};

#endif
