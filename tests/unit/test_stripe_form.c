/*
 * test_stripe_form.c - form encoding of Stripe parameters: a checkout body
 * with nested and indexed keys, reserved characters, UTF-8, every byte,
 * empty values, the buffer max (max and max + 1, all or nothing) and the
 * key length limit of stripe_form_add_keyf.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stripe_form.h"

static void test_checkout_body(void **state)
{
    struct cv_buf b;
    size_t i = 0;

    (void)state;
    cv_buf_init(&b, STRIPE_FORM_BODY_MAX_BYTES);
    assert_int_equal(stripe_form_add(&b, "mode", "subscription"), CV_OK);
    assert_int_equal(stripe_form_add_keyf(&b, "price_123", "line_items[%zu][price]", i), CV_OK);
    assert_int_equal(stripe_form_add_keyf(&b, "1", "line_items[%zu][quantity]", i), CV_OK);
    assert_int_equal(stripe_form_add(&b, "metadata[user_id]", "abc"), CV_OK);
    assert_int_equal(stripe_form_add_keyf(&b, "abc", "%s[metadata][%s]", "subscription_data",
                                          "user_id"), CV_OK);
    assert_int_equal(stripe_form_add(&b, "success_url",
                                     "https://app.example.com/billing?session_id={CHECKOUT_SESSION_ID}"),
                     CV_OK);
    assert_string_equal(b.data,
                        "mode=subscription"
                        "&line_items[0][price]=price_123"
                        "&line_items[0][quantity]=1"
                        "&metadata[user_id]=abc"
                        "&subscription_data[metadata][user_id]=abc"
                        "&success_url=https%3A%2F%2Fapp.example.com%2Fbilling%3Fsession_id%3D"
                        "%7BCHECKOUT_SESSION_ID%7D");
    assert_int_equal(b.len, strlen(b.data));
    cv_buf_free(&b);
}

static void test_reserved_characters(void **state)
{
    struct cv_buf b;

    (void)state;
    cv_buf_init(&b, STRIPE_FORM_BODY_MAX_BYTES);
    assert_int_equal(stripe_form_add(&b, "metadata[note]", "a&b=c+d e%f"), CV_OK);
    assert_string_equal(b.data, "metadata[note]=a%26b%3Dc%2Bd%20e%25f");
    cv_buf_reset(&b);
    /* unreserved kept; brackets encoded in values; '#', '/', '@' etc. encoded */
    assert_int_equal(stripe_form_add(&b, "k", "AZaz09-._~[]#/?@!$'()*,;:"), CV_OK);
    assert_string_equal(b.data, "k=AZaz09-._~%5B%5D%23%2F%3F%40%21%24%27%28%29%2A%2C%3B%3A");
    cv_buf_reset(&b);
    /* in keys, brackets stay raw but everything else is encoded */
    assert_int_equal(stripe_form_add(&b, "metadata[a b&c=d]", "1"), CV_OK);
    assert_string_equal(b.data, "metadata[a%20b%26c%3Dd]=1");
    cv_buf_reset(&b);
    /* control bytes and a quote */
    assert_int_equal(stripe_form_add(&b, "k", "\"\r\n\t\x7f"), CV_OK);
    assert_string_equal(b.data, "k=%22%0D%0A%09%7F");
    cv_buf_free(&b);
}

static void test_utf8(void **state)
{
    struct cv_buf b;

    (void)state;
    cv_buf_init(&b, STRIPE_FORM_BODY_MAX_BYTES);
    /* "Zoé 😀" */
    assert_int_equal(stripe_form_add(&b, "name", "Zo\xc3\xa9 \xf0\x9f\x98\x80"), CV_OK);
    assert_string_equal(b.data, "name=Zo%C3%A9%20%F0%9F%98%80");
    cv_buf_reset(&b);
    assert_int_equal(stripe_form_add(&b, "metadata[pr\xc3\xa9nom]", "x"), CV_OK);
    assert_string_equal(b.data, "metadata[pr%C3%A9nom]=x");
    cv_buf_free(&b);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;      /* lower-case hex is never written */
}

/* Every byte 1..255 encodes to itself (unreserved) or to %XX of itself. */
static void test_every_byte_round_trips(void **state)
{
    char value[256];
    struct cv_buf b;
    size_t i, j;
    int c;

    (void)state;
    for (c = 1; c < 256; c++)
        value[c - 1] = (char)c;
    value[255] = '\0';
    cv_buf_init(&b, STRIPE_FORM_BODY_MAX_BYTES);
    assert_int_equal(stripe_form_add(&b, "k", value), CV_OK);
    assert_memory_equal(b.data, "k=", 2);
    for (i = 2, j = 0; i < b.len; j++) {
        unsigned char want = (unsigned char)value[j];

        if (b.data[i] == '%') {
            assert_true(i + 2 < b.len);
            assert_true(hex_value(b.data[i + 1]) >= 0 && hex_value(b.data[i + 2]) >= 0);
            assert_int_equal(hex_value(b.data[i + 1]) * 16 + hex_value(b.data[i + 2]), want);
            assert_false((want >= 'A' && want <= 'Z') || (want >= 'a' && want <= 'z') ||
                         (want >= '0' && want <= '9') || strchr("-._~", want) != NULL);
            i += 3;
        } else {
            assert_int_equal((unsigned char)b.data[i], want);
            assert_true((want >= 'A' && want <= 'Z') || (want >= 'a' && want <= 'z') ||
                        (want >= '0' && want <= '9') || strchr("-._~", want) != NULL);
            i++;
        }
    }
    assert_int_equal(j, 255);
    cv_buf_free(&b);
}

static void test_empty_value(void **state)
{
    struct cv_buf b;

    (void)state;
    cv_buf_init(&b, STRIPE_FORM_BODY_MAX_BYTES);
    assert_int_equal(stripe_form_add(&b, "metadata[old]", ""), CV_OK);
    assert_int_equal(stripe_form_add(&b, "a", ""), CV_OK);
    assert_string_equal(b.data, "metadata[old]=&a=");
    cv_buf_free(&b);
}

static void test_bad_arguments(void **state)
{
    struct cv_buf b;

    (void)state;
    cv_buf_init(&b, STRIPE_FORM_BODY_MAX_BYTES);
    assert_int_equal(stripe_form_add(&b, "a", "1"), CV_OK);
    assert_int_equal(stripe_form_add(&b, "", "x"), CV_ERR_INTERNAL);
    assert_int_equal(stripe_form_add(&b, NULL, "x"), CV_ERR_INTERNAL);
    assert_int_equal(stripe_form_add(&b, "k", NULL), CV_ERR_INTERNAL);
    assert_int_equal(stripe_form_add_keyf(&b, NULL, "k[%d]", 1), CV_ERR_INTERNAL);
    assert_int_equal(stripe_form_add_keyf(&b, "x", "%s", ""), CV_ERR_INTERNAL);
    assert_string_equal(b.data, "a=1");
    cv_buf_free(&b);
}

static void test_buffer_max(void **state)
{
    struct cv_buf b;

    (void)state;
    /* "k=a%20b" is 7 bytes: a max of 7 holds it, 6 does not */
    cv_buf_init(&b, 7);
    assert_int_equal(stripe_form_add(&b, "k", "a b"), CV_OK);
    assert_string_equal(b.data, "k=a%20b");
    cv_buf_free(&b);

    cv_buf_init(&b, 6);
    assert_int_equal(stripe_form_add(&b, "k", "a b"), CV_ERR_TOO_LARGE);
    assert_int_equal(b.len, 0);
    assert_true(b.data == NULL || b.data[0] == '\0');
    cv_buf_free(&b);

    /* a second pair that does not fit leaves the first intact, '&' too */
    cv_buf_init(&b, 12);
    assert_int_equal(stripe_form_add(&b, "a", "1"), CV_OK);
    assert_int_equal(stripe_form_add(&b, "bb", "%%%"), CV_ERR_TOO_LARGE);  /* 3 + 13 > 12 */
    assert_string_equal(b.data, "a=1");
    assert_int_equal(b.len, 3);
    /* the failure fell in the middle of the value's escapes: still nothing */
    assert_int_equal(stripe_form_add(&b, "b", "\xc3\xa9\xc3"), CV_ERR_TOO_LARGE);  /* fails at the third escape */
    assert_string_equal(b.data, "a=1");
    /* "&b=%C3%A9" makes 12 exactly */
    assert_int_equal(stripe_form_add(&b, "b", "\xc3\xa9"), CV_OK);
    assert_string_equal(b.data, "a=1&b=%C3%A9");
    assert_int_equal(b.len, 12);
    assert_int_equal(stripe_form_add(&b, "c", ""), CV_ERR_TOO_LARGE);
    assert_string_equal(b.data, "a=1&b=%C3%A9");
    cv_buf_free(&b);
}

static void test_key_limit(void **state)
{
    char key[STRIPE_FORM_KEY_MAX_BYTES + 1];
    struct cv_buf b;

    (void)state;
    cv_buf_init(&b, STRIPE_FORM_BODY_MAX_BYTES);
    /* STRIPE_FORM_KEY_MAX_BYTES - 1 bytes: accepted */
    memset(key, 'k', STRIPE_FORM_KEY_MAX_BYTES - 1);
    key[STRIPE_FORM_KEY_MAX_BYTES - 1] = '\0';
    assert_int_equal(stripe_form_add_keyf(&b, "v", "%s", key), CV_OK);
    assert_int_equal(b.len, STRIPE_FORM_KEY_MAX_BYTES - 1 + 2);
    /* one more: refused, nothing appended */
    key[STRIPE_FORM_KEY_MAX_BYTES - 1] = 'k';
    key[STRIPE_FORM_KEY_MAX_BYTES] = '\0';
    assert_int_equal(stripe_form_add_keyf(&b, "v", "%s", key), CV_ERR_TOO_LARGE);
    assert_int_equal(b.len, STRIPE_FORM_KEY_MAX_BYTES - 1 + 2);
    /* stripe_form_add itself takes any key length the buffer allows */
    assert_int_equal(stripe_form_add(&b, key, "v"), CV_OK);
    cv_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checkout_body),
        cmocka_unit_test(test_reserved_characters),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_every_byte_round_trips),
        cmocka_unit_test(test_empty_value),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_buffer_max),
        cmocka_unit_test(test_key_limit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
