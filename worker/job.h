/*
 * job.h - one analysis job, start to end, as the worker runs it:
 * lease the analysis, load it, fetch its file into a memfd, extract the
 * text with the confined cv-extract program, analyze it (LLM when OPENAI_API_KEY is set, else the
 * offline heuristic analyzer), store the result.
 *
 * Idempotent: a job for an analysis already completed or failed, or
 * deleted, is dropped; a lease in Redis keeps two workers from running
 * the same analysis at once; the result is one $set on one document, so a
 * job delivered twice never produces two results. Transient failures
 * (LLM 429/5xx/timeout, storage or database down) are retried with
 * exponential backoff and jitter through the delayed set, up to
 * MAX_ATTEMPTS, then the analysis fails and the job goes to the dead-letter
 * stream. Permanent failures (unreadable document, no text, an invalid
 * answer twice) fail at once.
 */
#ifndef CV_JOB_H
#define CV_JOB_H

#include <limits.h>

#include "ctx.h"
#include "queue.h"

#define JOB_BACKOFF_BASE_MS 2000
#define JOB_BACKOFF_MAX_MS (5 * 60 * 1000)
#define JOB_BACKOFF_JITTER_MS 1000
#define JOB_LLM_CACHE_TTL_S (30 * 86400)   /* an identical request is free for a month */
#define JOB_TEXT_STORED_MAX_BYTES (200 * 1024)

enum job_outcome {
    JOB_COMPLETED,      /* acknowledge */
    JOB_FAILED,         /* acknowledge */
    JOB_RETRIED,        /* scheduled again; acknowledge */
    JOB_DROPPED,        /* nothing to do (deleted, already done); acknowledge */
    JOB_BUSY,           /* leased by another worker: leave it pending */
    JOB_INTERRUPTED,    /* could not even record the outcome: leave it pending,
                           it will be taken over once its heartbeats stop */
};

/* The context of one job slot (one thread): ctx plus who we are. */
struct job_slot {
    struct cv_ctx ctx;
    char consumer[128];         /* "<host>-<pid>-<slot>": stream consumer, lease owner */
};

enum job_outcome job_run(struct job_slot *slot, const struct queue_job *job);

const char *job_outcome_name(enum job_outcome o);

#endif
