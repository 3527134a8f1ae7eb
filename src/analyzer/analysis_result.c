/*
 * analysis_result.c - JSON Schema and validation of the `result` object
 * (see analysis_result.h). One table describes the keys; the schema and the
 * validator both walk it, so they cannot drift apart.
 */
#include "analysis_result.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cv_json.h"
#include "utf8.h"

enum result_kind {
    RESULT_SCORE,       /* integer 0..100 */
    RESULT_SUMMARY,     /* string 1..SUMMARY_MAX_BYTES */
    RESULT_LIST,        /* array of at most max_items strings */
    RESULT_BOOL,
    RESULT_OBJECT,      /* nested keys in `children` */
};

struct result_key {
    const char *name;
    enum result_kind kind;
    size_t max_items;                       /* RESULT_LIST */
    const struct result_key *children;      /* RESULT_OBJECT, NULL-name ended */
};

static const struct result_key result_keywords_keys[] = {
    { "found", RESULT_LIST, ANALYSIS_RESULT_KEYWORDS_MAX_ITEMS, NULL },
    { "missing", RESULT_LIST, ANALYSIS_RESULT_KEYWORDS_MAX_ITEMS, NULL },
    { NULL, RESULT_BOOL, 0, NULL },
};

static const struct result_key result_sections_keys[] = {
    { "contact", RESULT_BOOL, 0, NULL },
    { "summary", RESULT_BOOL, 0, NULL },
    { "experience", RESULT_BOOL, 0, NULL },
    { "education", RESULT_BOOL, 0, NULL },
    { "skills", RESULT_BOOL, 0, NULL },
    { NULL, RESULT_BOOL, 0, NULL },
};

/* API.md order. */
static const struct result_key result_keys[] = {
    { "score", RESULT_SCORE, 0, NULL },
    { "summary", RESULT_SUMMARY, 0, NULL },
    { "strengths", RESULT_LIST, ANALYSIS_RESULT_LIST_MAX_ITEMS, NULL },
    { "weaknesses", RESULT_LIST, ANALYSIS_RESULT_LIST_MAX_ITEMS, NULL },
    { "suggestions", RESULT_LIST, ANALYSIS_RESULT_LIST_MAX_ITEMS, NULL },
    { "keywords", RESULT_OBJECT, 0, result_keywords_keys },
    { "sections", RESULT_OBJECT, 0, result_sections_keys },
    { "atsScore", RESULT_SCORE, 0, NULL },
    { NULL, RESULT_BOOL, 0, NULL },
};

/* Longest path printed in a message ("result.keywords.missing[49]"). */
#define RESULT_PATH_MAX_BYTES 96
/* Most bytes of an unknown key's name repeated in a message. */
#define RESULT_UNKNOWN_KEY_MAX_BYTES 32

/* ---- schema ---- */

static json_object *schema_typed(const char *type)
{
    json_object *o = json_object_new_object();

    if (o != NULL && !cv_json_add(o, "type", json_object_new_string(type))) {
        json_object_put(o);
        o = NULL;
    }
    return o;
}

static json_object *schema_object(const struct result_key *keys);

static json_object *schema_of(const struct result_key *k)
{
    json_object *o = NULL;
    bool ok = true;

    switch (k->kind) {
    case RESULT_SCORE:
        o = schema_typed("integer");
        ok = o != NULL &&
             cv_json_add(o, "minimum", json_object_new_int(ANALYSIS_RESULT_SCORE_MIN)) &&
             cv_json_add(o, "maximum", json_object_new_int(ANALYSIS_RESULT_SCORE_MAX));
        break;
    case RESULT_SUMMARY:
        o = schema_typed("string");
        ok = o != NULL;
        break;
    case RESULT_LIST:
        o = schema_typed("array");
        ok = o != NULL && cv_json_add(o, "items", schema_typed("string")) &&
             cv_json_add(o, "maxItems", json_object_new_int64((int64_t)k->max_items));
        break;
    case RESULT_BOOL:
        o = schema_typed("boolean");
        ok = o != NULL;
        break;
    case RESULT_OBJECT:
        return schema_object(k->children);
    }
    if (!ok) {
        json_object_put(o);
        o = NULL;
    }
    return o;
}

static json_object *schema_object(const struct result_key *keys)
{
    json_object *o = schema_typed("object"), *props = NULL, *req = NULL;
    const struct result_key *k;

    if (o == NULL)
        return NULL;
    props = json_object_new_object();
    req = json_object_new_array();
    if (props == NULL || req == NULL)
        goto fail;
    for (k = keys; k->name != NULL; k++) {
        json_object *name = json_object_new_string(k->name);

        if (!cv_json_add(props, k->name, schema_of(k)) || name == NULL ||
            json_object_array_add(req, name) != 0) {
            json_object_put(name);
            goto fail;
        }
    }
    if (!cv_json_add(o, "properties", props)) {
        props = NULL;
        goto fail;
    }
    props = NULL;
    if (!cv_json_add(o, "required", req)) {
        req = NULL;
        goto fail;
    }
    req = NULL;
    if (!cv_json_add(o, "additionalProperties", json_object_new_boolean(0)))
        goto fail;
    return o;
fail:
    json_object_put(props);
    json_object_put(req);
    json_object_put(o);
    return NULL;
}

json_object *analysis_result_schema(void)
{
    return schema_object(result_keys);
}

/* ---- validation ---- */

static enum cv_status result_fail(struct cv_error *err, const char *path, const char *rule)
{
    return cv_error_set(err, CV_ERR_INVALID, "%s: %s", path, rule);
}

/* A string of 1..max_bytes bytes, valid UTF-8, no NUL. */
static enum cv_status result_check_string(json_object *v, size_t max_bytes, const char *path,
                                          struct cv_error *err)
{
    const char *s;
    size_t len;

    if (!json_object_is_type(v, json_type_string))
        return result_fail(err, path, "must be a string");
    s = json_object_get_string(v);
    len = (size_t)json_object_get_string_len(v);
    if (len == 0)
        return result_fail(err, path, "must not be empty");
    if (len > max_bytes)
        return cv_error_set(err, CV_ERR_INVALID, "%s: must be at most %zu bytes", path,
                            max_bytes);
    if (memchr(s, '\0', len) != NULL)
        return result_fail(err, path, "must not contain NUL");
    if (!cv_utf8_valid((const unsigned char *)s, len))
        return result_fail(err, path, "must be valid UTF-8");
    return CV_OK;
}

static enum cv_status result_check_list(json_object *v, size_t max_items, const char *path,
                                        struct cv_error *err)
{
    char item_path[RESULT_PATH_MAX_BYTES];
    size_t i, n;
    enum cv_status st;

    if (!json_object_is_type(v, json_type_array))
        return result_fail(err, path, "must be an array");
    n = json_object_array_length(v);
    if (n > max_items)
        return cv_error_set(err, CV_ERR_INVALID, "%s: must have at most %zu items", path,
                            max_items);
    for (i = 0; i < n; i++) {
        int w = snprintf(item_path, sizeof(item_path), "%s[%zu]", path, i);

        if (w < 0 || (size_t)w >= sizeof(item_path))
            return cv_error_set(err, CV_ERR_INTERNAL, "result path too long");
        st = result_check_string(json_object_array_get_idx(v, i),
                                 ANALYSIS_RESULT_ITEM_MAX_BYTES, item_path, err);
        if (st != CV_OK)
            return st;
    }
    return CV_OK;
}

static enum cv_status result_check_object(json_object *obj, const struct result_key *keys,
                                          const char *path, struct cv_error *err);

static enum cv_status result_check_value(json_object *v, const struct result_key *k,
                                         const char *path, struct cv_error *err)
{
    int64_t n;

    switch (k->kind) {
    case RESULT_SCORE:
        if (!json_object_is_type(v, json_type_int))
            return result_fail(err, path, "must be an integer");
        n = json_object_get_int64(v);
        if (n < ANALYSIS_RESULT_SCORE_MIN || n > ANALYSIS_RESULT_SCORE_MAX)
            return cv_error_set(err, CV_ERR_INVALID, "%s: must be between %d and %d", path,
                                ANALYSIS_RESULT_SCORE_MIN, ANALYSIS_RESULT_SCORE_MAX);
        return CV_OK;
    case RESULT_SUMMARY:
        return result_check_string(v, ANALYSIS_RESULT_SUMMARY_MAX_BYTES, path, err);
    case RESULT_LIST:
        return result_check_list(v, k->max_items, path, err);
    case RESULT_BOOL:
        if (!json_object_is_type(v, json_type_boolean))
            return result_fail(err, path, "must be a boolean");
        return CV_OK;
    case RESULT_OBJECT:
        return result_check_object(v, k->children, path, err);
    }
    return cv_error_set(err, CV_ERR_INTERNAL, "unknown result kind");
}

/* An unknown key's name reduced to [A-Za-z0-9_], cut, for a message. */
static void result_safe_key(const char *key, char *out, size_t size)
{
    size_t i, o = 0;

    for (i = 0; i < RESULT_UNKNOWN_KEY_MAX_BYTES && key[i] != '\0' && o + 1 < size; i++) {
        unsigned char c = (unsigned char)key[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '_';

        out[o++] = ok ? (char)c : '?';
    }
    out[o] = '\0';
}

static enum cv_status result_check_object(json_object *obj, const struct result_key *keys,
                                          const char *path, struct cv_error *err)
{
    char child_path[RESULT_PATH_MAX_BYTES], safe[RESULT_UNKNOWN_KEY_MAX_BYTES + 1];
    const struct result_key *k;
    enum cv_status st;
    json_object *v;
    int w;

    if (!json_object_is_type(obj, json_type_object))
        return result_fail(err, path, "must be an object");
    for (k = keys; k->name != NULL; k++) {
        w = snprintf(child_path, sizeof(child_path), "%s.%s", path, k->name);
        if (w < 0 || (size_t)w >= sizeof(child_path))
            return cv_error_set(err, CV_ERR_INTERNAL, "result path too long");
        if (!json_object_object_get_ex(obj, k->name, &v))
            return result_fail(err, child_path, "is missing");
        st = result_check_value(v, k, child_path, err);
        if (st != CV_OK)
            return st;
    }
    json_object_object_foreach(obj, key, val) {
        (void)val;
        for (k = keys; k->name != NULL; k++)
            if (strcmp(k->name, key) == 0)
                break;
        if (k->name == NULL) {
            result_safe_key(key, safe, sizeof(safe));
            return cv_error_set(err, CV_ERR_INVALID, "%s.%s: unknown key", path, safe);
        }
    }
    return CV_OK;
}

enum cv_status analysis_result_validate(json_object *result, struct cv_error *err)
{
    if (result == NULL)
        return result_fail(err, "result", "must be an object");
    return result_check_object(result, result_keys, "result", err);
}
