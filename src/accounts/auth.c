/*
 * auth.c - the accounts service (see auth.h).
 *
 * Redis keys (redis_keys.h): CV_KEY_LOGIN_FAILURES_PREFIX + blake2b(email)
 * counts failed logins in a window (the key expires with it);
 * CV_KEY_REVOKED_TOKEN_PREFIX + jti marks a logged-out token until the
 * token's own expiry; authentication reads it in the same script as the
 * user's card (user_cache.h).
 */
#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "erasure.h"
#include "log.h"
#include "password.h"
#include "redis_keys.h"
#include "timefmt.h"

static enum cv_status failures_key(const char *email, char out[CV_REDIS_KEY_MAX_BYTES],
                                   struct cv_error *err)
{
    unsigned char digest[16];
    char hex[2 * sizeof(digest) + 1];

    crypto_generichash(digest, sizeof(digest), (const unsigned char *)email, strlen(email),
                       NULL, 0);
    sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
    return cv_redis_key(out, CV_REDIS_KEY_MAX_BYTES, CV_KEY_LOGIN_FAILURES_PREFIX, hex, err);
}

static enum cv_status issue(struct cv_ctx *ctx, const struct cv_user *user, char **token,
                            struct cv_error *err)
{
    return token_issue(ctx->cfg, user->id, cv_time_now_ms() / 1000, token, NULL, err);
}

enum cv_status auth_register(struct cv_ctx *ctx, const struct auth_credentials *cred,
                             const char *name, struct cv_user *user, char **token,
                             struct cv_error *err)
{
    enum cv_status st;

    *token = NULL;
    memset(user, 0, sizeof(*user));
    st = user_repo_ensure_schema(ctx, err);
    if (st != CV_OK)
        return st;
    (void)snprintf(user->email, sizeof(user->email), "%s", cred->email);
    (void)snprintf(user->name, sizeof(user->name), "%s", name);
    st = password_hash(cred->password, cred->password_len, user->password_hash, err);
    if (st == CV_OK)
        st = user_repo_insert(ctx, user, err);
    if (st == CV_OK)
        st = issue(ctx, user, token, err);
    if (st == CV_OK)
        cv_log(CV_LOG_INFO, ctx->request_id, "account %s registered", user->id);
    return st;
}

/* Refuse at once while the account is locked out. */
static enum cv_status lockout_check(struct cv_ctx *ctx, const char *key, struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;
    long long failures = 0, ttl = 0;

    st = cv_redis_command(ctx->redis, true, &rep, err, "GET %s", key);
    if (st != CV_OK)
        return st;
    if (rep->type == REDIS_REPLY_STRING)
        failures = strtoll(rep->str, NULL, 10);
    freeReplyObject(rep);
    if (failures < AUTH_LOCKOUT_MAX_FAILURES)
        return CV_OK;
    st = cv_redis_command(ctx->redis, true, &rep, err, "TTL %s", key);
    if (st != CV_OK)
        return st;
    if (rep->type == REDIS_REPLY_INTEGER)
        ttl = rep->integer;
    freeReplyObject(rep);
    cv_error_set(err, CV_ERR_RATE_LIMITED,
                 "too many failed logins for this account; try again later");
    err->retry_after_s = ttl > 0 ? ttl : AUTH_LOCKOUT_WINDOW_S;
    return CV_ERR_RATE_LIMITED;
}

/* Count a failure in the window (the window starts at the first). */
static enum cv_status lockout_record_failure(struct cv_ctx *ctx, const char *key,
                                             struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;

    st = cv_redis_command(ctx->redis, true, &rep, err, "SET %s 0 EX %d NX", key,
                          AUTH_LOCKOUT_WINDOW_S);
    if (st != CV_OK)
        return st;
    freeReplyObject(rep);
    st = cv_redis_command(ctx->redis, false, &rep, err, "INCR %s", key);
    if (st != CV_OK)
        return st;
    freeReplyObject(rep);
    return CV_OK;
}

/* Upgrade the stored hash to today's cost, under the user's lease (the
 * document's one writer). Best effort: when another writer holds the lease
 * (a webhook), or anything fails, the next login upgrades it. */
static void rehash(struct cv_ctx *ctx, const struct cv_user *user,
                   const struct auth_credentials *cred)
{
    char rehashed[PASSWORD_HASH_SIZE];
    struct user_lease lease;
    struct cv_error err;
    bool acquired = false;

    cv_error_clear(&err);
    if (password_hash(cred->password, cred->password_len, rehashed, &err) != CV_OK ||
        user_repo_lease(ctx, user->id, 0, &lease, &acquired, &err) != CV_OK || !acquired)
        return;
    if (user_repo_set_password_hash(ctx, &lease, rehashed, &err) == CV_OK)
        cv_log(CV_LOG_INFO, ctx->request_id, "password hash of %s upgraded", user->id);
    user_repo_lease_release(ctx, &lease);
    sodium_memzero(rehashed, sizeof(rehashed));
}

enum cv_status auth_login(struct cv_ctx *ctx, const struct auth_credentials *cred,
                          struct cv_user *user, char **token, struct cv_error *err)
{
    char key[CV_REDIS_KEY_MAX_BYTES];
    struct cv_error lookup_err;
    redisReply *rep;
    enum cv_status st;
    bool found, match;

    *token = NULL;
    st = failures_key(cred->email, key, err);
    if (st == CV_OK)
        st = lockout_check(ctx, key, err);
    if (st != CV_OK)
        return st;
    cv_error_clear(&lookup_err);
    st = user_repo_find_by_email(ctx, cred->email, user, &lookup_err);
    if (st != CV_OK && st != CV_ERR_NOT_FOUND) {
        *err = lookup_err;
        return st;
    }
    found = st == CV_OK;
    if (found) {
        match = password_verify(user->password_hash, cred->password, cred->password_len);
    } else {
        password_verify_dummy(cred->password, cred->password_len);
        match = false;
    }
    if (!match) {
        st = lockout_record_failure(ctx, key, err);
        if (st != CV_OK)
            return st;
        return cv_error_set(err, CV_ERR_INVALID_CREDENTIALS, "invalid email or password");
    }
    if (cv_redis_command(ctx->redis, true, &rep, err, "DEL %s", key) == CV_OK)
        freeReplyObject(rep);
    if (password_needs_rehash(user->password_hash))
        rehash(ctx, user, cred);
    cv_error_clear(err);
    return issue(ctx, user, token, err);
}

static enum cv_status account_gone(enum cv_status st, struct cv_error *err)
{
    return st == CV_ERR_NOT_FOUND
               ? cv_error_set(err, CV_ERR_UNAUTHORIZED, "the account no longer exists")
               : st;
}

enum cv_status auth_authenticate(struct cv_ctx *ctx, const char *token, size_t len,
                                 struct user_card *card, struct token_claims *claims,
                                 struct cv_error *err)
{
    char ticket[USER_CACHE_TICKET_MAX];
    int64_t now_ms = cv_time_now_ms();
    enum cv_status st;
    bool revoked, hit;

    st = token_verify(ctx->cfg, token, len, now_ms / 1000, claims, err);
    if (st == CV_OK)
        st = user_cache_lookup(ctx, claims->sub, claims->jti, cv_time_month_start_ms(now_ms),
                               &revoked, &hit, card, ticket, err);
    if (st != CV_OK)
        return st;
    if (revoked)
        return cv_error_set(err, CV_ERR_UNAUTHORIZED, "the token has been revoked");
    if (hit)
        return CV_OK;
    st = user_cache_load(ctx, claims->sub, now_ms, card, err);
    if (st != CV_OK)
        return account_gone(st, err);
    user_cache_fill(ctx, ticket, card);
    return CV_OK;
}

enum cv_status auth_load_user(struct cv_ctx *ctx, const char *user_id, struct cv_user *user,
                              struct cv_error *err)
{
    return account_gone(user_repo_find_by_id(ctx, user_id, user, err), err);
}

enum cv_status auth_logout(struct cv_ctx *ctx, const struct token_claims *claims,
                           struct cv_error *err)
{
    int64_t ttl = claims->exp + TOKEN_LEEWAY_S - cv_time_now_ms() / 1000;
    redisReply *rep;
    enum cv_status st;

    if (ttl <= 0)
        return CV_OK;   /* already unusable */
    st = cv_redis_command(ctx->redis, true, &rep, err,
                          "SET " CV_KEY_REVOKED_TOKEN_PREFIX "%s 1 EX %lld",
                          claims->jti, (long long)ttl);
    if (st != CV_OK)
        return st;
    if (rep->type == REDIS_REPLY_ERROR)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "revoking the token: %s", rep->str);
    freeReplyObject(rep);
    return st;
}

enum cv_status auth_delete_account(struct cv_ctx *ctx, const char *user_id,
                                   const struct token_claims *claims, const char *password,
                                   size_t password_len, struct cv_error *err)
{
    struct cv_user user;
    enum cv_status st;

    st = auth_load_user(ctx, user_id, &user, err);
    if (st != CV_OK)
        return st;
    if (!password_verify(user.password_hash, password, password_len))
        st = cv_error_set(err, CV_ERR_INVALID_CREDENTIALS, "the password is not correct");
    sodium_memzero(user.password_hash, sizeof(user.password_hash));
    if (st == CV_OK)
        st = erasure_delete_user_data(ctx, user_id, err);
    if (st != CV_OK)
        return st;
    st = user_repo_delete(ctx, user_id, err);
    if (st != CV_OK && st != CV_ERR_NOT_FOUND)
        return st;
    st = auth_logout(ctx, claims, err);
    if (st == CV_OK)
        cv_log(CV_LOG_INFO, ctx->request_id, "account %s erased", user_id);
    return st;
}
