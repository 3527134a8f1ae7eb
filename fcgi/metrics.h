/*
 * metrics.h - request counters and latency histograms shared by every
 * responder process, rendered in the Prometheus text format.
 *
 * The table lives in one anonymous shared mapping made by the master
 * before it forks, so /api/metrics answered by any child shows the whole
 * pool. Updates are lock-free atomic adds; any thread of any process may
 * call cv_metrics_observe and cv_metrics_render concurrently.
 */
#ifndef CV_METRICS_H
#define CV_METRICS_H

#include <stddef.h>

#include "buf.h"
#include "cv_status.h"

#define CV_METRICS_MAX_ROUTES 48
#define CV_METRICS_LABEL_MAX 64

struct cv_metrics;

/* One route as it appears in labels: method and path pattern. */
struct cv_metrics_route {
    const char *method;
    const char *pattern;
};

/*
 * Map a table for n routes (at most CV_METRICS_MAX_ROUTES - 1; slot 0 is
 * reserved for requests that matched no route). Labels are copied.
 * Returns NULL with err set on failure. Release with cv_metrics_destroy
 * once, in the process that created it, after the children are gone.
 */
struct cv_metrics *cv_metrics_create(const struct cv_metrics_route *routes, size_t n,
                                     struct cv_error *err);
void cv_metrics_destroy(struct cv_metrics *m);

/* Count one answered request. route is 1 + the index given at create, or
 * 0 for an unmatched one; out-of-range values count as 0. */
void cv_metrics_observe(struct cv_metrics *m, size_t route, int status, double seconds);

/* Append the Prometheus text exposition to out. */
enum cv_status cv_metrics_render(const struct cv_metrics *m, const char *version,
                                 struct cv_buf *out) CV_WARN_UNUSED;

#endif
