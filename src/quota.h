/*
 * quota.h - monthly analysis quotas, exact under concurrency: a use is
 * taken by one conditional atomic update of the user document (plan,
 * month and count in the filter), never by read-then-write, so N
 * simultaneous uploads can never take more than the plan allows.
 */
#ifndef CV_QUOTA_H
#define CV_QUOTA_H

#include <stdint.h>

#include "ctx.h"
#include "cv_status.h"
#include "user_repo.h"

/* Take one use for the month containing now_ms; *month_ms tells which
 * month to give back to. CV_ERR_QUOTA_EXCEEDED when the plan's uses are
 * all taken. user is refreshed when its plan changed meanwhile. */
enum cv_status quota_take(struct cv_ctx *ctx, struct cv_user *user, int64_t now_ms,
                          int64_t *month_ms, struct cv_error *err) CV_WARN_UNUSED;

/* Give back a use taken for month_ms (the upload failed afterwards). */
enum cv_status quota_give_back(struct cv_ctx *ctx, const char *user_id, int64_t month_ms,
                               struct cv_error *err) CV_WARN_UNUSED;

#endif
