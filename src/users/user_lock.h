/*
 * user_lock.h (src/users) - the lease on one user document, held in Redis:
 * whoever reads, changes and writes back fields of a user document (Stripe
 * webhooks, operators, profile edits) does it under this lease, so a
 * server that applies updates as read-change-write (FerretDB) never loses
 * one of two concurrent writes (ARCHITECTURE.md "One writer per document").
 *
 * Thread safety follows ctx (its Redis connection).
 */
#ifndef CV_USER_LOCK_H
#define CV_USER_LOCK_H

#include "ctx.h"
#include "cv_status.h"
#include "redis_keys.h"

/* Held for at most two database calls (CV_MONGO_TIMEOUT_MS each); waited
 * for at most USER_LOCK_WAIT_MS, polling every USER_LOCK_POLL_MS. */
#define USER_LOCK_TTL_MS 10000L
#define USER_LOCK_WAIT_MS 5000L
#define USER_LOCK_POLL_MS 50L
#define USER_LOCK_TOKEN_BYTES 16

struct user_lock {
    char key[CV_REDIS_KEY_MAX_BYTES];   /* CV_KEY_USER_LOCK_PREFIX + user id */
    char token[2 * USER_LOCK_TOKEN_BYTES + 1];   /* random: only the holder releases */
};

/* Take the lease of user_id (SET NX PX, polled). CV_ERR_UNAVAILABLE when
 * Redis fails or another holder keeps it past USER_LOCK_WAIT_MS;
 * CV_ERR_INTERNAL for an over-long id. */
enum cv_status user_lock_take(struct cv_ctx *ctx, const char *user_id, struct user_lock *lock,
                              struct cv_error *err) CV_WARN_UNUSED;

/* Release it if it is still ours (it may have expired and been taken);
 * a failure is logged, the lease then expires by itself. */
void user_lock_release(struct cv_ctx *ctx, const struct user_lock *lock);

#endif
