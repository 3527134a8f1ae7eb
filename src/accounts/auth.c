/*
 * auth.c - the accounts service (see auth.h).
 *
 * Redis keys (redis_keys.h): CV_KEY_LOGIN_FAILURES_PREFIX + blake2b(email)
 * counts failed logins in a window (the key expires with it);
 * CV_KEY_REVOKED_TOKEN_PREFIX + jti marks a logged-out token until the
 * token's own expiry.
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

enum cv_status auth_login(struct cv_ctx *ctx, const struct auth_credentials *cred,
                          struct cv_user *user, char **token, struct cv_error *err)
{
    char key[CV_REDIS_KEY_MAX_BYTES], rehashed[PASSWORD_HASH_SIZE];
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
    if (password_needs_rehash(user->password_hash) &&
        password_hash(cred->password, cred->password_len, rehashed, err) == CV_OK &&
        user_repo_set_password_hash(ctx, user->id, rehashed, err) == CV_OK)
        cv_log(CV_LOG_INFO, ctx->request_id, "password hash of %s upgraded", user->id);
    cv_error_clear(err);
    return issue(ctx, user, token, err);
}

enum cv_status auth_authenticate(struct cv_ctx *ctx, const char *token, size_t len,
                                 struct cv_user *user, struct token_claims *claims,
                                 struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;
    bool revoked;

    st = token_verify(ctx->cfg, token, len, cv_time_now_ms() / 1000, claims, err);
    if (st != CV_OK)
        return st;
    st = cv_redis_command(ctx->redis, true, &rep, err, "EXISTS " CV_KEY_REVOKED_TOKEN_PREFIX "%s",
                          claims->jti);
    if (st != CV_OK)
        return st;
    revoked = rep->type == REDIS_REPLY_INTEGER && rep->integer > 0;
    freeReplyObject(rep);
    if (revoked)
        return cv_error_set(err, CV_ERR_UNAUTHORIZED, "the token has been revoked");
    st = user_repo_find_by_id(ctx, claims->sub, user, err);
    if (st == CV_ERR_NOT_FOUND)
        return cv_error_set(err, CV_ERR_UNAUTHORIZED, "the account no longer exists");
    return st;
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

enum cv_status auth_delete_account(struct cv_ctx *ctx, const struct cv_user *user,
                                   const struct token_claims *claims, const char *password,
                                   size_t password_len, struct cv_error *err)
{
    enum cv_status st;

    if (!password_verify(user->password_hash, password, password_len))
        return cv_error_set(err, CV_ERR_INVALID_CREDENTIALS, "the password is not correct");
    st = erasure_delete_user_data(ctx, user->id, err);
    if (st != CV_OK)
        return st;
    st = user_repo_delete(ctx, user->id, err);
    if (st != CV_OK && st != CV_ERR_NOT_FOUND)
        return st;
    st = auth_logout(ctx, claims, err);
    if (st == CV_OK)
        cv_log(CV_LOG_INFO, ctx->request_id, "account %s erased", user->id);
    return st;
}
