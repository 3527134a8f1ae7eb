/*
 * stripe_client.c - the Stripe API over libcurl (see stripe_client.h).
 * One curl easy handle per try, so a client holds no connection between
 * calls and is trivially thread confined.
 */
#include "stripe_client.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "clock.h"
#include "log.h"
#include "stripe_error.h"
#include "version.h"

/* ---- Limits ------------------------------------------------------------
 * "Authorization: Bearer " plus a secret key: Stripe's keys are ~110 bytes,
 * restricted keys a little more. A longer STRIPE_SECRET_KEY is refused. */
#define STRIPE_CLIENT_AUTH_HEADER_MAX_BYTES 512
/* "Idempotency-Key: " plus the key. */
#define STRIPE_CLIENT_KEY_HEADER_MAX_BYTES (STRIPE_CLIENT_IDEMPOTENCY_KEY_MAX_BYTES + 32)
/* Stripe objects nest a handful of levels; json-c's own default is 32. */
#define STRIPE_CLIENT_JSON_MAX_DEPTH 64

#define STRIPE_SHOULD_RETRY_ABSENT (-1)

/* What one try brought back. */
struct stripe_try {
    struct cv_buf body;
    long http_status;           /* 0: no answer */
    int should_retry;           /* Stripe-Should-Retry: -1, 0, 1 */
    bool too_large;             /* the body went past response_max_bytes */
    char curl_error[CURL_ERROR_SIZE];
};

bool stripe_client_should_retry(bool transport_failed, long http_status,
                                int should_retry_header)
{
    if (should_retry_header == 0)
        return false;
    if (should_retry_header == 1)
        return true;
    if (transport_failed)
        return true;
    return http_status == 429 || http_status >= 500;
}

void stripe_client_init(struct stripe_client *c, const struct cv_config *cfg,
                        const char *request_id)
{
    *c = (struct stripe_client){
        .api_base = cfg->stripe_api_base,
        .secret_key = cfg->stripe_secret_key,
        .request_id = request_id,
        .connect_timeout_ms = STRIPE_CLIENT_CONNECT_TIMEOUT_MS,
        .timeout_ms = STRIPE_CLIENT_TIMEOUT_MS,
        .response_max_bytes = STRIPE_CLIENT_RESPONSE_MAX_BYTES,
        .max_attempts = STRIPE_CLIENT_MAX_ATTEMPTS,
        .retry_pause_ms = STRIPE_CLIENT_RETRY_PAUSE_MS,
    };
}

/* [A-Za-z0-9_.-]+ */
static bool key_part_ok(const char *s)
{
    size_t i;

    if (s == NULL || s[0] == '\0')
        return false;
    for (i = 0; s[i] != '\0'; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '.' || ch == '-'))
            return false;
    }
    return true;
}

enum cv_status stripe_client_idempotency_key(const char *purpose, const char *user_id,
                                             const char *request_id, char *out, size_t size,
                                             struct cv_error *err)
{
    int n;

    if (out == NULL || size == 0)
        return cv_error_set(err, CV_ERR_INTERNAL, "idempotency key: no room");
    out[0] = '\0';
    if (!key_part_ok(purpose) || !key_part_ok(user_id) || !key_part_ok(request_id))
        return cv_error_set(err, CV_ERR_INTERNAL,
                            "idempotency key: purpose, user and request id must be "
                            "non-empty [A-Za-z0-9_.-]");
    n = snprintf(out, size, "cv-%s-%s-%s", purpose, user_id, request_id);
    if (n < 0 || (size_t)n >= size || n > STRIPE_CLIENT_IDEMPOTENCY_KEY_MAX_BYTES) {
        out[0] = '\0';
        return cv_error_set(err, CV_ERR_INTERNAL, "idempotency key: too long");
    }
    return CV_OK;
}

/* 1..255 bytes of visible ASCII: what an HTTP header value may carry. */
static bool idempotency_key_ok(const char *key)
{
    size_t i;

    if (key == NULL || key[0] == '\0')
        return false;
    for (i = 0; key[i] != '\0'; i++) {
        if (i >= STRIPE_CLIENT_IDEMPOTENCY_KEY_MAX_BYTES)
            return false;
        if ((unsigned char)key[i] < 0x21 || (unsigned char)key[i] > 0x7e)
            return false;
    }
    return true;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct stripe_try *t = userdata;
    size_t n = size * nmemb;   /* curl passes size 1: no overflow */

    if (cv_buf_append(&t->body, ptr, n) != CV_OK) {
        t->too_large = true;
        return 0;              /* curl stops with CURLE_WRITE_ERROR */
    }
    return n;
}

/* Note Stripe-Should-Retry; every other header is ignored. */
static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    static const char name[] = "Stripe-Should-Retry:";
    struct stripe_try *t = userdata;
    size_t n = size * nmemb, i = sizeof(name) - 1, end;

    if (n > i && strncasecmp(ptr, name, i) == 0) {
        while (i < n && (ptr[i] == ' ' || ptr[i] == '\t'))
            i++;
        end = i;
        while (end < n && ptr[end] != '\r' && ptr[end] != '\n' && ptr[end] != ' ')
            end++;
        if (end - i == 4 && strncasecmp(ptr + i, "true", 4) == 0)
            t->should_retry = 1;
        else if (end - i == 5 && strncasecmp(ptr + i, "false", 5) == 0)
            t->should_retry = 0;
    }
    return n;
}

/* One HTTP exchange. CV_OK when Stripe answered (any status, in
 * t->http_status); CV_ERR_UNAVAILABLE when it did not (t->curl_error says
 * why) or the answer was over the cap (t->too_large). */
static enum cv_status try_once(const struct stripe_client *c, bool post, const char *url,
                               struct curl_slist *headers, const struct cv_buf *form,
                               struct stripe_try *t, struct cv_error *err)
{
    CURL *curl;
    CURLcode rc;

    cv_buf_reset(&t->body);
    t->http_status = 0;
    t->should_retry = STRIPE_SHOULD_RETRY_ABSENT;
    t->too_large = false;
    t->curl_error[0] = '\0';
    curl = curl_easy_init();
    if (curl == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "curl_easy_init failed");
    (void)curl_easy_setopt(curl, CURLOPT_URL, url);
    (void)curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    (void)curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    (void)curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
    (void)curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    (void)curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    (void)curl_easy_setopt(curl, CURLOPT_USERAGENT, "cv-analyzer/" CV_VERSION);
    (void)curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, t->curl_error);
    (void)curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    (void)curl_easy_setopt(curl, CURLOPT_WRITEDATA, t);
    (void)curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    (void)curl_easy_setopt(curl, CURLOPT_HEADERDATA, t);
    if (post) {
        (void)curl_easy_setopt(curl, CURLOPT_POST, 1L);
        (void)curl_easy_setopt(curl, CURLOPT_POSTFIELDS,
                               form != NULL && form->data != NULL ? form->data : "");
        (void)curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                               (curl_off_t)(form != NULL ? form->len : 0));
    }
    rc = curl_easy_perform(curl);
    if (rc == CURLE_OK)
        (void)curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &t->http_status);
    curl_easy_cleanup(curl);
    if (t->too_large)
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "answer larger than %zu bytes",
                            c->response_max_bytes);
    if (rc != CURLE_OK) {
        if (t->curl_error[0] == '\0')
            (void)snprintf(t->curl_error, sizeof(t->curl_error), "%s", curl_easy_strerror(rc));
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "%s", t->curl_error);
    }
    return CV_OK;
}

/* A 2xx body: one JSON object, nothing after it. */
static enum cv_status parse_object(const struct cv_buf *body, json_object **out,
                                   struct cv_error *err)
{
    json_tokener *tok;
    json_object *obj = NULL;
    size_t end;
    bool ok;

    if (body->len == 0 || body->len > (size_t)INT32_MAX)
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "empty answer");
    tok = json_tokener_new_ex(STRIPE_CLIENT_JSON_MAX_DEPTH);
    if (tok == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "json_tokener_new_ex failed");
    obj = json_tokener_parse_ex(tok, body->data, (int)body->len);
    ok = obj != NULL && json_tokener_get_error(tok) == json_tokener_success &&
         json_object_is_type(obj, json_type_object);
    for (end = json_tokener_get_parse_end(tok); ok && end < body->len; end++)
        ok = body->data[end] == ' ' || body->data[end] == '\n' || body->data[end] == '\r' ||
             body->data[end] == '\t';
    json_tokener_free(tok);
    if (!ok) {
        json_object_put(obj);
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "answer is not a JSON object");
    }
    *out = obj;
    return CV_OK;
}

/* The headers of a call: Authorization, Stripe-Version, Content-Type,
 * Idempotency-Key when key is not NULL, and an empty Expect (no 100-continue
 * round trip). NULL when out of memory; free with curl_slist_free_all. */
static struct curl_slist *build_headers(const char *auth, const char *key_header)
{
    const char *lines[6];
    struct curl_slist *list = NULL, *next;
    size_t i, n = 0;

    lines[n++] = auth;
    lines[n++] = "Stripe-Version: " STRIPE_CLIENT_API_VERSION;
    lines[n++] = "Accept: application/json";
    lines[n++] = "Content-Type: application/x-www-form-urlencoded";
    lines[n++] = "Expect:";
    if (key_header != NULL)
        lines[n++] = key_header;
    for (i = 0; i < n; i++) {
        next = curl_slist_append(list, lines[i]);
        if (next == NULL) {
            curl_slist_free_all(list);
            return NULL;
        }
        list = next;
    }
    return list;
}

static enum cv_status stripe_call(const struct stripe_client *c, bool post, const char *path,
                                  const struct cv_buf *form, const char *key, json_object **out,
                                  struct cv_error *err)
{
    const char *method = post ? "POST" : "GET";
    char url[STRIPE_CLIENT_URL_MAX_BYTES], auth[STRIPE_CLIENT_AUTH_HEADER_MAX_BYTES];
    char key_header[STRIPE_CLIENT_KEY_HEADER_MAX_BYTES];
    struct curl_slist *headers;
    struct stripe_try t;
    struct stripe_error_info info;
    size_t base_len;
    int n, attempt, attempts;
    bool query = !post && form != NULL && form->len > 0, transport_failed = true;
    enum cv_status st = CV_OK;

    *out = NULL;
    if (c->api_base == NULL || c->secret_key == NULL || c->secret_key[0] == '\0')
        return cv_error_set(err, CV_ERR_INTERNAL, "stripe client used without a secret key");
    if (path == NULL || path[0] != '/' || strlen(path) >= STRIPE_CLIENT_PATH_MAX_BYTES)
        return cv_error_set(err, CV_ERR_INTERNAL, "stripe %s: bad path", method);
    if (post && !idempotency_key_ok(key))
        return cv_error_set(err, CV_ERR_INTERNAL, "stripe POST %s: bad idempotency key", path);
    base_len = strlen(c->api_base);
    while (base_len > 0 && c->api_base[base_len - 1] == '/')
        base_len--;
    if (base_len > (size_t)INT32_MAX)
        return cv_error_set(err, CV_ERR_INTERNAL, "stripe %s %s: URL too long", method, path);
    n = snprintf(url, sizeof(url), "%.*s%s%s%s", (int)base_len, c->api_base, path,
                 query ? "?" : "", query ? form->data : "");
    if (n < 0 || (size_t)n >= sizeof(url))
        return cv_error_set(err, CV_ERR_INTERNAL, "stripe %s %s: URL too long", method, path);
    n = snprintf(auth, sizeof(auth), "Authorization: Bearer %s", c->secret_key);
    if (n < 0 || (size_t)n >= sizeof(auth)) {
        sodium_memzero(auth, sizeof(auth));
        return cv_error_set(err, CV_ERR_INTERNAL, "STRIPE_SECRET_KEY is too long");
    }
    if (post)
        (void)snprintf(key_header, sizeof(key_header), "Idempotency-Key: %s", key);  /* fits */
    headers = build_headers(auth, post ? key_header : NULL);
    sodium_memzero(auth, sizeof(auth));
    if (headers == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "curl_slist_append failed");

    cv_buf_init(&t.body, c->response_max_bytes);
    attempts = c->max_attempts;
    if (attempts < 1)
        attempts = 1;
    if (attempts > STRIPE_CLIENT_MAX_ATTEMPTS)
        attempts = STRIPE_CLIENT_MAX_ATTEMPTS;
    for (attempt = 1; attempt <= attempts; attempt++) {
        cv_error_clear(err);
        st = try_once(c, post, url, headers, post ? form : NULL, &t, err);
        if (st == CV_ERR_NOMEM || t.too_large)
            break;
        transport_failed = st != CV_OK;
        if (!transport_failed && t.http_status >= 200 && t.http_status < 300)
            break;
        if (attempt == attempts ||
            !stripe_client_should_retry(transport_failed, t.http_status, t.should_retry))
            break;
        if (transport_failed)
            cv_log(CV_LOG_WARN, c->request_id, "stripe %s %s: %s; trying again", method, path,
                   t.curl_error);
        else
            cv_log(CV_LOG_WARN, c->request_id, "stripe %s %s: http=%ld; trying again", method,
                   path, t.http_status);
        cv_sleep_ms(c->retry_pause_ms);
    }
    curl_slist_free_all(headers);

    if (st == CV_ERR_NOMEM) {
        /* err says it */
    } else if (t.too_large) {
        cv_log(CV_LOG_WARN, c->request_id, "stripe %s %s: answer over %zu bytes refused",
               method, path, c->response_max_bytes);
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "%s", STRIPE_ERROR_MSG_UNAVAILABLE);
    } else if (transport_failed) {
        cv_log_error_detail(CV_LOG_WARN, c->request_id, t.curl_error,
                            "stripe %s %s: no answer", method, path);
        st = stripe_error_map(0, NULL, 0, err, NULL);
    } else if (t.http_status < 200 || t.http_status >= 300) {
        st = stripe_error_map(t.http_status, t.body.data, t.body.len, err, &info);
        cv_log(CV_LOG_WARN, c->request_id, "stripe %s %s: http=%ld type=%s code=%s param=%s: %s",
               method, path, info.http_status, info.type, info.code, info.param, info.message);
    } else {
        st = parse_object(&t.body, out, err);
        if (st != CV_OK) {
            cv_log(CV_LOG_WARN, c->request_id, "stripe %s %s: http=%ld but %s", method, path,
                   t.http_status, err->message);
            if (st == CV_ERR_UNAVAILABLE)
                (void)cv_error_set(err, st, "%s", STRIPE_ERROR_MSG_UNAVAILABLE);
        }
    }
    cv_buf_free(&t.body);
    return st;
}

enum cv_status stripe_client_post(const struct stripe_client *c, const char *path,
                                  const struct cv_buf *form, const char *idempotency_key,
                                  json_object **out, struct cv_error *err)
{
    return stripe_call(c, true, path, form, idempotency_key, out, err);
}

enum cv_status stripe_client_get(const struct stripe_client *c, const char *path,
                                 const struct cv_buf *query, json_object **out,
                                 struct cv_error *err)
{
    return stripe_call(c, false, path, query, NULL, out, err);
}
