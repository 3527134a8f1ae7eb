/*
 * analysis_repo.c - the analyses collection (see analysis_repo.h).
 */
#include "analysis_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bson_util.h"
#include "timefmt.h"

#define ANALYSES "analyses"

static int schema_ready;

static mongoc_collection_t *analyses(struct cv_ctx *ctx)
{
    return mongoc_client_get_collection(ctx->mongo, ctx->cfg->mongodb_db, ANALYSES);
}

enum cv_status analysis_repo_ensure_schema(struct cv_ctx *ctx, struct cv_error *err)
{
    bson_t keys = BSON_INITIALIZER;
    enum cv_status st;

    BSON_APPEND_INT32(&keys, "userId", 1);
    BSON_APPEND_INT32(&keys, "createdAt", -1);
    st = db_ensure_index(ctx->mongo, ctx->cfg->mongodb_db, ANALYSES, "user_created", &keys, false,
                         &schema_ready, err);
    bson_destroy(&keys);
    return st;
}

static void append_oid_hex(bson_t *b, const char *name, const char *hex)
{
    bson_oid_t oid;

    if (cv_oid_parse(hex, strlen(hex), &oid))
        BSON_APPEND_OID(b, name, &oid);
}

static void append_str_or_null(bson_t *b, const char *name, const char *s)
{
    if (s != NULL)
        BSON_APPEND_UTF8(b, name, s);
    else
        BSON_APPEND_NULL(b, name);
}

static void analysis_from_bson(const bson_t *doc, struct analysis *a)
{
    char status[16];

    memset(a, 0, sizeof(*a));
    bson_get_oid_hex(doc, "_id", a->id);
    bson_get_oid_hex(doc, "userId", a->user_id);
    bson_get_utf8(doc, "status", status, sizeof(status));
    if (!analysis_status_parse(status, &a->status))
        a->status = ANALYSIS_QUEUED;
    bson_get_utf8(doc, "fileName", a->file_name, sizeof(a->file_name));
    a->file_size = bson_get_int(doc, "fileSize");
    bson_get_utf8(doc, "mimeType", a->mime_type, sizeof(a->mime_type));
    bson_get_utf8(doc, "fileKey", a->file_key, sizeof(a->file_key));
    bson_get_utf8(doc, "fileSha256", a->file_sha256, sizeof(a->file_sha256));
    bson_get_utf8(doc, "fileStorage", a->file_storage, sizeof(a->file_storage));
    a->options.job_description = bson_dup_utf8(doc, "options.jobDescription");
    a->options.target_role = bson_dup_utf8(doc, "options.targetRole");
    a->options.optimize = bson_get_bool(doc, "options.optimize");
    bson_get_utf8(doc, "options.language", a->options.language, sizeof(a->options.language));
    a->attempts = (int)bson_get_int(doc, "attempts");
    bson_get_utf8(doc, "error", a->error, sizeof(a->error));
    a->result = bson_get_json(doc, "result");
    a->analyzer = bson_get_json(doc, "analyzer");
    a->optimized_version = bson_dup_utf8(doc, "optimizedVersion");
    a->original_text = bson_dup_utf8(doc, "originalText");
    bson_get_utf8(doc, "requestId", a->request_id, sizeof(a->request_id));
    a->created_at_ms = bson_get_date(doc, "createdAt");
    a->updated_at_ms = bson_get_date(doc, "updatedAt");
    a->started_at_ms = bson_get_date(doc, "startedAt");
    a->completed_at_ms = bson_get_date(doc, "completedAt");
}

enum cv_status analysis_repo_insert(struct cv_ctx *ctx, struct analysis *a, struct cv_error *err)
{
    bson_t doc = BSON_INITIALIZER, opts;
    mongoc_collection_t *coll;
    bson_error_t berr;
    bson_oid_t oid;
    int64_t now = cv_time_now_ms();
    enum cv_status st = CV_OK;

    bson_oid_init(&oid, NULL);
    a->status = ANALYSIS_QUEUED;
    a->created_at_ms = a->updated_at_ms = now;
    BSON_APPEND_OID(&doc, "_id", &oid);
    append_oid_hex(&doc, "userId", a->user_id);
    BSON_APPEND_UTF8(&doc, "status", analysis_status_name(a->status));
    BSON_APPEND_UTF8(&doc, "fileName", a->file_name);
    BSON_APPEND_INT64(&doc, "fileSize", a->file_size);
    BSON_APPEND_UTF8(&doc, "mimeType", a->mime_type);
    BSON_APPEND_UTF8(&doc, "fileKey", a->file_key);
    BSON_APPEND_UTF8(&doc, "fileSha256", a->file_sha256);
    /* The upload was committed to the configured backend. */
    (void)snprintf(a->file_storage, sizeof(a->file_storage), "%s",
                   storage_kind_name(ctx->cfg->storage));
    BSON_APPEND_UTF8(&doc, "fileStorage", a->file_storage);
    BSON_APPEND_DOCUMENT_BEGIN(&doc, "options", &opts);
    append_str_or_null(&opts, "jobDescription", a->options.job_description);
    append_str_or_null(&opts, "targetRole", a->options.target_role);
    BSON_APPEND_BOOL(&opts, "optimize", a->options.optimize);
    append_str_or_null(&opts, "language", a->options.language[0] ? a->options.language : NULL);
    bson_append_document_end(&doc, &opts);
    BSON_APPEND_INT32(&doc, "attempts", 0);
    BSON_APPEND_NULL(&doc, "error");
    BSON_APPEND_NULL(&doc, "result");
    BSON_APPEND_NULL(&doc, "optimizedVersion");
    BSON_APPEND_NULL(&doc, "originalText");
    BSON_APPEND_NULL(&doc, "analyzer");
    BSON_APPEND_UTF8(&doc, "requestId", a->request_id);
    BSON_APPEND_DATE_TIME(&doc, "createdAt", now);
    BSON_APPEND_DATE_TIME(&doc, "updatedAt", now);
    BSON_APPEND_NULL(&doc, "startedAt");
    BSON_APPEND_NULL(&doc, "completedAt");
    coll = analyses(ctx);
    if (!mongoc_collection_insert_one(coll, &doc, NULL, NULL, &berr))
        st = db_write_error(&berr, CV_OK, err, "insert analysis");
    else
        bson_oid_to_string(&oid, a->id);
    mongoc_collection_destroy(coll);
    bson_destroy(&doc);
    return st;
}

/* {_id: id[, userId: user_id]}; false for a malformed id. */
static bool filter_for(bson_t *filter, const char *id, const char *user_id)
{
    bson_oid_t oid, uid;

    if (!cv_oid_parse(id, strlen(id), &oid))
        return false;
    BSON_APPEND_OID(filter, "_id", &oid);
    if (user_id != NULL) {
        if (!cv_oid_parse(user_id, strlen(user_id), &uid))
            return false;
        BSON_APPEND_OID(filter, "userId", &uid);
    }
    return true;
}

enum cv_status analysis_repo_get(struct cv_ctx *ctx, const char *id, const char *user_id,
                                 bool with_text, struct analysis *a, struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER, opts = BSON_INITIALIZER, proj, doc;
    enum cv_status st;

    memset(a, 0, sizeof(*a));
    if (!filter_for(&filter, id, user_id)) {
        bson_destroy(&filter);
        bson_destroy(&opts);
        return cv_error_set(err, CV_ERR_NOT_FOUND, "no such analysis");
    }
    if (!with_text) {
        BSON_APPEND_DOCUMENT_BEGIN(&opts, "projection", &proj);
        BSON_APPEND_INT32(&proj, "originalText", 0);
        bson_append_document_end(&opts, &proj);
    }
    st = db_find_one(ctx->mongo, ctx->cfg->mongodb_db, ANALYSES, &filter, &opts, &doc, err,
                     "analysis");
    if (st == CV_OK)
        analysis_from_bson(&doc, a);
    bson_destroy(&doc);
    bson_destroy(&filter);
    bson_destroy(&opts);
    return st;
}

enum cv_status analysis_repo_list(struct cv_ctx *ctx, const char *user_id, const char *status,
                                  int64_t page, int64_t limit, struct analysis **items,
                                  size_t *count, int64_t *total, struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER, opts = BSON_INITIALIZER, sort, proj;
    mongoc_collection_t *coll;
    mongoc_cursor_t *cur;
    const bson_t *doc;
    bson_error_t berr;
    bson_oid_t uid;
    enum cv_status st = CV_OK;
    int64_t n;

    *items = NULL;
    *count = 0;
    *total = 0;
    if (limit < 1 || limit > ANALYSIS_LIST_MAX_LIMIT || page < 1 ||
        !cv_oid_parse(user_id, strlen(user_id), &uid)) {
        bson_destroy(&filter);
        bson_destroy(&opts);
        return cv_error_set(err, CV_ERR_INTERNAL, "list: bad arguments");
    }
    BSON_APPEND_OID(&filter, "userId", &uid);
    if (status != NULL)
        BSON_APPEND_UTF8(&filter, "status", status);
    coll = analyses(ctx);
    BSON_APPEND_DOCUMENT_BEGIN(&opts, "sort", &sort);
    BSON_APPEND_INT32(&sort, "createdAt", -1);
    BSON_APPEND_INT32(&sort, "_id", -1);
    bson_append_document_end(&opts, &sort);
    BSON_APPEND_DOCUMENT_BEGIN(&opts, "projection", &proj);
    BSON_APPEND_INT32(&proj, "originalText", 0);
    bson_append_document_end(&opts, &proj);
    BSON_APPEND_INT64(&opts, "skip", (page - 1) * limit);
    BSON_APPEND_INT64(&opts, "limit", limit);
    *items = calloc((size_t)limit, sizeof(**items));
    if (*items == NULL) {
        st = cv_error_set(err, CV_ERR_NOMEM, "out of memory");
        goto done;
    }
    cur = mongoc_collection_find_with_opts(coll, &filter, &opts, NULL);
    while (*count < (size_t)limit && mongoc_cursor_next(cur, &doc))
        analysis_from_bson(doc, &(*items)[(*count)++]);
    if (mongoc_cursor_error(cur, &berr))
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "list analyses: %s", berr.message);
    mongoc_cursor_destroy(cur);
    if (st != CV_OK)
        goto done;
    /* A short page that is the first or holds items is the last one: it
     * says the total, and the count (a second scan) is not needed. */
    if (*count < (size_t)limit && (*count > 0 || page == 1)) {
        *total = (page - 1) * limit + (int64_t)*count;
        goto done;
    }
    n = mongoc_collection_count_documents(coll, &filter, NULL, NULL, NULL, &berr);
    if (n < 0)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "count analyses: %s", berr.message);
    else
        *total = n;
done:
    if (st != CV_OK && *items != NULL) {
        size_t i;
        for (i = 0; i < *count; i++)
            analysis_free(&(*items)[i]);
        free(*items);
        *items = NULL;
        *count = 0;
    }
    mongoc_collection_destroy(coll);
    bson_destroy(&filter);
    bson_destroy(&opts);
    return st;
}

enum cv_status analysis_repo_delete(struct cv_ctx *ctx, const char *id, const char *user_id,
                                    char *key_out, char *storage_out, struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER, reply;
    mongoc_find_and_modify_opts_t *fam;
    mongoc_collection_t *coll;
    bson_error_t berr;
    enum cv_status st = CV_OK;

    key_out[0] = '\0';
    storage_out[0] = '\0';
    if (!filter_for(&filter, id, user_id)) {
        bson_destroy(&filter);
        return cv_error_set(err, CV_ERR_NOT_FOUND, "no such analysis");
    }
    fam = mongoc_find_and_modify_opts_new();
    mongoc_find_and_modify_opts_set_flags(fam, MONGOC_FIND_AND_MODIFY_REMOVE);
    coll = analyses(ctx);
    if (!mongoc_collection_find_and_modify_with_opts(coll, &filter, fam, &reply, &berr)) {
        st = db_write_error(&berr, CV_OK, err, "delete analysis");
    } else {
        bson_iter_t it, value;
        if (bson_iter_init_find(&it, &reply, "value") && BSON_ITER_HOLDS_DOCUMENT(&it) &&
            bson_iter_recurse(&it, &value) && bson_iter_find(&value, "fileKey") &&
            BSON_ITER_HOLDS_UTF8(&value)) {
            uint32_t len;
            const char *k = bson_iter_utf8(&value, &len);
            if (len < STORAGE_KEY_MAX)
                memcpy(key_out, k, len + 1);
            if (bson_iter_recurse(&it, &value) && bson_iter_find(&value, "fileStorage") &&
                BSON_ITER_HOLDS_UTF8(&value)) {
                k = bson_iter_utf8(&value, &len);
                if (len < STORAGE_KIND_NAME_MAX)
                    memcpy(storage_out, k, len + 1);
            }
        } else {
            st = cv_error_set(err, CV_ERR_NOT_FOUND, "no such analysis");
        }
    }
    bson_destroy(&reply);
    mongoc_collection_destroy(coll);
    mongoc_find_and_modify_opts_destroy(fam);
    bson_destroy(&filter);
    return st;
}

enum cv_status analysis_repo_delete_all(struct cv_ctx *ctx, const char *user_id,
                                        enum cv_status (*on_record)(struct cv_ctx *ctx,
                                                                    const char *id,
                                                                    const char *key,
                                                                    const char *storage,
                                                                    struct cv_error *err),
                                        struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER, opts = BSON_INITIALIZER, proj;
    mongoc_collection_t *coll;
    mongoc_cursor_t *cur;
    const bson_t *doc;
    bson_error_t berr;
    bson_oid_t uid;
    enum cv_status st = CV_OK;

    if (!cv_oid_parse(user_id, strlen(user_id), &uid)) {
        bson_destroy(&filter);
        bson_destroy(&opts);
        return CV_OK;
    }
    BSON_APPEND_OID(&filter, "userId", &uid);
    BSON_APPEND_DOCUMENT_BEGIN(&opts, "projection", &proj);
    BSON_APPEND_INT32(&proj, "fileKey", 1);
    BSON_APPEND_INT32(&proj, "fileStorage", 1);
    bson_append_document_end(&opts, &proj);
    coll = analyses(ctx);
    cur = mongoc_collection_find_with_opts(coll, &filter, &opts, NULL);
    while (st == CV_OK && mongoc_cursor_next(cur, &doc)) {
        char key[STORAGE_KEY_MAX], storage[STORAGE_KIND_NAME_MAX], id[USER_ID_HEX_LEN + 1];
        bson_iter_t it;

        bson_get_utf8(doc, "fileKey", key, sizeof(key));
        bson_get_utf8(doc, "fileStorage", storage, sizeof(storage));
        if (bson_iter_init_find(&it, doc, "_id") && BSON_ITER_HOLDS_OID(&it))
            bson_oid_to_string(bson_iter_oid(&it), id);
        else
            id[0] = '\0';
        st = on_record(ctx, id, key, storage, err);
    }
    if (st == CV_OK && mongoc_cursor_error(cur, &berr))
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "list for erasure: %s", berr.message);
    mongoc_cursor_destroy(cur);
    if (st == CV_OK && !mongoc_collection_delete_many(coll, &filter, NULL, NULL, &berr))
        st = db_write_error(&berr, CV_OK, err, "erase analyses");
    mongoc_collection_destroy(coll);
    bson_destroy(&filter);
    bson_destroy(&opts);
    return st;
}

/* update_one; *matched tells whether a document matched. */
static enum cv_status update_one(struct cv_ctx *ctx, const bson_t *filter, const bson_t *update,
                                 int64_t *matched, struct cv_error *err, const char *what)
{
    return db_update_one(ctx->mongo, ctx->cfg->mongodb_db, ANALYSES, filter, update, matched,
                         NULL, err, what);
}

enum cv_status analysis_repo_requeue_failed(struct cv_ctx *ctx, const char *id,
                                            const char *user_id, struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER, update = BSON_INITIALIZER, set;
    int64_t matched = 0;
    enum cv_status st;

    if (!filter_for(&filter, id, user_id)) {
        bson_destroy(&filter);
        bson_destroy(&update);
        return cv_error_set(err, CV_ERR_NOT_FOUND, "no such analysis");
    }
    BSON_APPEND_UTF8(&filter, "status", "failed");
    BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &set);
    BSON_APPEND_UTF8(&set, "status", "queued");
    BSON_APPEND_NULL(&set, "error");
    BSON_APPEND_NULL(&set, "startedAt");
    BSON_APPEND_NULL(&set, "completedAt");
    BSON_APPEND_INT32(&set, "attempts", 0);
    BSON_APPEND_DATE_TIME(&set, "updatedAt", cv_time_now_ms());
    bson_append_document_end(&update, &set);
    st = update_one(ctx, &filter, &update, &matched, err, "requeue analysis");
    bson_destroy(&filter);
    bson_destroy(&update);
    if (st == CV_OK && matched == 0) {
        struct analysis a;
        st = analysis_repo_get(ctx, id, user_id, false, &a, err);
        analysis_free(&a);
        if (st == CV_OK)
            st = cv_error_set(err, CV_ERR_CONFLICT, "only a failed analysis can be retried");
    }
    return st;
}

/* Ids of the records matching filter (taken) in _id order after after_id
 * (NULL or "": from the first), at most max of them. */
static enum cv_status find_ids_after(struct cv_ctx *ctx, bson_t *filter, const char *after_id,
                                     char (*ids)[USER_ID_HEX_LEN + 1], size_t max,
                                     size_t *count, struct cv_error *err, const char *what)
{
    bson_t opts = BSON_INITIALIZER, gt, proj, sort;
    bson_oid_t after;
    mongoc_collection_t *coll;
    mongoc_cursor_t *cur;
    const bson_t *doc;
    bson_error_t berr;
    enum cv_status st = CV_OK;

    *count = 0;
    if (after_id != NULL && cv_oid_parse(after_id, strlen(after_id), &after)) {
        BSON_APPEND_DOCUMENT_BEGIN(filter, "_id", &gt);
        BSON_APPEND_OID(&gt, "$gt", &after);
        bson_append_document_end(filter, &gt);
    }
    BSON_APPEND_DOCUMENT_BEGIN(&opts, "projection", &proj);
    BSON_APPEND_INT32(&proj, "_id", 1);
    bson_append_document_end(&opts, &proj);
    BSON_APPEND_DOCUMENT_BEGIN(&opts, "sort", &sort);
    BSON_APPEND_INT32(&sort, "_id", 1);
    bson_append_document_end(&opts, &sort);
    BSON_APPEND_INT64(&opts, "limit", (int64_t)max);
    coll = analyses(ctx);
    cur = mongoc_collection_find_with_opts(coll, filter, &opts, NULL);
    while (*count < max && mongoc_cursor_next(cur, &doc))
        bson_get_oid_hex(doc, "_id", ids[(*count)++]);
    if (mongoc_cursor_error(cur, &berr))
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "%s: %s", what, berr.message);
    mongoc_cursor_destroy(cur);
    mongoc_collection_destroy(coll);
    bson_destroy(filter);
    bson_destroy(&opts);
    return st;
}

enum cv_status analysis_repo_find_stranded(struct cv_ctx *ctx, int64_t older_than_ms,
                                           const char *after_id,
                                           char (*ids)[USER_ID_HEX_LEN + 1], size_t max,
                                           size_t *count, struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER, lt;

    BSON_APPEND_UTF8(&filter, "status", "queued");
    BSON_APPEND_DOCUMENT_BEGIN(&filter, "createdAt", &lt);
    BSON_APPEND_DATE_TIME(&lt, "$lt", older_than_ms);
    bson_append_document_end(&filter, &lt);
    return find_ids_after(ctx, &filter, after_id, ids, max, count, err, "find stranded");
}

enum cv_status analysis_repo_scan_ids(struct cv_ctx *ctx, const char *after_id,
                                      char (*ids)[USER_ID_HEX_LEN + 1], size_t max,
                                      size_t *count, struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER;

    return find_ids_after(ctx, &filter, after_id, ids, max, count, err, "scan analyses");
}

enum cv_status analysis_repo_count_all(struct cv_ctx *ctx, int64_t *count, struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER;
    mongoc_collection_t *coll = analyses(ctx);
    bson_error_t berr;
    enum cv_status st = CV_OK;

    *count = mongoc_collection_count_documents(coll, &filter, NULL, NULL, NULL, &berr);
    if (*count < 0) {
        *count = 0;
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "count analyses: %s", berr.message);
    }
    mongoc_collection_destroy(coll);
    bson_destroy(&filter);
    return st;
}

/* $set of the given fields on one analysis (any owner), if it also
 * matches match (NULL: any state). CV_ERR_NOT_FOUND when nothing matched. */
static enum cv_status set_fields_if(struct cv_ctx *ctx, const char *id, const bson_t *match,
                                    const bson_t *set, struct cv_error *err, const char *what)
{
    bson_t filter = BSON_INITIALIZER, update = BSON_INITIALIZER;
    int64_t matched = 0;
    enum cv_status st;

    if (!filter_for(&filter, id, NULL)) {
        bson_destroy(&filter);
        bson_destroy(&update);
        return cv_error_set(err, CV_ERR_NOT_FOUND, "no such analysis");
    }
    if (match != NULL)
        bson_concat(&filter, match);
    BSON_APPEND_DOCUMENT(&update, "$set", set);
    st = update_one(ctx, &filter, &update, &matched, err, what);
    if (st == CV_OK && matched == 0)
        st = cv_error_set(err, CV_ERR_NOT_FOUND, "analysis %s is gone%s", id,
                          match != NULL ? " or changed" : "");
    bson_destroy(&filter);
    bson_destroy(&update);
    return st;
}

/* $set of status, the given fields and updatedAt (now) on one analysis
 * (any owner, any state). Takes set: destroyed on every path. */
static enum cv_status set_status(struct cv_ctx *ctx, const char *id, const char *status,
                                 bson_t *set, int64_t now, struct cv_error *err,
                                 const char *what)
{
    enum cv_status st;

    BSON_APPEND_UTF8(set, "status", status);
    BSON_APPEND_DATE_TIME(set, "updatedAt", now);
    st = set_fields_if(ctx, id, NULL, set, err, what);
    bson_destroy(set);
    return st;
}

enum cv_status analysis_repo_move_file(struct cv_ctx *ctx, const char *id, const char *key,
                                       const char *from, const char *to, const char *sha256,
                                       struct cv_error *err)
{
    bson_t match = BSON_INITIALIZER, set = BSON_INITIALIZER, absent;
    enum cv_status st;

    BSON_APPEND_UTF8(&match, "fileKey", key);
    if (from[0] != '\0') {
        BSON_APPEND_UTF8(&match, "fileStorage", from);
    } else {   /* a record from before fileStorage was written */
        BSON_APPEND_DOCUMENT_BEGIN(&match, "fileStorage", &absent);
        BSON_APPEND_BOOL(&absent, "$exists", false);
        bson_append_document_end(&match, &absent);
    }
    BSON_APPEND_UTF8(&set, "fileStorage", to);
    BSON_APPEND_UTF8(&set, "fileSha256", sha256);
    st = set_fields_if(ctx, id, &match, &set, err, "move analysis file");
    bson_destroy(&match);
    bson_destroy(&set);
    return st;
}

enum cv_status analysis_repo_start(struct cv_ctx *ctx, const char *id, int attempts,
                                   struct cv_error *err)
{
    bson_t set = BSON_INITIALIZER;
    int64_t now = cv_time_now_ms();

    BSON_APPEND_INT32(&set, "attempts", attempts);
    BSON_APPEND_DATE_TIME(&set, "startedAt", now);
    BSON_APPEND_NULL(&set, "completedAt");
    return set_status(ctx, id, "processing", &set, now, err, "start analysis");
}

/* Append a json-c object as a BSON sub-document. */
static bool append_json(bson_t *b, const char *name, json_object *obj)
{
    const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
    bson_error_t berr;
    bson_t *doc;

    if (s == NULL || (doc = bson_new_from_json((const uint8_t *)s, -1, &berr)) == NULL)
        return false;
    BSON_APPEND_DOCUMENT(b, name, doc);
    bson_destroy(doc);
    return true;
}

enum cv_status analysis_repo_complete(struct cv_ctx *ctx, const char *id, json_object *result,
                                      const char *optimized, const char *text,
                                      json_object *analyzer, struct cv_error *err)
{
    bson_t set = BSON_INITIALIZER;
    int64_t now = cv_time_now_ms();

    if (!append_json(&set, "result", result) || !append_json(&set, "analyzer", analyzer)) {
        bson_destroy(&set);
        return cv_error_set(err, CV_ERR_INTERNAL, "result is not storable JSON");
    }
    append_str_or_null(&set, "optimizedVersion", optimized);
    append_str_or_null(&set, "originalText", text);
    BSON_APPEND_NULL(&set, "error");
    BSON_APPEND_DATE_TIME(&set, "completedAt", now);
    return set_status(ctx, id, "completed", &set, now, err, "complete analysis");
}

enum cv_status analysis_repo_fail(struct cv_ctx *ctx, const char *id, const char *reason,
                                  struct cv_error *err)
{
    bson_t set = BSON_INITIALIZER;
    int64_t now = cv_time_now_ms();

    BSON_APPEND_UTF8(&set, "error", reason);
    BSON_APPEND_DATE_TIME(&set, "completedAt", now);
    return set_status(ctx, id, "failed", &set, now, err, "fail analysis");
}

enum cv_status analysis_repo_wait_retry(struct cv_ctx *ctx, const char *id, struct cv_error *err)
{
    bson_t set = BSON_INITIALIZER;

    return set_status(ctx, id, "queued", &set, cv_time_now_ms(), err, "requeue analysis");
}
