/*
 * readiness.h - the checks behind GET /api/ready: can this process reach
 * MongoDB, Redis and the file storage right now?
 *
 * Uses the caller's own client and connection (one per thread); safe to
 * call from many threads at once, each with its own.
 */
#ifndef CV_READINESS_H
#define CV_READINESS_H

#include <stdbool.h>

#include <mongoc/mongoc.h>

#include "config.h"
#include "redis_conn.h"

/* Each check is "ok" or a short public word; the detail goes to the log. */
struct cv_ready_report {
    bool ok;
    const char *mongodb;
    const char *redis;
    const char *storage;
};

void cv_ready_check(const struct cv_config *cfg, mongoc_client_t *mongo,
                    struct cv_redis *redis, const char *request_id,
                    struct cv_ready_report *report);

#endif
