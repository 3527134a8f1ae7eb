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
#include "redis_keys.h"

/* Key names and lifetimes: redis_keys.h (CV_KEY_JOBS*). */

/* Entries kept in the dead-letter stream (XADD MAXLEN ~). */
#define CV_QUEUE_DEAD_MAXLEN 100000
/* Delayed jobs moved back to the stream per call of cv_queue_release_due. */
#define CV_QUEUE_RELEASE_BATCH 20

/* One delivered job. */
struct queue_job {
    char entry_id[48];          /* the stream entry, for XACK */
    char analysis_id[32];
    char request_id[72];
};

/* What the queue holds now, for metrics and the operator's command. */
struct queue_stats {
    long long depth;            /* entries in the job stream */
    long long pending;          /* delivered to a worker, not acknowledged */
    long long delayed;          /* waiting for a retry */
    long long dead;             /* out of attempts, in the dead-letter stream */
};

/* Read the four counts. CV_ERR_UNAVAILABLE when Redis is down; *out is
 * then unspecified. */
enum cv_status cv_queue_stats(struct cv_redis *redis, struct queue_stats *out,
                              struct cv_error *err) CV_WARN_UNUSED;

/* Create the consumer group (and the stream) unless it exists already;
 * safe to call from many processes at once. CV_ERR_UNAVAILABLE when
 * Redis is down or refuses. */
enum cv_status cv_queue_ensure_group(struct cv_redis *redis, struct cv_error *err) CV_WARN_UNUSED;

/* Add the job {analysisId, requestId} to the stream. CV_ERR_UNAVAILABLE
 * when Redis is down; the job may then or may not be in the stream (a
 * reply lost after XADD), which the worker's idempotence covers. */
enum cv_status cv_queue_enqueue(struct cv_redis *redis, const char *analysis_id,
                                const char *request_id, struct cv_error *err) CV_WARN_UNUSED;

/* Read the next new job for consumer, blocking at most block_ms; *got
 * false when none came. */
enum cv_status cv_queue_read(struct cv_redis *redis, const char *consumer, long block_ms,
                             struct queue_job *job, bool *got, struct cv_error *err) CV_WARN_UNUSED;

/* Take over one job delivered to another consumer and not acknowledged
 * for min_idle_ms (its worker died): XAUTOCLAIM. */
enum cv_status cv_queue_claim_stale(struct cv_redis *redis, const char *consumer,
                                    long min_idle_ms, struct queue_job *job, bool *got,
                                    struct cv_error *err) CV_WARN_UNUSED;

enum cv_status cv_queue_ack(struct cv_redis *redis, const struct queue_job *job,
                            struct cv_error *err) CV_WARN_UNUSED;

/* Schedule the job again at due_ms (a retry with backoff). */
enum cv_status cv_queue_delay(struct cv_redis *redis, const struct queue_job *job, int64_t due_ms,
                              struct cv_error *err) CV_WARN_UNUSED;

/* Move delayed jobs that are due back to the stream; ZREM decides which
 * process moves each one, so none is queued twice. */
enum cv_status cv_queue_release_due(struct cv_redis *redis, int64_t now_ms, size_t *moved,
                                    struct cv_error *err) CV_WARN_UNUSED;

/* Record a job that ran out of attempts in the dead-letter stream. */
enum cv_status cv_queue_dead_letter(struct cv_redis *redis, const struct queue_job *job,
                                    const char *reason, struct cv_error *err) CV_WARN_UNUSED;

/* A lease on one analysis (lease.h, key CV_KEY_ANALYSIS_LEASE_PREFIX), so
 * two workers never process it at once. *acquired false when another
 * owner holds it. Unlock deletes the lease only when it is still ours. */
enum cv_status cv_queue_lock(struct cv_redis *redis, const char *analysis_id, const char *owner,
                             long lease_ms, bool *acquired, struct cv_error *err) CV_WARN_UNUSED;
void cv_queue_unlock(struct cv_redis *redis, const char *analysis_id, const char *owner);

/* While a job runs: extend the lease by lease_ms if it is still ours, and
 * then reset the job's idle time (XCLAIM JUSTID) so no other worker takes
 * it over. *held false when the lease was lost (then nothing is claimed). */
enum cv_status cv_queue_heartbeat(struct cv_redis *redis, const struct queue_job *job,
                                  const char *owner, long lease_ms, bool *held,
                                  struct cv_error *err) CV_WARN_UNUSED;

#endif
