/*
 * test_metrics.c - request metrics of fcgi/metrics.h: the route limit at
 * create (max and max + 1), counts by route and status in the rendered
 * text, cumulative histogram buckets with their sum and count, unmatched
 * and out-of-range routes counted as route 0, and a forked child's
 * observations visible to the parent through the shared mapping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "metrics.h"

static const struct cv_metrics_route routes[] = {
    { "GET", "/api/health" },
    { "POST", "/api/auth/login" },
    { "GET", "/api/cv/analyses/{id}" },
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static struct cv_metrics *make(void)
{
    struct cv_error err;
    struct cv_metrics *m;

    cv_error_clear(&err);
    m = cv_metrics_create(routes, NROUTES, &err);
    assert_non_null(m);
    return m;
}

/* The rendered text; free() it. */
static char *render(const struct cv_metrics *m)
{
    struct cv_buf out;

    cv_buf_init(&out, 1024 * 1024);
    assert_int_equal(cv_metrics_render(m, "1.2.3", &out), CV_OK);
    return cv_buf_take(&out);
}

static void assert_has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    const char *p = text;

    while ((p = strstr(p, line)) != NULL) {
        if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
            return;
        p += n;
    }
    fail_msg("no line \"%s\" in:\n%s", line, text);
}

/* The number after prefix, which must start a line. */
static double sample_value(const char *text, const char *prefix)
{
    const char *p = strstr(text, prefix);
    char *end;
    double v;

    if (p == NULL || (p != text && p[-1] != '\n'))
        fail_msg("no sample \"%s\" in:\n%s", prefix, text);
    v = strtod(p + strlen(prefix), &end);
    assert_true(*end == '\n');
    return v;
}

static void test_create_route_limit(void **state)
{
    struct cv_metrics_route many[CV_METRICS_MAX_ROUTES];
    struct cv_metrics *m;
    struct cv_error err;
    char *text;
    size_t i;

    (void)state;
    for (i = 0; i < CV_METRICS_MAX_ROUTES; i++) {
        many[i].method = "GET";
        many[i].pattern = "/r";
    }
    /* CV_METRICS_MAX_ROUTES - 1 routes: the most that fit beside slot 0 */
    cv_error_clear(&err);
    m = cv_metrics_create(many, CV_METRICS_MAX_ROUTES - 1, &err);
    assert_non_null(m);
    cv_metrics_observe(m, CV_METRICS_MAX_ROUTES - 1, 200, 0.001);   /* the last route */
    text = render(m);
    assert_has_line(text, "cv_http_requests_total{method=\"GET\",route=\"/r\",status=\"200\"} 1");
    free(text);
    cv_metrics_destroy(m);

    /* one more: refused */
    cv_error_clear(&err);
    m = cv_metrics_create(many, CV_METRICS_MAX_ROUTES, &err);
    assert_null(m);
    assert_int_not_equal(err.status, CV_OK);
    assert_string_not_equal(err.message, "");

    /* none at all is fine: only the unmatched slot */
    m = cv_metrics_create(NULL, 0, &err);
    assert_non_null(m);
    cv_metrics_observe(m, 1, 404, 0.0);   /* out of range: slot 0 */
    text = render(m);
    assert_has_line(text, "cv_http_requests_total{method=\"ANY\",route=\"unmatched\","
                          "status=\"404\"} 1");
    free(text);
    cv_metrics_destroy(m);
    cv_metrics_destroy(NULL);
}

static void test_render_empty(void **state)
{
    struct cv_metrics *m = make();
    char *text;

    (void)state;
    text = render(m);
    assert_has_line(text, "cv_build_info{version=\"1.2.3\"} 1");
    assert_has_line(text, "# TYPE cv_http_requests_total counter");
    assert_has_line(text, "# TYPE cv_http_request_duration_seconds histogram");
    /* nothing observed: no samples */
    assert_null(strstr(text, "cv_http_requests_total{"));
    assert_null(strstr(text, "cv_http_request_duration_seconds_bucket{"));
    free(text);
    cv_metrics_destroy(m);
}

static void test_counts_by_route_and_status(void **state)
{
    struct cv_metrics *m = make();
    char *text;

    (void)state;
    cv_metrics_observe(m, 1, 200, 0.001);
    cv_metrics_observe(m, 1, 200, 0.002);
    cv_metrics_observe(m, 1, 503, 0.002);
    cv_metrics_observe(m, 2, 401, 0.1);
    cv_metrics_observe(m, 3, 404, 0.01);
    cv_metrics_observe(m, 0, 404, 0.0);
    text = render(m);
    assert_has_line(text, "cv_http_requests_total{method=\"GET\",route=\"/api/health\","
                          "status=\"200\"} 2");
    assert_has_line(text, "cv_http_requests_total{method=\"GET\",route=\"/api/health\","
                          "status=\"503\"} 1");
    assert_has_line(text, "cv_http_requests_total{method=\"POST\",route=\"/api/auth/login\","
                          "status=\"401\"} 1");
    assert_has_line(text, "cv_http_requests_total{method=\"GET\","
                          "route=\"/api/cv/analyses/{id}\",status=\"404\"} 1");
    assert_has_line(text, "cv_http_requests_total{method=\"ANY\",route=\"unmatched\","
                          "status=\"404\"} 1");
    assert_has_line(text, "cv_http_request_duration_seconds_count{method=\"GET\","
                          "route=\"/api/health\"} 3");
    /* statuses never seen are not rendered */
    assert_null(strstr(text, "status=\"500\""));
    free(text);
    cv_metrics_destroy(m);
}

static void test_status_edges(void **state)
{
    struct cv_metrics *m = make();
    char *text;

    (void)state;
    cv_metrics_observe(m, 1, 100, 0.0);   /* lowest status kept */
    cv_metrics_observe(m, 1, 599, 0.0);   /* highest status kept */
    cv_metrics_observe(m, 1, 99, 0.0);    /* outside: counted, not by status */
    cv_metrics_observe(m, 1, 600, 0.0);
    cv_metrics_observe(m, 1, -1, 0.0);
    text = render(m);
    assert_has_line(text, "cv_http_requests_total{method=\"GET\",route=\"/api/health\","
                          "status=\"100\"} 1");
    assert_has_line(text, "cv_http_requests_total{method=\"GET\",route=\"/api/health\","
                          "status=\"599\"} 1");
    assert_null(strstr(text, "status=\"99\""));
    assert_null(strstr(text, "status=\"600\""));
    assert_has_line(text, "cv_http_request_duration_seconds_count{method=\"GET\","
                          "route=\"/api/health\"} 5");
    free(text);
    cv_metrics_destroy(m);
}

static void test_unmatched_and_out_of_range(void **state)
{
    struct cv_metrics *m = make();
    char *text;

    (void)state;
    cv_metrics_observe(m, 0, 404, 0.001);
    cv_metrics_observe(m, NROUTES + 1, 404, 0.001);   /* first out of range */
    cv_metrics_observe(m, CV_METRICS_MAX_ROUTES, 404, 0.001);
    cv_metrics_observe(m, SIZE_MAX, 404, 0.001);
    cv_metrics_observe(m, NROUTES, 200, 0.001);       /* last valid route */
    text = render(m);
    assert_has_line(text, "cv_http_requests_total{method=\"ANY\",route=\"unmatched\","
                          "status=\"404\"} 4");
    assert_has_line(text, "cv_http_requests_total{method=\"GET\","
                          "route=\"/api/cv/analyses/{id}\",status=\"200\"} 1");
    free(text);
    cv_metrics_destroy(m);
    cv_metrics_observe(NULL, 1, 200, 0.1);   /* no table: ignored */
}

static void test_histogram_is_cumulative(void **state)
{
    struct cv_metrics *m = make();
    char *text;

    (void)state;
    cv_metrics_observe(m, 2, 200, 0.001);    /* <= 0.005 */
    cv_metrics_observe(m, 2, 200, 0.005);    /* on the bound: in it */
    cv_metrics_observe(m, 2, 200, 0.02);     /* <= 0.025 */
    cv_metrics_observe(m, 2, 200, 0.3);      /* <= 0.5 */
    cv_metrics_observe(m, 2, 200, 10.0);     /* <= 10 */
    cv_metrics_observe(m, 2, 200, 20.0);     /* only +Inf */
    cv_metrics_observe(m, 2, 200, -1.0);     /* negative: as 0 */
    text = render(m);
#define BUCKET(le, n) \
    "cv_http_request_duration_seconds_bucket{method=\"POST\",route=\"/api/auth/login\"," \
    "le=\"" le "\"} " #n
    assert_has_line(text, BUCKET("0.005", 3));
    assert_has_line(text, BUCKET("0.01", 3));
    assert_has_line(text, BUCKET("0.025", 4));
    assert_has_line(text, BUCKET("0.05", 4));
    assert_has_line(text, BUCKET("0.1", 4));
    assert_has_line(text, BUCKET("0.25", 4));
    assert_has_line(text, BUCKET("0.5", 5));
    assert_has_line(text, BUCKET("1", 5));
    assert_has_line(text, BUCKET("2.5", 5));
    assert_has_line(text, BUCKET("5", 5));
    assert_has_line(text, BUCKET("10", 6));
    assert_has_line(text, BUCKET("+Inf", 7));
#undef BUCKET
    assert_has_line(text, "cv_http_request_duration_seconds_count{method=\"POST\","
                          "route=\"/api/auth/login\"} 7");
    /* the sum is kept in microseconds: exact to within a few of them */
    assert_true(sample_value(text, "cv_http_request_duration_seconds_sum{method=\"POST\","
                                   "route=\"/api/auth/login\"} ") > 30.32599);
    assert_true(sample_value(text, "cv_http_request_duration_seconds_sum{method=\"POST\","
                                   "route=\"/api/auth/login\"} ") < 30.32601);
    /* routes without observations have no histogram */
    assert_null(strstr(text, "cv_http_request_duration_seconds_count{method=\"GET\""));
    free(text);
    cv_metrics_destroy(m);
}

static void test_render_respects_buffer_limit(void **state)
{
    struct cv_metrics *m = make();
    struct cv_buf out;

    (void)state;
    cv_metrics_observe(m, 1, 200, 0.001);
    cv_buf_init(&out, 64);
    assert_int_equal(cv_metrics_render(m, "1.2.3", &out), CV_ERR_TOO_LARGE);
    assert_true(out.len <= 64);
    cv_buf_free(&out);
    cv_metrics_destroy(m);
}

static void test_child_updates_are_shared(void **state)
{
    struct cv_metrics *m = make();
    char *text;
    pid_t pid;
    int status, i;

    (void)state;
    cv_metrics_observe(m, 1, 200, 0.001);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        for (i = 0; i < 1000; i++)
            cv_metrics_observe(m, 1, 200, 0.001);
        cv_metrics_observe(m, 2, 429, 0.001);
        _exit(0);
    }
    for (i = 0; i < 1000; i++)   /* concurrently with the child */
        cv_metrics_observe(m, 1, 200, 0.001);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    text = render(m);
    assert_has_line(text, "cv_http_requests_total{method=\"GET\",route=\"/api/health\","
                          "status=\"200\"} 2001");
    assert_has_line(text, "cv_http_requests_total{method=\"POST\",route=\"/api/auth/login\","
                          "status=\"429\"} 1");
    free(text);
    cv_metrics_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_route_limit),
        cmocka_unit_test(test_render_empty),
        cmocka_unit_test(test_counts_by_route_and_status),
        cmocka_unit_test(test_status_edges),
        cmocka_unit_test(test_unmatched_and_out_of_range),
        cmocka_unit_test(test_histogram_is_cumulative),
        cmocka_unit_test(test_render_respects_buffer_limit),
        cmocka_unit_test(test_child_updates_are_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
