/*
 * analysis_repo.h - the analyses collection: every read and write of an
 * analysis record, each a single-document operation.
 *
 * Writers (the rule is in db.h: one writer per document at a time):
 *   - cv-api's upload inserts the record (nobody else knows its id until
 *     its job is in the stream) and never writes it again: "queued" is
 *     known from Redis (queue.h, CV_QUEUE_LIVE), not marked on the record.
 *   - cv-worker's job writes start, complete, fail and wait_retry while it
 *     holds the analysis lease (cv_queue_lock).
 *   - cv-api's retry writes failed -> queued under the same lease.
 *   - cv-admin's storage migration moves fileStorage (and fills a missing
 *     fileSha256) under the same lease (analysis_repo_move_file).
 *   - deletes (the user's, account erasure) remove the record at any time:
 *     an update never inserts, so a concurrent update cannot bring it back.
 * Index: {userId: 1, createdAt: -1} (lists, erasure). Every user-facing
 * call filters on userId too, so another user's analysis is simply not
 * found. Thread safety follows the mongoc client in ctx.
 */
#ifndef CV_ANALYSIS_REPO_H
#define CV_ANALYSIS_REPO_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis.h"
#include "ctx.h"
#include "cv_status.h"

#define ANALYSIS_LIST_MAX_LIMIT 100

/* Create the index (idempotent; once per process). */
enum cv_status analysis_repo_ensure_schema(struct cv_ctx *ctx, struct cv_error *err) CV_WARN_UNUSED;

/* Insert a queued record; fills a->id, created/updated times. */
enum cv_status analysis_repo_insert(struct cv_ctx *ctx, struct analysis *a,
                                    struct cv_error *err) CV_WARN_UNUSED;

/* Load one. user_id NULL means any owner (the worker). CV_ERR_NOT_FOUND
 * for a missing or malformed id, or another owner. with_text loads
 * originalText too. The caller releases a with analysis_free. */
enum cv_status analysis_repo_get(struct cv_ctx *ctx, const char *id, const char *user_id,
                                 bool with_text, struct analysis *a,
                                 struct cv_error *err) CV_WARN_UNUSED;

/* One page of a user's analyses, newest first, optionally one status;
 * items are loaded without originalText. *items is malloc'd (release each
 * with analysis_free, then free the array). *total counts every match; it
 * is taken from the page itself when the page is short (its last), and
 * counted by the database otherwise. */
enum cv_status analysis_repo_list(struct cv_ctx *ctx, const char *user_id, const char *status,
                                  int64_t page, int64_t limit, struct analysis **items,
                                  size_t *count, int64_t *total,
                                  struct cv_error *err) CV_WARN_UNUSED;

/* Delete one of the user's records (read and removed in one operation);
 * its file key is returned in key_out (STORAGE_KEY_MAX) and its
 * fileStorage in storage_out (STORAGE_KIND_NAME_MAX, "" when not
 * recorded) so the caller deletes the file where it is (storage_locate). */
enum cv_status analysis_repo_delete(struct cv_ctx *ctx, const char *id, const char *user_id,
                                    char *key_out, char *storage_out,
                                    struct cv_error *err) CV_WARN_UNUSED;

/* Delete every record of user_id; first calls on_record with each
 * record's id, file key ("" when it has none) and fileStorage ("" when
 * not recorded), and stops at its first failure, deleting nothing. */
enum cv_status analysis_repo_delete_all(struct cv_ctx *ctx, const char *user_id,
                                        enum cv_status (*on_record)(struct cv_ctx *ctx,
                                                                    const char *id,
                                                                    const char *key,
                                                                    const char *storage,
                                                                    struct cv_error *err),
                                        struct cv_error *err) CV_WARN_UNUSED;

/* failed -> queued for a retry (error and times cleared); the caller
 * holds the analysis lease and then adds the job. CV_ERR_CONFLICT when the
 * user's record exists but is not failed. */
enum cv_status analysis_repo_requeue_failed(struct cv_ctx *ctx, const char *id,
                                            const char *user_id,
                                            struct cv_error *err) CV_WARN_UNUSED;

/* Ids of queued records created before older_than_ms (the sweep asks
 * Redis which of them have no live job), in _id order after after_id (NULL
 * or "": from the first), at most max of them. */
enum cv_status analysis_repo_find_stranded(struct cv_ctx *ctx, int64_t older_than_ms,
                                           const char *after_id,
                                           char (*ids)[USER_ID_HEX_LEN + 1], size_t max,
                                           size_t *count, struct cv_error *err) CV_WARN_UNUSED;

/* Ids of every record, in _id order after after_id (NULL or "": from
 * the first), at most max of them (the storage migration's pages). */
enum cv_status analysis_repo_scan_ids(struct cv_ctx *ctx, const char *after_id,
                                      char (*ids)[USER_ID_HEX_LEN + 1], size_t max,
                                      size_t *count, struct cv_error *err) CV_WARN_UNUSED;

/* How many records there are. */
enum cv_status analysis_repo_count_all(struct cv_ctx *ctx, int64_t *count,
                                       struct cv_error *err) CV_WARN_UNUSED;

/* The file of record id, key, now lives in backend to ("local", "s3")
 * with this SHA-256: sets fileStorage and fileSha256, only while the
 * record still has that key in backend from ("" matches a record without
 * fileStorage). The caller holds the analysis lease. CV_ERR_NOT_FOUND
 * when no record matched (deleted meanwhile, or moved by someone else):
 * nothing was written then. */
enum cv_status analysis_repo_move_file(struct cv_ctx *ctx, const char *id, const char *key,
                                       const char *from, const char *to, const char *sha256,
                                       struct cv_error *err) CV_WARN_UNUSED;

/* Worker side (the caller holds the analysis lease, see queue.h). */

/* queued -> processing: startedAt now, attempts + 1 (returned). */
enum cv_status analysis_repo_start(struct cv_ctx *ctx, const char *id, int attempts,
                                   struct cv_error *err) CV_WARN_UNUSED;

/* -> completed with the result, the optimized version (may be NULL), the
 * extracted text and the analyzer's description. */
enum cv_status analysis_repo_complete(struct cv_ctx *ctx, const char *id, json_object *result,
                                      const char *optimized, const char *text,
                                      json_object *analyzer, struct cv_error *err) CV_WARN_UNUSED;

/* -> failed with a human-readable reason. */
enum cv_status analysis_repo_fail(struct cv_ctx *ctx, const char *id, const char *reason,
                                  struct cv_error *err) CV_WARN_UNUSED;

/* -> queued again for a later attempt (the job waits in the delayed set). */
enum cv_status analysis_repo_wait_retry(struct cv_ctx *ctx, const char *id,
                                        struct cv_error *err) CV_WARN_UNUSED;

#endif
