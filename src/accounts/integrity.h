/*
 * integrity.h (src/) - the invariant checker behind `cv-admin check`: it
 * scans MongoDB, Redis and the file storage and reports every state the
 * one-writer rule (db.h) exists to prevent, or that a crash or a bug left
 * behind. It only reads; it changes nothing.
 *
 * Meant for a quiet stack (the stress tests run it once the load stops);
 * on a live one, states young enough to be an operation in flight are not
 * reported (INTEGRITY_GRACE_MS). Memory grows with the number of
 * analyses, users and live jobs (ids are held in sorted arrays), one
 * process, single-threaded.
 */
#ifndef CV_INTEGRITY_H
#define CV_INTEGRITY_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "cv_status.h"

/* Problems kept in a report (past this they are only counted). */
#define INTEGRITY_PROBLEMS_MAX 1000
/* Younger than this, a file without record, or a record queued or
 * processing without a job, may be an upload or a sweep in flight. Twice
 * the worker's CV_WORKER_STRANDED_AFTER_MS, so the sweep had its turn. */
#define INTEGRITY_GRACE_MS (2 * 60000L)
/* Redis replies read per command while listing live jobs. */
#define INTEGRITY_REDIS_BATCH 1000
#define INTEGRITY_ID_MAX 96
#define INTEGRITY_DETAIL_MAX 192

enum integrity_kind {
    INTEGRITY_COMPLETED_WITHOUT_START = 0,  /* completed, startedAt/completedAt null or attempts < 1 */
    INTEGRITY_FILE_MISSING = 1,             /* the record's file is not in storage */
    INTEGRITY_ORPHAN_FILE = 2,              /* a stored file no record names */
    INTEGRITY_QUOTA_MISMATCH = 3,           /* a month's analyses without their quota slots */
    INTEGRITY_ORPHAN_JOB = 4,               /* a live job for an analysis that does not exist */
    INTEGRITY_STUCK = 5,                    /* queued or processing, and no live job will run it */
    INTEGRITY_PLAN_MISMATCH = 6,            /* plan differs from the last applied Stripe event */
    INTEGRITY_CARD_MISMATCH = 7,            /* the user's cached card differs from MongoDB */
};

struct integrity_problem {
    enum integrity_kind kind;
    char id[INTEGRITY_ID_MAX];              /* analysis id, file key, user id or user:month */
    char detail[INTEGRITY_DETAIL_MAX];
};

struct integrity_report {
    struct integrity_problem *problems;     /* malloc'd, at most INTEGRITY_PROBLEMS_MAX */
    size_t kept;                            /* in problems[] */
    size_t total;                           /* found, kept or not */
    long long analyses, users, files, live_jobs, slots, events;   /* scanned */
    bool storage_scanned;                   /* false for S3: files not listed */
};

const char *integrity_kind_name(enum integrity_kind kind);

/*
 * Scan everything at now_ms into *report (zeroed first; release it with
 * integrity_report_free, on failure too). CV_OK when the scan completed,
 * whatever it found; CV_ERR_UNAVAILABLE when MongoDB or Redis failed,
 * CV_ERR_IO when the upload directory cannot be read, CV_ERR_NOMEM.
 */
enum cv_status integrity_check(struct cv_ctx *ctx, int64_t now_ms, struct integrity_report *report,
                               struct cv_error *err) CV_WARN_UNUSED;

void integrity_report_free(struct integrity_report *report);

#endif
