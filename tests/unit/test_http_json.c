/*
 * test_http_json.c - http_parse_json_object (fcgi/http.h): what a JSON
 * request body must be, and that each way of breaking it is
 * malformed_json with a message a person understands.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cv_limits.h"
#include "http.h"

/* Parse the n bytes at s; expect status want, and when not CV_OK a message
 * containing fragment. */
static void expect(const char *s, size_t n, enum cv_status want, const char *fragment)
{
    json_object *obj = (json_object *)1;
    struct cv_error err;
    enum cv_status st;

    cv_error_clear(&err);
    st = http_parse_json_object(s, n, &obj, &err);
    if (st != want)
        fail_msg("%.*s: status %d, want %d (%s)", (int)n, s, st, want, err.message);
    if (want == CV_OK) {
        assert_non_null(obj);
        assert_true(json_object_is_type(obj, json_type_object));
        json_object_put(obj);
        return;
    }
    assert_null(obj);
    assert_int_equal(err.status, want);
    if (strstr(err.message, fragment) == NULL)
        fail_msg("%.*s: message \"%s\" lacks \"%s\"", (int)n, s, err.message, fragment);
}

#define EXPECT(lit, want, fragment) expect(lit, sizeof(lit) - 1, want, fragment)

static void test_objects_pass(void **state)
{
    (void)state;
    EXPECT("{}", CV_OK, "");
    EXPECT(" {\"a\": [1, null, \"\xc3\xa9\"]} \n", CV_OK, "");
    EXPECT("{\"a\":\"\xf0\x9f\x98\x80\"}", CV_OK, "");
}

static void test_not_an_object_says_what_it_is(void **state)
{
    (void)state;
    EXPECT("null", CV_ERR_MALFORMED_JSON, "must be a JSON object, not null");
    EXPECT(" null ", CV_ERR_MALFORMED_JSON, "not null");
    EXPECT("1", CV_ERR_MALFORMED_JSON, "not a number");
    EXPECT("true", CV_ERR_MALFORMED_JSON, "not a boolean");
    EXPECT("\"x\"", CV_ERR_MALFORMED_JSON, "not a string");
    EXPECT("[1,2]", CV_ERR_MALFORMED_JSON, "not an array");
}

static void test_broken_json(void **state)
{
    (void)state;
    EXPECT("", CV_ERR_MALFORMED_JSON, "empty");
    EXPECT("{\"email\": ", CV_ERR_MALFORMED_JSON, "ends before the value does");
    EXPECT("tru", CV_ERR_MALFORMED_JSON, "not valid JSON");
    EXPECT("{} {}", CV_ERR_MALFORMED_JSON, "not valid JSON");
    /* nothing of json-c's internal state names leaks into a message */
    {
        json_object *obj;
        struct cv_error err;

        cv_error_clear(&err);
        assert_int_equal(http_parse_json_object("null", 4, &obj, &err), CV_ERR_MALFORMED_JSON);
        assert_null(strstr(err.message, "continue"));
    }
}

static void test_invalid_utf8_is_malformed_json(void **state)
{
    (void)state;
    EXPECT("{\"name\": \"\xff\"}", CV_ERR_MALFORMED_JSON, "UTF-8");
    /* overlong "/" */
    EXPECT("{\"name\": \"\xc0\xaf\"}", CV_ERR_MALFORMED_JSON, "UTF-8");
    /* overlong three-byte form of U+0041 */
    EXPECT("{\"name\": \"\xe0\x81\x81\"}", CV_ERR_MALFORMED_JSON, "UTF-8");
    /* a UTF-16 surrogate encoded as UTF-8 (U+D800) */
    EXPECT("{\"name\": \"\xed\xa0\x80\"}", CV_ERR_MALFORMED_JSON, "UTF-8");
    /* past U+10FFFF */
    EXPECT("{\"name\": \"\xf4\x90\x80\x80\"}", CV_ERR_MALFORMED_JSON, "UTF-8");
    /* cut sequence at the very end */
    EXPECT("{\"name\": \"\xc3", CV_ERR_MALFORMED_JSON, "UTF-8");
}

static void test_size_limit(void **state)
{
    static char body[CV_JSON_BODY_MAX_BYTES + 1];
    size_t i;

    (void)state;
    body[0] = '{';
    body[1] = '"';
    body[2] = 'a';
    body[3] = '"';
    body[4] = ':';
    body[5] = '"';
    for (i = 6; i < CV_JSON_BODY_MAX_BYTES - 2; i++)
        body[i] = 'x';
    body[CV_JSON_BODY_MAX_BYTES - 2] = '"';
    body[CV_JSON_BODY_MAX_BYTES - 1] = '}';
    expect(body, CV_JSON_BODY_MAX_BYTES, CV_OK, "");
    body[CV_JSON_BODY_MAX_BYTES] = ' ';
    expect(body, CV_JSON_BODY_MAX_BYTES + 1, CV_ERR_TOO_LARGE, "larger");
}

static void test_depth_limit(void **state)
{
    char body[2 * CV_JSON_MAX_DEPTH + 8];
    size_t i, n = 0;

    (void)state;
    /* one level deeper than allowed: the object and DEPTH arrays */
    body[n++] = '{';
    memcpy(body + n, "\"a\":", 4);
    n += 4;
    for (i = 1; i < CV_JSON_MAX_DEPTH + 1; i++)
        body[n++] = '[';
    for (i = 1; i < CV_JSON_MAX_DEPTH + 1; i++)
        body[n++] = ']';
    body[n++] = '}';
    expect(body, n, CV_ERR_MALFORMED_JSON, "not valid JSON");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_objects_pass),
        cmocka_unit_test(test_not_an_object_says_what_it_is),
        cmocka_unit_test(test_broken_json),
        cmocka_unit_test(test_invalid_utf8_is_malformed_json),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_depth_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
