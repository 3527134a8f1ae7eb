/*
 * stripe_events_repo.c - the stripe_events collection (see
 * stripe_events_repo.h).
 */
#include "stripe_events_repo.h"

#include <string.h>

#include "bson_util.h"

#define STRIPE_EVENTS "stripe_events"
#define STRIPE_EVENT_STATUS_MAX_BYTES 16

static mongoc_collection_t *events(struct cv_ctx *ctx)
{
    return mongoc_client_get_collection(ctx->mongo, ctx->cfg->mongodb_db, STRIPE_EVENTS);
}

/* The status of an existing event document. A document that vanished
 * between the insert and this read (an operator's cleanup) counts as
 * received: applying again is safe, skipping might not be. */
static enum cv_status read_prior(mongoc_collection_t *coll, const char *event_id,
                                 enum stripe_event_prior *prior, struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER, opts = BSON_INITIALIZER;
    char status[STRIPE_EVENT_STATUS_MAX_BYTES];
    mongoc_cursor_t *cur;
    const bson_t *doc;
    bson_error_t berr;
    enum cv_status st = CV_OK;

    BSON_APPEND_UTF8(&filter, "_id", event_id);
    BSON_APPEND_INT64(&opts, "limit", 1);
    cur = mongoc_collection_find_with_opts(coll, &filter, &opts, NULL);
    *prior = STRIPE_EVENT_RECEIVED;
    if (mongoc_cursor_next(cur, &doc)) {
        bson_get_utf8(doc, "status", status, sizeof(status));
        if (strcmp(status, "processed") == 0)
            *prior = STRIPE_EVENT_PROCESSED;
    } else if (mongoc_cursor_error(cur, &berr)) {
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "find stripe event: %s", berr.message);
    }
    mongoc_cursor_destroy(cur);
    bson_destroy(&filter);
    bson_destroy(&opts);
    return st;
}

enum cv_status stripe_events_repo_record(struct cv_ctx *ctx, const char *event_id,
                                         const char *type, int64_t now_ms,
                                         enum stripe_event_prior *prior, struct cv_error *err)
{
    bson_t doc = BSON_INITIALIZER;
    mongoc_collection_t *coll;
    bson_error_t berr;
    enum cv_status st = CV_OK;

    *prior = STRIPE_EVENT_NEW;
    if (event_id == NULL || event_id[0] == '\0' || type == NULL || type[0] == '\0')
        return cv_error_set(err, CV_ERR_INTERNAL, "stripe event without id or type");
    BSON_APPEND_UTF8(&doc, "_id", event_id);
    BSON_APPEND_UTF8(&doc, "type", type);
    BSON_APPEND_UTF8(&doc, "status", "received");
    BSON_APPEND_DATE_TIME(&doc, "receivedAt", now_ms);
    BSON_APPEND_NULL(&doc, "processedAt");
    coll = events(ctx);
    if (!mongoc_collection_insert_one(coll, &doc, NULL, NULL, &berr)) {
        st = db_write_error(&berr, CV_ERR_CONFLICT, err, "insert stripe event");
        if (st == CV_ERR_CONFLICT) {
            cv_error_clear(err);
            st = read_prior(coll, event_id, prior, err);
        }
    }
    mongoc_collection_destroy(coll);
    bson_destroy(&doc);
    return st;
}

enum cv_status stripe_events_repo_mark_processed(struct cv_ctx *ctx, const char *event_id,
                                                 const struct stripe_event_outcome *outcome,
                                                 int64_t now_ms, struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER, update = BSON_INITIALIZER, set;
    mongoc_collection_t *coll = events(ctx);
    bson_error_t berr;
    enum cv_status st = CV_OK;

    BSON_APPEND_UTF8(&filter, "_id", event_id);
    BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &set);
    BSON_APPEND_UTF8(&set, "status", "processed");
    BSON_APPEND_DATE_TIME(&set, "processedAt", now_ms);
    if (outcome->user_id[0] != '\0') {
        BSON_APPEND_UTF8(&set, "userId", outcome->user_id);
        BSON_APPEND_UTF8(&set, "plan", cv_plan_name(outcome->plan));
        BSON_APPEND_DATE_TIME(&set, "appliedAt", outcome->applied_at_ms);
    }
    bson_append_document_end(&update, &set);
    if (!mongoc_collection_update_one(coll, &filter, &update, NULL, NULL, &berr))
        st = db_write_error(&berr, CV_OK, err, "mark stripe event processed");
    mongoc_collection_destroy(coll);
    bson_destroy(&filter);
    bson_destroy(&update);
    return st;
}
