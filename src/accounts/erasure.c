/*
 * erasure.c - a user's owned data (see erasure.h): every analysis record,
 * its stored file, the LLM answer it used, the quota uses and the
 * notification settings. Files go first, then the records, so a failure
 * leaves records that a retried deletion finds again.
 */
#include "erasure.h"

#include "analysis_repo.h"
#include "llm_cache.h"
#include "quota.h"
#include "storage.h"
#include "user_settings_repo.h"

/* What an analysis leaves outside its record: the stored file and the
 * LLM answer it used (which quotes the CV). */
static enum cv_status delete_outside_record(struct cv_ctx *ctx, const char *id, const char *key,
                                            const char *storage, struct cv_error *err)
{
    enum cv_status st = CV_OK;

    if (key[0] != '\0')
        st = storage_delete(ctx->cfg, storage_locate(ctx->cfg, storage, key), key, err);
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
