/*
 * auth.h - the accounts service: register, log in, authenticate a bearer
 * token, log out, delete an account. Called by the HTTP handlers after
 * they validated the input; uses MongoDB (users) and Redis (login failure
 * counters, revoked token ids).
 *
 * Thread safety follows ctx (one per thread). Every failure is a status
 * and err: CV_ERR_INVALID_CREDENTIALS, CV_ERR_UNAUTHORIZED,
 * CV_ERR_TOKEN_EXPIRED, CV_ERR_EMAIL_TAKEN, CV_ERR_RATE_LIMITED (with
 * retry_after_s), CV_ERR_UNAVAILABLE when MongoDB or Redis is down.
 */
#ifndef CV_AUTH_H
#define CV_AUTH_H

#include "ctx.h"
#include "cv_status.h"
#include "token.h"
#include "user_cache.h"
#include "user_repo.h"

/* Per-account lockout: this many failed logins within the window lock the
 * account's logins until the window ends. */
#define AUTH_LOCKOUT_MAX_FAILURES 5
#define AUTH_LOCKOUT_WINDOW_S (15 * 60)

/* Valid input, as the handler checked it. */
struct auth_credentials {
    const char *email;        /* normalised */
    const char *password;
    size_t password_len;
};

/* Create a free account (email normalised, password within policy, name
 * trimmed) and issue its first token (*token: free() it). */
enum cv_status auth_register(struct cv_ctx *ctx, const struct auth_credentials *cred,
                             const char *name, struct cv_user *user, char **token,
                             struct cv_error *err) CV_WARN_UNUSED;

/* Check the password; the same CV_ERR_INVALID_CREDENTIALS, in comparable
 * time, for an unknown email and a wrong password. Upgrades an old hash. */
enum cv_status auth_login(struct cv_ctx *ctx, const struct auth_credentials *cred,
                          struct cv_user *user, char **token, struct cv_error *err) CV_WARN_UNUSED;

/* The user behind "Bearer <token>": signature, algorithm, expiry, then
 * revocation and the user's card (existence, plan, usage, settings) in one
 * Redis round trip (user_cache.h); on a miss the card is read from MongoDB
 * and cached. card->user has no password hash or Stripe ids: use
 * auth_load_user for those. */
enum cv_status auth_authenticate(struct cv_ctx *ctx, const char *token, size_t len,
                                 struct user_card *card, struct token_claims *claims,
                                 struct cv_error *err) CV_WARN_UNUSED;

/* The stored user document of an authenticated user_id (password hash,
 * Stripe ids): CV_ERR_UNAUTHORIZED when it no longer exists. */
enum cv_status auth_load_user(struct cv_ctx *ctx, const char *user_id, struct cv_user *user,
                              struct cv_error *err) CV_WARN_UNUSED;

/* Revoke this token (only this one) until its expiry. */
enum cv_status auth_logout(struct cv_ctx *ctx, const struct token_claims *claims,
                           struct cv_error *err) CV_WARN_UNUSED;

/* With the right password (checked against the stored hash of user_id):
 * erase the user's data, the user, and revoke the token.
 * CV_ERR_INVALID_CREDENTIALS for a wrong password. */
enum cv_status auth_delete_account(struct cv_ctx *ctx, const char *user_id,
                                   const struct token_claims *claims, const char *password,
                                   size_t password_len, struct cv_error *err) CV_WARN_UNUSED;

#endif
