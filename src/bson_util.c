/*
 * bson_util.c - BSON path readers and driver error mapping (see
 * bson_util.h).
 */
#include "bson_util.h"

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
