/*
 * readiness.c - dependency checks for /api/ready (see readiness.h).
 */
#include "readiness.h"

#include "db.h"
#include "log.h"
#include "storage.h"

static const char *ready_word(enum cv_status st, const struct cv_error *err,
                              const char *what, const char *request_id)
{
    if (st == CV_OK)
        return "ok";
    cv_log_error_detail(CV_LOG_WARN, request_id, err->message, "readiness: %s failed", what);
    return "unavailable";
}

void cv_ready_check(const struct cv_config *cfg, mongoc_client_t *mongo,
                    struct cv_redis *redis, const char *request_id,
                    struct cv_ready_report *report)
{
    struct cv_error err;
    enum cv_status st;

    cv_error_clear(&err);
    st = mongo != NULL ? cv_db_ping(mongo, cfg->mongodb_db, &err)
                       : cv_error_set(&err, CV_ERR_UNAVAILABLE, "no client");
    report->mongodb = ready_word(st, &err, "mongodb", request_id);
    report->ok = st == CV_OK;

    cv_error_clear(&err);
    st = cv_redis_ping(redis, &err);
    report->redis = ready_word(st, &err, "redis", request_id);
    report->ok = report->ok && st == CV_OK;

    cv_error_clear(&err);
    st = cv_storage_check(cfg, &err);
    report->storage = ready_word(st, &err, "storage", request_id);
    report->ok = report->ok && st == CV_OK;
}
