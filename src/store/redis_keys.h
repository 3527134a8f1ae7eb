/*
 * redis_keys.h (src/) - every Redis key of the product, its type, who
 * writes it and how long it lives; the one place a key name is spelled.
 * A key with a variable part is a prefix (name ending in _PREFIX) joined
 * to its id by cv_redis_key.
 *
 * Redis holds only what can be lost or rebuilt: the queue (analyses are
 * re-queued by the worker's sweep), short leases, counters, caches. The
 * record of truth is MongoDB.
 */
#ifndef CV_REDIS_KEYS_H
#define CV_REDIS_KEYS_H

#include <stddef.h>

#include "cv_status.h"

/* ---- the analysis job queue (queue.h) ---- */

/* Stream of jobs {analysisId, requestId}: XADD by cv-api and by the
 * worker's sweep and retries, read by the consumer group below. Lives for
 * good; an entry leaves the pending list when a worker XACKs it. */
#define CV_KEY_JOBS "cv:analysis:jobs"
/* The consumer group of the workers on CV_KEY_JOBS (not a key). */
#define CV_KEY_JOBS_GROUP "cv-workers"
/* Sorted set, due time in epoch ms -> "analysisId|requestId": retries
 * waiting for their backoff; a member lives until it is due and moved
 * back to CV_KEY_JOBS. */
#define CV_KEY_JOBS_DELAYED "cv:analysis:delayed"
/* Stream of jobs out of attempts {analysisId, requestId, reason}, for an
 * operator; capped at CV_QUEUE_DEAD_MAXLEN entries. */
#define CV_KEY_JOBS_DEAD "cv:analysis:dead"
/* Hash, analysis id -> how many of its jobs are in CV_KEY_JOBS or
 * CV_KEY_JOBS_DELAYED and not settled yet: Redis owns "this analysis is
 * queued". cv_queue_enqueue adds one in the same script as its XADD,
 * cv_queue_settle takes one away in the same script as its XACK (the field
 * goes at 0), so the two never disagree and no record is marked after the
 * XADD (analysis_repo.h). The worker's sweep reads it. */
#define CV_KEY_JOBS_LIVE "cv:analysis:live"

/* ---- leases (lease.h) ---- */

/* String, + analysis id: the worker that owns the job (its consumer
 * name). Lives JOB_VISIBILITY_TIMEOUT, renewed by the job's heartbeat,
 * deleted by its owner when the job ends. A storage migration (cv-admin)
 * holds it too, with its run's token, while it moves that record's file. */
#define CV_KEY_ANALYSIS_LEASE_PREFIX "cv:lock:analysis:"
/* String, + user id: a random token of the one writer of that user's
 * document (user_repo.h: a webhook applying a Stripe event, a login
 * upgrading the password hash, an operator's plan change, a profile edit).
 * Lives USER_LEASE_TTL_MS at most, deleted by its owner. */
#define CV_KEY_USER_LEASE_PREFIX "cv:lock:user:"

/* ---- storage migration (cv-admin storage migrate) ---- */

/* String: the token ("host:pid:random") of the one migration running.
 * Lives FILE_MIGRATION_LEASE_MS (file_migration.h), renewed after each file, deleted at the
 * end; a run killed on this host is taken over at once by the next. */
#define CV_KEY_STORAGE_MIGRATION "cv:storage:migration"
/* Hash, analysis id -> "FROM TO KEY": a file being moved. Set before its
 * copy starts, deleted once its source is gone (or the copy dropped); the
 * next run finishes what a killed one left here first. */
#define CV_KEY_STORAGE_MIGRATION_JOURNAL "cv:storage:migration:journal"

/* ---- accounts (auth.h) ---- */

/* Integer string, + hex BLAKE2b of the e-mail: failed logins counted in a
 * window of AUTH_LOCKOUT_WINDOW_S that starts at the first failure (the
 * key's EX); deleted on a successful login. */
#define CV_KEY_LOGIN_FAILURES_PREFIX "cv:login-failures:"
/* String "1", + token id (jti): a logged-out token, until the token's own
 * expiry (EX). */
#define CV_KEY_REVOKED_TOKEN_PREFIX "cv:revoked:"

/* ---- the user card cache (user_cache.h) ---- */

/* Hash, + user id: what authenticating a request and GET /api/auth/me
 * need of a user (email, name, plan, createdAt, the month's usage,
 * notification settings), copied from MongoDB. Filled by a reader only if
 * the user's generation below is still the one it read before reading the
 * database; deleted, in the same script that changes the generation, by
 * every writer of one of those facts after its write. Lives
 * USER_CACHE_TTL_S (EX) at most. */
#define CV_KEY_USER_CARD_PREFIX "cv:user:card:"
/* String, + user id: the user's cache generation, a value never used
 * twice ("<seconds>.<microseconds>.<n>" of Redis's TIME and the counter
 * below). Set by every writer (and by the first reader when absent);
 * lives USER_CACHE_GEN_TTL_S (EX). */
#define CV_KEY_USER_CARD_GEN_PREFIX "cv:user:card-gen:"
/* Integer: the counter that makes generations unique. Lives for good. */
#define CV_KEY_USER_CARD_SEQ "cv:user:card-seq"

/* String user id, + 64 hex: a single-use ticket for a live-event
 * subscription (event_ticket.h). Lives EVENT_TICKET_TTL_S (EX), deleted by
 * the GETDEL that spends it. */
#define CV_KEY_EVENT_TICKET_PREFIX "cv:events:ticket:"

/* ---- the worker ---- */

/* String, + hex hash of an LLM request: the JSON of its answer, so an
 * identical request is not paid twice. Lives JOB_LLM_CACHE_TTL_S (EX).
 * Written by jobs (llm_cache.h); deleted with any analysis that used it. */
#define CV_KEY_LLM_CACHE_PREFIX "cv:llm-cache:"
/* String, + analysis id: the hex hash of the LLM cache entry the analysis
 * used, so that deleting the analysis (cv-api) deletes the answer too.
 * Lives JOB_LLM_CACHE_TTL_S (EX), set with the entry. */
#define CV_KEY_LLM_CACHE_REF_PREFIX "cv:llm-cache-of:"
/* Hashes of counters (worker_metrics.h), kept for good and read by
 * /metrics: outcome -> jobs; histogram bucket, "sum_ms", "count" -> job
 * durations; "model|kind" -> LLM tokens. */
#define CV_KEY_METRICS_JOBS "cv:metrics:jobs"
#define CV_KEY_METRICS_JOB_SECONDS "cv:metrics:job-seconds"
#define CV_KEY_METRICS_TOKENS "cv:metrics:tokens"

/* ---- e-mail notifications (notifier.h, cv-worker) ---- */

/* Sorted set, due time in epoch ms -> analysis id: e-mails to decide and
 * send; ZADD NX by a job thread when a job ends, ZREM by the notifier that
 * takes it. */
#define CV_KEY_NOTIFY_DUE "cv:notify:due"
/* Hash, analysis id -> sends tried; a field lives until the e-mail is
 * sent or dropped. */
#define CV_KEY_NOTIFY_ATTEMPTS "cv:notify:attempts"
/* String "1", + analysis id: the claim of its one e-mail, set (NX) before
 * sending; lives NOTIFY_SENT_TTL_S; deleted only when a send failed and is
 * retried. */
#define CV_KEY_NOTIFY_SENT_PREFIX "cv:notify:sent:"

/* Longest key built from a prefix and an id (ids are 24 to 64 hex
 * characters). */
#define CV_REDIS_KEY_MAX_BYTES 128

/* Write prefix followed by id into out (size bytes, NUL-terminated).
 * CV_ERR_INTERNAL, with out empty, when it does not fit. Thread safe. */
enum cv_status cv_redis_key(char *out, size_t size, const char *prefix, const char *id,
                            struct cv_error *err) CV_WARN_UNUSED;

#endif
