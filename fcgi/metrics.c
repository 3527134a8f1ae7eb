/*
 * metrics.c - shared-memory request metrics (see metrics.h).
 *
 * Status codes index a fixed array (100..599), so no lookup and no lock is
 * needed on the hot path; rendering skips the zero cells.
 */
#include "metrics.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define METRICS_STATUS_MIN 100
#define METRICS_STATUS_SLOTS 500
#define METRICS_BUCKETS 11

static const double bucket_bounds[METRICS_BUCKETS] = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
};

struct metrics_route_stats {
    char method[16];
    char pattern[CV_METRICS_LABEL_MAX];
    uint64_t by_status[METRICS_STATUS_SLOTS];
    uint64_t buckets[METRICS_BUCKETS];   /* cumulative at render time */
    uint64_t count;
    uint64_t sum_us;
};

struct cv_metrics {
    size_t nroutes;   /* including slot 0 */
    struct metrics_route_stats routes[CV_METRICS_MAX_ROUTES];
};

struct cv_metrics *cv_metrics_create(const struct cv_metrics_route *routes, size_t n,
                                     struct cv_error *err)
{
    struct cv_metrics *m;
    size_t i;

    if (n >= CV_METRICS_MAX_ROUTES) {
        cv_error_set(err, CV_ERR_INTERNAL, "%zu routes exceed CV_METRICS_MAX_ROUTES", n);
        return NULL;
    }
    m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        cv_error_set(err, CV_ERR_NOMEM, "mmap metrics: %s", strerror(errno));
        return NULL;
    }
    memset(m, 0, sizeof(*m));
    m->nroutes = n + 1;
    (void)snprintf(m->routes[0].method, sizeof(m->routes[0].method), "%s", "ANY");
    (void)snprintf(m->routes[0].pattern, sizeof(m->routes[0].pattern), "%s", "unmatched");
    for (i = 0; i < n; i++) {
        (void)snprintf(m->routes[i + 1].method, sizeof(m->routes[i + 1].method), "%s",
                       routes[i].method);
        (void)snprintf(m->routes[i + 1].pattern, sizeof(m->routes[i + 1].pattern), "%s",
                       routes[i].pattern);
    }
    return m;
}

void cv_metrics_destroy(struct cv_metrics *m)
{
    if (m != NULL)
        munmap(m, sizeof(*m));
}

void cv_metrics_observe(struct cv_metrics *m, size_t route, int status, double seconds)
{
    struct metrics_route_stats *r;
    size_t b;

    if (m == NULL)
        return;
    if (route >= m->nroutes)
        route = 0;
    r = &m->routes[route];
    if (status >= METRICS_STATUS_MIN && status < METRICS_STATUS_MIN + METRICS_STATUS_SLOTS)
        __atomic_fetch_add(&r->by_status[status - METRICS_STATUS_MIN], 1, __ATOMIC_RELAXED);
    if (seconds < 0)
        seconds = 0;
    for (b = 0; b < METRICS_BUCKETS && seconds > bucket_bounds[b]; b++)
        ;
    if (b < METRICS_BUCKETS)
        __atomic_fetch_add(&r->buckets[b], 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&r->count, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&r->sum_us, (uint64_t)(seconds * 1e6), __ATOMIC_RELAXED);
}

static uint64_t load(const uint64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

enum cv_status cv_metrics_render(const struct cv_metrics *m, const char *version,
                                 struct cv_buf *out)
{
    enum cv_status st;
    size_t i, s, b;

    st = cv_buf_printf(out,
        "# HELP cv_build_info Version of the running cv-api.\n"
        "# TYPE cv_build_info gauge\n"
        "cv_build_info{version=\"%s\"} 1\n"
        "# HELP cv_http_requests_total Requests answered by cv-api, by route and status.\n"
        "# TYPE cv_http_requests_total counter\n", version);
    for (i = 0; st == CV_OK && i < m->nroutes; i++) {
        const struct metrics_route_stats *r = &m->routes[i];
        for (s = 0; st == CV_OK && s < METRICS_STATUS_SLOTS; s++) {
            uint64_t v = load(&r->by_status[s]);
            if (v == 0)
                continue;
            st = cv_buf_printf(out, "cv_http_requests_total{method=\"%s\",route=\"%s\","
                               "status=\"%zu\"} %llu\n", r->method, r->pattern,
                               s + METRICS_STATUS_MIN, (unsigned long long)v);
        }
    }
    if (st == CV_OK)
        st = cv_buf_puts(out,
            "# HELP cv_http_request_duration_seconds Time from accept to the last byte "
            "written, by route.\n"
            "# TYPE cv_http_request_duration_seconds histogram\n");
    for (i = 0; st == CV_OK && i < m->nroutes; i++) {
        const struct metrics_route_stats *r = &m->routes[i];
        uint64_t count = load(&r->count), cumulative = 0;

        if (count == 0)
            continue;
        for (b = 0; st == CV_OK && b < METRICS_BUCKETS; b++) {
            cumulative += load(&r->buckets[b]);
            st = cv_buf_printf(out, "cv_http_request_duration_seconds_bucket{method=\"%s\","
                               "route=\"%s\",le=\"%g\"} %llu\n", r->method, r->pattern,
                               bucket_bounds[b], (unsigned long long)cumulative);
        }
        if (st == CV_OK)
            st = cv_buf_printf(out,
                "cv_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\","
                "le=\"+Inf\"} %llu\n"
                "cv_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n"
                "cv_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n",
                r->method, r->pattern, (unsigned long long)count,
                r->method, r->pattern, (double)load(&r->sum_us) / 1e6,
                r->method, r->pattern, (unsigned long long)count);
    }
    return st;
}
