/*
 * test_token.c - HS256 tokens: issue, verify, and every rejection (none,
 * HS512 with the same secret, expired, tampered payload, wrong secret,
 * wrong issuer, garbage, over-long), and the previous secret accepted
 * after a rotation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jwt.h>

#include "config.h"
#include "token.h"

#define NOW 1800000000L
#define USER "0123456789abcdef01234567"

static struct cv_config cfg;

static int setup(void **state)
{
    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    cfg.jwt_secret = "0123456789abcdef0123456789abcdef";
    cfg.jwt_secret_len = strlen(cfg.jwt_secret);
    cfg.jwt_expires_in_s = 3600;
    cfg.jwt_issuer = "cv-analyzer";
    return 0;
}

/* A token built directly with libjwt, as an attacker holding (or not) the
 * secret could. */
static char *forge(jwt_alg_t alg, const char *secret, const char *sub, long iat, long exp,
                   const char *iss, const char *jti)
{
    jwt_t *jwt;
    char *s;

    assert_int_equal(jwt_new(&jwt), 0);
    if (alg != JWT_ALG_NONE)
        assert_int_equal(jwt_set_alg(jwt, alg, (const unsigned char *)secret, (int)strlen(secret)), 0);
    if (sub != NULL)
        jwt_add_grant(jwt, "sub", sub);
    jwt_add_grant_int(jwt, "iat", iat);
    jwt_add_grant_int(jwt, "exp", exp);
    if (iss != NULL)
        jwt_add_grant(jwt, "iss", iss);
    if (jti != NULL)
        jwt_add_grant(jwt, "jti", jti);
    s = jwt_encode_str(jwt);
    jwt_free(jwt);
    assert_non_null(s);
    return s;
}

static enum cv_status verify(const char *token, struct token_claims *c)
{
    struct cv_error err;

    cv_error_clear(&err);
    return token_verify(&cfg, token, strlen(token), NOW, c, &err);
}

static void test_issue_then_verify(void **state)
{
    struct token_claims issued, seen;
    struct cv_error err;
    char *tok = NULL;

    (void)state;
    assert_int_equal(token_issue(&cfg, USER, NOW, &tok, &issued, &err), CV_OK);
    assert_string_equal(issued.sub, USER);
    assert_int_equal(issued.exp - issued.iat, 3600);
    assert_int_equal(strlen(issued.jti), TOKEN_JTI_HEX_LEN);
    assert_int_equal(verify(tok, &seen), CV_OK);
    assert_string_equal(seen.sub, USER);
    assert_string_equal(seen.jti, issued.jti);
    free(tok);
}

static void test_jti_is_random(void **state)
{
    struct token_claims a, b;
    struct cv_error err;
    char *t1 = NULL, *t2 = NULL;

    (void)state;
    assert_int_equal(token_issue(&cfg, USER, NOW, &t1, &a, &err), CV_OK);
    assert_int_equal(token_issue(&cfg, USER, NOW, &t2, &b, &err), CV_OK);
    assert_string_not_equal(a.jti, b.jti);
    free(t1);
    free(t2);
}

static void test_rejects_hs512_with_same_secret(void **state)
{
    char *t = forge(JWT_ALG_HS512, cfg.jwt_secret, USER, NOW, NOW + 60, "cv-analyzer", "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1");

    (void)state;
    assert_int_equal(verify(t, NULL), CV_ERR_UNAUTHORIZED);
    free(t);
}

static void test_rejects_alg_none(void **state)
{
    char *t = forge(JWT_ALG_NONE, "", USER, NOW, NOW + 60, "cv-analyzer", "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1");

    (void)state;
    assert_int_equal(verify(t, NULL), CV_ERR_UNAUTHORIZED);
    free(t);
}

static void test_expiry_and_leeway(void **state)
{
    const char *jti = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
    char *inside = forge(JWT_ALG_HS256, cfg.jwt_secret, USER, NOW - 100, NOW - TOKEN_LEEWAY_S,
                         "cv-analyzer", jti);
    char *outside = forge(JWT_ALG_HS256, cfg.jwt_secret, USER, NOW - 100, NOW - TOKEN_LEEWAY_S - 1,
                          "cv-analyzer", jti);

    (void)state;
    assert_int_equal(verify(inside, NULL), CV_OK);
    assert_int_equal(verify(outside, NULL), CV_ERR_TOKEN_EXPIRED);
    free(inside);
    free(outside);
}

static void test_rejects_iat_in_the_future(void **state)
{
    char *t = forge(JWT_ALG_HS256, cfg.jwt_secret, USER, NOW + TOKEN_LEEWAY_S + 1, NOW + 3600,
                    "cv-analyzer", "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1");

    (void)state;
    assert_int_equal(verify(t, NULL), CV_ERR_UNAUTHORIZED);
    free(t);
}

static void test_rejects_wrong_secret_issuer_and_claims(void **state)
{
    const char *jti = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
    char *cases[] = {
        forge(JWT_ALG_HS256, "another-secret-another-secret-xx", USER, NOW, NOW + 60, "cv-analyzer", jti),
        forge(JWT_ALG_HS256, cfg.jwt_secret, USER, NOW, NOW + 60, "someone-else", jti),
        forge(JWT_ALG_HS256, cfg.jwt_secret, USER, NOW, NOW + 60, NULL, jti),
        forge(JWT_ALG_HS256, cfg.jwt_secret, NULL, NOW, NOW + 60, "cv-analyzer", jti),
        forge(JWT_ALG_HS256, cfg.jwt_secret, "0123456789ABCDEF01234567", NOW, NOW + 60, "cv-analyzer", jti),
        forge(JWT_ALG_HS256, cfg.jwt_secret, USER, NOW, NOW + 60, "cv-analyzer", NULL),
        forge(JWT_ALG_HS256, cfg.jwt_secret, USER, NOW, NOW + 60, "cv-analyzer", "short"),
        forge(JWT_ALG_HS256, cfg.jwt_secret, USER, NOW, NOW, "cv-analyzer", jti),
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(verify(cases[i], NULL), CV_ERR_UNAUTHORIZED);
        free(cases[i]);
    }
}

#define OLD_SECRET "old-secret-old-secret-old-secret"

/* Rotation: tokens of the old secret verify while JWT_SECRET_PREVIOUS
 * holds it, and not once it is gone; new tokens use the new secret only. */
static void test_previous_secret_verifies_after_rotation(void **state)
{
    const char *jti = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2";
    char *old = forge(JWT_ALG_HS256, OLD_SECRET, USER, NOW, NOW + 60, "cv-analyzer", jti);
    char *other = forge(JWT_ALG_HS256, "another-secret-another-secret-xx", USER, NOW, NOW + 60,
                        "cv-analyzer", jti);
    struct token_claims seen, issued;
    struct cv_error err;
    char *fresh = NULL;

    (void)state;
    assert_int_equal(verify(old, NULL), CV_ERR_UNAUTHORIZED);
    cfg.jwt_secret_previous = OLD_SECRET;
    cfg.jwt_secret_previous_len = strlen(OLD_SECRET);
    assert_int_equal(verify(old, &seen), CV_OK);
    assert_string_equal(seen.sub, USER);
    assert_int_equal(verify(other, NULL), CV_ERR_UNAUTHORIZED);

    assert_int_equal(token_issue(&cfg, USER, NOW, &fresh, &issued, &err), CV_OK);
    cfg.jwt_secret_previous = NULL;
    cfg.jwt_secret_previous_len = 0;
    assert_int_equal(verify(fresh, NULL), CV_OK);   /* signed with the current secret */
    assert_int_equal(verify(old, NULL), CV_ERR_UNAUTHORIZED);
    free(old);
    free(other);
    free(fresh);
}

static void test_rejects_tampered_payload(void **state)
{
    struct token_claims c;
    struct cv_error err;
    char *tok = NULL, *dot1, *dot2;

    (void)state;
    assert_int_equal(token_issue(&cfg, USER, NOW, &tok, &c, &err), CV_OK);
    dot1 = strchr(tok, '.');
    dot2 = strchr(dot1 + 1, '.');
    assert_true(dot2 - dot1 > 5);
    dot1[3] = dot1[3] == 'A' ? 'B' : 'A';   /* flip one payload character */
    assert_int_equal(verify(tok, NULL), CV_ERR_UNAUTHORIZED);
    free(tok);
}

static void test_rejects_garbage_and_sizes(void **state)
{
    char big[TOKEN_MAX_BYTES + 2];
    struct cv_error err;

    (void)state;
    assert_int_equal(verify("", NULL), CV_ERR_UNAUTHORIZED);
    assert_int_equal(verify("garbage", NULL), CV_ERR_UNAUTHORIZED);
    assert_int_equal(verify("a.b.c", NULL), CV_ERR_UNAUTHORIZED);
    assert_int_equal(verify("....", NULL), CV_ERR_UNAUTHORIZED);
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(verify(big, NULL), CV_ERR_UNAUTHORIZED);
    assert_int_equal(token_verify(&cfg, NULL, 0, NOW, NULL, &err), CV_ERR_UNAUTHORIZED);
    assert_int_equal(token_verify(&cfg, "ab\0cd", 5, NOW, NULL, &err), CV_ERR_UNAUTHORIZED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_issue_then_verify, setup),
        cmocka_unit_test_setup(test_jti_is_random, setup),
        cmocka_unit_test_setup(test_rejects_hs512_with_same_secret, setup),
        cmocka_unit_test_setup(test_rejects_alg_none, setup),
        cmocka_unit_test_setup(test_expiry_and_leeway, setup),
        cmocka_unit_test_setup(test_rejects_iat_in_the_future, setup),
        cmocka_unit_test_setup(test_rejects_wrong_secret_issuer_and_claims, setup),
        cmocka_unit_test_setup(test_previous_secret_verifies_after_rotation, setup),
        cmocka_unit_test_setup(test_rejects_tampered_payload, setup),
        cmocka_unit_test_setup(test_rejects_garbage_and_sizes, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
