/*
 * test_stripe_error.c - Stripe error responses to cv_status: each error
 * type and status, transport failures, bodies that are not JSON or have
 * no error object, the body limit (max and max + 1), and that Stripe's own
 * words never reach the client-facing message of a 503 mapping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stripe_error.h"

static struct cv_error err;
static struct stripe_error_info info;

static enum cv_status map(long status, const char *body)
{
    return stripe_error_map(status, body, body == NULL ? 0 : strlen(body), &err, &info);
}

static void assert_unavailable(enum cv_status st, const char *message)
{
    assert_int_equal(st, CV_ERR_UNAVAILABLE);
    assert_int_equal(err.status, CV_ERR_UNAVAILABLE);
    assert_string_equal(err.message, message);
    assert_int_equal(err.nfields, 0);
}

static void test_card_error(void **state)
{
    (void)state;
    assert_int_equal(map(402, "{\"error\":{\"type\":\"card_error\",\"code\":\"card_declined\","
                              "\"decline_code\":\"generic_decline\",\"param\":\"payment_method\","
                              "\"message\":\"Your card was declined.\"}}"),
                     CV_ERR_INVALID);
    assert_int_equal(err.status, CV_ERR_INVALID);
    assert_string_equal(err.message, "Your card was declined.");
    assert_int_equal(err.nfields, 1);
    assert_string_equal(err.fields[0].name, "payment_method");
    assert_string_equal(err.fields[0].message, "Your card was declined.");
    assert_int_equal(info.http_status, 402);
    assert_int_equal(info.parsed, 1);
    assert_string_equal(info.type, "card_error");
    assert_string_equal(info.code, "card_declined");

    /* no param: no field; no message: a fixed one */
    assert_int_equal(map(402, "{\"error\":{\"type\":\"card_error\",\"code\":\"expired_card\","
                              "\"message\":\"Your card has expired.\"}}"), CV_ERR_INVALID);
    assert_string_equal(err.message, "Your card has expired.");
    assert_int_equal(err.nfields, 0);
    assert_int_equal(map(402, "{\"error\":{\"type\":\"card_error\"}}"), CV_ERR_INVALID);
    assert_string_equal(err.message, STRIPE_ERROR_MSG_DECLINED);
}

static void test_invalid_request_error(void **state)
{
    (void)state;
    assert_int_equal(map(400, "{\"error\":{\"type\":\"invalid_request_error\","
                              "\"code\":\"parameter_missing\",\"param\":\"line_items[0][price]\","
                              "\"message\":\"Missing required param: line_items[0][price].\"}}"),
                     CV_ERR_INVALID);
    assert_string_equal(err.message, STRIPE_ERROR_MSG_REJECTED);
    assert_int_equal(err.nfields, 1);
    assert_string_equal(err.fields[0].name, "line_items[0][price]");
    assert_string_equal(err.fields[0].message, "Missing required param: line_items[0][price].");
    assert_string_equal(info.code, "parameter_missing");

    /* 404 resource_missing, with a param */
    assert_int_equal(map(404, "{\"error\":{\"type\":\"invalid_request_error\","
                              "\"code\":\"resource_missing\",\"param\":\"customer\","
                              "\"message\":\"No such customer: 'cus_123'\"}}"),
                     CV_ERR_INVALID);
    assert_string_equal(err.fields[0].name, "customer");
    /* no param: no field, and Stripe's text stays in info only */
    assert_int_equal(map(400, "{\"error\":{\"type\":\"invalid_request_error\","
                              "\"message\":\"Invalid request.\"}}"), CV_ERR_INVALID);
    assert_int_equal(err.nfields, 0);
    assert_string_equal(err.message, STRIPE_ERROR_MSG_REJECTED);
    assert_string_equal(info.message, "Invalid request.");
    /* param without message: a fixed field message */
    assert_int_equal(map(400, "{\"error\":{\"type\":\"invalid_request_error\",\"param\":\"x\"}}"),
                     CV_ERR_INVALID);
    assert_string_equal(err.fields[0].message, STRIPE_ERROR_MSG_REJECTED);
}

static void test_authentication_and_permission(void **state)
{
    static const char auth[] = "{\"error\":{\"type\":\"authentication_error\","
                               "\"message\":\"Invalid API Key provided: sk_test_****1234\"}}";

    (void)state;
    assert_unavailable(map(401, auth), STRIPE_ERROR_MSG_MISCONFIGURED);
    assert_null(strstr(err.message, "sk_test"));
    assert_string_equal(info.message, "Invalid API Key provided: sk_test_****1234");
    assert_unavailable(map(401, NULL), STRIPE_ERROR_MSG_MISCONFIGURED);
    assert_unavailable(map(403, "{\"error\":{\"type\":\"invalid_request_error\","
                                "\"message\":\"The provided key does not have access\"}}"),
                       STRIPE_ERROR_MSG_MISCONFIGURED);
    assert_unavailable(map(403, "<html>forbidden</html>"), STRIPE_ERROR_MSG_MISCONFIGURED);
    /* the type alone is enough */
    assert_unavailable(map(400, "{\"error\":{\"type\":\"authentication_error\"}}"),
                       STRIPE_ERROR_MSG_MISCONFIGURED);
    assert_unavailable(map(400, "{\"error\":{\"type\":\"permission_error\",\"param\":\"x\"}}"),
                       STRIPE_ERROR_MSG_MISCONFIGURED);
}

static void test_rate_limit_and_server_errors(void **state)
{
    static const char api[] = "{\"error\":{\"type\":\"api_error\","
                              "\"message\":\"An unknown error occurred req_abc\"}}";

    (void)state;
    assert_unavailable(map(429, "{\"error\":{\"type\":\"rate_limit_error\","
                                "\"code\":\"rate_limit\",\"message\":\"Too many requests\"}}"),
                       STRIPE_ERROR_MSG_UNAVAILABLE);
    assert_string_equal(info.code, "rate_limit");
    assert_unavailable(map(429, NULL), STRIPE_ERROR_MSG_UNAVAILABLE);
    assert_unavailable(map(400, "{\"error\":{\"type\":\"rate_limit_error\"}}"),
                       STRIPE_ERROR_MSG_UNAVAILABLE);
    assert_unavailable(map(500, api), STRIPE_ERROR_MSG_UNAVAILABLE);
    assert_null(strstr(err.message, "req_abc"));
    assert_string_equal(info.message, "An unknown error occurred req_abc");
    assert_unavailable(map(502, "<html>Bad Gateway</html>"), STRIPE_ERROR_MSG_UNAVAILABLE);
    assert_int_equal(info.parsed, 0);
    assert_unavailable(map(503, ""), STRIPE_ERROR_MSG_UNAVAILABLE);
    /* a 5xx wins over a 4xx-looking type */
    assert_unavailable(map(500, "{\"error\":{\"type\":\"card_error\",\"param\":\"card\"}}"),
                       STRIPE_ERROR_MSG_UNAVAILABLE);
    /* api_error type with a 4xx status */
    assert_unavailable(map(400, api), STRIPE_ERROR_MSG_UNAVAILABLE);
}

static void test_transport_failure(void **state)
{
    (void)state;
    assert_unavailable(map(0, NULL), STRIPE_ERROR_MSG_UNAVAILABLE);
    assert_int_equal(info.http_status, 0);
    assert_int_equal(info.parsed, 0);
    assert_unavailable(map(-1, "{\"error\":{\"type\":\"card_error\"}}"),
                       STRIPE_ERROR_MSG_UNAVAILABLE);
}

static void test_idempotency(void **state)
{
    (void)state;
    assert_int_equal(map(400, "{\"error\":{\"type\":\"idempotency_error\",\"message\":\"Keys for "
                              "idempotent requests can only be used with the same parameters\"}}"),
                     CV_ERR_CONFLICT);
    assert_string_equal(err.message, STRIPE_ERROR_MSG_CONFLICT);
    assert_int_equal(err.nfields, 0);
    assert_int_equal(map(409, NULL), CV_ERR_CONFLICT);
    assert_int_equal(map(409, "{\"error\":{\"type\":\"invalid_request_error\",\"param\":\"x\"}}"),
                     CV_ERR_CONFLICT);
}

static void test_unusable_bodies(void **state)
{
    static const char *bodies[] = {
        "",
        "not json",
        "{\"error\":{\"type\":\"card_error\"",                     /* cut short */
        "{\"error\":{\"type\":\"card_error\"}} trailing",
        "{\"foo\":1}",                                               /* no error object */
        "{\"error\":\"card_error\"}",                               /* error not an object */
        "[{\"error\":{\"type\":\"card_error\"}}]",
        "null",
        "{\"error\":{\"type\":\"card_error\",}}",                  /* not strict JSON */
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        assert_unavailable(map(402, bodies[i]), STRIPE_ERROR_MSG_UNAVAILABLE);
        assert_int_equal(info.parsed, 0);
    }
    /* trailing whitespace, as HTTP bodies often end, is fine */
    assert_int_equal(map(402, "{\"error\":{\"type\":\"card_error\"}}\r\n"), CV_ERR_INVALID);
    /* NULL body with a length is ignored */
    assert_unavailable(stripe_error_map(400, NULL, 10, &err, &info),
                       STRIPE_ERROR_MSG_UNAVAILABLE);
}

static void test_unknown_or_missing_type(void **state)
{
    (void)state;
    assert_unavailable(map(400, "{\"error\":{\"type\":\"brand_new_error\",\"param\":\"x\"}}"),
                       STRIPE_ERROR_MSG_UNAVAILABLE);
    assert_int_equal(info.parsed, 1);
    assert_unavailable(map(400, "{\"error\":{\"message\":\"no type\",\"param\":\"x\"}}"),
                       STRIPE_ERROR_MSG_UNAVAILABLE);
    /* a type that is not a string is no type */
    assert_unavailable(map(402, "{\"error\":{\"type\":7,\"param\":\"x\"}}"),
                       STRIPE_ERROR_MSG_UNAVAILABLE);
    /* a type is matched whole */
    assert_unavailable(map(402, "{\"error\":{\"type\":\"card_error_x\"}}"),
                       STRIPE_ERROR_MSG_UNAVAILABLE);
    assert_unavailable(map(418, "{\"error\":{}}"), STRIPE_ERROR_MSG_UNAVAILABLE);
    assert_unavailable(map(302, NULL), STRIPE_ERROR_MSG_UNAVAILABLE);
}

static void test_success_is_a_caller_bug(void **state)
{
    (void)state;
    assert_int_equal(map(200, "{}"), CV_ERR_INTERNAL);
    assert_int_equal(map(299, NULL), CV_ERR_INTERNAL);
    assert_int_equal(err.status, CV_ERR_INTERNAL);
}

static void test_body_limit(void **state)
{
    static const char json[] = "{\"error\":{\"type\":\"card_error\",\"param\":\"card\"}}";
    char *body = malloc(STRIPE_ERROR_BODY_MAX_BYTES + 1);

    (void)state;
    assert_non_null(body);
    /* the JSON padded with trailing spaces to exactly the limit: parsed */
    memset(body, ' ', STRIPE_ERROR_BODY_MAX_BYTES + 1);
    memcpy(body, json, sizeof(json) - 1);
    assert_int_equal(stripe_error_map(402, body, STRIPE_ERROR_BODY_MAX_BYTES, &err, &info),
                     CV_ERR_INVALID);
    assert_string_equal(err.fields[0].name, "card");
    /* one byte more: not parsed */
    assert_unavailable(stripe_error_map(402, body, STRIPE_ERROR_BODY_MAX_BYTES + 1, &err, &info),
                       STRIPE_ERROR_MSG_UNAVAILABLE);
    assert_int_equal(info.parsed, 0);
    /* only body_len bytes are read */
    memcpy(body, json, sizeof(json) - 1);
    memcpy(body + sizeof(json) - 1, "garbage", 7);
    assert_int_equal(stripe_error_map(402, body, sizeof(json) - 1, &err, &info), CV_ERR_INVALID);
    free(body);
}

static void test_deep_nesting(void **state)
{
    char body[4096];
    size_t i, n = 0;

    (void)state;
    n += (size_t)snprintf(body, sizeof(body), "{\"error\":{\"type\":\"card_error\",\"x\":");
    for (i = 0; i < 1000; i++)
        body[n++] = '[';
    for (i = 0; i < 1000; i++)
        body[n++] = ']';
    body[n++] = '}';
    body[n++] = '}';
    body[n] = '\0';
    assert_true(n < sizeof(body));
    assert_unavailable(map(402, body), STRIPE_ERROR_MSG_UNAVAILABLE);
}

static void test_long_strings_are_cut(void **state)
{
    char body[2048], param[200], message[600];
    int n;

    (void)state;
    memset(param, 'p', sizeof(param) - 1);
    param[sizeof(param) - 1] = '\0';
    memset(message, 'm', sizeof(message) - 1);
    message[sizeof(message) - 1] = '\0';
    n = snprintf(body, sizeof(body),
                 "{\"error\":{\"type\":\"card_error\",\"param\":\"%s\",\"message\":\"%s\"}}",
                 param, message);
    assert_true(n > 0 && (size_t)n < sizeof(body));
    assert_int_equal(map(402, body), CV_ERR_INVALID);
    assert_int_equal(strlen(err.message), CV_ERROR_MESSAGE_MAX - 1);
    assert_int_equal(strlen(err.fields[0].name), CV_ERROR_FIELD_NAME_MAX - 1);
    assert_int_equal(strlen(info.param), CV_ERROR_FIELD_NAME_MAX - 1);
    assert_int_equal(strlen(info.message), CV_ERROR_MESSAGE_MAX - 1);
}

static void test_null_info_and_err(void **state)
{
    static const char body[] = "{\"error\":{\"type\":\"card_error\",\"param\":\"card\"}}";

    (void)state;
    assert_int_equal(stripe_error_map(402, body, strlen(body), &err, NULL), CV_ERR_INVALID);
    assert_string_equal(err.fields[0].name, "card");
    assert_int_equal(stripe_error_map(402, body, strlen(body), NULL, NULL), CV_ERR_INVALID);
    assert_int_equal(stripe_error_map(500, NULL, 0, NULL, NULL), CV_ERR_UNAVAILABLE);
}

static void test_err_is_cleared(void **state)
{
    (void)state;
    cv_error_clear(&err);
    cv_error_add_field(&err, "stale", "left over");
    assert_unavailable(map(500, NULL), STRIPE_ERROR_MSG_UNAVAILABLE);
    cv_error_add_field(&err, "stale", "left over");
    assert_int_equal(map(402, "{\"error\":{\"type\":\"card_error\",\"param\":\"card\"}}"),
                     CV_ERR_INVALID);
    assert_int_equal(err.nfields, 1);
    assert_string_equal(err.fields[0].name, "card");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_card_error),
        cmocka_unit_test(test_invalid_request_error),
        cmocka_unit_test(test_authentication_and_permission),
        cmocka_unit_test(test_rate_limit_and_server_errors),
        cmocka_unit_test(test_transport_failure),
        cmocka_unit_test(test_idempotency),
        cmocka_unit_test(test_unusable_bodies),
        cmocka_unit_test(test_unknown_or_missing_type),
        cmocka_unit_test(test_success_is_a_caller_bug),
        cmocka_unit_test(test_body_limit),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_long_strings_are_cut),
        cmocka_unit_test(test_null_info_and_err),
        cmocka_unit_test(test_err_is_cleared),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
