/*
 * token.c - HS256 JWT issue and verification (see token.h).
 */
#include "token.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>
#include <sodium.h>

static bool is_hex(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return s[len] == '\0';
}

enum cv_status token_issue(const struct cv_config *cfg, const char *user_id, int64_t now,
                           char **out, struct token_claims *claims, struct cv_error *err)
{
    unsigned char raw[TOKEN_JTI_HEX_LEN / 2];
    struct token_claims c;
    jwt_t *jwt = NULL;
    char *s;

    *out = NULL;
    if (strlen(user_id) != TOKEN_USER_ID_LEN)
        return cv_error_set(err, CV_ERR_INTERNAL, "token_issue: bad user id");
    memset(&c, 0, sizeof(c));
    memcpy(c.sub, user_id, TOKEN_USER_ID_LEN);
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(c.jti, sizeof(c.jti), raw, sizeof(raw));
    c.iat = now;
    c.exp = now + cfg->jwt_expires_in_s;
    if (jwt_new(&jwt) != 0)
        return cv_error_set(err, CV_ERR_NOMEM, "jwt_new failed");
    if (jwt_set_alg(jwt, JWT_ALG_HS256, (const unsigned char *)cfg->jwt_secret,
                    (int)cfg->jwt_secret_len) != 0 ||
        jwt_add_grant(jwt, "sub", c.sub) != 0 ||
        jwt_add_grant_int(jwt, "iat", (long)c.iat) != 0 ||
        jwt_add_grant_int(jwt, "exp", (long)c.exp) != 0 ||
        jwt_add_grant(jwt, "jti", c.jti) != 0 ||
        jwt_add_grant(jwt, "iss", cfg->jwt_issuer) != 0) {
        jwt_free(jwt);
        return cv_error_set(err, CV_ERR_INTERNAL, "building the token failed");
    }
    s = jwt_encode_str(jwt);
    jwt_free(jwt);
    if (s == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "jwt_encode_str failed");
    *out = s;
    if (claims != NULL)
        *claims = c;
    return CV_OK;
}

/* A numeric claim that must be present. */
static bool grant_int(jwt_t *jwt, const char *name, int64_t *out)
{
    long v;

    errno = 0;
    v = jwt_get_grant_int(jwt, name);
    if (errno != 0)
        return false;
    *out = v;
    return true;
}

static enum cv_status unauthorized(struct cv_error *err, const char *why)
{
    return cv_error_set(err, CV_ERR_UNAUTHORIZED, "%s", why);
}

/* Decode and check the signature with one secret; false if it does not
 * verify (or there is no such secret). */
static bool decode(jwt_t **jwt, const char *token, const char *secret, size_t secret_len)
{
    *jwt = NULL;
    if (secret == NULL)
        return false;
    if (jwt_decode(jwt, token, (const unsigned char *)secret, (int)secret_len) == 0 && *jwt != NULL)
        return true;
    if (*jwt != NULL)
        jwt_free(*jwt);
    *jwt = NULL;
    return false;
}

enum cv_status token_verify(const struct cv_config *cfg, const char *token, size_t len,
                            int64_t now, struct token_claims *claims, struct cv_error *err)
{
    const char *sub, *jti, *iss;
    struct token_claims c;
    jwt_t *jwt = NULL;
    enum cv_status st = CV_OK;
    char *copy;

    if (token == NULL || len == 0)
        return unauthorized(err, "authentication required");
    if (len > TOKEN_MAX_BYTES || memchr(token, '\0', len) != NULL)
        return unauthorized(err, "invalid token");
    copy = strndup(token, len);
    if (copy == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "out of memory");
    /* Signature checked with the header's algorithm; pinned just below.
     * The current secret first, then the one before a rotation, so tokens
     * issued before it stay valid until they expire. */
    if (!decode(&jwt, copy, cfg->jwt_secret, cfg->jwt_secret_len) &&
        !decode(&jwt, copy, cfg->jwt_secret_previous, cfg->jwt_secret_previous_len)) {
        free(copy);
        return unauthorized(err, "invalid token");
    }
    free(copy);
    memset(&c, 0, sizeof(c));
    sub = jwt_get_grant(jwt, "sub");
    jti = jwt_get_grant(jwt, "jti");
    iss = jwt_get_grant(jwt, "iss");
    if (jwt_get_alg(jwt) != JWT_ALG_HS256)
        st = unauthorized(err, "invalid token");
    else if (sub == NULL || strlen(sub) != TOKEN_USER_ID_LEN || !is_hex(sub, TOKEN_USER_ID_LEN) ||
             jti == NULL || strlen(jti) != TOKEN_JTI_HEX_LEN || !is_hex(jti, TOKEN_JTI_HEX_LEN) ||
             iss == NULL || strcmp(iss, cfg->jwt_issuer) != 0 ||
             !grant_int(jwt, "iat", &c.iat) || !grant_int(jwt, "exp", &c.exp))
        st = unauthorized(err, "invalid token");
    else if (c.iat > now + TOKEN_LEEWAY_S || c.exp <= c.iat)
        st = unauthorized(err, "invalid token");
    else if (now > c.exp + TOKEN_LEEWAY_S)
        st = cv_error_set(err, CV_ERR_TOKEN_EXPIRED, "the token has expired; log in again");
    if (st == CV_OK) {
        memcpy(c.sub, sub, TOKEN_USER_ID_LEN);
        memcpy(c.jti, jti, TOKEN_JTI_HEX_LEN);
        if (claims != NULL)
            *claims = c;
    }
    jwt_free(jwt);
    return st;
}
