/*
 * worker.h - the cv-worker process: WORKER_CONCURRENCY job threads, each
 * with its own MongoDB client and Redis connection, reading the job stream
 * as consumers of one group (XREADGROUP), taking over jobs of dead workers
 * (XAUTOCLAIM after JOB_VISIBILITY_TIMEOUT without a heartbeat; a live
 * worker renews its lease and the job's idle time while the job runs),
 * acknowledging a job only once its outcome is stored; and, in the main thread, housekeeping: moving due
 * retries back to the stream, the sweep of uploads recorded but never
 * queued, and dependency checks.
 *
 * A stop request (the flag set by SIGTERM/SIGINT) stops taking jobs; jobs
 * in flight finish (each is bounded by the extraction and LLM timeouts),
 * then worker_run returns 0.
 *
 * The number of job threads follows *concurrency (1 to
 * CV_CONFIG_WORKER_CONCURRENCY_MAX), which another thread may change at
 * any time (the SIGHUP reload): within a poll period the main thread starts
 * the missing ones; a thread beyond the new number finishes its job in
 * flight, then exits and is joined. No job is interrupted.
 */
#ifndef CV_WORKER_H
#define CV_WORKER_H

#include <stdatomic.h>

#include "config.h"

/* Run until *stop becomes true (it may be set from a signal handler and
 * is read by every job thread), with *concurrency job threads (read, never
 * written; cfg->worker_concurrency is not used). Returns the process exit
 * status. */
int worker_run(const struct cv_config *cfg, atomic_bool *stop, atomic_int *concurrency);

#endif
