/*
 * test_billing_client.c - the Stripe API client of billing, src/billing/stripe_client.h,
 * against a scripted one-connection-at-a-time HTTP server on a loopback
 * port in this process: the headers and form sent, GET queries, the
 * response cap (max and max + 1), error mapping, retries with the same
 * Idempotency-Key, Stripe-Should-Retry, timeouts, refused connections, and
 * the pure idempotency-key and retry rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "stripe_client.h"
#include "stripe_form.h"

#define FAKE_MAX_REPLIES 4
#define FAKE_REQUEST_MAX_BYTES 16384
#define FAKE_ACCEPT_WAIT_MS 5000

struct fake_reply {
    int status;
    const char *extra_headers;   /* "Name: value\r\n" lines, or NULL */
    const char *body;
    size_t body_len;             /* 0: strlen(body) */
    long delay_ms;               /* before answering */
};

struct fake_server {
    int fd;
    int port;
    pthread_t thread;
    const struct fake_reply *replies;
    size_t nreplies;
    size_t served;               /* connections that sent a request */
    char request[FAKE_MAX_REPLIES][FAKE_REQUEST_MAX_BYTES];
};

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0)
        ;
}

static long elapsed_ms(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000L + (now.tv_nsec - start->tv_nsec) / 1000000L;
}

/* Read one request (headers, then Content-Length bytes) into out; its
 * length, or 0 when the client went away first. */
static size_t read_request(int fd, char *out, size_t max)
{
    size_t len = 0, want = 0;
    const char *end, *cl;
    ssize_t n;

    while (len < max - 1) {
        n = recv(fd, out + len, max - 1 - len, 0);
        if (n <= 0)
            return 0;
        len += (size_t)n;
        out[len] = '\0';
        end = strstr(out, "\r\n\r\n");
        if (end == NULL)
            continue;
        cl = strstr(out, "Content-Length: ");
        want = (size_t)(end + 4 - out) + (cl != NULL && cl < end ? strtoul(cl + 16, NULL, 10) : 0);
        if (len >= want)
            return len;
    }
    return len;
}

static void *fake_serve(void *arg)
{
    struct fake_server *s = arg;
    char head[512];
    size_t i, blen;
    int c, n;

    for (i = 0; i < s->nreplies; i++) {
        const struct fake_reply *r = &s->replies[i];
        struct pollfd p = { s->fd, POLLIN, 0 };

        if (poll(&p, 1, FAKE_ACCEPT_WAIT_MS) != 1)
            break;
        c = accept(s->fd, NULL, NULL);
        if (c < 0)
            break;
        if (read_request(c, s->request[i], sizeof(s->request[i])) == 0) {
            close(c);
            continue;
        }
        s->served++;
        if (r->delay_ms > 0)
            sleep_ms(r->delay_ms);
        blen = r->body_len != 0 ? r->body_len : strlen(r->body);
        n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n%s\r\n",
                     r->status, blen, r->extra_headers != NULL ? r->extra_headers : "");
        if (n > 0 && (size_t)n < sizeof(head) && send(c, head, (size_t)n, MSG_NOSIGNAL) == n)
            (void)send(c, r->body, blen, MSG_NOSIGNAL);
        shutdown(c, SHUT_WR);
        close(c);
    }
    return NULL;
}

static struct fake_server *fake_start(const struct fake_reply *replies, size_t n)
{
    struct fake_server *s = calloc(1, sizeof(*s));
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t alen = sizeof(a);

    assert_non_null(s);
    assert_true(n <= FAKE_MAX_REPLIES);
    s->replies = replies;
    s->nreplies = n;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->fd >= 0);
    assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(s->fd, 8), 0);
    assert_int_equal(getsockname(s->fd, (struct sockaddr *)&a, &alen), 0);
    s->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&s->thread, NULL, fake_serve, s), 0);
    return s;
}

static size_t fake_stop(struct fake_server *s)
{
    size_t served;

    pthread_join(s->thread, NULL);
    close(s->fd);
    served = s->served;
    return served;
}

/* A client of the fake server, with short bounds. */
static void client_for(struct stripe_client *c, const struct fake_server *s, char *base,
                       size_t size)
{
    struct cv_config cfg;

    memset(&cfg, 0, sizeof(cfg));
    (void)snprintf(base, size, "http://127.0.0.1:%d/", s->port);
    cfg.stripe_api_base = base;
    cfg.stripe_secret_key = "sk_test_abc";
    stripe_client_init(c, &cfg, "req-test");
    c->timeout_ms = 2000;
    c->retry_pause_ms = 10;
}

/* The value of header name in a stored request, or "" (test-only parse). */
static void header_of(const char *req, const char *name, char *out, size_t size)
{
    char pat[64];
    const char *p, *e;

    out[0] = '\0';
    (void)snprintf(pat, sizeof(pat), "\r\n%s: ", name);
    p = strstr(req, pat);
    if (p == NULL)
        return;
    p += strlen(pat);
    e = strstr(p, "\r\n");
    (void)snprintf(out, size, "%.*s", (int)(e - p), p);
}

static const char *body_of(const char *req)
{
    const char *p = strstr(req, "\r\n\r\n");

    return p != NULL ? p + 4 : "";
}

static void test_post_sends_form_and_stripe_headers(void **state)
{
    static const struct fake_reply replies[] = {
        { 200, "Request-Id: req_1\r\n", "{\"id\":\"cs_1\",\"url\":\"https://checkout.test/c\"}\n",
          0, 0 },
    };
    struct fake_server *s = fake_start(replies, 1);
    struct stripe_client c;
    struct cv_error err;
    struct cv_buf form;
    json_object *out = NULL, *v;
    char base[64], h[300];

    (void)state;
    client_for(&c, s, base, sizeof(base));
    cv_error_clear(&err);
    cv_buf_init(&form, STRIPE_FORM_BODY_MAX_BYTES);
    assert_int_equal(stripe_form_add(&form, "mode", "subscription"), CV_OK);
    assert_int_equal(stripe_form_add(&form, "line_items[0][price]", "price 1"), CV_OK);
    assert_int_equal(stripe_client_post(&c, "/v1/checkout/sessions", &form, "cv-checkout-u1-r1",
                                        &out, &err), CV_OK);
    assert_non_null(out);
    assert_true(json_object_object_get_ex(out, "url", &v));
    assert_string_equal(json_object_get_string(v), "https://checkout.test/c");
    json_object_put(out);
    assert_int_equal(fake_stop(s), 1);
    assert_true(strncmp(s->request[0], "POST /v1/checkout/sessions HTTP/1.1\r\n", 37) == 0);
    header_of(s->request[0], "Authorization", h, sizeof(h));
    assert_string_equal(h, "Bearer sk_test_abc");
    header_of(s->request[0], "Stripe-Version", h, sizeof(h));
    assert_string_equal(h, STRIPE_CLIENT_API_VERSION);
    header_of(s->request[0], "Idempotency-Key", h, sizeof(h));
    assert_string_equal(h, "cv-checkout-u1-r1");
    header_of(s->request[0], "Content-Type", h, sizeof(h));
    assert_string_equal(h, "application/x-www-form-urlencoded");
    header_of(s->request[0], "Expect", h, sizeof(h));
    assert_string_equal(h, "");
    assert_string_equal(body_of(s->request[0]),
                        "mode=subscription&line_items[0][price]=price%201");
    cv_buf_free(&form);
    free(s);
}

static void test_post_with_empty_form_and_longest_key(void **state)
{
    static const struct fake_reply replies[] = { { 200, NULL, "{}", 0, 0 } };
    struct fake_server *s = fake_start(replies, 1);
    char base[64], key[STRIPE_CLIENT_IDEMPOTENCY_KEY_MAX_BYTES + 2], h[300];
    struct stripe_client c;
    struct cv_error err;
    json_object *out = NULL;

    (void)state;
    client_for(&c, s, base, sizeof(base));
    memset(key, 'k', sizeof(key));
    key[STRIPE_CLIENT_IDEMPOTENCY_KEY_MAX_BYTES] = '\0';            /* 255: the max */
    assert_int_equal(stripe_client_post(&c, "/v1/x", NULL, key, &out, &err), CV_OK);
    json_object_put(out);
    assert_int_equal(fake_stop(s), 1);
    header_of(s->request[0], "Idempotency-Key", h, sizeof(h));
    assert_string_equal(h, key);
    header_of(s->request[0], "Content-Length", h, sizeof(h));
    assert_string_equal(h, "0");
    free(s);
}

static void test_get_with_query_has_no_idempotency_key(void **state)
{
    static const struct fake_reply replies[] = { { 200, NULL, "{\"id\":\"sub_1\"}", 0, 0 } };
    struct fake_server *s = fake_start(replies, 1);
    struct stripe_client c;
    struct cv_error err;
    struct cv_buf q;
    json_object *out = NULL;
    char base[64], h[300];

    (void)state;
    client_for(&c, s, base, sizeof(base));
    cv_buf_init(&q, STRIPE_FORM_BODY_MAX_BYTES);
    assert_int_equal(stripe_form_add(&q, "expand[]", "customer"), CV_OK);
    assert_int_equal(stripe_client_get(&c, "/v1/subscriptions/sub_1", &q, &out, &err), CV_OK);
    json_object_put(out);
    assert_int_equal(fake_stop(s), 1);
    assert_true(strncmp(s->request[0], "GET /v1/subscriptions/sub_1?expand[]=customer HTTP/1.1",
                        53) == 0);
    header_of(s->request[0], "Idempotency-Key", h, sizeof(h));
    assert_string_equal(h, "");
    header_of(s->request[0], "Stripe-Version", h, sizeof(h));
    assert_string_equal(h, STRIPE_CLIENT_API_VERSION);
    cv_buf_free(&q);
    free(s);
}

/* A JSON object of exactly len bytes: {"a":"xxx..."}. */
static char *object_of_len(size_t len)
{
    char *b = malloc(len + 1);

    assert_non_null(b);
    memset(b, 'x', len);
    memcpy(b, "{\"a\":\"", 6);
    b[len - 2] = '"';
    b[len - 1] = '}';
    b[len] = '\0';
    return b;
}

static void test_response_cap_max_and_max_plus_one(void **state)
{
    const size_t max = 1000;
    char *at_max = object_of_len(max), *over = object_of_len(max + 1), base[64];
    struct fake_reply replies[2] = { { 200, NULL, at_max, 0, 0 }, { 200, NULL, over, 0, 0 } };
    struct fake_server *s = fake_start(replies, 2);
    struct stripe_client c;
    struct cv_error err;
    json_object *out = NULL;

    (void)state;
    client_for(&c, s, base, sizeof(base));
    c.response_max_bytes = max;
    assert_int_equal(stripe_client_post(&c, "/v1/x", NULL, "k1", &out, &err), CV_OK);
    json_object_put(out);
    out = NULL;
    assert_int_equal(stripe_client_post(&c, "/v1/x", NULL, "k2", &out, &err),
                     CV_ERR_UNAVAILABLE);
    assert_null(out);
    assert_int_equal(fake_stop(s), 2);      /* the refused answer was not asked again */
    free(at_max);
    free(over);
    free(s);
}

static void test_card_error_is_invalid_and_not_retried(void **state)
{
    static const struct fake_reply replies[] = {
        { 402, NULL, "{\"error\":{\"type\":\"card_error\",\"code\":\"card_declined\","
                     "\"message\":\"Your card was declined.\"}}", 0, 0 },
    };
    struct fake_server *s = fake_start(replies, 1);
    struct stripe_client c;
    struct cv_error err;
    json_object *out = NULL;
    char base[64];

    (void)state;
    client_for(&c, s, base, sizeof(base));
    assert_int_equal(stripe_client_post(&c, "/v1/x", NULL, "k", &out, &err), CV_ERR_INVALID);
    assert_string_equal(err.message, "Your card was declined.");
    assert_null(out);
    assert_int_equal(fake_stop(s), 1);
    free(s);
}

static void test_auth_error_is_unavailable_and_not_retried(void **state)
{
    static const struct fake_reply replies[] = {
        { 401, NULL, "{\"error\":{\"type\":\"invalid_request_error\","
                     "\"message\":\"Invalid API Key provided: sk_test_***abc\"}}", 0, 0 },
    };
    struct fake_server *s = fake_start(replies, 1);
    struct stripe_client c;
    struct cv_error err;
    json_object *out = NULL;
    char base[64];

    (void)state;
    client_for(&c, s, base, sizeof(base));
    assert_int_equal(stripe_client_post(&c, "/v1/x", NULL, "k", &out, &err), CV_ERR_UNAVAILABLE);
    assert_null(strstr(err.message, "sk_test"));
    assert_int_equal(fake_stop(s), 1);
    free(s);
}

static void test_outage_retried_once_with_the_same_key(void **state)
{
    static const struct fake_reply replies[] = {
        { 500, NULL, "{\"error\":{\"type\":\"api_error\"}}", 0, 0 },
        { 503, NULL, "{\"error\":{\"type\":\"api_error\"}}", 0, 0 },
        { 200, NULL, "{}", 0, 0 },   /* never asked: two tries at most */
    };
    struct fake_server *s = fake_start(replies, 2);
    struct stripe_client c;
    struct cv_error err;
    json_object *out = NULL;
    char base[64], k0[300], k1[300];

    (void)state;
    client_for(&c, s, base, sizeof(base));
    c.max_attempts = 99;   /* clamped to STRIPE_CLIENT_MAX_ATTEMPTS */
    assert_int_equal(stripe_client_post(&c, "/v1/x", NULL, "same-key", &out, &err),
                     CV_ERR_UNAVAILABLE);
    assert_int_equal(fake_stop(s), STRIPE_CLIENT_MAX_ATTEMPTS);
    header_of(s->request[0], "Idempotency-Key", k0, sizeof(k0));
    header_of(s->request[1], "Idempotency-Key", k1, sizeof(k1));
    assert_string_equal(k0, "same-key");
    assert_string_equal(k1, "same-key");
    assert_string_equal(body_of(s->request[0]), body_of(s->request[1]));
    free(s);
}

static void test_passing_outage_and_should_retry_header(void **state)
{
    static const struct fake_reply retry_then_ok[] = {
        { 409, "Stripe-Should-Retry: true\r\n",
          "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"lock_timeout\"}}", 0, 0 },
        { 200, NULL, "{\"ok\":true}", 0, 0 },
    };
    static const struct fake_reply no_retry[] = {
        { 500, "stripe-should-retry: false\r\n", "{\"error\":{\"type\":\"api_error\"}}", 0, 0 },
    };
    struct fake_server *s = fake_start(retry_then_ok, 2);
    struct stripe_client c;
    struct cv_error err;
    json_object *out = NULL;
    char base[64];

    (void)state;
    client_for(&c, s, base, sizeof(base));
    assert_int_equal(stripe_client_post(&c, "/v1/x", NULL, "k", &out, &err), CV_OK);
    json_object_put(out);
    assert_int_equal(fake_stop(s), 2);
    free(s);
    s = fake_start(no_retry, 1);
    client_for(&c, s, base, sizeof(base));
    assert_int_equal(stripe_client_post(&c, "/v1/x", NULL, "k", &out, &err), CV_ERR_UNAVAILABLE);
    assert_int_equal(fake_stop(s), 1);
    free(s);
}

static void test_2xx_that_is_not_an_object(void **state)
{
    static const struct fake_reply replies[] = {
        { 200, NULL, "<html>hello</html>", 0, 0 },
        { 200, NULL, "[1,2]", 0, 0 },
        { 200, NULL, "{\"a\":1} trailing", 0, 0 },
    };
    struct fake_server *s = fake_start(replies, 3);
    struct stripe_client c;
    struct cv_error err;
    json_object *out = NULL;
    char base[64];
    int i;

    (void)state;
    client_for(&c, s, base, sizeof(base));
    for (i = 0; i < 3; i++) {
        assert_int_equal(stripe_client_post(&c, "/v1/x", NULL, "k", &out, &err),
                         CV_ERR_UNAVAILABLE);
        assert_null(out);
    }
    assert_int_equal(fake_stop(s), 3);      /* one request each: a 2xx is not retried */
    free(s);
}

static void test_timeout_bounds_each_try(void **state)
{
    static const struct fake_reply replies[] = {
        { 200, NULL, "{}", 0, 1500 },
        { 200, NULL, "{}", 0, 1500 },
    };
    struct fake_server *s = fake_start(replies, 2);
    struct stripe_client c;
    struct cv_error err;
    struct timespec start;
    json_object *out = NULL;
    char base[64];
    long took;

    (void)state;
    client_for(&c, s, base, sizeof(base));
    c.timeout_ms = 300;
    clock_gettime(CLOCK_MONOTONIC, &start);
    assert_int_equal(stripe_client_post(&c, "/v1/x", NULL, "k", &out, &err), CV_ERR_UNAVAILABLE);
    took = elapsed_ms(&start);
    assert_true(took >= 2 * 300);
    assert_true(took < 1500);
    assert_string_equal(err.message, "billing provider unavailable");
    (void)fake_stop(s);
    free(s);
}

static void test_connection_refused(void **state)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t alen = sizeof(a);
    struct stripe_client c;
    struct cv_config cfg;
    struct cv_error err;
    json_object *out = NULL;
    char base[64];
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    (void)state;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
    close(fd);                                 /* nothing listens there now */
    (void)snprintf(base, sizeof(base), "http://127.0.0.1:%d", ntohs(a.sin_port));
    memset(&cfg, 0, sizeof(cfg));
    cfg.stripe_api_base = base;
    cfg.stripe_secret_key = "sk_test_abc";
    stripe_client_init(&c, &cfg, NULL);
    c.retry_pause_ms = 10;
    assert_int_equal(stripe_client_get(&c, "/v1/x", NULL, &out, &err), CV_ERR_UNAVAILABLE);
    assert_null(out);
}

static void test_refuses_bad_arguments_before_any_request(void **state)
{
    char base[] = "http://127.0.0.1:9", long_secret[600];
    char key[STRIPE_CLIENT_IDEMPOTENCY_KEY_MAX_BYTES + 2];
    struct stripe_client c;
    struct cv_config cfg;
    struct cv_error err;
    json_object *out = NULL;

    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    cfg.stripe_api_base = base;
    stripe_client_init(&c, &cfg, NULL);
    assert_int_equal(stripe_client_post(&c, "/v1/x", NULL, "k", &out, &err), CV_ERR_INTERNAL);
    c.secret_key = "sk_test_abc";
    assert_int_equal(stripe_client_post(&c, "v1/x", NULL, "k", &out, &err), CV_ERR_INTERNAL);
    assert_int_equal(stripe_client_post(&c, NULL, NULL, "k", &out, &err), CV_ERR_INTERNAL);
    assert_int_equal(stripe_client_post(&c, "/v1/x", NULL, NULL, &out, &err), CV_ERR_INTERNAL);
    assert_int_equal(stripe_client_post(&c, "/v1/x", NULL, "", &out, &err), CV_ERR_INTERNAL);
    assert_int_equal(stripe_client_post(&c, "/v1/x", NULL, "a b", &out, &err), CV_ERR_INTERNAL);
    assert_int_equal(stripe_client_post(&c, "/v1/x", NULL, "a\r\nX: y", &out, &err),
                     CV_ERR_INTERNAL);
    memset(key, 'k', sizeof(key));
    key[STRIPE_CLIENT_IDEMPOTENCY_KEY_MAX_BYTES + 1] = '\0';      /* 256: one too many */
    assert_int_equal(stripe_client_post(&c, "/v1/x", NULL, key, &out, &err), CV_ERR_INTERNAL);
    memset(long_secret, 's', sizeof(long_secret) - 1);
    long_secret[sizeof(long_secret) - 1] = '\0';
    c.secret_key = long_secret;
    assert_int_equal(stripe_client_post(&c, "/v1/x", NULL, "k", &out, &err), CV_ERR_INTERNAL);
    assert_null(out);
}

static void test_idempotency_key(void **state)
{
    char out[STRIPE_CLIENT_IDEMPOTENCY_KEY_MAX_BYTES + 8], part[300];
    struct cv_error err;
    size_t fixed = strlen("cv-") + strlen("checkout") + 2 + 24;

    (void)state;
    assert_int_equal(stripe_client_idempotency_key("checkout", "665f1c2ab7e4a90c1d2e3f40",
                                                   "9f2c4e0a6b1d4c7e8a3b5d2f1e0c9b8a", out,
                                                   sizeof(out), &err), CV_OK);
    assert_string_equal(out, "cv-checkout-665f1c2ab7e4a90c1d2e3f40-"
                             "9f2c4e0a6b1d4c7e8a3b5d2f1e0c9b8a");
    /* exactly the room it needs, then one byte short */
    assert_int_equal(stripe_client_idempotency_key("p", "u", "r", out, 9, &err), CV_OK);
    assert_string_equal(out, "cv-p-u-r");
    assert_int_equal(stripe_client_idempotency_key("p", "u", "r", out, 8, &err),
                     CV_ERR_INTERNAL);
    assert_string_equal(out, "");
    /* 255 bytes in all is the max, 256 is refused */
    memset(part, 'r', sizeof(part));
    part[STRIPE_CLIENT_IDEMPOTENCY_KEY_MAX_BYTES - fixed] = '\0';
    assert_int_equal(stripe_client_idempotency_key("checkout", "665f1c2ab7e4a90c1d2e3f40", part,
                                                   out, sizeof(out), &err), CV_OK);
    assert_int_equal(strlen(out), STRIPE_CLIENT_IDEMPOTENCY_KEY_MAX_BYTES);
    part[STRIPE_CLIENT_IDEMPOTENCY_KEY_MAX_BYTES - fixed] = 'r';
    part[STRIPE_CLIENT_IDEMPOTENCY_KEY_MAX_BYTES - fixed + 1] = '\0';
    assert_int_equal(stripe_client_idempotency_key("checkout", "665f1c2ab7e4a90c1d2e3f40", part,
                                                   out, sizeof(out), &err), CV_ERR_INTERNAL);
    assert_string_equal(out, "");
    /* every part is required and restricted */
    assert_int_equal(stripe_client_idempotency_key("", "u", "r", out, sizeof(out), &err),
                     CV_ERR_INTERNAL);
    assert_int_equal(stripe_client_idempotency_key("p", NULL, "r", out, sizeof(out), &err),
                     CV_ERR_INTERNAL);
    assert_int_equal(stripe_client_idempotency_key("p", "u", NULL, out, sizeof(out), &err),
                     CV_ERR_INTERNAL);
    assert_int_equal(stripe_client_idempotency_key("p", "u r", "r", out, sizeof(out), &err),
                     CV_ERR_INTERNAL);
    assert_int_equal(stripe_client_idempotency_key("p", "u", "r\n", out, sizeof(out), &err),
                     CV_ERR_INTERNAL);
    assert_int_equal(stripe_client_idempotency_key("p", "u", "r", NULL, 0, &err),
                     CV_ERR_INTERNAL);
}

static void test_should_retry(void **state)
{
    (void)state;
    assert_true(stripe_client_should_retry(true, 0, -1));
    assert_false(stripe_client_should_retry(true, 0, 0));
    assert_true(stripe_client_should_retry(false, 500, -1));
    assert_true(stripe_client_should_retry(false, 503, -1));
    assert_true(stripe_client_should_retry(false, 429, -1));
    assert_false(stripe_client_should_retry(false, 500, 0));
    assert_false(stripe_client_should_retry(false, 400, -1));
    assert_false(stripe_client_should_retry(false, 402, -1));
    assert_false(stripe_client_should_retry(false, 401, -1));
    assert_false(stripe_client_should_retry(false, 409, -1));
    assert_true(stripe_client_should_retry(false, 409, 1));
    assert_false(stripe_client_should_retry(false, 499, -1));
}

static void test_init_defaults(void **state)
{
    struct cv_config cfg;
    struct stripe_client c;

    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    cfg.stripe_api_base = "https://api.stripe.com";
    cfg.stripe_secret_key = "sk_live_x";
    stripe_client_init(&c, &cfg, "rid");
    assert_string_equal(c.api_base, "https://api.stripe.com");
    assert_string_equal(c.secret_key, "sk_live_x");
    assert_string_equal(c.request_id, "rid");
    assert_int_equal(c.connect_timeout_ms, STRIPE_CLIENT_CONNECT_TIMEOUT_MS);
    assert_int_equal(c.timeout_ms, STRIPE_CLIENT_TIMEOUT_MS);
    assert_int_equal(c.response_max_bytes, STRIPE_CLIENT_RESPONSE_MAX_BYTES);
    assert_int_equal(c.max_attempts, STRIPE_CLIENT_MAX_ATTEMPTS);
    /* the worst case stays inside nginx's 30 s fastcgi_read_timeout */
    assert_true(STRIPE_CLIENT_MAX_ATTEMPTS * STRIPE_CLIENT_TIMEOUT_MS +
                (STRIPE_CLIENT_MAX_ATTEMPTS - 1) * STRIPE_CLIENT_RETRY_PAUSE_MS < 30000);
}

static int global_setup(void **state)
{
    (void)state;
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

static int global_teardown(void **state)
{
    (void)state;
    curl_global_cleanup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_post_sends_form_and_stripe_headers),
        cmocka_unit_test(test_post_with_empty_form_and_longest_key),
        cmocka_unit_test(test_get_with_query_has_no_idempotency_key),
        cmocka_unit_test(test_response_cap_max_and_max_plus_one),
        cmocka_unit_test(test_card_error_is_invalid_and_not_retried),
        cmocka_unit_test(test_auth_error_is_unavailable_and_not_retried),
        cmocka_unit_test(test_outage_retried_once_with_the_same_key),
        cmocka_unit_test(test_passing_outage_and_should_retry_header),
        cmocka_unit_test(test_2xx_that_is_not_an_object),
        cmocka_unit_test(test_timeout_bounds_each_try),
        cmocka_unit_test(test_connection_refused),
        cmocka_unit_test(test_refuses_bad_arguments_before_any_request),
        cmocka_unit_test(test_idempotency_key),
        cmocka_unit_test(test_should_retry),
        cmocka_unit_test(test_init_defaults),
    };

    return cmocka_run_group_tests(tests, global_setup, global_teardown);
}
