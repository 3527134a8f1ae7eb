/*
 * user_repo.h - the users collection on MongoDB (or FerretDB).
 *
 * A user document: _id, email (normalised, unique index), passwordHash,
 * name, plan, stripe {customerId, subscriptionId, subscriptionStatus,
 * paymentFailed, subscriptionUpdatedAt}, createdAt, updatedAt. The month's
 * usage is not on it: quota.h counts it from its own slot documents.
 *
 * Writers (the rule is in db.h: one writer per document at a time):
 *   - registration and `cv-admin users import` insert it (the unique
 *     email decides a race);
 *   - every update (the password rehash at login, the Stripe state of a
 *     webhook or of `cv-admin users set-plan`, the name of PATCH
 *     /api/auth/me) is made under the user's lease (struct user_lease, a Redis
 *     lease): the update functions take the lease as an argument, so none
 *     can run without it, and two can never overlap;
 *   - account erasure deletes it at any time: an update never inserts.
 * Every function here that changes the email, name, plan or existence of
 * a user calls user_cache_invalidate after its write (user_cache.h), so
 * the cached card follows; the password hash and Stripe ids are not on
 * the card.
 * Thread safety follows the mongoc client and Redis connection in ctx
 * (one per thread).
 */
#ifndef CV_USER_REPO_H
#define CV_USER_REPO_H

#include <stdbool.h>
#include <stdint.h>

#include "account_rules.h"
#include "ctx.h"
#include "cv_status.h"
#include "lease.h"
#include "redis_keys.h"
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

/* ---- The user's lease: the one writer of the document ------------------
 * Held by whoever updates the user document, for at most USER_LEASE_TTL_MS:
 * longer than the two database calls (each bounded by the driver's socket
 * timeout, 2 x CV_MONGO_TIMEOUT_MS) a holder makes, and checked again after
 * the write by a holder whose write must not be lost (the webhook). */
#define USER_LEASE_TTL_MS 10000L
/* How long a webhook (or a profile edit, or an operator) waits for the
 * lease before answering 503 (Stripe then delivers the event again). */
#define USER_LEASE_WAIT_MS 5000L

struct user_lease {
    char user_id[USER_ID_HEX_LEN + 1];
    char key[CV_REDIS_KEY_MAX_BYTES];
    char owner[CV_LEASE_OWNER_MAX];
};

/* Take user id's lease, waiting at most wait_ms (0: try once).
 * *acquired false when another writer still held it. CV_ERR_NOT_FOUND for
 * a malformed id, CV_ERR_UNAVAILABLE when Redis is down. */
enum cv_status user_repo_lease(struct cv_ctx *ctx, const char *id, long wait_ms,
                               struct user_lease *lease, bool *acquired,
                               struct cv_error *err) CV_WARN_UNUSED;

/* user_repo_lease waiting USER_LEASE_WAIT_MS, for a writer that must
 * have it: CV_ERR_UNAVAILABLE when another writer still held it then. */
enum cv_status user_repo_lease_take(struct cv_ctx *ctx, const char *id, struct user_lease *lease,
                                    struct cv_error *err) CV_WARN_UNUSED;

/* Is the lease still ours? Renews it for USER_LEASE_TTL_MS if so.
 * CV_ERR_UNAVAILABLE when it was lost (it expired and may have been taken)
 * or Redis is down: a write made under it may then have been overwritten. */
enum cv_status user_repo_lease_check(struct cv_ctx *ctx, const struct user_lease *lease,
                                     struct cv_error *err) CV_WARN_UNUSED;

/* Release the lease if it is still ours (else it expires by itself). */
void user_repo_lease_release(struct cv_ctx *ctx, const struct user_lease *lease);

/* Replace the password hash (rehash at login), under the user's lease. */
enum cv_status user_repo_set_password_hash(struct cv_ctx *ctx, const struct user_lease *lease,
                                           const char *hash, struct cv_error *err) CV_WARN_UNUSED;

/* Set the display name (already normalised) of the lease's user.
 * CV_ERR_NOT_FOUND when the user does not exist. */
enum cv_status user_repo_set_name(struct cv_ctx *ctx, const struct user_lease *lease,
                                  const char *name, struct cv_error *err) CV_WARN_UNUSED;

/* Delete the user document. CV_ERR_NOT_FOUND when it was already gone. */
enum cv_status user_repo_delete(struct cv_ctx *ctx, const char *id,
                                struct cv_error *err) CV_WARN_UNUSED;

/* Parse 24 hex digits into an ObjectId; false when malformed. */
bool cv_oid_parse(const char *hex, size_t len, bson_oid_t *oid);

/* ---- The Stripe link (used by billing.c) --------------------------------
 * stripe.subscriptionStatus is Stripe's status word; stripe.subscriptionUpdatedAt
 * (a date) is the `created` time of the Stripe event that last set the
 * Stripe state, which billing.c compares to refuse older events. The
 * caller reads, merges and writes under the user's lease: FerretDB does
 * not apply filtered updates atomically. */
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

/* Write plan and every stripe field of *s onto the lease's user in one
 * single-document $set (empty strings are stored as null, updated_at_ms 0
 * as null). CV_ERR_NOT_FOUND when the user does not exist. */
enum cv_status user_repo_set_stripe_state(struct cv_ctx *ctx, const struct user_lease *lease,
                                          const struct user_stripe_state *s,
                                          struct cv_error *err) CV_WARN_UNUSED;

#endif
