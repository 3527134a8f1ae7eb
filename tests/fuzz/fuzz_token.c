/*
 * fuzz_token.c - arbitrary bytes as a bearer token: token_verify at a fixed
 * time with a fixed secret and issuer. Must never crash or read out of
 * bounds; answers only CV_OK, CV_ERR_UNAUTHORIZED or CV_ERR_TOKEN_EXPIRED;
 * a token it accepts has a 24-hex sub, a 32-hex jti and iat <= now + leeway
 * < exp + leeway. The seed corpus holds a valid token signed with
 * FUZZ_SECRET, so mutations reach the claim checks, plus alg none / RS256
 * variants. Every fourth input is instead signed first (token_issue) with
 * the input as the user id, and must then verify to the same claims.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_SECRET "fuzz-secret-fuzz-secret-fuzz-secret!"
#define FUZZ_ISSUER "cv-analyzer"
#define FUZZ_NOW 1764547200   /* 2025-12-01T00:00:00Z */

static int is_hex(const char *s, size_t n)
{
    size_t i;

    if (strlen(s) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char secret[] = FUZZ_SECRET, issuer[] = FUZZ_ISSUER;
    struct cv_config cfg;
    struct token_claims claims, issued;
    struct cv_error err;
    enum cv_status st;
    char *copy, *token = NULL;

    memset(&cfg, 0, sizeof(cfg));
    cfg.jwt_secret = secret;
    cfg.jwt_secret_len = strlen(secret);
    cfg.jwt_issuer = issuer;
    cfg.jwt_expires_in_s = 3600;

    copy = malloc(size + 1);
    if (copy == NULL)
        return 0;
    if (size > 0)
        memcpy(copy, data, size);
    copy[size] = '\0';

    if (size == 24 + 1 && data[0] == '!' && is_hex(copy + 1, 24)) {
        /* round trip: what we issue, we accept, with the same claims */
        cv_error_clear(&err);
        if (token_issue(&cfg, copy + 1, FUZZ_NOW, &token, &issued, &err) != CV_OK)
            abort();
        cv_error_clear(&err);
        if (token_verify(&cfg, token, strlen(token), FUZZ_NOW, &claims, &err) != CV_OK ||
            strcmp(claims.sub, copy + 1) != 0 || strcmp(claims.jti, issued.jti) != 0 ||
            claims.exp != issued.exp)
            abort();
        free(token);
        free(copy);
        return 0;
    }

    cv_error_clear(&err);
    memset(&claims, 0, sizeof(claims));
    st = token_verify(&cfg, copy, size, FUZZ_NOW, &claims, &err);
    if (st == CV_OK) {
        if (!is_hex(claims.sub, TOKEN_USER_ID_LEN) || !is_hex(claims.jti, TOKEN_JTI_HEX_LEN) ||
            claims.iat > FUZZ_NOW + TOKEN_LEEWAY_S || claims.exp + TOKEN_LEEWAY_S < FUZZ_NOW)
            abort();
    } else if (st != CV_ERR_UNAUTHORIZED && st != CV_ERR_TOKEN_EXPIRED) {
        abort();
    }
    free(copy);
    return 0;
}
