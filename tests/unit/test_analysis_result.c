/*
 * test_analysis_result.c - the `result` schema and validator: a good result
 * passes; each rule refused with the exact path and rule in the message
 * (missing and extra keys at every level, wrong types, integral doubles,
 * NUL and invalid UTF-8); both sides of every limit (scores 0/100 and
 * -1/101, list items, item and summary bytes); and the schema has the
 * strict-mode shape OpenAI requires, with the same keys as the validator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis_result.h"

static const char good_json[] =
    "{\"score\": 72, \"summary\": \"Solid backend engineer with 6 years of C and Go.\","
    " \"strengths\": [\"Clear impact metrics\", \"Relevant stack\"],"
    " \"weaknesses\": [\"No summary of leadership\"],"
    " \"suggestions\": [\"Quantify the latency work\", \"Add a skills section\"],"
    " \"keywords\": {\"found\": [\"C\", \"PostgreSQL\"], \"missing\": [\"Kubernetes\"]},"
    " \"sections\": {\"contact\": true, \"summary\": false, \"experience\": true,"
    " \"education\": true, \"skills\": false},"
    " \"atsScore\": 80}";

static json_object *good(void)
{
    json_object *o = json_tokener_parse(good_json);

    assert_non_null(o);
    return o;
}

/* The object at a dotted path ("keywords.missing"); its parent in *parent
 * and last name in *leaf. */
static void locate(json_object *root, const char *path, json_object **parent, char *leaf,
                   size_t leaf_size)
{
    char tmp[128];
    char *seg, *dot;
    json_object *cur = root;

    assert_true(strlen(path) < sizeof(tmp));
    memcpy(tmp, path, strlen(path) + 1);
    seg = tmp;
    while ((dot = strchr(seg, '.')) != NULL) {
        *dot = '\0';
        assert_true(json_object_object_get_ex(cur, seg, &cur));
        seg = dot + 1;
    }
    assert_true(strlen(seg) < leaf_size);
    memcpy(leaf, seg, strlen(seg) + 1);
    *parent = cur;
}

/* Set the value at path; takes val, which may be NULL (JSON null). */
static void set_path(json_object *root, const char *path, json_object *val)
{
    json_object *parent;
    char leaf[64];

    locate(root, path, &parent, leaf, sizeof(leaf));
    assert_int_equal(json_object_object_add(parent, leaf, val), 0);
}

static void del_path(json_object *root, const char *path)
{
    json_object *parent;
    char leaf[64];

    locate(root, path, &parent, leaf, sizeof(leaf));
    assert_true(json_object_object_get_ex(parent, leaf, NULL));
    json_object_object_del(parent, leaf);
}

static void expect_refused(json_object *o, const char *message)
{
    struct cv_error err;

    cv_error_clear(&err);
    assert_int_equal(analysis_result_validate(o, &err), CV_ERR_INVALID);
    assert_int_equal(err.status, CV_ERR_INVALID);
    assert_string_equal(err.message, message);
    json_object_put(o);
}

static void expect_ok(json_object *o)
{
    struct cv_error err;

    cv_error_clear(&err);
    assert_int_equal(analysis_result_validate(o, &err), CV_OK);
    json_object_put(o);
}

/* A string of n bytes made of `unit` repeated (unit_len must divide n). */
static json_object *repeated(const char *unit, size_t unit_len, size_t n)
{
    char *s = malloc(n + 1);
    json_object *o;
    size_t i;

    assert_non_null(s);
    assert_int_equal(n % unit_len, 0);
    for (i = 0; i < n; i += unit_len)
        memcpy(s + i, unit, unit_len);
    s[n] = '\0';
    o = json_object_new_string_len(s, (int)n);
    free(s);
    assert_non_null(o);
    return o;
}

static json_object *list_of(size_t n)
{
    json_object *a = json_object_new_array();
    size_t i;

    for (i = 0; i < n; i++)
        assert_int_equal(json_object_array_add(a, json_object_new_string("item")), 0);
    return a;
}

static void test_good_result(void **state)
{
    (void)state;
    expect_ok(good());
}

/* Each key, at every level, missing. */
static void test_missing_keys(void **state)
{
    static const char *paths[] = {
        "score", "summary", "strengths", "weaknesses", "suggestions", "keywords",
        "sections", "atsScore", "keywords.found", "keywords.missing", "sections.contact",
        "sections.summary", "sections.experience", "sections.education", "sections.skills",
    };
    char msg[128];
    size_t i;
    json_object *o;

    (void)state;
    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        o = good();
        del_path(o, paths[i]);
        (void)snprintf(msg, sizeof(msg), "result.%s: is missing", paths[i]);
        expect_refused(o, msg);
    }
}

static void test_extra_keys(void **state)
{
    json_object *o;

    (void)state;
    o = good();
    set_path(o, "overall", json_object_new_int(3));
    expect_refused(o, "result.overall: unknown key");

    o = good();
    set_path(o, "keywords.partial", json_object_new_array());
    expect_refused(o, "result.keywords.partial: unknown key");

    o = good();
    set_path(o, "sections.projects", json_object_new_boolean(1));
    expect_refused(o, "result.sections.projects: unknown key");

    /* An unknown key's name is reduced and cut before it reaches a message. */
    o = good();
    set_path(o, "bad \"key\"\n<script>0123456789abcdefghijklmnopqrstuvwxyz", NULL);
    expect_refused(o, "result.bad??key???script?0123456789abcd: unknown key");
}

static void test_not_an_object(void **state)
{
    struct cv_error err;
    json_object *a = json_object_new_array();

    (void)state;
    cv_error_clear(&err);
    assert_int_equal(analysis_result_validate(NULL, &err), CV_ERR_INVALID);
    assert_string_equal(err.message, "result: must be an object");
    assert_int_equal(analysis_result_validate(a, &err), CV_ERR_INVALID);
    assert_string_equal(err.message, "result: must be an object");
    /* err may be NULL */
    assert_int_equal(analysis_result_validate(a, NULL), CV_ERR_INVALID);
    json_object_put(a);

    a = good();
    set_path(a, "keywords", json_object_new_array());
    expect_refused(a, "result.keywords: must be an object");
    a = good();
    set_path(a, "sections", json_object_new_null());
    expect_refused(a, "result.sections: must be an object");
}

static void test_scores(void **state)
{
    json_object *o;

    (void)state;
    o = good();
    set_path(o, "score", json_object_new_int(0));
    set_path(o, "atsScore", json_object_new_int(100));
    expect_ok(o);
    o = good();
    set_path(o, "score", json_object_new_int(100));
    set_path(o, "atsScore", json_object_new_int(0));
    expect_ok(o);

    o = good();
    set_path(o, "score", json_object_new_int(101));
    expect_refused(o, "result.score: must be between 0 and 100");
    o = good();
    set_path(o, "score", json_object_new_int(-1));
    expect_refused(o, "result.score: must be between 0 and 100");
    o = good();
    set_path(o, "score", json_object_new_int64(INT64_MAX));
    expect_refused(o, "result.score: must be between 0 and 100");
    o = good();
    set_path(o, "score", json_object_new_string("72"));
    expect_refused(o, "result.score: must be an integer");
    o = good();
    set_path(o, "score", json_object_new_double(72.5));
    expect_refused(o, "result.score: must be an integer");
    o = good();
    set_path(o, "score", json_object_new_boolean(1));
    expect_refused(o, "result.score: must be an integer");
    o = good();
    set_path(o, "score", json_object_new_null());
    expect_refused(o, "result.score: must be an integer");

    o = good();
    set_path(o, "atsScore", json_object_new_int(101));
    expect_refused(o, "result.atsScore: must be between 0 and 100");
    o = good();
    set_path(o, "atsScore", json_object_new_int(-1));
    expect_refused(o, "result.atsScore: must be between 0 and 100");
}

/* 72.0 as the parser reads it from text is a double: refused (documented). */
static void test_integral_double_refused(void **state)
{
    json_object *o;

    (void)state;
    o = json_tokener_parse("{\"score\": 72.0, \"summary\": \"s\", \"strengths\": [],"
                           " \"weaknesses\": [], \"suggestions\": [],"
                           " \"keywords\": {\"found\": [], \"missing\": []},"
                           " \"sections\": {\"contact\": true, \"summary\": true,"
                           " \"experience\": true, \"education\": true, \"skills\": true},"
                           " \"atsScore\": 80}");
    assert_non_null(o);
    assert_true(json_object_is_type(json_object_object_get(o, "score"), json_type_double));
    expect_refused(o, "result.score: must be an integer");

    o = json_tokener_parse("{\"score\": 72, \"summary\": \"s\", \"strengths\": [],"
                           " \"weaknesses\": [], \"suggestions\": [],"
                           " \"keywords\": {\"found\": [], \"missing\": []},"
                           " \"sections\": {\"contact\": true, \"summary\": true,"
                           " \"experience\": true, \"education\": true, \"skills\": true},"
                           " \"atsScore\": 8e1}");
    assert_non_null(o);
    expect_refused(o, "result.atsScore: must be an integer");
}

static void test_types(void **state)
{
    json_object *o, *a;

    (void)state;
    o = good();
    set_path(o, "strengths", json_object_new_string("Clear impact metrics"));
    expect_refused(o, "result.strengths: must be an array");
    o = good();
    set_path(o, "keywords.missing", json_object_new_object());
    expect_refused(o, "result.keywords.missing: must be an array");

    o = good();
    a = json_tokener_parse("[\"Go\", \"Rust\", \"gRPC\", 4]");
    set_path(o, "keywords.missing", a);
    expect_refused(o, "result.keywords.missing[3]: must be a string");
    o = good();
    a = json_tokener_parse("[[\"nested\"]]");
    set_path(o, "suggestions", a);
    expect_refused(o, "result.suggestions[0]: must be a string");
    o = good();
    a = json_tokener_parse("[\"ok\", null]");
    set_path(o, "weaknesses", a);
    expect_refused(o, "result.weaknesses[1]: must be a string");

    o = good();
    set_path(o, "summary", json_object_new_int(5));
    expect_refused(o, "result.summary: must be a string");

    o = good();
    set_path(o, "sections.skills", json_object_new_int(1));
    expect_refused(o, "result.sections.skills: must be a boolean");
    o = good();
    set_path(o, "sections.contact", json_object_new_string("true"));
    expect_refused(o, "result.sections.contact: must be a boolean");
}

static void test_strings(void **state)
{
    json_object *o, *a;

    (void)state;
    o = good();
    set_path(o, "summary", json_object_new_string(""));
    expect_refused(o, "result.summary: must not be empty");
    o = good();
    a = json_tokener_parse("[\"\"]");
    set_path(o, "strengths", a);
    expect_refused(o, "result.strengths[0]: must not be empty");

    o = good();
    set_path(o, "summary", json_object_new_string_len("ab\0cd", 5));
    expect_refused(o, "result.summary: must not contain NUL");
    o = good();
    a = json_tokener_parse("[\"Go\", \"a\\u0000b\"]");
    assert_int_equal(json_object_get_string_len(json_object_array_get_idx(a, 1)), 3);
    set_path(o, "keywords.found", a);
    expect_refused(o, "result.keywords.found[1]: must not contain NUL");

    o = good();
    set_path(o, "summary", json_object_new_string("caf\xc3"));
    expect_refused(o, "result.summary: must be valid UTF-8");
    o = good();
    a = json_object_new_array();
    assert_int_equal(json_object_array_add(a, json_object_new_string("ok")), 0);
    assert_int_equal(json_object_array_add(a, json_object_new_string("\xed\xa0\x80")), 0);
    set_path(o, "suggestions", a);
    expect_refused(o, "result.suggestions[1]: must be valid UTF-8");

    /* Other scripts are fine. */
    o = good();
    set_path(o, "summary", json_object_new_string("Ingénieur logiciel — 6 ans, 東京"));
    expect_ok(o);
}

static void test_length_limits(void **state)
{
    json_object *o, *a;

    (void)state;
    o = good();
    set_path(o, "summary", repeated("x", 1, ANALYSIS_RESULT_SUMMARY_MAX_BYTES));
    expect_ok(o);
    o = good();
    set_path(o, "summary", repeated("x", 1, ANALYSIS_RESULT_SUMMARY_MAX_BYTES + 1));
    expect_refused(o, "result.summary: must be at most 2000 bytes");

    /* Bytes, not code points: 500 two-byte characters fit, 501 do not. */
    o = good();
    a = json_object_new_array();
    assert_int_equal(json_object_array_add(a, repeated("\xc3\xa9", 2,
                                                       ANALYSIS_RESULT_ITEM_MAX_BYTES)), 0);
    set_path(o, "strengths", a);
    expect_ok(o);
    o = good();
    a = json_object_new_array();
    assert_int_equal(json_object_array_add(a, json_object_new_string("fine")), 0);
    assert_int_equal(json_object_array_add(a, repeated("\xc3\xa9", 2,
                                                       ANALYSIS_RESULT_ITEM_MAX_BYTES + 2)),
                     0);
    set_path(o, "strengths", a);
    expect_refused(o, "result.strengths[1]: must be at most 1000 bytes");
    o = good();
    a = json_object_new_array();
    assert_int_equal(json_object_array_add(a, repeated("k", 1,
                                                       ANALYSIS_RESULT_ITEM_MAX_BYTES + 1)), 0);
    set_path(o, "keywords.found", a);
    expect_refused(o, "result.keywords.found[0]: must be at most 1000 bytes");

    /* Empty lists are allowed (no job description: nothing missing). */
    o = good();
    set_path(o, "keywords.missing", list_of(0));
    set_path(o, "weaknesses", list_of(0));
    expect_ok(o);
}

static void test_item_limits(void **state)
{
    static const char *lists[] = { "strengths", "weaknesses", "suggestions" };
    char msg[128];
    json_object *o;
    size_t i;

    (void)state;
    for (i = 0; i < 3; i++) {
        o = good();
        set_path(o, lists[i], list_of(ANALYSIS_RESULT_LIST_MAX_ITEMS));
        expect_ok(o);
        o = good();
        set_path(o, lists[i], list_of(ANALYSIS_RESULT_LIST_MAX_ITEMS + 1));
        (void)snprintf(msg, sizeof(msg), "result.%s: must have at most 20 items", lists[i]);
        expect_refused(o, msg);
    }
    o = good();
    set_path(o, "keywords.found", list_of(ANALYSIS_RESULT_KEYWORDS_MAX_ITEMS));
    set_path(o, "keywords.missing", list_of(ANALYSIS_RESULT_KEYWORDS_MAX_ITEMS));
    expect_ok(o);
    o = good();
    set_path(o, "keywords.missing", list_of(ANALYSIS_RESULT_KEYWORDS_MAX_ITEMS + 1));
    expect_refused(o, "result.keywords.missing: must have at most 50 items");
}

/* Keys are checked in API.md order: the first offender is named. */
static void test_first_offender(void **state)
{
    json_object *o;

    (void)state;
    o = good();
    set_path(o, "atsScore", json_object_new_int(500));
    set_path(o, "summary", json_object_new_int(1));
    set_path(o, "extra", json_object_new_int(1));
    expect_refused(o, "result.summary: must be a string");
}

static void check_strict_object(json_object *schema, const char *const *keys, size_t nkeys)
{
    json_object *props, *req, *v;
    size_t i;

    assert_string_equal(json_object_get_string(json_object_object_get(schema, "type")),
                        "object");
    assert_true(json_object_object_get_ex(schema, "additionalProperties", &v));
    assert_true(json_object_is_type(v, json_type_boolean));
    assert_false(json_object_get_boolean(v));
    assert_true(json_object_object_get_ex(schema, "properties", &props));
    assert_true(json_object_object_get_ex(schema, "required", &req));
    assert_int_equal(json_object_object_length(props), nkeys);
    assert_int_equal(json_object_array_length(req), nkeys);
    for (i = 0; i < nkeys; i++) {
        assert_string_equal(json_object_get_string(json_object_array_get_idx(req, i)),
                            keys[i]);
        assert_true(json_object_object_get_ex(props, keys[i], &v));
    }
}

static void test_schema(void **state)
{
    static const char *const top[] = { "score", "summary", "strengths", "weaknesses",
                                       "suggestions", "keywords", "sections", "atsScore" };
    static const char *const kw[] = { "found", "missing" };
    static const char *const sec[] = { "contact", "summary", "experience", "education",
                                       "skills" };
    json_object *s = analysis_result_schema(), *props, *v;

    (void)state;
    assert_non_null(s);
    check_strict_object(s, top, 8);
    props = json_object_object_get(s, "properties");
    check_strict_object(json_object_object_get(props, "keywords"), kw, 2);
    check_strict_object(json_object_object_get(props, "sections"), sec, 5);

    v = json_object_object_get(props, "score");
    assert_string_equal(json_object_get_string(json_object_object_get(v, "type")), "integer");
    assert_int_equal(json_object_get_int(json_object_object_get(v, "minimum")), 0);
    assert_int_equal(json_object_get_int(json_object_object_get(v, "maximum")), 100);
    v = json_object_object_get(props, "atsScore");
    assert_int_equal(json_object_get_int(json_object_object_get(v, "maximum")), 100);

    v = json_object_object_get(props, "strengths");
    assert_string_equal(json_object_get_string(json_object_object_get(v, "type")), "array");
    assert_int_equal(json_object_get_int(json_object_object_get(v, "maxItems")), 20);
    assert_string_equal(json_object_get_string(json_object_object_get(
                            json_object_object_get(v, "items"), "type")),
                        "string");
    v = json_object_object_get(json_object_object_get(json_object_object_get(props, "keywords"),
                                                      "properties"),
                               "missing");
    assert_int_equal(json_object_get_int(json_object_object_get(v, "maxItems")), 50);
    v = json_object_object_get(json_object_object_get(json_object_object_get(props, "sections"),
                                                      "properties"),
                               "skills");
    assert_string_equal(json_object_get_string(json_object_object_get(v, "type")), "boolean");
    /* No keyword strict mode refuses. */
    assert_null(strstr(json_object_to_json_string(s), "maxLength"));
    json_object_put(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_result),
        cmocka_unit_test(test_missing_keys),
        cmocka_unit_test(test_extra_keys),
        cmocka_unit_test(test_not_an_object),
        cmocka_unit_test(test_scores),
        cmocka_unit_test(test_integral_double_refused),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_length_limits),
        cmocka_unit_test(test_item_limits),
        cmocka_unit_test(test_first_offender),
        cmocka_unit_test(test_schema),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
