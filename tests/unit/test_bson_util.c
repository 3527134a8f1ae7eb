/*
 * test_bson_util.c - bson_get_json (src/store/bson_util.h): BSON straight to
 * json-c, every JSON kind, what JSON has no word for, and the depth bound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bson_util.h"

static void expect_json(const bson_t *doc, const char *path, const char *want)
{
    json_object *o = bson_get_json(doc, path);
    const char *got = o != NULL ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : "null";

    if (strcmp(got, want) != 0)
        fail_msg("%s: got %s, want %s", path, got, want);
    json_object_put(o);
}

static void test_every_json_kind(void **state)
{
    const char *json = "{\"result\": {\"score\": 72, \"big\": 5000000000, \"ratio\": 0.5,"
                       " \"ok\": true, \"none\": null, \"s\": \"caf\\u00e9 \\\"q\\\"\","
                       " \"list\": [1, \"two\", [3], {\"four\": 4}], \"empty\": {}}, \"n\": 3}";
    bson_error_t berr;
    bson_t *doc = bson_new_from_json((const uint8_t *)json, -1, &berr);

    (void)state;
    assert_non_null(doc);
    expect_json(doc, "result",
                "{\"score\":72,\"big\":5000000000,\"ratio\":0.5,\"ok\":true,\"none\":null,"
                "\"s\":\"caf\xc3\xa9 \\\"q\\\"\",\"list\":[1,\"two\",[3],{\"four\":4}],\"empty\":{}}");
    expect_json(doc, "result.list", "[1,\"two\",[3],{\"four\":4}]");
    expect_json(doc, "result.empty", "{}");
    /* not a container, absent, null: JSON null */
    expect_json(doc, "n", "null");
    expect_json(doc, "missing", "null");
    expect_json(doc, "result.none", "null");
    bson_destroy(doc);
}

static void test_types_json_lacks_become_null(void **state)
{
    bson_t doc = BSON_INITIALIZER, sub;
    bson_oid_t oid;

    (void)state;
    bson_oid_init(&oid, NULL);
    BSON_APPEND_DOCUMENT_BEGIN(&doc, "a", &sub);
    BSON_APPEND_DATE_TIME(&sub, "when", 0);
    BSON_APPEND_OID(&sub, "id", &oid);
    BSON_APPEND_INT32(&sub, "n", 1);
    bson_append_document_end(&doc, &sub);
    expect_json(&doc, "a", "{\"when\":null,\"id\":null,\"n\":1}");
    bson_destroy(&doc);
}

static void test_depth_bound(void **state)
{
    char json[4 * BSON_JSON_MAX_DEPTH + 64];
    size_t n = 0, i;
    bson_error_t berr;
    bson_t *doc;
    json_object *o, *v;

    (void)state;
    /* {"a": [[[ ... 1 ... ]]]} nested past the bound */
    n += (size_t)snprintf(json + n, sizeof(json) - n, "{\"a\":");
    for (i = 0; i < BSON_JSON_MAX_DEPTH + 2; i++)
        json[n++] = '[';
    json[n++] = '1';
    for (i = 0; i < BSON_JSON_MAX_DEPTH + 2; i++)
        json[n++] = ']';
    json[n++] = '}';
    json[n] = '\0';
    doc = bson_new_from_json((const uint8_t *)json, -1, &berr);
    assert_non_null(doc);
    o = bson_get_json(doc, "a");
    assert_non_null(o);
    /* walk down: BSON_JSON_MAX_DEPTH levels of arrays, then null */
    v = o;
    for (i = 1; i < BSON_JSON_MAX_DEPTH; i++) {
        assert_true(json_object_is_type(v, json_type_array));
        v = json_object_array_get_idx(v, 0);
    }
    assert_true(json_object_is_type(v, json_type_array));
    assert_null(json_object_array_get_idx(v, 0));
    json_object_put(o);
    bson_destroy(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_json_kind),
        cmocka_unit_test(test_types_json_lacks_become_null),
        cmocka_unit_test(test_depth_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
