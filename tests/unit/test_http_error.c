/*
 * test_http_error.c - the error side of fcgi/http.h, no FastCGI needed:
 * http_status_for over every enum cv_status, http_respond_error's JSON
 * shape (code, message, details.fields), internal detail kept out of 5xx
 * bodies, WWW-Authenticate on 401 and Retry-After on 429, hostile
 * messages still giving valid JSON, and http_add_header refusing CR/LF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "http.h"

static struct http_request req;
static struct http_response resp;

static int setup(void **state)
{
    (void)state;
    memset(&req, 0, sizeof(req));
    req.method = "POST";
    req.path = "/api/things";
    req.query = "";
    req.route = "/api/things";
    req.content_length = -1;
    (void)snprintf(req.request_id, sizeof(req.request_id), "%s",
                   "0123456789abcdef0123456789abcdef");
    http_response_init(&resp);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    http_response_free(&resp);
    return 0;
}

/* Parse the body strictly (valid UTF-8, one value, nothing after). */
static json_object *body_json(void)
{
    struct json_tokener *tok = json_tokener_new();
    json_object *o;

    assert_non_null(tok);
    assert_non_null(resp.body.data);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    o = json_tokener_parse_ex(tok, resp.body.data, (int)resp.body.len);
    if (o == NULL || json_tokener_get_error(tok) != json_tokener_success)
        fail_msg("body is not valid JSON: %s", resp.body.data);
    assert_int_equal(json_tokener_get_parse_end(tok), resp.body.len);
    json_tokener_free(tok);
    assert_true(json_object_is_type(o, json_type_object));
    return o;
}

static json_object *get(json_object *o, const char *key, enum json_type type)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(o, key, &v))
        fail_msg("no \"%s\" in %s", key, json_object_to_json_string(o));
    assert_true(json_object_is_type(v, type));
    return v;
}

/* Render err and check the shape {"error":{"code","message"[,"details"]}}
 * and the status; returns the parsed body (json_object_put it). */
static json_object *render(const struct cv_error *err, int http, const char *code,
                           json_object **error_out)
{
    json_object *root, *error;

    http_respond_error(&resp, &req, err);
    assert_int_equal(resp.status, http);
    assert_non_null(resp.content_type);
    assert_non_null(strstr(resp.content_type, "application/json"));
    root = body_json();
    assert_int_equal(json_object_object_length(root), 1);
    error = get(root, "error", json_type_object);
    assert_string_equal(json_object_get_string(get(error, "code", json_type_string)), code);
    (void)get(error, "message", json_type_string);
    *error_out = error;
    return root;
}

static const char *message_of(json_object *error)
{
    return json_object_get_string(get(error, "message", json_type_string));
}

static void test_status_for_every_code(void **state)
{
    static const struct {
        enum cv_status st;
        int http;
    } table[] = {
        { CV_OK, 500 },   /* not an error: rendering it is itself a bug */
        { CV_ERR_INTERNAL, 500 },
        { CV_ERR_NOMEM, 500 },
        { CV_ERR_INVALID, 400 },
        { CV_ERR_MALFORMED_JSON, 400 },
        { CV_ERR_UNAUTHORIZED, 401 },
        { CV_ERR_INVALID_CREDENTIALS, 401 },
        { CV_ERR_TOKEN_EXPIRED, 401 },
        { CV_ERR_QUOTA_EXCEEDED, 402 },
        { CV_ERR_NOT_FOUND, 404 },
        { CV_ERR_METHOD_NOT_ALLOWED, 405 },
        { CV_ERR_EMAIL_TAKEN, 409 },
        { CV_ERR_CONFLICT, 409 },
        { CV_ERR_TOO_LARGE, 413 },
        { CV_ERR_UNSUPPORTED_MEDIA_TYPE, 415 },
        { CV_ERR_UNSUPPORTED_FILE_TYPE, 400 },
        { CV_ERR_BAD_SIGNATURE, 400 },
        { CV_ERR_RATE_LIMITED, 429 },
        { CV_ERR_UNAVAILABLE, 503 },
        { CV_ERR_BILLING_DISABLED, 503 },
        { CV_ERR_CONFIG, 500 },
        { CV_ERR_IO, 500 },
        { CV_ERR_DOCUMENT, 500 },   /* worker-side; never a request's answer */
        { CV_ERR_TIMEOUT, 500 },
        { (enum cv_status)999, 500 },   /* anything new defaults to internal */
    };
    size_t i;

    (void)state;
    /* the table above lists every code up to the last one */
    assert_int_equal(table[sizeof(table) / sizeof(table[0]) - 2].st, CV_ERR_TIMEOUT);
    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (http_status_for(table[i].st) != table[i].http)
            fail_msg("%s: %d, expected %d", cv_status_name(table[i].st),
                     http_status_for(table[i].st), table[i].http);
    }
}

static void test_error_code_for_every_client_error(void **state)
{
    static const struct {
        enum cv_status st;
        int http;
        const char *code;
    } table[] = {
        { CV_ERR_MALFORMED_JSON, 400, "malformed_json" },
        { CV_ERR_UNSUPPORTED_FILE_TYPE, 400, "unsupported_file_type" },
        { CV_ERR_BAD_SIGNATURE, 400, "bad_signature" },
        { CV_ERR_UNAUTHORIZED, 401, "unauthorized" },
        { CV_ERR_INVALID_CREDENTIALS, 401, "invalid_credentials" },
        { CV_ERR_TOKEN_EXPIRED, 401, "token_expired" },
        { CV_ERR_QUOTA_EXCEEDED, 402, "quota_exceeded" },
        { CV_ERR_NOT_FOUND, 404, "not_found" },
        { CV_ERR_METHOD_NOT_ALLOWED, 405, "method_not_allowed" },
        { CV_ERR_EMAIL_TAKEN, 409, "email_taken" },
        { CV_ERR_CONFLICT, 409, "conflict" },
        { CV_ERR_TOO_LARGE, 413, "payload_too_large" },
        { CV_ERR_UNSUPPORTED_MEDIA_TYPE, 415, "unsupported_media_type" },
        { CV_ERR_RATE_LIMITED, 429, "rate_limited" },
        { CV_ERR_BILLING_DISABLED, 503, "billing_disabled" },
    };
    struct cv_error err;
    json_object *root, *error;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        cv_error_clear(&err);
        cv_error_set(&err, table[i].st, "the reason %zu", i);
        http_response_free(&resp);
        http_response_init(&resp);
        root = render(&err, table[i].http, table[i].code, &error);
        /* client errors show the core's message as is, and no details */
        assert_string_equal(message_of(error), err.message);
        assert_false(json_object_object_get_ex(error, "details", NULL));
        assert_int_equal(json_object_object_length(error), 2);
        json_object_put(root);
    }
}

static void test_validation_fields(void **state)
{
    struct cv_error err;
    json_object *root, *error, *details, *fields;

    (void)state;
    cv_error_clear(&err);
    cv_error_add_field(&err, "email", "must be a valid email address");
    cv_error_add_field(&err, "password", "must be 8 to 128 characters");
    cv_error_add_field(&err, "name", "is required");
    root = render(&err, 400, "validation_failed", &error);
    assert_string_equal(message_of(error), "request validation failed");
    details = get(error, "details", json_type_object);
    assert_int_equal(json_object_object_length(details), 1);
    fields = get(details, "fields", json_type_object);
    assert_int_equal(json_object_object_length(fields), 3);
    assert_string_equal(json_object_get_string(get(fields, "email", json_type_string)),
                        "must be a valid email address");
    assert_string_equal(json_object_get_string(get(fields, "password", json_type_string)),
                        "must be 8 to 128 characters");
    assert_string_equal(json_object_get_string(get(fields, "name", json_type_string)),
                        "is required");
    json_object_put(root);
}

static void test_validation_without_fields_and_at_max(void **state)
{
    struct cv_error err;
    json_object *root, *error, *fields;
    char name[16];
    size_t i;

    (void)state;
    /* no fields: details.fields is never empty, the body as a whole is named */
    cv_error_clear(&err);
    cv_error_set(&err, CV_ERR_INVALID, "the multipart body is broken");
    root = render(&err, 400, "validation_failed", &error);
    assert_string_equal(message_of(error), "the multipart body is broken");
    fields = get(get(error, "details", json_type_object), "fields", json_type_object);
    assert_int_equal(json_object_object_length(fields), 1);
    assert_string_equal(json_object_get_string(get(fields, "body", json_type_string)),
                        "the multipart body is broken");
    json_object_put(root);

    /* CV_ERROR_MAX_FIELDS fields, then one more (dropped by cv_status) */
    cv_error_clear(&err);
    for (i = 0; i < CV_ERROR_MAX_FIELDS + 1; i++) {
        (void)snprintf(name, sizeof(name), "f%zu", i);
        cv_error_add_field(&err, name, "bad %zu", i);
    }
    assert_int_equal(err.nfields, CV_ERROR_MAX_FIELDS);
    http_response_free(&resp);
    http_response_init(&resp);
    root = render(&err, 400, "validation_failed", &error);
    fields = get(get(error, "details", json_type_object), "fields", json_type_object);
    assert_int_equal(json_object_object_length(fields), CV_ERROR_MAX_FIELDS);
    for (i = 0; i < CV_ERROR_MAX_FIELDS; i++) {
        char want[16];

        (void)snprintf(name, sizeof(name), "f%zu", i);
        (void)snprintf(want, sizeof(want), "bad %zu", i);
        assert_string_equal(json_object_get_string(get(fields, name, json_type_string)), want);
    }
    json_object_put(root);
}

static void test_internal_errors_do_not_leak(void **state)
{
    static const enum cv_status internal[] = {
        CV_ERR_INTERNAL, CV_ERR_IO, CV_ERR_NOMEM, CV_ERR_CONFIG, CV_ERR_TIMEOUT,
    };
    static const char secret[] = "open /var/lib/cv/secret.pdf: mongodb://u:pw@db failed";
    struct cv_error err;
    json_object *root, *error;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(internal) / sizeof(internal[0]); i++) {
        cv_error_clear(&err);
        cv_error_set(&err, internal[i], "%s", secret);
        http_response_free(&resp);
        http_response_init(&resp);
        root = render(&err, 500, "internal", &error);
        assert_null(strstr(resp.body.data, "secret"));
        assert_null(strstr(resp.body.data, "mongodb"));
        assert_null(strstr(resp.body.data, "/var/lib"));
        assert_string_not_equal(message_of(error), "");
        assert_false(json_object_object_get_ex(error, "details", NULL));
        json_object_put(root);
    }
}

static void test_unavailable_is_generic(void **state)
{
    struct cv_error err;
    json_object *root, *error;

    (void)state;
    cv_error_clear(&err);
    cv_error_set(&err, CV_ERR_UNAVAILABLE, "redis 10.0.0.7:6379: connection refused");
    root = render(&err, 503, "unavailable", &error);
    assert_null(strstr(resp.body.data, "10.0.0.7"));
    assert_null(strstr(resp.body.data, "redis"));
    assert_string_not_equal(message_of(error), "");
    assert_string_not_equal(message_of(error), err.message);
    json_object_put(root);
}

static void test_empty_message_gets_reason(void **state)
{
    struct cv_error err;
    json_object *root, *error;

    (void)state;
    cv_error_clear(&err);
    err.status = CV_ERR_NOT_FOUND;
    root = render(&err, 404, "not_found", &error);
    assert_string_not_equal(message_of(error), "");
    json_object_put(root);
}

static bool header_present(const char *line)
{
    return resp.headers.data != NULL && strstr(resp.headers.data, line) != NULL;
}

static void test_www_authenticate_on_401(void **state)
{
    static const enum cv_status unauthorized[] = {
        CV_ERR_UNAUTHORIZED, CV_ERR_TOKEN_EXPIRED,
    };
    struct cv_error err;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(unauthorized) / sizeof(unauthorized[0]); i++) {
        cv_error_clear(&err);
        cv_error_set(&err, unauthorized[i], "no");
        http_response_free(&resp);
        http_response_init(&resp);
        http_respond_error(&resp, &req, &err);
        assert_int_equal(resp.status, 401);
        assert_true(header_present("WWW-Authenticate: Bearer\r\n"));
    }
    /* not on other statuses */
    cv_error_clear(&err);
    cv_error_set(&err, CV_ERR_NOT_FOUND, "no");
    http_response_free(&resp);
    http_response_init(&resp);
    http_respond_error(&resp, &req, &err);
    assert_false(header_present("WWW-Authenticate"));
}

static void test_www_authenticate_on_invalid_credentials(void **state)
{
    struct cv_error err;

    (void)state;
    cv_error_clear(&err);
    cv_error_set(&err, CV_ERR_INVALID_CREDENTIALS, "invalid email or password");
    http_respond_error(&resp, &req, &err);
    assert_int_equal(resp.status, 401);
    assert_true(header_present("WWW-Authenticate: Bearer\r\n"));
}

static void test_retry_after_on_429(void **state)
{
    struct cv_error err;
    json_object *root, *error;

    (void)state;
    cv_error_clear(&err);
    cv_error_set(&err, CV_ERR_RATE_LIMITED, "too many attempts; try again later");
    err.retry_after_s = 900;
    root = render(&err, 429, "rate_limited", &error);
    assert_true(header_present("Retry-After: 900\r\n"));
    assert_false(header_present("WWW-Authenticate"));
    json_object_put(root);
}

static void test_hostile_message_is_valid_json(void **state)
{
    static const char nasty[] = "say \"hi\" \\ back\\slash \n\r\t\x01\x1f\x7f "
                                "bad:\xFF\xC0\xAF\xED\xA0\x80 ok:\xC3\xA9 </script>";
    struct cv_error err;
    json_object *root, *error, *fields;
    const char *msg;

    (void)state;
    cv_error_clear(&err);
    cv_error_set(&err, CV_ERR_CONFLICT, "%s", nasty);
    root = render(&err, 409, "conflict", &error);   /* strict, UTF-8-checked parse */
    msg = message_of(error);
    assert_non_null(strstr(msg, "say \"hi\" \\ back\\slash \n\r\t\x01\x1f\x7f "));
    assert_non_null(strstr(msg, "ok:\xC3\xA9 </script>"));
    assert_non_null(strstr(msg, "bad:\xEF\xBF\xBD"));
    json_object_put(root);

    /* field names and messages are escaped alike */
    cv_error_clear(&err);
    cv_error_add_field(&err, "we\"ird\\", "%s", nasty);
    http_response_free(&resp);
    http_response_init(&resp);
    root = render(&err, 400, "validation_failed", &error);
    fields = get(get(error, "details", json_type_object), "fields", json_type_object);
    assert_non_null(strstr(json_object_get_string(get(fields, "we\"ird\\", json_type_string)),
                           "ok:\xC3\xA9"));
    json_object_put(root);
}

static void test_respond_error_replaces_body(void **state)
{
    struct cv_error err;
    json_object *root, *error;

    (void)state;
    assert_int_equal(cv_buf_puts(&resp.body, "{\"partial\":"), CV_OK);
    cv_error_clear(&err);
    cv_error_set(&err, CV_ERR_NOT_FOUND, "analysis not found");
    root = render(&err, 404, "not_found", &error);
    assert_string_equal(message_of(error), "analysis not found");
    json_object_put(root);
}

static void test_add_header(void **state)
{
    (void)state;
    assert_int_equal(http_add_header(&resp, "X-One", "1"), CV_OK);
    assert_int_equal(http_add_header(&resp, "Location", "/api/cv/analyses/7"), CV_OK);
    assert_string_equal(resp.headers.data, "X-One: 1\r\nLocation: /api/cv/analyses/7\r\n");

    /* CR or LF anywhere: refused, nothing added */
    assert_int_equal(http_add_header(&resp, "X-Bad", "a\r\nSet-Cookie: x=1"), CV_ERR_INTERNAL);
    assert_int_equal(http_add_header(&resp, "X-Bad", "a\nb"), CV_ERR_INTERNAL);
    assert_int_equal(http_add_header(&resp, "X-Bad", "a\rb"), CV_ERR_INTERNAL);
    assert_int_equal(http_add_header(&resp, "X-Bad", "\n"), CV_ERR_INTERNAL);
    assert_int_equal(http_add_header(&resp, "X-Bad\r\nX-Evil", "1"), CV_ERR_INTERNAL);
    assert_int_equal(http_add_header(&resp, "X-Bad\n", "1"), CV_ERR_INTERNAL);
    assert_int_equal(http_add_header(&resp, "X-Bad: 1\r\n", "1"), CV_ERR_INTERNAL);
    assert_string_equal(resp.headers.data, "X-One: 1\r\nLocation: /api/cv/analyses/7\r\n");
    assert_null(strstr(resp.headers.data, "Bad"));
}

static void test_respond_json(void **state)
{
    json_object *obj = json_object_new_object(), *back;

    (void)state;
    assert_non_null(obj);
    json_object_object_add(obj, "status", json_object_new_string("ok"));
    assert_int_equal(http_respond_json(&resp, 201, obj), CV_OK);
    assert_int_equal(resp.status, 201);
    back = body_json();
    assert_string_equal(json_object_get_string(get(back, "status", json_type_string)), "ok");
    json_object_put(back);
    json_object_put(obj);   /* http_respond_json does not release it */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_for_every_code),
        cmocka_unit_test_setup_teardown(test_error_code_for_every_client_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validation_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validation_without_fields_and_at_max, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_internal_errors_do_not_leak, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unavailable_is_generic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_message_gets_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(test_www_authenticate_on_401, setup, teardown),
        cmocka_unit_test_setup_teardown(test_www_authenticate_on_invalid_credentials, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_retry_after_on_429, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_message_is_valid_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_respond_error_replaces_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_respond_json, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
