/*
 * worker_metrics.h - the worker's counters, kept in Redis hashes so every
 * worker process adds to the same figures and cv-api's /api/metrics shows
 * them with the queue's depth: jobs by outcome, job durations (a
 * histogram), retries, and analyzer tokens by model.
 *
 * Counting is best effort (a Redis failure loses a count, never a job).
 * Thread safety follows the struct cv_redis given.
 */
#ifndef CV_WORKER_METRICS_H
#define CV_WORKER_METRICS_H

#include "buf.h"
#include "cv_status.h"
#include "redis_conn.h"

/* outcome: "completed", "failed", "retried", "dropped". */
void worker_metrics_job(struct cv_redis *redis, const char *outcome, double seconds);
void worker_metrics_tokens(struct cv_redis *redis, const char *model, long prompt,
                           long completion);

/* Append the worker and queue metrics in Prometheus text format.
 * CV_ERR_UNAVAILABLE when Redis cannot be read (nothing is appended). */
enum cv_status worker_metrics_render(struct cv_redis *redis, struct cv_buf *out,
                                     struct cv_error *err) CV_WARN_UNUSED;

#endif
