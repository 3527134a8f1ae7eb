/*
 * test_stripe_signature.c - Stripe-Signature parsing and verification: a
 * vector computed outside this code (openssl), replay with another t,
 * missing/empty/malformed headers, wrong secret, tampered body, both edges
 * of the tolerance (past and future), several v1, unknown schemes, the
 * length, item and v1 caps (max and max + 1), and t overflow.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "stripe_signature.h"

#define SECRET "whsec_test_secret"
#define T0 1700000000L
#define BODY "{\"id\":\"evt_1\"}"
/* printf '%s' '1700000000.{"id":"evt_1"}' | openssl dgst -sha256 -hmac whsec_test_secret */
#define VECTOR_HEX "248a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9bf8ea9c9a"
#define VECTOR_HEADER "t=1700000000,v1=" VECTOR_HEX
/* A well-formed v1 that matches nothing. */
#define OTHER_HEX "0000000000000000000000000000000000000000000000000000000000000000"
#define TOL STRIPE_SIGNATURE_DEFAULT_TOLERANCE_S

static struct cv_error err;

/* Verify header against BODY with SECRET at now; err keeps the detail. */
static enum cv_status verify_at(const char *header, int64_t now, long tolerance)
{
    cv_error_clear(&err);
    return stripe_signature_verify(header, header == NULL ? 0 : strlen(header), BODY,
                                   strlen(BODY), SECRET, strlen(SECRET), now, tolerance, &err);
}

static enum cv_status verify(const char *header)
{
    return verify_at(header, T0, TOL);
}

static void assert_bad(enum cv_status st, const char *message)
{
    assert_int_equal(st, CV_ERR_BAD_SIGNATURE);
    assert_int_equal(err.status, CV_ERR_BAD_SIGNATURE);
    assert_string_equal(err.message, message);
}

/* Header for body at t, computed independently with libsodium's one-shot
 * HMAC (keys longer than 32 bytes are fine for HMAC-SHA256). */
static void independent_header(int64_t t, const char *body, size_t body_len, char *out,
                               size_t out_size)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char hex[2 * sizeof(mac) + 1];
    crypto_auth_hmacsha256_state st;
    char prefix[32];
    int n;

    n = snprintf(prefix, sizeof(prefix), "%lld.", (long long)t);
    assert_true(n > 0 && (size_t)n < sizeof(prefix));
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)SECRET, strlen(SECRET));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)prefix, (size_t)n);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, body_len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
    n = snprintf(out, out_size, "t=%lld,v1=%s", (long long)t, hex);
    assert_true(n > 0 && (size_t)n < out_size);
}

static void test_known_vector(void **state)
{
    char out[STRIPE_SIGNATURE_COMPUTED_MAX_BYTES];

    (void)state;
    assert_int_equal(stripe_signature_compute(SECRET, strlen(SECRET), T0, BODY, strlen(BODY),
                                              out, sizeof(out), &err), CV_OK);
    assert_string_equal(out, VECTOR_HEADER);
    assert_int_equal(verify(VECTOR_HEADER), CV_OK);
}

static void test_independent_mac_matches(void **state)
{
    static const char body[] = "{\"id\":\"evt_2\",\"type\":\"checkout.session.completed\","
                               "\"data\":{\"object\":{\"note\":\"caf\xc3\xa9 \\u00e9\"}}}";
    char mine[STRIPE_SIGNATURE_COMPUTED_MAX_BYTES], theirs[STRIPE_SIGNATURE_COMPUTED_MAX_BYTES];

    (void)state;
    independent_header(1800000123, body, sizeof(body) - 1, theirs, sizeof(theirs));
    assert_int_equal(stripe_signature_compute(SECRET, strlen(SECRET), 1800000123, body,
                                              sizeof(body) - 1, mine, sizeof(mine), &err), CV_OK);
    assert_string_equal(mine, theirs);
    cv_error_clear(&err);
    assert_int_equal(stripe_signature_verify(theirs, strlen(theirs), body, sizeof(body) - 1,
                                             SECRET, strlen(SECRET), 1800000123, TOL, &err),
                     CV_OK);
}

static void test_empty_body(void **state)
{
    char h[STRIPE_SIGNATURE_COMPUTED_MAX_BYTES];

    (void)state;
    independent_header(T0, "", 0, h, sizeof(h));
    assert_int_equal(stripe_signature_verify(h, strlen(h), NULL, 0, SECRET, strlen(SECRET), T0,
                                             TOL, &err), CV_OK);
    /* the same header does not sign a non-empty body */
    assert_bad(verify(h), STRIPE_SIGNATURE_MSG_NO_MATCH);
}

static void test_replay_with_other_timestamp(void **state)
{
    (void)state;
    /* The MAC of t=T0 presented with t=T0+1, well inside the tolerance. */
    assert_bad(verify("t=1700000001,v1=" VECTOR_HEX), STRIPE_SIGNATURE_MSG_NO_MATCH);
    assert_bad(verify_at("t=1699999999,v1=" VECTOR_HEX, T0, TOL), STRIPE_SIGNATURE_MSG_NO_MATCH);
}

static void test_missing_and_empty(void **state)
{
    (void)state;
    assert_bad(verify(NULL), STRIPE_SIGNATURE_MSG_MISSING);
    assert_bad(verify(""), STRIPE_SIGNATURE_MSG_MISSING);
    /* a NULL pointer with a length is still missing */
    cv_error_clear(&err);
    assert_bad(stripe_signature_verify(NULL, 10, BODY, strlen(BODY), SECRET, strlen(SECRET), T0,
                                       TOL, &err), STRIPE_SIGNATURE_MSG_MISSING);
}

static void test_wrong_secret(void **state)
{
    static const char other[] = "whsec_test_secreT";

    (void)state;
    cv_error_clear(&err);
    assert_bad(stripe_signature_verify(VECTOR_HEADER, strlen(VECTOR_HEADER), BODY, strlen(BODY),
                                       other, strlen(other), T0, TOL, &err),
               STRIPE_SIGNATURE_MSG_NO_MATCH);
    /* a prefix of the right secret is another secret */
    cv_error_clear(&err);
    assert_bad(stripe_signature_verify(VECTOR_HEADER, strlen(VECTOR_HEADER), BODY, strlen(BODY),
                                       SECRET, strlen(SECRET) - 1, T0, TOL, &err),
               STRIPE_SIGNATURE_MSG_NO_MATCH);
}

static void test_messages_leak_nothing(void **state)
{
    (void)state;
    assert_bad(verify("t=1700000000,v1=" OTHER_HEX), STRIPE_SIGNATURE_MSG_NO_MATCH);
    assert_null(strstr(err.message, VECTOR_HEX));
    assert_null(strstr(err.message, SECRET));
    assert_null(strstr(err.message, "whsec"));
    assert_bad(verify_at(VECTOR_HEADER, T0 + 1000, TOL), STRIPE_SIGNATURE_MSG_STALE);
    assert_null(strstr(err.message, "1700000000"));
}

static void test_tolerance_edges(void **state)
{
    (void)state;
    assert_int_equal(verify_at(VECTOR_HEADER, T0 + TOL, TOL), CV_OK);       /* old */
    assert_bad(verify_at(VECTOR_HEADER, T0 + TOL + 1, TOL), STRIPE_SIGNATURE_MSG_STALE);
    assert_int_equal(verify_at(VECTOR_HEADER, T0 - TOL, TOL), CV_OK);       /* future */
    assert_bad(verify_at(VECTOR_HEADER, T0 - TOL - 1, TOL), STRIPE_SIGNATURE_MSG_STALE);
    /* zero tolerance: the very second only */
    assert_int_equal(verify_at(VECTOR_HEADER, T0, 0), CV_OK);
    assert_bad(verify_at(VECTOR_HEADER, T0 + 1, 0), STRIPE_SIGNATURE_MSG_STALE);
    assert_bad(verify_at(VECTOR_HEADER, T0 - 1, 0), STRIPE_SIGNATURE_MSG_STALE);
    /* an unsigned stale header is "no match", not "stale" */
    assert_bad(verify_at("t=1700000000,v1=" OTHER_HEX, T0 + TOL + 1, TOL),
               STRIPE_SIGNATURE_MSG_NO_MATCH);
}

static void test_tampered_payload(void **state)
{
    char body[] = BODY;

    (void)state;
    body[8] ^= 0x01;    /* "evt_1" -> "evt_0" */
    cv_error_clear(&err);
    assert_bad(stripe_signature_verify(VECTOR_HEADER, strlen(VECTOR_HEADER), body, strlen(body),
                                       SECRET, strlen(SECRET), T0, TOL, &err),
               STRIPE_SIGNATURE_MSG_NO_MATCH);
    /* one byte more or less */
    cv_error_clear(&err);
    assert_bad(stripe_signature_verify(VECTOR_HEADER, strlen(VECTOR_HEADER), BODY,
                                       strlen(BODY) - 1, SECRET, strlen(SECRET), T0, TOL, &err),
               STRIPE_SIGNATURE_MSG_NO_MATCH);
    /* a tampered signature */
    assert_bad(verify("t=1700000000,v1=348a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9bf8ea9c9a"),
               STRIPE_SIGNATURE_MSG_NO_MATCH);
}

static void test_several_v1(void **state)
{
    (void)state;
    assert_int_equal(verify("t=1700000000,v1=" OTHER_HEX ",v1=" VECTOR_HEX), CV_OK);
    assert_int_equal(verify("t=1700000000,v1=" VECTOR_HEX ",v1=" OTHER_HEX), CV_OK);
    assert_int_equal(verify("v1=" OTHER_HEX ",v1=" VECTOR_HEX ",t=1700000000"), CV_OK);
    assert_bad(verify("t=1700000000,v1=" OTHER_HEX ",v1=" OTHER_HEX),
               STRIPE_SIGNATURE_MSG_NO_MATCH);
}

static void test_v1_cap(void **state)
{
    char h[1024];
    size_t i;
    int n;

    (void)state;
    /* STRIPE_SIGNATURE_MAX_V1 v1, the last one right: accepted */
    n = snprintf(h, sizeof(h), "t=1700000000");
    for (i = 0; i + 1 < STRIPE_SIGNATURE_MAX_V1; i++)
        n += snprintf(h + n, sizeof(h) - (size_t)n, ",v1=%s", OTHER_HEX);
    n += snprintf(h + n, sizeof(h) - (size_t)n, ",v1=%s", VECTOR_HEX);
    assert_true((size_t)n < sizeof(h));
    assert_int_equal(verify(h), CV_OK);
    /* one more: refused, even though one matches */
    n += snprintf(h + n, sizeof(h) - (size_t)n, ",v1=%s", OTHER_HEX);
    assert_true((size_t)n < sizeof(h));
    assert_bad(verify(h), STRIPE_SIGNATURE_MSG_MALFORMED);
}

static void test_item_cap(void **state)
{
    char h[2048];
    size_t i;
    int n;

    (void)state;
    n = snprintf(h, sizeof(h), "%s", VECTOR_HEADER);
    for (i = 2; i < STRIPE_SIGNATURE_MAX_ITEMS; i++)
        n += snprintf(h + n, sizeof(h) - (size_t)n, ",v0=%s", OTHER_HEX);
    assert_true((size_t)n < sizeof(h));
    assert_int_equal(verify(h), CV_OK);
    n += snprintf(h + n, sizeof(h) - (size_t)n, ",x=1");
    assert_true((size_t)n < sizeof(h));
    assert_bad(verify(h), STRIPE_SIGNATURE_MSG_MALFORMED);
}

static void test_v0_and_unknown_keys(void **state)
{
    (void)state;
    assert_bad(verify("t=1700000000,v0=" VECTOR_HEX), STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify("t=1700000000"), STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify("v1=" VECTOR_HEX), STRIPE_SIGNATURE_MSG_MALFORMED);
    /* v0 beside v1 is ignored, whatever it holds */
    assert_int_equal(verify("t=1700000000,v1=" VECTOR_HEX ",v0=" OTHER_HEX), CV_OK);
    assert_int_equal(verify("t=1700000000,v0=not-hex,v1=" VECTOR_HEX), CV_OK);
    /* unknown keys and schemes, '=' inside a value */
    assert_int_equal(verify("foo=bar,t=1700000000,v2=abc,v1=" VECTOR_HEX ",x_y-Z9=a=b"), CV_OK);
    /* key names are case-sensitive: V1 and T are unknown keys */
    assert_bad(verify("T=1700000000,v1=" VECTOR_HEX), STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify("t=1700000000,V1=" VECTOR_HEX), STRIPE_SIGNATURE_MSG_MALFORMED);
}

static void test_hex_forms(void **state)
{
    (void)state;
    /* upper case: refused (Stripe writes lower case) */
    assert_bad(verify("t=1700000000,v1=248A374F50F943A28B0F6AB50FAF9A7E7E29B710FA26DF9FB1618B9BF8EA9C9A"),
               STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify("t=1700000000,v1=248a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9bf8ea9c9A"),
               STRIPE_SIGNATURE_MSG_MALFORMED);
    /* 63 and 65 digits */
    assert_bad(verify("t=1700000000,v1=248a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9bf8ea9c9"),
               STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify("t=1700000000,v1=" VECTOR_HEX "0"), STRIPE_SIGNATURE_MSG_MALFORMED);
    /* a non-hex digit */
    assert_bad(verify("t=1700000000,v1=g48a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9bf8ea9c9a"),
               STRIPE_SIGNATURE_MSG_MALFORMED);
    /* one bad v1 spoils the header even if another matches */
    assert_bad(verify(VECTOR_HEADER ",v1=xyz"), STRIPE_SIGNATURE_MSG_MALFORMED);
}

static void test_whitespace_refused(void **state)
{
    (void)state;
    assert_bad(verify("t=1700000000, v1=" VECTOR_HEX), STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify("t=1700000000 ,v1=" VECTOR_HEX), STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify(" " VECTOR_HEADER), STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify(VECTOR_HEADER " "), STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify("t = 1700000000,v1=" VECTOR_HEX), STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify("t=1700000000,\tv1=" VECTOR_HEX), STRIPE_SIGNATURE_MSG_MALFORMED);
}

static void test_structure(void **state)
{
    static const char with_nul[] = "t=1700000000,v1=" VECTOR_HEX "\0,x=1";
    char longer[] = VECTOR_HEADER ",garbage here";

    (void)state;
    assert_bad(verify("," VECTOR_HEADER), STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify(VECTOR_HEADER ","), STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify("t=1700000000,,v1=" VECTOR_HEX), STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify("=x," VECTOR_HEADER), STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify("x=," VECTOR_HEADER), STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify("x," VECTOR_HEADER), STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify(";"), STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify("t=1700000000;v1=" VECTOR_HEX), STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify("x=\x80," VECTOR_HEADER), STRIPE_SIGNATURE_MSG_MALFORMED);
    /* an embedded NUL is a byte like any other, and not a value byte */
    cv_error_clear(&err);
    assert_bad(stripe_signature_verify(with_nul, sizeof(with_nul) - 1, BODY, strlen(BODY), SECRET,
                                       strlen(SECRET), T0, TOL, &err),
               STRIPE_SIGNATURE_MSG_MALFORMED);
    /* only len bytes are read: the garbage after them is not seen */
    cv_error_clear(&err);
    assert_int_equal(stripe_signature_verify(longer, strlen(VECTOR_HEADER), BODY, strlen(BODY),
                                             SECRET, strlen(SECRET), T0, TOL, &err), CV_OK);
}

static void test_timestamp_forms(void **state)
{
    static const char *bad[] = {
        "t=,v1=" VECTOR_HEX,
        "t=-1700000000,v1=" VECTOR_HEX,
        "t=+1700000000,v1=" VECTOR_HEX,
        "t=1700000000.5,v1=" VECTOR_HEX,
        "t=17000a0000,v1=" VECTOR_HEX,
        "t=0x65,v1=" VECTOR_HEX,
        "t=1700000000,t=1700000000,v1=" VECTOR_HEX,     /* duplicate, even equal */
        "t=1700000000,v1=" VECTOR_HEX ",t=1700000001",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_bad(verify(bad[i]), STRIPE_SIGNATURE_MSG_MALFORMED);
    /* leading zeros name the same second, as in Stripe's libraries */
    assert_int_equal(verify("t=01700000000,v1=" VECTOR_HEX), CV_OK);
}

static void test_timestamp_overflow(void **state)
{
    char h[STRIPE_SIGNATURE_COMPUTED_MAX_BYTES];
    struct stripe_signature_header parsed;

    (void)state;
    /* INT64_MAX parses; one more does not */
    assert_int_equal(stripe_signature_parse("t=9223372036854775807,v1=" OTHER_HEX,
                                            strlen("t=9223372036854775807,v1=" OTHER_HEX),
                                            &parsed, &err), CV_OK);
    assert_true(parsed.timestamp == INT64_MAX);
    assert_bad(verify("t=9223372036854775808,v1=" VECTOR_HEX), STRIPE_SIGNATURE_MSG_MALFORMED);
    assert_bad(verify("t=99999999999999999999999,v1=" VECTOR_HEX), STRIPE_SIGNATURE_MSG_MALFORMED);

    /* a well-signed t at INT64_MAX: the skew is computed without overflow */
    assert_int_equal(stripe_signature_compute(SECRET, strlen(SECRET), INT64_MAX, BODY,
                                              strlen(BODY), h, sizeof(h), &err), CV_OK);
    assert_int_equal(verify_at(h, INT64_MAX, TOL), CV_OK);
    assert_bad(verify_at(h, 0, TOL), STRIPE_SIGNATURE_MSG_STALE);
    assert_bad(verify_at(h, INT64_MIN, TOL), STRIPE_SIGNATURE_MSG_STALE);
    assert_bad(verify_at(h, INT64_MIN, LONG_MAX), STRIPE_SIGNATURE_MSG_STALE);
    /* t = 0 against a negative now */
    assert_int_equal(stripe_signature_compute(SECRET, strlen(SECRET), 0, BODY, strlen(BODY), h,
                                              sizeof(h), &err), CV_OK);
    assert_memory_equal(h, "t=0,v1=", 7);
    assert_int_equal(verify_at(h, -TOL, TOL), CV_OK);
    assert_bad(verify_at(h, INT64_MIN, TOL), STRIPE_SIGNATURE_MSG_STALE);
}

static void test_header_length_cap(void **state)
{
    char *h = malloc(STRIPE_SIGNATURE_HEADER_MAX_BYTES + 2);
    size_t base = strlen(VECTOR_HEADER ",x="), pad;

    (void)state;
    assert_non_null(h);
    /* exactly STRIPE_SIGNATURE_HEADER_MAX_BYTES: accepted */
    pad = STRIPE_SIGNATURE_HEADER_MAX_BYTES - base;
    memcpy(h, VECTOR_HEADER ",x=", base);
    memset(h + base, 'a', pad);
    h[base + pad] = '\0';
    assert_int_equal(strlen(h), STRIPE_SIGNATURE_HEADER_MAX_BYTES);
    assert_int_equal(verify(h), CV_OK);
    /* one byte more: refused */
    h[base + pad] = 'a';
    h[base + pad + 1] = '\0';
    assert_bad(verify(h), STRIPE_SIGNATURE_MSG_MALFORMED);
    free(h);
}

static void test_parse_output(void **state)
{
    struct stripe_signature_header h;
    static const char s[] = "t=42,v0=" OTHER_HEX ",v1=" VECTOR_HEX ",v1=" OTHER_HEX;

    (void)state;
    assert_int_equal(stripe_signature_parse(s, strlen(s), &h, &err), CV_OK);
    assert_true(h.timestamp == 42);
    assert_int_equal(h.nv1, 2);
    assert_int_equal(h.v1[0][0], 0x24);
    assert_int_equal(h.v1[0][1], 0x8a);
    assert_int_equal(h.v1[0][31], 0x9a);
    assert_int_equal(h.v1[1][0], 0);
}

static void test_config_bugs(void **state)
{
    (void)state;
    cv_error_clear(&err);
    assert_int_equal(stripe_signature_verify(VECTOR_HEADER, strlen(VECTOR_HEADER), BODY,
                                             strlen(BODY), SECRET, 0, T0, TOL, &err),
                     CV_ERR_INTERNAL);
    assert_int_equal(stripe_signature_verify(VECTOR_HEADER, strlen(VECTOR_HEADER), BODY,
                                             strlen(BODY), NULL, 0, T0, TOL, &err),
                     CV_ERR_INTERNAL);
    /* a config bug is reported even when the header is also missing */
    assert_int_equal(stripe_signature_verify(NULL, 0, BODY, strlen(BODY), "", 0, T0, TOL, &err),
                     CV_ERR_INTERNAL);
    assert_int_equal(verify_at(VECTOR_HEADER, T0, -1), CV_ERR_INTERNAL);
    assert_int_equal(stripe_signature_verify(VECTOR_HEADER, strlen(VECTOR_HEADER), NULL, 3,
                                             SECRET, strlen(SECRET), T0, TOL, &err),
                     CV_ERR_INTERNAL);
    /* err may be NULL */
    assert_int_equal(stripe_signature_verify(NULL, 0, BODY, strlen(BODY), SECRET, strlen(SECRET),
                                             T0, TOL, NULL), CV_ERR_BAD_SIGNATURE);
}

static void test_compute_bounds(void **state)
{
    char out[STRIPE_SIGNATURE_COMPUTED_MAX_BYTES];
    size_t need = strlen(VECTOR_HEADER) + 1;

    (void)state;
    /* exactly enough room, and one byte less */
    assert_int_equal(stripe_signature_compute(SECRET, strlen(SECRET), T0, BODY, strlen(BODY),
                                              out, need, &err), CV_OK);
    assert_string_equal(out, VECTOR_HEADER);
    memset(out, 'z', sizeof(out));
    assert_int_equal(stripe_signature_compute(SECRET, strlen(SECRET), T0, BODY, strlen(BODY),
                                              out, need - 1, &err), CV_ERR_INTERNAL);
    assert_string_equal(out, "");
    assert_int_equal(out[need - 2], '\0');      /* no partial MAC left behind */
    assert_int_equal(out[need - 1], 'z');       /* nothing past out_size */
    assert_int_equal(stripe_signature_compute(SECRET, strlen(SECRET), T0, BODY, strlen(BODY),
                                              out, 0, &err), CV_ERR_INTERNAL);
    assert_int_equal(stripe_signature_compute(SECRET, strlen(SECRET), -1, BODY, strlen(BODY),
                                              out, sizeof(out), &err), CV_ERR_INTERNAL);
    assert_int_equal(stripe_signature_compute("", 0, T0, BODY, strlen(BODY), out, sizeof(out),
                                              &err), CV_ERR_INTERNAL);
    /* the largest header fits the documented room */
    assert_int_equal(stripe_signature_compute(SECRET, strlen(SECRET), INT64_MAX, BODY,
                                              strlen(BODY), out, sizeof(out), &err), CV_OK);
    assert_int_equal(strlen(out), strlen("t=9223372036854775807,v1=") + STRIPE_SIGNATURE_HEX_LEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_vector),
        cmocka_unit_test(test_independent_mac_matches),
        cmocka_unit_test(test_empty_body),
        cmocka_unit_test(test_replay_with_other_timestamp),
        cmocka_unit_test(test_missing_and_empty),
        cmocka_unit_test(test_wrong_secret),
        cmocka_unit_test(test_messages_leak_nothing),
        cmocka_unit_test(test_tolerance_edges),
        cmocka_unit_test(test_tampered_payload),
        cmocka_unit_test(test_several_v1),
        cmocka_unit_test(test_v1_cap),
        cmocka_unit_test(test_item_cap),
        cmocka_unit_test(test_v0_and_unknown_keys),
        cmocka_unit_test(test_hex_forms),
        cmocka_unit_test(test_whitespace_refused),
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_timestamp_forms),
        cmocka_unit_test(test_timestamp_overflow),
        cmocka_unit_test(test_header_length_cap),
        cmocka_unit_test(test_parse_output),
        cmocka_unit_test(test_config_bugs),
        cmocka_unit_test(test_compute_bounds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
