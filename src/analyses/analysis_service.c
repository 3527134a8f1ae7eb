/*
 * analysis_service.c - analyses on the API side (see analysis_service.h).
 *
 * Upload order: take the quota (cheapest to undo), store the file, insert
 * the record, add the job, mark the record enqueued. A failure undoes the
 * steps before it in reverse. A crash between the record and the job
 * leaves a queued record never marked enqueued: the worker's sweep queues
 * it again (analysis_requeue_stranded), so nothing accepted is stranded.
 */
#include "analysis_service.h"

#include "analysis_repo.h"
#include "llm_cache.h"
#include "log.h"
#include "queue.h"
#include "quota.h"
#include "timefmt.h"

#define SWEEP_BATCH_MAX 100

/* Undo steps quietly: the first error is what the caller reports. */
static void undo_quota(struct cv_ctx *ctx, const struct quota_use *use)
{
    struct cv_error e;

    cv_error_clear(&e);
    if (quota_give_back(ctx, use, &e) != CV_OK)
        cv_log_error_detail(CV_LOG_ERROR, ctx->request_id, e.message,
                            "could not give quota use %s back", use->slot_id);
}

static void undo_file(struct cv_ctx *ctx, const char *key)
{
    struct cv_error e;

    cv_error_clear(&e);
    if (storage_delete(ctx->cfg, key, &e) != CV_OK)
        cv_log_error_detail(CV_LOG_ERROR, ctx->request_id, e.message,
                            "could not delete stored file %s", key);
}

static void undo_record(struct cv_ctx *ctx, const char *id, const char *user_id)
{
    char key[STORAGE_KEY_MAX];
    struct cv_error e;

    cv_error_clear(&e);
    if (analysis_repo_delete(ctx, id, user_id, key, &e) != CV_OK)
        cv_log_error_detail(CV_LOG_ERROR, ctx->request_id, e.message,
                            "could not delete analysis %s", id);
}

enum cv_status analysis_accept_upload(struct cv_ctx *ctx, const struct cv_user *user,
                                      struct storage_writer *w, const char *ext,
                                      struct analysis *a, struct cv_error *err)
{
    struct quota_use use;
    struct cv_error e;
    enum cv_status st;

    st = analysis_repo_ensure_schema(ctx, err);
    if (st == CV_OK)
        st = quota_take(ctx, user, cv_time_now_ms(), &use, err);
    if (st != CV_OK) {
        storage_writer_abort(w);
        return st;
    }
    storage_new_key(ext, a->file_key);
    st = storage_writer_commit(ctx->cfg, w, a->file_key, a->mime_type, err);
    storage_writer_abort(w);   /* no-op after a commit */
    if (st != CV_OK) {
        undo_quota(ctx, &use);
        return st;
    }
    st = analysis_repo_insert(ctx, a, err);
    if (st != CV_OK) {
        undo_file(ctx, a->file_key);
        undo_quota(ctx, &use);
        return st;
    }
    st = cv_queue_enqueue(ctx->redis, a->id, ctx->request_id, err);
    if (st != CV_OK) {
        undo_record(ctx, a->id, a->user_id);
        undo_file(ctx, a->file_key);
        undo_quota(ctx, &use);
        return st;
    }
    cv_error_clear(&e);
    if (analysis_repo_mark_enqueued(ctx, a->id, &e) != CV_OK)
        cv_log_error_detail(CV_LOG_WARN, ctx->request_id, e.message,
                            "analysis %s queued but not marked; the sweep will requeue it", a->id);
    cv_log(CV_LOG_INFO, ctx->request_id, "analysis %s accepted (%lld bytes, %s)", a->id,
           (long long)a->file_size, a->mime_type);
    return CV_OK;
}

/* Add the job and mark the record; the record is already queued. */
static enum cv_status enqueue_existing(struct cv_ctx *ctx, const char *id, struct cv_error *err)
{
    enum cv_status st = cv_queue_enqueue(ctx->redis, id, ctx->request_id, err);

    if (st != CV_OK)
        return st;   /* the sweep picks it up later */
    return analysis_repo_mark_enqueued(ctx, id, err);
}

enum cv_status analysis_retry(struct cv_ctx *ctx, const char *id, const char *user_id,
                              struct cv_error *err)
{
    enum cv_status st = analysis_repo_requeue_failed(ctx, id, user_id, err);

    if (st != CV_OK)
        return st;
    return enqueue_existing(ctx, id, err);
}

enum cv_status analysis_delete(struct cv_ctx *ctx, const char *id, const char *user_id,
                               struct cv_error *err)
{
    char key[STORAGE_KEY_MAX];
    enum cv_status st;

    st = analysis_repo_delete(ctx, id, user_id, key, err);
    if (st == CV_OK && key[0] != '\0')
        undo_file(ctx, key);   /* a left-over file is logged, not fatal */
    if (st == CV_OK) {
        struct cv_error e;

        /* The LLM answer quotes the CV: it goes with the analysis. */
        cv_error_clear(&e);
        if (llm_cache_forget(ctx->redis, id, &e) != CV_OK)
            cv_log_error_detail(CV_LOG_ERROR, ctx->request_id, e.message,
                                "could not forget the LLM answer of analysis %s", id);
    }
    return st;
}

enum cv_status analysis_requeue_stranded(struct cv_ctx *ctx, int64_t older_than_ms,
                                         size_t *requeued, struct cv_error *err)
{
    char ids[SWEEP_BATCH_MAX][USER_ID_HEX_LEN + 1];
    size_t n, i;
    enum cv_status st;

    *requeued = 0;
    st = analysis_repo_find_stranded(ctx, older_than_ms, ids, SWEEP_BATCH_MAX, &n, err);
    for (i = 0; st == CV_OK && i < n; i++) {
        st = enqueue_existing(ctx, ids[i], err);
        if (st == CV_OK) {
            (*requeued)++;
            cv_log(CV_LOG_WARN, ctx->request_id, "sweep: analysis %s was never queued; queued now",
                   ids[i]);
        }
    }
    return st;
}
