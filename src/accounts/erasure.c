/*
 * erasure.c - a user's owned data (see erasure.h): every analysis record,
 * its stored file, the LLM answer it used, the quota uses and the
 * notification settings. Files go first, then the records, so a failure
 * leaves records that a retried deletion finds again.
 *
 * A storage migration (file_migration.h) may move a file meanwhile: it
 * copies, switches the record and deletes the source under the record's
 * lease. Erasure takes the same lease for a file (waiting at most
 * ERASURE_LEASE_WAIT_MS, as long as a copy takes; a worker that holds it
 * for a whole job is not waited for) and deletes the file from every
 * backend, so neither a copy finished before it nor one it waited for is
 * left behind.
 */
#include "erasure.h"

#include "analysis_repo.h"
#include "lease.h"
#include "llm_cache.h"
#include "queue.h"
#include "quota.h"
#include "storage.h"
#include "user_settings_repo.h"

#define ERASURE_LEASE_MS 30000L
#define ERASURE_LEASE_WAIT_MS 5000L

/* The file of key, in the local directory and in the bucket (when S3 is
 * configured), whatever the record said when it was read. */
static enum cv_status delete_everywhere(struct cv_ctx *ctx, const char *key,
                                        struct cv_error *err)
{
    enum cv_status st = storage_delete(ctx->cfg, CV_STORAGE_LOCAL, key, err);

    if (st == CV_OK && storage_s3_configured(ctx->cfg))
        st = storage_delete(ctx->cfg, CV_STORAGE_S3, key, err);
    return st;
}

/* What an analysis leaves outside its record: the stored file and the
 * LLM answer it used (which quotes the CV). */
static enum cv_status delete_outside_record(struct cv_ctx *ctx, const char *id, const char *key,
                                            const char *storage, struct cv_error *err)
{
    char owner[CV_LEASE_OWNER_MAX];
    enum cv_status st = CV_OK;
    bool held = false;

    (void)storage;   /* a migration may have moved it since: see the top */
    if (key[0] != '\0') {
        cv_lease_owner_new(owner);
        if (id[0] != '\0')
            st = cv_queue_lock_wait(ctx->redis, id, owner, ERASURE_LEASE_MS,
                                    ERASURE_LEASE_WAIT_MS, &held, err);
        if (st == CV_OK)
            st = delete_everywhere(ctx, key, err);
        if (held)
            cv_queue_unlock(ctx->redis, id, owner);
    }
    if (st == CV_OK && id[0] != '\0')
        st = llm_cache_forget(ctx->redis, id, err);
    return st;
}

enum cv_status erasure_delete_user_data(struct cv_ctx *ctx, const char *user_id,
                                        struct cv_error *err)
{
    enum cv_status st = analysis_repo_delete_all(ctx, user_id, delete_outside_record, err);

    if (st == CV_OK)
        st = quota_erase_user(ctx, user_id, err);
    if (st == CV_OK)
        st = user_settings_delete(ctx, user_id, err);
    return st;
}
