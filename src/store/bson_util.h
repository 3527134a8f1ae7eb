/*
 * bson_util.h - small readers of BSON documents by dotted path, and the
 * mapping of driver errors to our status, shared by the repositories.
 * Pure and thread safe.
 */
#ifndef CV_BSON_UTIL_H
#define CV_BSON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <mongoc/mongoc.h>

#include "cv_status.h"

#define MONGO_DUPLICATE_KEY 11000
/* Nesting followed by bson_get_json; deeper values become null. Stored
 * JSON (analysis results) is a few levels deep. */
#define BSON_JSON_MAX_DEPTH 32

/* Copy the UTF-8 string at path into out; "" when absent, not a string,
 * or longer than size - 1. */
void bson_get_utf8(const bson_t *doc, const char *path, char *out, size_t size);
/* A malloc'd copy of the string at path, or NULL. */
char *bson_dup_utf8(const bson_t *doc, const char *path);
/* Date at path in ms, 0 when absent. */
int64_t bson_get_date(const bson_t *doc, const char *path);
/* Number at path, 0 when absent. */
int64_t bson_get_int(const bson_t *doc, const char *path);
bool bson_get_bool(const bson_t *doc, const char *path);
/* The document or array at path as a new json-c value, built straight
 * from the BSON (no text in between); NULL (JSON null) when absent, null,
 * not a document or array, or out of memory. Strings, numbers, booleans
 * and nulls map to their JSON kinds; types JSON has no word for (dates,
 * ids, binary: never in documents written from JSON) and values past
 * BSON_JSON_MAX_DEPTH become null. Release with json_object_put. */
json_object *bson_get_json(const bson_t *doc, const char *path);
/* The ObjectId at path as 24 hex digits; "" when absent. */
void bson_get_oid_hex(const bson_t *doc, const char *path, char out[25]);

/* A failed driver call: duplicate key becomes `dup` when it is not CV_OK,
 * anything else CV_ERR_UNAVAILABLE with what and the driver's message. */
enum cv_status db_write_error(const bson_error_t *berr, enum cv_status dup,
                              struct cv_error *err, const char *what);

/*
 * Create one index on collection unless *ready says it was done: keys is
 * the key document ({"email": 1}). Idempotent on the server, so processes
 * racing at start all succeed; *ready is set (atomically) once it worked,
 * and a failure is retried by the next call. CV_ERR_UNAVAILABLE when the
 * database cannot be reached.
 */
enum cv_status db_ensure_index(mongoc_client_t *client, const char *db, const char *collection,
                               const char *name, const bson_t *keys, bool unique, int *ready,
                               struct cv_error *err) CV_WARN_UNUSED;

/*
 * The first document of collection matching filter (opts may add a
 * projection; the limit is ours), copied into *out. out is always
 * initialised on return: the caller bson_destroys it. CV_ERR_NOT_FOUND
 * ("no such <what>") when none matches, CV_ERR_UNAVAILABLE when the driver
 * fails.
 */
enum cv_status db_find_one(mongoc_client_t *client, const char *db, const char *collection,
                           const bson_t *filter, const bson_t *opts, bson_t *out,
                           struct cv_error *err, const char *what) CV_WARN_UNUSED;

/* update_one on collection; *matched and *modified when not NULL. */
enum cv_status db_update_one(mongoc_client_t *client, const char *db, const char *collection,
                             const bson_t *filter, const bson_t *update, int64_t *matched,
                             int64_t *modified, struct cv_error *err,
                             const char *what) CV_WARN_UNUSED;

#endif
