/*
 * analysis_service.h - what happens to an analysis on the API side:
 * accepting an upload (quota, storage, record, job), retrying, deleting,
 * and erasing all of a user's analyses. Each operation either completes or
 * leaves nothing half-done behind (see each function).
 *
 * Thread safety follows ctx.
 */
#ifndef CV_ANALYSIS_SERVICE_H
#define CV_ANALYSIS_SERVICE_H

#include "analysis.h"
#include "ctx.h"
#include "cv_status.h"
#include "storage.h"
#include "user_repo.h"

/*
 * Accept an upload written to w (not committed yet). a carries the file
 * metadata (file_name, file_size, mime_type, file_sha256), the options,
 * user_id and request_id; ext is the stored file's extension.
 * On success one use of the quota is taken, the file is stored under a
 * new key, a queued record exists (a->id) and its job is in the stream.
 * On failure none of these remain (CV_ERR_QUOTA_EXCEEDED,
 * CV_ERR_UNAVAILABLE, ...). w is finished either way.
 */
enum cv_status analysis_accept_upload(struct cv_ctx *ctx, const struct cv_user *user,
                                      struct storage_writer *w, const char *ext,
                                      struct analysis *a, struct cv_error *err) CV_WARN_UNUSED;

/* Queue a failed analysis again (no quota taken). CV_ERR_NOT_FOUND,
 * CV_ERR_CONFLICT when it is not failed, CV_ERR_UNAVAILABLE. */
enum cv_status analysis_retry(struct cv_ctx *ctx, const char *id, const char *user_id,
                              struct cv_error *err) CV_WARN_UNUSED;

/* Delete one analysis and its file (the quota is not given back). */
enum cv_status analysis_delete(struct cv_ctx *ctx, const char *id, const char *user_id,
                               struct cv_error *err) CV_WARN_UNUSED;

/* Queue again the records a crash left unqueued (older than
 * older_than_ms); *requeued says how many. Used by the worker's sweep. */
enum cv_status analysis_requeue_stranded(struct cv_ctx *ctx, int64_t older_than_ms,
                                         size_t *requeued, struct cv_error *err) CV_WARN_UNUSED;

#endif
