/*
 * quota.c - monthly quotas (see quota.h).
 */
#include "quota.h"

#include "plans.h"
#include "timefmt.h"

/* A plan change between our read and the update is retried once. */
#define QUOTA_TAKE_ATTEMPTS 2

enum cv_status quota_take(struct cv_ctx *ctx, struct cv_user *user, int64_t now_ms,
                          int64_t *month_ms, struct cv_error *err)
{
    int64_t month = cv_time_month_start_ms(now_ms);
    enum cv_plan plan_seen;
    enum cv_status st;
    bool taken = false;
    int attempt;

    *month_ms = month;
    for (attempt = 0; attempt < QUOTA_TAKE_ATTEMPTS; attempt++) {
        if (user->period_start_ms < month) {
            st = user_repo_usage_rollover(ctx, user->id, month, err);
            if (st != CV_OK)
                return st;
        }
        st = user_repo_usage_take(ctx, user->id, user->plan, month, cv_plan_limit(user->plan),
                                  &taken, err);
        if (st != CV_OK || taken)
            return st;
        plan_seen = user->plan;
        st = user_repo_find_by_id(ctx, user->id, user, err);
        if (st != CV_OK)
            return st;
        if (user->plan == plan_seen)
            break;
    }
    return cv_error_set(err, CV_ERR_QUOTA_EXCEEDED,
                        "the %s plan allows %d analyses per month and they are used; "
                        "upgrade or wait for next month", cv_plan_name(user->plan),
                        cv_plan_limit(user->plan));
}

enum cv_status quota_give_back(struct cv_ctx *ctx, const char *user_id, int64_t month_ms,
                               struct cv_error *err)
{
    return user_repo_usage_give_back(ctx, user_id, month_ms, err);
}
