/*
 * bson_util.c - BSON path readers and driver error mapping (see
 * bson_util.h).
 */
#include "bson_util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* The element at a dotted path, if present. */
static bool doc_find(const bson_t *doc, const char *path, bson_iter_t *sub)
{
    bson_iter_t it;

    return bson_iter_init(&it, doc) && bson_iter_find_descendant(&it, path, sub);
}

void bson_get_utf8(const bson_t *doc, const char *path, char *out, size_t size)
{
    bson_iter_t sub;
    uint32_t len;
    const char *s;

    out[0] = '\0';
    if (!doc_find(doc, path, &sub) || !BSON_ITER_HOLDS_UTF8(&sub))
        return;
    s = bson_iter_utf8(&sub, &len);
    if (len < size) {
        memcpy(out, s, len);
        out[len] = '\0';
    }
}

char *bson_dup_utf8(const bson_t *doc, const char *path)
{
    bson_iter_t sub;
    uint32_t len;
    const char *s;

    if (!doc_find(doc, path, &sub) || !BSON_ITER_HOLDS_UTF8(&sub))
        return NULL;
    s = bson_iter_utf8(&sub, &len);
    return strndup(s, len);
}

int64_t bson_get_date(const bson_t *doc, const char *path)
{
    bson_iter_t sub;

    return doc_find(doc, path, &sub) && BSON_ITER_HOLDS_DATE_TIME(&sub)
               ? bson_iter_date_time(&sub) : 0;
}

int64_t bson_get_int(const bson_t *doc, const char *path)
{
    bson_iter_t sub;

    return doc_find(doc, path, &sub) && (BSON_ITER_HOLDS_INT32(&sub) ||
                                         BSON_ITER_HOLDS_INT64(&sub) ||
                                         BSON_ITER_HOLDS_DOUBLE(&sub))
               ? bson_iter_as_int64(&sub) : 0;
}

bool bson_get_bool(const bson_t *doc, const char *path)
{
    bson_iter_t sub;

    return doc_find(doc, path, &sub) && BSON_ITER_HOLDS_BOOL(&sub) && bson_iter_bool(&sub);
}

void bson_get_oid_hex(const bson_t *doc, const char *path, char out[25])
{
    bson_iter_t sub;

    out[0] = '\0';
    if (doc_find(doc, path, &sub) && BSON_ITER_HOLDS_OID(&sub))
        bson_oid_to_string(bson_iter_oid(&sub), out);
}

enum cv_status db_write_error(const bson_error_t *berr, enum cv_status dup,
                              struct cv_error *err, const char *what)
{
    if (berr->code == MONGO_DUPLICATE_KEY && dup != CV_OK)
        return cv_error_set(err, dup, "duplicate");
    return cv_error_set(err, CV_ERR_UNAVAILABLE, "%s: %s", what, berr->message);
}

enum cv_status db_ensure_index(mongoc_client_t *client, const char *db, const char *collection,
                               const char *name, const bson_t *keys, bool unique, int *ready,
                               struct cv_error *err)
{
    bson_t cmd = BSON_INITIALIZER, indexes, index;
    bson_error_t berr;
    bool ok;

    if (__atomic_load_n(ready, __ATOMIC_ACQUIRE))
        return CV_OK;
    BSON_APPEND_UTF8(&cmd, "createIndexes", collection);
    BSON_APPEND_ARRAY_BEGIN(&cmd, "indexes", &indexes);
    BSON_APPEND_DOCUMENT_BEGIN(&indexes, "0", &index);
    BSON_APPEND_DOCUMENT(&index, "key", keys);
    BSON_APPEND_UTF8(&index, "name", name);
    if (unique)
        BSON_APPEND_BOOL(&index, "unique", true);
    bson_append_document_end(&indexes, &index);
    bson_append_array_end(&cmd, &indexes);
    ok = mongoc_client_write_command_with_opts(client, db, &cmd, NULL, NULL, &berr);
    bson_destroy(&cmd);
    if (!ok)
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "createIndexes %s.%s: %s", collection, name,
                            berr.message);
    __atomic_store_n(ready, 1, __ATOMIC_RELEASE);
    return CV_OK;
}

enum cv_status db_update_one(mongoc_client_t *client, const char *db, const char *collection,
                             const bson_t *filter, const bson_t *update, int64_t *matched,
                             int64_t *modified, struct cv_error *err, const char *what)
{
    mongoc_collection_t *coll = mongoc_client_get_collection(client, db, collection);
    bson_error_t berr;
    bson_t reply;
    enum cv_status st = CV_OK;

    if (!mongoc_collection_update_one(coll, filter, update, NULL, &reply, &berr)) {
        st = db_write_error(&berr, CV_OK, err, what);
    } else {
        if (matched != NULL)
            *matched = bson_get_int(&reply, "matchedCount");
        if (modified != NULL)
            *modified = bson_get_int(&reply, "modifiedCount");
    }
    bson_destroy(&reply);
    mongoc_collection_destroy(coll);
    return st;
}

enum cv_status db_find_one(mongoc_client_t *client, const char *db, const char *collection,
                           const bson_t *filter, const bson_t *opts, bson_t *out,
                           struct cv_error *err, const char *what)
{
    mongoc_collection_t *coll = mongoc_client_get_collection(client, db, collection);
    bson_t all = BSON_INITIALIZER;
    mongoc_cursor_t *cur;
    const bson_t *doc;
    bson_error_t berr;
    enum cv_status st;

    if (opts != NULL)
        bson_copy_to_excluding_noinit(opts, &all, "limit", NULL);
    BSON_APPEND_INT64(&all, "limit", 1);
    cur = mongoc_collection_find_with_opts(coll, filter, &all, NULL);
    if (mongoc_cursor_next(cur, &doc)) {
        bson_copy_to(doc, out);
        st = CV_OK;
    } else {
        bson_init(out);
        st = mongoc_cursor_error(cur, &berr)
                 ? cv_error_set(err, CV_ERR_UNAVAILABLE, "find %s: %s", what, berr.message)
                 : cv_error_set(err, CV_ERR_NOT_FOUND, "no such %s", what);
    }
    mongoc_cursor_destroy(cur);
    mongoc_collection_destroy(coll);
    bson_destroy(&all);
    return st;
}

/* The JSON value of the element at it; containers recurse up to depth. */
static json_object *bson_value_json(const bson_iter_t *it, int depth);

/* The elements under it (a document or an array) into a new container. */
static json_object *bson_container_json(const bson_iter_t *it, bool array, int depth)
{
    json_object *out = array ? json_object_new_array() : json_object_new_object();
    bson_iter_t child;

    if (out == NULL || !bson_iter_recurse(it, &child))
        return out;
    while (bson_iter_next(&child)) {
        json_object *v = bson_value_json(&child, depth + 1);
        int rc = array ? json_object_array_add(out, v)
                       : json_object_object_add(out, bson_iter_key(&child), v);
        if (rc != 0) {
            json_object_put(v);
            json_object_put(out);
            return NULL;
        }
    }
    return out;
}

static json_object *bson_value_json(const bson_iter_t *it, int depth)
{
    uint32_t len;
    const char *s;

    switch (bson_iter_type(it)) {
    case BSON_TYPE_DOCUMENT:
        return depth <= BSON_JSON_MAX_DEPTH ? bson_container_json(it, false, depth) : NULL;
    case BSON_TYPE_ARRAY:
        return depth <= BSON_JSON_MAX_DEPTH ? bson_container_json(it, true, depth) : NULL;
    case BSON_TYPE_UTF8:
        s = bson_iter_utf8(it, &len);
        return len <= INT_MAX ? json_object_new_string_len(s, (int)len) : NULL;
    case BSON_TYPE_INT32:
        return json_object_new_int64(bson_iter_int32(it));
    case BSON_TYPE_INT64:
        return json_object_new_int64(bson_iter_int64(it));
    case BSON_TYPE_DOUBLE:
        return json_object_new_double(bson_iter_double(it));
    case BSON_TYPE_BOOL:
        return json_object_new_boolean(bson_iter_bool(it));
    default:
        return NULL;
    }
}

json_object *bson_get_json(const bson_t *doc, const char *path)
{
    bson_iter_t it, sub;

    if (!bson_iter_init(&it, doc) || !bson_iter_find_descendant(&it, path, &sub))
        return NULL;
    if (BSON_ITER_HOLDS_DOCUMENT(&sub))
        return bson_container_json(&sub, false, 1);
    if (BSON_ITER_HOLDS_ARRAY(&sub))
        return bson_container_json(&sub, true, 1);
    return NULL;
}
