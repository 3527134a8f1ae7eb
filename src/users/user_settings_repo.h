/*
 * user_settings_repo.h (src/users) - the user_settings collection: what a
 * user chose about notifications, one document per user that chose
 * anything, _id = the user's id: {_id, notifications: {email}, updatedAt}.
 *
 * Kept apart from the users document on purpose: that document has
 * several writers (Stripe webhooks, logins, operators), and a server that
 * applies updates as read-change-write (FerretDB) would lose the setting
 * or make them lose theirs. Writers: PATCH /api/auth/me (a whole-document
 * replace, so of two concurrent edits the last one wins, whole) and the
 * account's erasure (delete). Readers: cv-api (the user object) and
 * cv-worker (whether to send an e-mail). Both writers call
 * user_cache_invalidate after their write (user_cache.h). Thread safety
 * follows ctx.
 */
#ifndef CV_USER_SETTINGS_REPO_H
#define CV_USER_SETTINGS_REPO_H

#include <stdbool.h>

#include "ctx.h"
#include "cv_status.h"

struct user_settings {
    bool notify_email;          /* e-mail when an analysis completes or fails */
};

/* The settings of user_id; the defaults (all off) when the user never
 * chose. CV_ERR_UNAVAILABLE when the database fails. */
enum cv_status user_settings_get(struct cv_ctx *ctx, const char *user_id,
                                 struct user_settings *out, struct cv_error *err) CV_WARN_UNUSED;

/* Store *s as user_id's settings (replace, or insert). CV_ERR_NOT_FOUND
 * for a malformed id, CV_ERR_UNAVAILABLE when the database fails. */
enum cv_status user_settings_put(struct cv_ctx *ctx, const char *user_id,
                                 const struct user_settings *s,
                                 struct cv_error *err) CV_WARN_UNUSED;

/* Forget user_id's settings (erasure). Idempotent. */
enum cv_status user_settings_delete(struct cv_ctx *ctx, const char *user_id,
                                    struct cv_error *err) CV_WARN_UNUSED;

#endif
