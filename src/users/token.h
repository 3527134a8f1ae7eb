/*
 * token.h - access tokens: JWT signed with HS256 (libjwt), claims sub (the
 * user id), iat, exp, jti (random, for revocation) and iss.
 *
 * libjwt 1.10 verifies a signature with whatever algorithm the token's
 * header names and checks no claim, so token_verify pins the algorithm to
 * HS256 and checks exp, iat and iss itself. Tokens are signed with
 * JWT_SECRET; JWT_SECRET_PREVIOUS, when set, is also accepted for
 * verification, so rotating the secret logs nobody out. Thread safe.
 */
#ifndef CV_TOKEN_H
#define CV_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "cv_status.h"

#define TOKEN_MAX_BYTES 2048          /* ours are ~250 bytes; refuse anything huge */
#define TOKEN_LEEWAY_S 30             /* clock skew allowed on exp and iat */
#define TOKEN_JTI_HEX_LEN 32
#define TOKEN_USER_ID_LEN 24          /* an ObjectId in hex */

struct token_claims {
    char sub[TOKEN_USER_ID_LEN + 1];
    char jti[TOKEN_JTI_HEX_LEN + 1];
    int64_t iat;                      /* seconds since the epoch */
    int64_t exp;
};

/*
 * Issue a token for user_id at time now (seconds). On success *out is the
 * token (free() it) and claims, if not NULL, what it carries.
 */
enum cv_status token_issue(const struct cv_config *cfg, const char *user_id, int64_t now,
                           char **out, struct token_claims *claims,
                           struct cv_error *err) CV_WARN_UNUSED;

/*
 * Verify a token at time now, signed with cfg's secret or its previous
 * one. CV_ERR_TOKEN_EXPIRED when it is well signed
 * but past exp (+ leeway); CV_ERR_UNAUTHORIZED for everything else (no
 * token, garbage, another algorithm, bad signature, wrong issuer, missing
 * or malformed claims, iat in the future).
 */
enum cv_status token_verify(const struct cv_config *cfg, const char *token, size_t len,
                            int64_t now, struct token_claims *claims,
                            struct cv_error *err) CV_WARN_UNUSED;

#endif
