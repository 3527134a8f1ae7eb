/*
 * stripe_error.c - Stripe error responses to enum cv_status (see
 * stripe_error.h). The body is parsed with json-c, bounded in size and
 * depth.
 */
#include "stripe_error.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cv_limits.h"

/* Copy the string member `name` of obj into out (cut to size); "" when
 * absent or not a string. */
static void copy_member(json_object *obj, const char *name, char *out, size_t size)
{
    json_object *v;

    out[0] = '\0';
    if (json_object_object_get_ex(obj, name, &v) && json_object_is_type(v, json_type_string))
        (void)snprintf(out, size, "%s", json_object_get_string(v));   /* a cut is fine */
}

static bool only_whitespace(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* Fill info from body; info->parsed = 1 when it held an "error" object. */
static void parse_body(const char *body, size_t body_len, struct stripe_error_info *info)
{
    json_tokener *tok;
    json_object *root = NULL, *eobj;
    size_t end;

    if (body == NULL || body_len == 0 || body_len > STRIPE_ERROR_BODY_MAX_BYTES)
        return;
    tok = json_tokener_new_ex(CV_JSON_MAX_DEPTH);
    if (tok == NULL)
        return;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    root = json_tokener_parse_ex(tok, body, (int)body_len);
    end = json_tokener_get_parse_end(tok);
    if (root != NULL && json_tokener_get_error(tok) == json_tokener_success &&
        end <= body_len && only_whitespace(body + end, body_len - end) &&
        json_object_object_get_ex(root, "error", &eobj) &&
        json_object_is_type(eobj, json_type_object)) {
        info->parsed = 1;
        copy_member(eobj, "type", info->type, sizeof(info->type));
        copy_member(eobj, "code", info->code, sizeof(info->code));
        copy_member(eobj, "param", info->param, sizeof(info->param));
        copy_member(eobj, "message", info->message, sizeof(info->message));
    }
    json_object_put(root);
    json_tokener_free(tok);
}

static bool type_is(const struct stripe_error_info *info, const char *type)
{
    return strcmp(info->type, type) == 0;
}

enum cv_status stripe_error_map(long http_status, const char *body, size_t body_len,
                                struct cv_error *err, struct stripe_error_info *info)
{
    struct stripe_error_info local;
    long s = http_status;

    cv_error_clear(err);
    if (info == NULL)
        info = &local;
    memset(info, 0, sizeof(*info));
    info->http_status = http_status;

    if (s <= 0)
        return cv_error_set(err, CV_ERR_UNAVAILABLE, STRIPE_ERROR_MSG_UNAVAILABLE);
    if (s >= 200 && s <= 299)
        return cv_error_set(err, CV_ERR_INTERNAL,
                            "stripe_error_map called on a success (HTTP %ld)", s);
    parse_body(body, body_len, info);

    if (s == 401 || s == 403 || type_is(info, "authentication_error") ||
        type_is(info, "permission_error"))
        return cv_error_set(err, CV_ERR_UNAVAILABLE, STRIPE_ERROR_MSG_MISCONFIGURED);
    if (s >= 500 || s == 429 || type_is(info, "api_error") || type_is(info, "rate_limit_error"))
        return cv_error_set(err, CV_ERR_UNAVAILABLE, STRIPE_ERROR_MSG_UNAVAILABLE);
    if (s == 409 || type_is(info, "idempotency_error"))
        return cv_error_set(err, CV_ERR_CONFLICT, STRIPE_ERROR_MSG_CONFLICT);
    if (!info->parsed)
        return cv_error_set(err, CV_ERR_UNAVAILABLE, STRIPE_ERROR_MSG_UNAVAILABLE);

    if (type_is(info, "card_error")) {
        (void)cv_error_set(err, CV_ERR_INVALID, "%s",
                           info->message[0] != '\0' ? info->message : STRIPE_ERROR_MSG_DECLINED);
    } else if (type_is(info, "invalid_request_error")) {
        (void)cv_error_set(err, CV_ERR_INVALID, STRIPE_ERROR_MSG_REJECTED);
    } else {
        return cv_error_set(err, CV_ERR_UNAVAILABLE, STRIPE_ERROR_MSG_UNAVAILABLE);
    }
    if (info->param[0] != '\0')
        cv_error_add_field(err, info->param, "%s",
                           info->message[0] != '\0' ? info->message : STRIPE_ERROR_MSG_REJECTED);
    return CV_ERR_INVALID;
}
