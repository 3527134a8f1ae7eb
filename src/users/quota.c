/*
 * quota.c - monthly quotas as unique slots (see quota.h).
 */
#include "quota.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bson_util.h"
#include "buf.h"
#include "log.h"
#include "plans.h"
#include "timefmt.h"
#include "user_cache.h"

#define SLOTS "usage_slots"

static mongoc_collection_t *slots(struct cv_ctx *ctx)
{
    return mongoc_client_get_collection(ctx->mongo, ctx->cfg->mongodb_db, SLOTS);
}

/* {userId, month} of a user's month. */
static void month_filter(bson_t *f, const char *user_id, int64_t month)
{
    BSON_APPEND_UTF8(f, "userId", user_id);
    BSON_APPEND_DATE_TIME(f, "month", month);
}

static enum cv_status count_uses(mongoc_collection_t *coll, const char *user_id, int64_t month,
                                 int *used, struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER;
    bson_error_t berr;
    int64_t n;

    month_filter(&filter, user_id, month);
    n = mongoc_collection_count_documents(coll, &filter, NULL, NULL, NULL, &berr);
    bson_destroy(&filter);
    if (n < 0)
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "count usage: %s", berr.message);
    *used = (int)n;
    return CV_OK;
}

/* Insert slot n; *taken false when it exists already. */
static enum cv_status insert_slot(mongoc_collection_t *coll, const char *user_id, int64_t month,
                                  int n, struct quota_use *use, bool *taken, struct cv_error *err)
{
    char ym[8];
    time_t secs = (time_t)(month / 1000);
    struct tm tm;
    bson_t doc = BSON_INITIALIZER;
    bson_error_t berr;
    enum cv_status st = CV_OK;

    if (gmtime_r(&secs, &tm) == NULL || strftime(ym, sizeof(ym), "%Y-%m", &tm) == 0 ||
        !cv_fmt(use->slot_id, sizeof(use->slot_id), "%s:%s:%d", user_id, ym, n))
        return cv_error_set(err, CV_ERR_INTERNAL, "usage slot id for %.32s, month %lld",
                            user_id, (long long)month);
    (void)snprintf(use->user_id, sizeof(use->user_id), "%s", user_id);
    BSON_APPEND_UTF8(&doc, "_id", use->slot_id);
    month_filter(&doc, user_id, month);
    BSON_APPEND_INT32(&doc, "n", n);
    BSON_APPEND_DATE_TIME(&doc, "createdAt", cv_time_now_ms());
    *taken = mongoc_collection_insert_one(coll, &doc, NULL, NULL, &berr);
    if (!*taken && berr.code != MONGO_DUPLICATE_KEY)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "take usage slot: %s", berr.message);
    bson_destroy(&doc);
    return st;
}

enum cv_status quota_take(struct cv_ctx *ctx, const struct cv_user *user, int64_t now_ms,
                          struct quota_use *use, struct cv_error *err)
{
    mongoc_collection_t *coll = slots(ctx);
    int64_t month = cv_time_month_start_ms(now_ms);
    int limit = cv_plan_limit(user->plan), used = 0, i, n;
    bool taken = false;
    enum cv_status st;

    /* Start after the slots counted; wrap round to fill a slot given back. */
    st = count_uses(coll, user->id, month, &used, err);
    for (i = 0; st == CV_OK && !taken && i < limit; i++) {
        n = (used + i) % limit + 1;
        st = insert_slot(coll, user->id, month, n, use, &taken, err);
    }
    mongoc_collection_destroy(coll);
    if (taken || st != CV_OK)   /* a slot inserted, or perhaps */
        user_cache_invalidate(ctx, user->id);
    if (st != CV_OK)
        return st;
    if (!taken)
        return cv_error_set(err, CV_ERR_QUOTA_EXCEEDED,
                            "the %s plan allows %d analyses per month and they are used; "
                            "upgrade or wait for next month", cv_plan_name(user->plan), limit);
    return CV_OK;
}

enum cv_status quota_give_back(struct cv_ctx *ctx, const struct quota_use *use,
                               struct cv_error *err)
{
    mongoc_collection_t *coll = slots(ctx);
    bson_t filter = BSON_INITIALIZER;
    bson_error_t berr;
    enum cv_status st = CV_OK;

    BSON_APPEND_UTF8(&filter, "_id", use->slot_id);
    if (!mongoc_collection_delete_one(coll, &filter, NULL, NULL, &berr))
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "give back usage slot: %s", berr.message);
    bson_destroy(&filter);
    mongoc_collection_destroy(coll);
    user_cache_invalidate(ctx, use->user_id);
    return st;
}

enum cv_status quota_usage(struct cv_ctx *ctx, const char *user_id, int64_t now_ms,
                           int64_t *month_ms, int *used, struct cv_error *err)
{
    mongoc_collection_t *coll = slots(ctx);
    enum cv_status st;

    *month_ms = cv_time_month_start_ms(now_ms);
    st = count_uses(coll, user_id, *month_ms, used, err);
    mongoc_collection_destroy(coll);
    return st;
}

enum cv_status quota_erase_user(struct cv_ctx *ctx, const char *user_id, struct cv_error *err)
{
    mongoc_collection_t *coll = slots(ctx);
    bson_t filter = BSON_INITIALIZER;
    bson_error_t berr;
    enum cv_status st = CV_OK;

    BSON_APPEND_UTF8(&filter, "userId", user_id);
    if (!mongoc_collection_delete_many(coll, &filter, NULL, NULL, &berr))
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "erase usage: %s", berr.message);
    bson_destroy(&filter);
    mongoc_collection_destroy(coll);
    user_cache_invalidate(ctx, user_id);
    return st;
}
