/*
 * plans.h - the subscription plans and their monthly analysis quotas
 * (API.md: free 3 per calendar month UTC, pro 100).
 */
#ifndef CV_PLANS_H
#define CV_PLANS_H

#include <stdbool.h>

enum cv_plan {
    CV_PLAN_FREE = 0,
    CV_PLAN_PRO = 1,
};

#define CV_PLAN_FREE_ANALYSES_PER_MONTH 3
#define CV_PLAN_PRO_ANALYSES_PER_MONTH 100

static inline int cv_plan_limit(enum cv_plan plan)
{
    return plan == CV_PLAN_PRO ? CV_PLAN_PRO_ANALYSES_PER_MONTH
                               : CV_PLAN_FREE_ANALYSES_PER_MONTH;
}

static inline const char *cv_plan_name(enum cv_plan plan)
{
    return plan == CV_PLAN_PRO ? "pro" : "free";
}

#endif
