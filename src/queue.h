/*
 * queue.h - names and setup of the analysis job queue on Redis Streams:
 * the job stream read by the consumer group of the workers.
 *
 * Thread safety follows the struct cv_redis passed in (one per thread).
 */
#ifndef CV_QUEUE_H
#define CV_QUEUE_H

#include "cv_status.h"
#include "redis_conn.h"

#define CV_QUEUE_STREAM "cv:analysis:jobs"
#define CV_QUEUE_GROUP "cv-workers"

/* Create the consumer group (and the stream) unless it exists already;
 * safe to call from many processes at once. CV_ERR_UNAVAILABLE when
 * Redis is down or refuses. */
enum cv_status cv_queue_ensure_group(struct cv_redis *redis, struct cv_error *err) CV_WARN_UNUSED;

/* Add the job {analysisId, requestId} to the stream. CV_ERR_UNAVAILABLE
 * when Redis is down; the job may then or may not be in the stream (a
 * reply lost after XADD), which the worker's idempotence covers. */
enum cv_status cv_queue_enqueue(struct cv_redis *redis, const char *analysis_id,
                                const char *request_id, struct cv_error *err) CV_WARN_UNUSED;

#endif
