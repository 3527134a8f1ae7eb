/*
 * quota.h - monthly analysis quotas, exact under concurrency.
 *
 * Each use of a month is a document of its own in `usage_slots`, with the
 * _id "<userId>:<YYYY-MM>:<n>" for n in 1..limit. Taking a use inserts
 * the first free slot; the unique _id makes two concurrent uploads unable
 * to take the same slot on any server (MongoDB, a replica set, FerretDB),
 * without relying on the atomicity of conditional updates. Giving a use
 * back deletes its slot. The month's count is the number of its slots.
 *
 * Writers (the rule is in db.h): slots are only inserted (an upload taking
 * a use; the unique _id decides between concurrent ones) and deleted (an
 * upload that failed giving its use back, account erasure); a slot is
 * never updated. The count is never copied onto the user document: it is
 * derived on read (quota_usage). Each insert and delete is followed by
 * user_cache_invalidate (user_cache.h), so the cached count follows.
 */
#ifndef CV_QUOTA_H
#define CV_QUOTA_H

#include <stdint.h>

#include "ctx.h"
#include "cv_status.h"
#include "user_repo.h"

#define QUOTA_SLOT_ID_MAX 64

/* A use taken, to give back if what it paid for fails. */
struct quota_use {
    char slot_id[QUOTA_SLOT_ID_MAX];
    char user_id[USER_ID_HEX_LEN + 1];
};

/* Take one use in the month of now_ms under the user's plan limit.
 * CV_ERR_QUOTA_EXCEEDED when every slot is taken. */
enum cv_status quota_take(struct cv_ctx *ctx, const struct cv_user *user, int64_t now_ms,
                          struct quota_use *use, struct cv_error *err) CV_WARN_UNUSED;

/* Give back a use (the upload failed after taking it). */
enum cv_status quota_give_back(struct cv_ctx *ctx, const struct quota_use *use,
                               struct cv_error *err) CV_WARN_UNUSED;

/* The uses of the month of now_ms: *month_ms its start, *used the count. */
enum cv_status quota_usage(struct cv_ctx *ctx, const char *user_id, int64_t now_ms,
                           int64_t *month_ms, int *used, struct cv_error *err) CV_WARN_UNUSED;

/* Forget every use of a user (account erasure). */
enum cv_status quota_erase_user(struct cv_ctx *ctx, const char *user_id,
                                struct cv_error *err) CV_WARN_UNUSED;

#endif
