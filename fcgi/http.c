/*
 * http.c (fcgi/) - requests, responses and the status table (see http.h).
 */
#include "http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "log.h"
#include "utf8.h"

/* The one map from core status to HTTP: status, API code, and the text a
 * client sees when the core's own message must stay in the log. */
struct status_row {
    enum cv_status status;
    int http;
    const char *code;
    const char *public_message;   /* NULL: the core message is shown */
};

static const struct status_row status_table[] = {
    { CV_ERR_INVALID, 400, "validation_failed", NULL },
    { CV_ERR_MALFORMED_JSON, 400, "malformed_json", NULL },
    { CV_ERR_UNSUPPORTED_FILE_TYPE, 400, "unsupported_file_type", NULL },
    { CV_ERR_BAD_SIGNATURE, 400, "bad_signature", NULL },
    { CV_ERR_UNAUTHORIZED, 401, "unauthorized", NULL },
    { CV_ERR_INVALID_CREDENTIALS, 401, "invalid_credentials", NULL },
    { CV_ERR_TOKEN_EXPIRED, 401, "token_expired", NULL },
    { CV_ERR_QUOTA_EXCEEDED, 402, "quota_exceeded", NULL },
    { CV_ERR_NOT_FOUND, 404, "not_found", NULL },
    { CV_ERR_METHOD_NOT_ALLOWED, 405, "method_not_allowed", NULL },
    { CV_ERR_EMAIL_TAKEN, 409, "email_taken", NULL },
    { CV_ERR_CONFLICT, 409, "conflict", NULL },
    { CV_ERR_TOO_LARGE, 413, "payload_too_large", NULL },
    { CV_ERR_UNSUPPORTED_MEDIA_TYPE, 415, "unsupported_media_type", NULL },
    { CV_ERR_RATE_LIMITED, 429, "rate_limited", NULL },
    { CV_ERR_UNAVAILABLE, 503, "unavailable", "a service this request needs is unavailable; "
                                             "try again shortly" },
    { CV_ERR_BILLING_DISABLED, 503, "billing_disabled", NULL },
};

static const struct status_row internal_row = {
    CV_ERR_INTERNAL, 500, "internal", "internal error; the request id identifies it in our logs"
};

static const struct status_row *status_row_for(enum cv_status st)
{
    size_t i;

    for (i = 0; i < sizeof(status_table) / sizeof(status_table[0]); i++) {
        if (status_table[i].status == st)
            return &status_table[i];
    }
    return &internal_row;   /* INTERNAL, NOMEM, IO, CONFIG, anything new */
}

int http_status_for(enum cv_status st)
{
    return status_row_for(st)->http;
}

static const char *reason_phrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 302: return "Found";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

static const char *param(FCGX_Request *fcgx, const char *name)
{
    return FCGX_GetParam(name, fcgx->envp);
}

/* nginx's $request_id is 32 hex digits; accept [A-Za-z0-9-] up to the cap. */
static bool request_id_ok(const char *id)
{
    size_t i;

    if (id == NULL || id[0] == '\0')
        return false;
    for (i = 0; id[i] != '\0'; i++) {
        char c = id[i];
        if (i >= CV_REQUEST_ID_MAX_BYTES)
            return false;
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '-'))
            return false;
    }
    return true;
}

static void request_id_generate(char *out, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char raw[16];
    size_t i;

    if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
        memset(raw, 0, sizeof(raw));
    for (i = 0; i < sizeof(raw) && 2 * i + 2 < size; i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 0xF];
    }
    out[2 * i] = '\0';
}

void http_request_init(struct http_request *req, FCGX_Request *fcgx)
{
    const char *s, *rid;
    long n;

    memset(req, 0, sizeof(*req));
    req->fcgx = fcgx;
    req->method = (s = param(fcgx, "REQUEST_METHOD")) != NULL ? s : "GET";
    req->path = (s = param(fcgx, "DOCUMENT_URI")) != NULL ? s : "/";
    req->query = (s = param(fcgx, "QUERY_STRING")) != NULL ? s : "";
    req->origin = param(fcgx, "HTTP_ORIGIN");
    req->content_type = param(fcgx, "CONTENT_TYPE");
    if (req->content_type != NULL && req->content_type[0] == '\0')
        req->content_type = NULL;
    req->content_length = -1;
    s = param(fcgx, "CONTENT_LENGTH");
    if (s != NULL && s[0] != '\0' && cv_config_parse_int(s, 0, 0x7fffffffffffL, &n))
        req->content_length = n;
    req->route = "unmatched";
    rid = param(fcgx, "REQUEST_ID");
    if (request_id_ok(rid))
        (void)snprintf(req->request_id, sizeof(req->request_id), "%s", rid);
    else
        request_id_generate(req->request_id, sizeof(req->request_id));
}

void http_response_init(struct http_response *resp)
{
    resp->status = 200;
    resp->content_type = NULL;
    cv_buf_init(&resp->headers, 16 * 1024);
    cv_buf_init(&resp->body, CV_RESPONSE_MAX_BYTES);
}

void http_response_free(struct http_response *resp)
{
    cv_buf_free(&resp->headers);
    cv_buf_free(&resp->body);
}

enum cv_status http_add_header(struct http_response *resp, const char *name, const char *value)
{
    if (strpbrk(name, "\r\n:") != NULL || strpbrk(value, "\r\n") != NULL)
        return CV_ERR_INTERNAL;   /* header injection: never from user input */
    return cv_buf_printf(&resp->headers, "%s: %s\r\n", name, value);
}

enum cv_status http_respond_json(struct http_response *resp, int status, json_object *obj)
{
    size_t len;
    const char *s;

    s = json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN |
                                          JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    if (s == NULL)
        return CV_ERR_NOMEM;
    resp->status = status;
    resp->content_type = "application/json; charset=utf-8";
    cv_buf_reset(&resp->body);
    return cv_buf_append(&resp->body, s, len);
}

enum cv_status http_respond_json_take(struct http_response *resp, int status, json_object *obj,
                                      struct cv_error *err, const char *what)
{
    enum cv_status st = obj != NULL ? http_respond_json(resp, status, obj) : CV_ERR_NOMEM;

    json_object_put(obj);
    return st == CV_OK ? CV_OK : cv_error_set(err, st, "%s", what);
}

enum cv_status http_respond_wrapped(struct http_response *resp, int status, const char *key,
                                    json_object *value, struct cv_error *err, const char *what)
{
    json_object *obj = value != NULL ? json_object_new_object() : NULL;

    if (obj == NULL) {
        json_object_put(value);
        return cv_error_set(err, CV_ERR_NOMEM, "%s", what);
    }
    json_object_object_add(obj, key, value);
    return http_respond_json_take(resp, status, obj, err, what);
}

void http_respond_error(struct http_response *resp, const struct http_request *req,
                        const struct cv_error *err)
{
    const struct status_row *row = status_row_for(err->status);
    const char *message = row->public_message != NULL ? row->public_message : err->message;
    struct cv_buf *b = &resp->body;
    enum cv_status st;
    char num[24];
    size_t i;

    if (row->http >= 500)
        cv_log_error_detail(CV_LOG_ERROR, req->request_id, err->message, "%s %s failed: %s",
                            req->method, req->route, cv_status_name(err->status));
    if (message[0] == '\0')
        message = reason_phrase(row->http);
    resp->status = row->http;
    resp->content_type = "application/json; charset=utf-8";
    cv_buf_reset(b);
    st = cv_buf_printf(b, "{\"error\":{\"code\":\"%s\",\"message\":", row->code);
    if (st == CV_OK)
        st = cv_buf_append_json_string(b, message, strlen(message));
    if (st == CV_OK && err->status == CV_ERR_INVALID) {
        st = cv_buf_puts(b, ",\"details\":{\"fields\":{");
        /* details.fields is never empty: a failure of the body as a whole
         * (a broken multipart body) names "body". */
        if (st == CV_OK && err->nfields == 0) {
            st = cv_buf_puts(b, "\"body\":");
            if (st == CV_OK)
                st = cv_buf_append_json_string(b, message, strlen(message));
        }
        for (i = 0; st == CV_OK && i < err->nfields; i++) {
            const struct cv_field_error *f = &err->fields[i];
            if (i > 0)
                st = cv_buf_puts(b, ",");
            if (st == CV_OK)
                st = cv_buf_append_json_string(b, f->name, strlen(f->name));
            if (st == CV_OK)
                st = cv_buf_puts(b, ":");
            if (st == CV_OK)
                st = cv_buf_append_json_string(b, f->message, strlen(f->message));
        }
        if (st == CV_OK)
            st = cv_buf_puts(b, "}}");
    }
    if (st == CV_OK)
        st = cv_buf_puts(b, "}}");
    if (st != CV_OK) {   /* cannot happen within the body cap; stay valid JSON */
        static const char fallback[] =
            "{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}";
        cv_buf_reset(b);
        if (cv_buf_append(b, fallback, sizeof(fallback) - 1) != CV_OK)
            b->len = 0;
        resp->status = 500;
    }
    st = CV_OK;
    if (row->http == 401)   /* RFC 9110: every 401 carries a challenge */
        st = http_add_header(resp, "WWW-Authenticate", "Bearer");
    if (err->status == CV_ERR_RATE_LIMITED && err->retry_after_s > 0) {
        (void)snprintf(num, sizeof(num), "%ld", err->retry_after_s);
        st = http_add_header(resp, "Retry-After", num);
    }
    if (st != CV_OK)
        cv_log(CV_LOG_ERROR, req->request_id, "error headers could not be added");
}

enum cv_status http_read_body(struct http_request *req, size_t max, struct cv_buf *out,
                              struct cv_error *err)
{
    char chunk[16 * 1024];

    if (req->content_length > 0 && (size_t)req->content_length > max)
        return cv_error_set(err, CV_ERR_TOO_LARGE, "request body is larger than %zu bytes", max);
    cv_buf_reset(out);
    for (;;) {
        int n = FCGX_GetStr(chunk, (int)sizeof(chunk), req->fcgx->in);
        if (n < 0)
            return cv_error_set(err, CV_ERR_IO, "reading the request body failed");
        if (n == 0)
            break;
        if (cv_buf_append(out, chunk, (size_t)n) != CV_OK)
            return cv_error_set(err, CV_ERR_TOO_LARGE, "request body is larger than %zu bytes",
                                max);
    }
    if (FCGX_GetError(req->fcgx->in) != 0)
        return cv_error_set(err, CV_ERR_IO, "reading the request body failed");
    return CV_OK;
}

/* "application/json" optionally followed by parameters. */
static bool content_type_is_json(const char *ct)
{
    size_t n = strlen("application/json");

    if (ct == NULL || strncasecmp(ct, "application/json", n) != 0)
        return false;
    return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

/* A one-word name for a JSON value that is not an object, for messages. */
static const char *json_kind(json_object *obj)
{
    switch (json_object_get_type(obj)) {
    case json_type_null: return "null";
    case json_type_boolean: return "a boolean";
    case json_type_double:
    case json_type_int: return "a number";
    case json_type_string: return "a string";
    case json_type_array: return "an array";
    default: return "not an object";
    }
}

enum cv_status http_parse_json_object(const char *data, size_t len, json_object **out,
                                      struct cv_error *err)
{
    struct json_tokener *tok;
    json_object *obj = NULL;
    enum json_tokener_error jerr;
    enum cv_status st = CV_OK;

    *out = NULL;
    if (len == 0)
        return cv_error_set(err, CV_ERR_MALFORMED_JSON,
                            "the request body is empty; send a JSON object");
    if (len > CV_JSON_BODY_MAX_BYTES)
        return cv_error_set(err, CV_ERR_TOO_LARGE, "request body is larger than %zu bytes",
                            (size_t)CV_JSON_BODY_MAX_BYTES);
    /* json-c's own check lets overlong forms and surrogates through. */
    if (!cv_utf8_valid((const unsigned char *)data, len))
        return cv_error_set(err, CV_ERR_MALFORMED_JSON, "request body is not valid UTF-8");
    tok = json_tokener_new_ex(CV_JSON_MAX_DEPTH);
    if (tok == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "json_tokener_new_ex failed");
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    obj = json_tokener_parse_ex(tok, data, (int)len);
    jerr = json_tokener_get_error(tok);
    if (obj == NULL && jerr == json_tokener_continue) {
        /* A bare scalar (`null`, `1`) or a cut value: json-c waits for more
         * input until it is told that the body ends here. */
        obj = json_tokener_parse_ex(tok, "", 1);
        jerr = json_tokener_get_error(tok);
        if (jerr == json_tokener_continue)
            jerr = json_tokener_error_parse_eof;
    } else if (jerr == json_tokener_success && json_tokener_get_parse_end(tok) != len) {
        jerr = json_tokener_error_parse_unexpected;
    }
    if (jerr != json_tokener_success) {
        st = jerr == json_tokener_error_parse_eof
                 ? cv_error_set(err, CV_ERR_MALFORMED_JSON,
                                "request body is not valid JSON: it ends before the value does")
                 : cv_error_set(err, CV_ERR_MALFORMED_JSON, "request body is not valid JSON: %s",
                                json_tokener_error_desc(jerr));
    } else if (!json_object_is_type(obj, json_type_object)) {
        st = cv_error_set(err, CV_ERR_MALFORMED_JSON,
                          "request body must be a JSON object, not %s", json_kind(obj));
    }
    json_tokener_free(tok);
    if (st != CV_OK) {
        json_object_put(obj);
        return st;
    }
    *out = obj;
    return CV_OK;
}

enum cv_status http_read_json_object(struct http_request *req, json_object **out,
                                     struct cv_error *err)
{
    struct cv_buf body;
    enum cv_status st;

    *out = NULL;
    if (!content_type_is_json(req->content_type))
        return cv_error_set(err, CV_ERR_UNSUPPORTED_MEDIA_TYPE,
                            "Content-Type must be application/json");
    cv_buf_init(&body, CV_JSON_BODY_MAX_BYTES);
    st = http_read_body(req, CV_JSON_BODY_MAX_BYTES, &body, err);
    if (st == CV_OK)
        st = http_parse_json_object(body.data, body.len, out, err);
    cv_buf_free(&body);
    return st;
}

bool http_origin_allowed(const struct cv_config *cfg, const char *origin)
{
    return origin != NULL && cfg->frontend_url != NULL && strcmp(origin, cfg->frontend_url) == 0;
}

void http_send(const struct http_request *req, struct http_response *resp,
               const struct cv_config *cfg)
{
    FCGX_Stream *out = req->fcgx->out;
    bool head = strcmp(req->method, "HEAD") == 0;

    FCGX_FPrintF(out, "Status: %d %s\r\n", resp->status, reason_phrase(resp->status));
    if (resp->content_type != NULL)
        FCGX_FPrintF(out, "Content-Type: %s\r\n", resp->content_type);
    if (resp->status != 204 && resp->status != 304)
        FCGX_FPrintF(out, "Content-Length: %lu\r\n", (unsigned long)resp->body.len);
    FCGX_FPrintF(out, "X-Request-Id: %s\r\nCache-Control: no-store\r\nVary: Origin\r\n",
                 req->request_id);
    if (http_origin_allowed(cfg, req->origin))
        FCGX_FPrintF(out, "Access-Control-Allow-Origin: %s\r\n"
                     "Access-Control-Expose-Headers: X-Request-Id, Location, Retry-After, "
                     "Content-Disposition\r\n", req->origin);
    if (resp->headers.len > 0)
        FCGX_PutStr(resp->headers.data, (int)resp->headers.len, out);
    FCGX_PutS("\r\n", out);
    if (!head && resp->body.len > 0 && resp->status != 204)
        FCGX_PutStr(resp->body.data, (int)resp->body.len, out);
}
