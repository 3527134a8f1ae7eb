/*
 * analysis_service.c - analyses on the API side (see analysis_service.h).
 *
 * Upload order: take the quota (cheapest to undo), store the file, insert
 * the record, add the job. A failure undoes the steps before it in
 * reverse. Whether a record is queued is Redis's to know (CV_QUEUE_LIVE,
 * counted in the same script as the XADD), so the record is never written
 * again by the upload once its job exists: the worker is its one writer
 * from then on (analysis_repo.h). A crash between the record and the job
 * leaves a queued record with no live job: the worker's sweep queues it
 * again (analysis_requeue_stranded), so nothing accepted is stranded.
 */
#include "analysis_service.h"

#include <string.h>

#include "analysis_events.h"
#include "analysis_repo.h"
#include "lease.h"
#include "llm_cache.h"
#include "log.h"
#include "queue.h"
#include "quota.h"
#include "timefmt.h"

#define SWEEP_BATCH_MAX 100
/* Pages a sweep reads at most (the next sweep starts again from the first). */
#define SWEEP_PAGES_MAX 50
/* A retry holds the record's lease for one database write. */
#define ANALYSIS_RETRY_LEASE_MS 10000L
/* How long a retry waits for a worker to let go of the record. */
#define ANALYSIS_RETRY_WAIT_MS 2000L

/* Undo steps quietly: the first error is what the caller reports. */
static void undo_quota(struct cv_ctx *ctx, const struct quota_use *use)
{
    struct cv_error e;

    cv_error_clear(&e);
    if (quota_give_back(ctx, use, &e) != CV_OK)
        cv_log_error_detail(CV_LOG_ERROR, ctx->request_id, e.message,
                            "could not give quota use %s back", use->slot_id);
}

/* Delete a record's file where it is (storage is its fileStorage). */
static void undo_file(struct cv_ctx *ctx, const char *key, const char *storage)
{
    struct cv_error e;

    cv_error_clear(&e);
    if (storage_delete(ctx->cfg, storage_locate(ctx->cfg, storage, key), key, &e) != CV_OK)
        cv_log_error_detail(CV_LOG_ERROR, ctx->request_id, e.message,
                            "could not delete stored file %s", key);
}

static void undo_record(struct cv_ctx *ctx, const char *id, const char *user_id)
{
    char key[STORAGE_KEY_MAX], storage[STORAGE_KIND_NAME_MAX];
    struct cv_error e;

    cv_error_clear(&e);
    if (analysis_repo_delete(ctx, id, user_id, key, storage, &e) != CV_OK)
        cv_log_error_detail(CV_LOG_ERROR, ctx->request_id, e.message,
                            "could not delete analysis %s", id);
}

enum cv_status analysis_accept_upload(struct cv_ctx *ctx, const struct cv_user *user,
                                      struct storage_writer *w, const char *ext,
                                      struct analysis *a, struct cv_error *err)
{
    struct quota_use use;
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
        undo_file(ctx, a->file_key, storage_kind_name(ctx->cfg->storage));
        undo_quota(ctx, &use);
        return st;
    }
    analysis_events_publish(ctx, a);   /* before the job exists: events stay in order */
    st = cv_queue_enqueue(ctx->redis, a->id, ctx->request_id, err);
    if (st != CV_OK) {
        undo_record(ctx, a->id, a->user_id);
        undo_file(ctx, a->file_key, a->file_storage);
        undo_quota(ctx, &use);
        return st;
    }
    cv_log(CV_LOG_INFO, ctx->request_id, "analysis %s accepted (%lld bytes, %s)", a->id,
           (long long)a->file_size, a->mime_type);
    return CV_OK;
}

enum cv_status analysis_retry(struct cv_ctx *ctx, const char *id, const char *user_id,
                              struct cv_error *err)
{
    char owner[CV_LEASE_OWNER_MAX];
    enum cv_status st;
    bool acquired;

    /* failed -> queued is a write of the record: under its lease, like the
     * worker's, so the two can never overlap (a worker holding it on a
     * failed analysis is ending its job or dropping a duplicate: briefly). */
    cv_lease_owner_new(owner);
    st = cv_queue_lock_wait(ctx->redis, id, owner, ANALYSIS_RETRY_LEASE_MS,
                            ANALYSIS_RETRY_WAIT_MS, &acquired, err);
    if (st != CV_OK)
        return st;
    if (!acquired)
        return cv_error_set(err, CV_ERR_CONFLICT, "the analysis is being processed");
    st = analysis_repo_requeue_failed(ctx, id, user_id, err);
    cv_queue_unlock(ctx->redis, id, owner);
    if (st != CV_OK)
        return st;
    analysis_events_publish_id(ctx, id);   /* before the job exists: events stay in order */
    return cv_queue_enqueue(ctx->redis, id, ctx->request_id, err);   /* else: the sweep */
}

enum cv_status analysis_delete(struct cv_ctx *ctx, const char *id, const char *user_id,
                               struct cv_error *err)
{
    char key[STORAGE_KEY_MAX], storage[STORAGE_KIND_NAME_MAX];
    enum cv_status st;

    /* Read and removed at once: a storage migration switching the record
     * meanwhile either came first (the file is deleted where it moved to)
     * or finds the record gone and drops its copy (file_migration.c). */
    st = analysis_repo_delete(ctx, id, user_id, key, storage, err);
    if (st == CV_OK && key[0] != '\0')
        undo_file(ctx, key, storage);   /* a left-over file is logged, not fatal */
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

/* One page of the sweep: queue the records of ids that Redis has no job
 * for and that are still queued. */
static enum cv_status requeue_page(struct cv_ctx *ctx, char (*ids)[USER_ID_HEX_LEN + 1], size_t n,
                                   size_t *requeued, struct cv_error *err)
{
    enum cv_status st = CV_OK;
    size_t i;

    for (i = 0; st == CV_OK && i < n; i++) {
        struct analysis a;
        long long live = 0;

        st = cv_queue_live_jobs(ctx->redis, ids[i], &live, err);
        if (st != CV_OK || live > 0)
            continue;
        /* Read again after Redis said "no job": a job settled meanwhile
         * left its record completed or failed, not queued. */
        st = analysis_repo_get(ctx, ids[i], NULL, false, &a, err);
        if (st == CV_OK && a.status == ANALYSIS_QUEUED) {
            st = cv_queue_enqueue(ctx->redis, ids[i], ctx->request_id, err);
            if (st == CV_OK) {
                (*requeued)++;
                cv_log(CV_LOG_WARN, ctx->request_id,
                       "sweep: analysis %s had no job in the queue; queued now", ids[i]);
            }
        }
        analysis_free(&a);
        if (st == CV_ERR_NOT_FOUND) {   /* deleted meanwhile */
            cv_error_clear(err);
            st = CV_OK;
        }
    }
    return st;
}

enum cv_status analysis_requeue_stranded(struct cv_ctx *ctx, int64_t older_than_ms,
                                         size_t *requeued, struct cv_error *err)
{
    char ids[SWEEP_BATCH_MAX][USER_ID_HEX_LEN + 1], after[USER_ID_HEX_LEN + 1] = "";
    size_t n = SWEEP_BATCH_MAX, pages;
    enum cv_status st = CV_OK;

    /* Page by _id: a backlog of queued records that do have jobs must not
     * hide a stranded one behind it. */
    *requeued = 0;
    for (pages = 0; st == CV_OK && n == SWEEP_BATCH_MAX && pages < SWEEP_PAGES_MAX; pages++) {
        st = analysis_repo_find_stranded(ctx, older_than_ms, after, ids, SWEEP_BATCH_MAX, &n, err);
        if (st == CV_OK && n > 0) {
            memcpy(after, ids[n - 1], sizeof(after));
            st = requeue_page(ctx, ids, n, requeued, err);
        }
    }
    return st;
}
