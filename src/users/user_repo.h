/*
 * user_repo.h - the users collection on MongoDB (or FerretDB).
 *
 * A user document: _id, email (normalised, unique index), passwordHash,
 * name, plan, usage {periodStart, analysesUsed}, stripe {customerId,
 * subscriptionId, subscriptionStatus, paymentFailed}, createdAt, updatedAt.
 * Only single-document atomic operations are used. Thread safety follows
 * the mongoc client in ctx (one per thread).
 */
#ifndef CV_USER_REPO_H
#define CV_USER_REPO_H

#include <stdbool.h>
#include <stdint.h>

#include "account_rules.h"
#include "ctx.h"
#include "cv_status.h"
#include "password.h"
#include "plans.h"

#define USER_ID_HEX_LEN 24
#define USER_STRIPE_ID_MAX_BYTES 255

struct cv_user {
    char id[USER_ID_HEX_LEN + 1];
    char email[ACCOUNT_EMAIL_MAX_BYTES + 1];
    char name[ACCOUNT_NAME_MAX_BYTES + 1];
    char password_hash[PASSWORD_HASH_SIZE];
    enum cv_plan plan;
    int64_t period_start_ms;        /* start of the quota month counted */
    int analyses_used;              /* in that month */
    char stripe_customer_id[USER_STRIPE_ID_MAX_BYTES + 1];   /* "" when none */
    char stripe_subscription_id[USER_STRIPE_ID_MAX_BYTES + 1];
    bool payment_failed;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

/* Create the indexes every collection needs (users: unique email).
 * Idempotent and safe when several processes race; done once per process
 * and retried by the next call after a failure. CV_ERR_UNAVAILABLE when
 * the database cannot be reached. */
enum cv_status user_repo_ensure_schema(struct cv_ctx *ctx, struct cv_error *err) CV_WARN_UNUSED;

/* Insert a new free user; fills u->id and the timestamps.
 * CV_ERR_EMAIL_TAKEN when the email exists. */
enum cv_status user_repo_insert(struct cv_ctx *ctx, struct cv_user *u,
                                struct cv_error *err) CV_WARN_UNUSED;

/* Insert a user brought from another system (cv-admin users import):
 * email, name, password_hash, plan, stripe ids and created_at_ms (0: now)
 * come from u; id is the 24-hex id to keep, or NULL/"" for a new one.
 * Usage starts empty this month. Fills u->id. CV_ERR_EMAIL_TAKEN when the
 * email or the id exists (nothing written), CV_ERR_INVALID for a
 * malformed id. */
enum cv_status user_repo_insert_imported(struct cv_ctx *ctx, const char *id, struct cv_user *u,
                                         struct cv_error *err) CV_WARN_UNUSED;

/* Load by normalised email or by id (24 hex). CV_ERR_NOT_FOUND when
 * absent (a malformed id is absent too). */
enum cv_status user_repo_find_by_email(struct cv_ctx *ctx, const char *email,
                                       struct cv_user *u, struct cv_error *err) CV_WARN_UNUSED;
enum cv_status user_repo_find_by_id(struct cv_ctx *ctx, const char *id, struct cv_user *u,
                                    struct cv_error *err) CV_WARN_UNUSED;

/* Replace the password hash (rehash at login). */
enum cv_status user_repo_set_password_hash(struct cv_ctx *ctx, const char *id,
                                           const char *hash, struct cv_error *err) CV_WARN_UNUSED;

/* Set the display name (already normalised). The caller holds the user's
 * lease (user_lock.h). CV_ERR_NOT_FOUND when the user does not exist. */
enum cv_status user_repo_set_name(struct cv_ctx *ctx, const char *id, const char *name,
                                  struct cv_error *err) CV_WARN_UNUSED;

/* Delete the user document. CV_ERR_NOT_FOUND when it was already gone. */
enum cv_status user_repo_delete(struct cv_ctx *ctx, const char *id,
                                struct cv_error *err) CV_WARN_UNUSED;

/* Record the month's use count on the user document (a copy for
 * operators; quota.h counts from its own collection). */
enum cv_status user_repo_set_usage(struct cv_ctx *ctx, const char *id, int64_t month_ms,
                                   int used, struct cv_error *err) CV_WARN_UNUSED;


/* Parse 24 hex digits into an ObjectId; false when malformed. */
bool cv_oid_parse(const char *hex, size_t len, bson_oid_t *oid);

/* ---- The Stripe link (used by billing.c) --------------------------------
 * stripe.subscriptionStatus is Stripe's status word; stripe.subscriptionUpdatedAt
 * (a date) is the `created` time of the Stripe event that last set the
 * Stripe state, which billing.c compares to refuse older events. These
 * functions store what they are given: ordering is the caller's job (under
 * its lock), since FerretDB does not apply filtered updates atomically. */
#define USER_STRIPE_STATUS_MAX_BYTES 32

struct user_stripe_state {
    enum cv_plan plan;
    char customer_id[USER_STRIPE_ID_MAX_BYTES + 1];        /* "" when none */
    char subscription_id[USER_STRIPE_ID_MAX_BYTES + 1];    /* "" when none */
    char subscription_status[USER_STRIPE_STATUS_MAX_BYTES]; /* "" when none */
    bool payment_failed;
    int64_t updated_at_ms;      /* stripe.subscriptionUpdatedAt; 0: never set */
};

/* A (non-unique) index on stripe.customerId, for webhooks. Idempotent;
 * done once per process. CV_ERR_UNAVAILABLE when it cannot be created. */
enum cv_status user_repo_ensure_stripe_schema(struct cv_ctx *ctx,
                                              struct cv_error *err) CV_WARN_UNUSED;

/* The user linked to Stripe customer customer_id (the first, should there
 * be several). CV_ERR_NOT_FOUND when none or customer_id is empty. */
enum cv_status user_repo_find_by_stripe_customer(struct cv_ctx *ctx, const char *customer_id,
                                                 struct cv_user *u,
                                                 struct cv_error *err) CV_WARN_UNUSED;

/* Read the plan and the stripe fields of user id into *s.
 * CV_ERR_NOT_FOUND when the user does not exist. */
enum cv_status user_repo_get_stripe_state(struct cv_ctx *ctx, const char *id,
                                          struct user_stripe_state *s,
                                          struct cv_error *err) CV_WARN_UNUSED;

/* Write plan and every stripe field of *s onto user id in one
 * single-document $set (empty strings are stored as null, updated_at_ms 0
 * as null). CV_ERR_NOT_FOUND when the user does not exist. */
enum cv_status user_repo_set_stripe_state(struct cv_ctx *ctx, const char *id,
                                          const struct user_stripe_state *s,
                                          struct cv_error *err) CV_WARN_UNUSED;

#endif
