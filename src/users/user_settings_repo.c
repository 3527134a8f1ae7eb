/*
 * user_settings_repo.c (src/users) - the user_settings collection (see
 * user_settings_repo.h).
 */
#include "user_settings_repo.h"

#include <string.h>

#include "bson_util.h"
#include "timefmt.h"
#include "user_cache.h"
#include "user_repo.h"

#define USER_SETTINGS "user_settings"

static bool id_filter(bson_t *filter, const char *user_id)
{
    bson_oid_t oid;

    if (!cv_oid_parse(user_id, strlen(user_id), &oid))
        return false;
    BSON_APPEND_OID(filter, "_id", &oid);
    return true;
}

enum cv_status user_settings_get(struct cv_ctx *ctx, const char *user_id,
                                 struct user_settings *out, struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER, doc;
    enum cv_status st;

    memset(out, 0, sizeof(*out));
    if (!id_filter(&filter, user_id)) {
        bson_destroy(&filter);
        return CV_OK;   /* no such user: the defaults */
    }
    st = db_find_one(ctx->mongo, ctx->cfg->mongodb_db, USER_SETTINGS, &filter, NULL, &doc, err,
                     "user settings");
    if (st == CV_OK)
        out->notify_email = bson_get_bool(&doc, "notifications.email");
    bson_destroy(&doc);
    bson_destroy(&filter);
    if (st == CV_ERR_NOT_FOUND) {
        cv_error_clear(err);
        st = CV_OK;
    }
    return st;
}

enum cv_status user_settings_put(struct cv_ctx *ctx, const char *user_id,
                                 const struct user_settings *s, struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER, doc = BSON_INITIALIZER, notif, opts = BSON_INITIALIZER;
    mongoc_collection_t *coll;
    bson_error_t berr;
    enum cv_status st = CV_OK;

    if (!id_filter(&filter, user_id)) {
        bson_destroy(&filter);
        return cv_error_set(err, CV_ERR_NOT_FOUND, "no such user");
    }
    BSON_APPEND_DOCUMENT_BEGIN(&doc, "notifications", &notif);
    BSON_APPEND_BOOL(&notif, "email", s->notify_email);
    bson_append_document_end(&doc, &notif);
    BSON_APPEND_DATE_TIME(&doc, "updatedAt", cv_time_now_ms());
    BSON_APPEND_BOOL(&opts, "upsert", true);
    coll = mongoc_client_get_collection(ctx->mongo, ctx->cfg->mongodb_db, USER_SETTINGS);
    if (!mongoc_collection_replace_one(coll, &filter, &doc, &opts, NULL, &berr)) {
        /* Two first-time upserts at once: one inserts, the other collides
         * on _id; replacing again now finds the document. */
        if (berr.code == MONGO_DUPLICATE_KEY &&
            mongoc_collection_replace_one(coll, &filter, &doc, &opts, NULL, &berr))
            st = CV_OK;
        else
            st = db_write_error(&berr, CV_OK, err, "store user settings");
    }
    mongoc_collection_destroy(coll);
    user_cache_invalidate(ctx, user_id);
    bson_destroy(&opts);
    bson_destroy(&doc);
    bson_destroy(&filter);
    return st;
}

enum cv_status user_settings_delete(struct cv_ctx *ctx, const char *user_id,
                                    struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER;
    mongoc_collection_t *coll;
    bson_error_t berr;
    enum cv_status st = CV_OK;

    if (!id_filter(&filter, user_id)) {
        bson_destroy(&filter);
        return CV_OK;
    }
    coll = mongoc_client_get_collection(ctx->mongo, ctx->cfg->mongodb_db, USER_SETTINGS);
    if (!mongoc_collection_delete_one(coll, &filter, NULL, NULL, &berr))
        st = db_write_error(&berr, CV_OK, err, "delete user settings");
    mongoc_collection_destroy(coll);
    user_cache_invalidate(ctx, user_id);
    bson_destroy(&filter);
    return st;
}
