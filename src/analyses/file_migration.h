/*
 * file_migration.h (src/) - move every stored CV file from one backend to
 * the other (local directory <-> S3 bucket) while the services run: the
 * core of `cv-admin storage migrate`.
 *
 * Read first: per file, copy to the destination, check the copy's SHA-256
 * against the record's (a record without one gets the source's, checked
 * again on the copy), switch the record's fileStorage under the analysis
 * lease (the one writer of the record at that moment), then delete the
 * source. A Redis journal names the file in flight, so a run killed at any
 * point is finished by the next one (resumable); files already at the
 * destination are left alone (idempotent). One run at a time (a lease;
 * a run killed on this host is taken over at once).
 */
#ifndef CV_FILE_MIGRATION_H
#define CV_FILE_MIGRATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "ctx.h"
#include "cv_status.h"
#include "user_repo.h"

/* A run holds its lease and each record's lease this long at most: three
 * transfers of the largest file at S3_TRANSFER_TIMEOUT_MS each, and some. */
#define FILE_MIGRATION_LEASE_MS (10L * 60 * 1000)
/* How long a record being processed by a worker is waited for, first
 * once, then again at the end of the run. */
#define FILE_MIGRATION_BUSY_WAIT_MS 1000L
#define FILE_MIGRATION_BUSY_RETRY_WAIT_MS (60L * 1000)
/* Records read per page of the scan. */
#define FILE_MIGRATION_PAGE 100
/* Records whose failure the report names (the count goes on). */
#define FILE_MIGRATION_FAILURES_MAX 50
#define FILE_MIGRATION_REASON_MAX 200
/* Records waited for at the end of a run (more are counted busy). */
#define FILE_MIGRATION_BUSY_MAX 1000

struct file_migration_failure {
    char id[USER_ID_HEX_LEN + 1];
    char reason[FILE_MIGRATION_REASON_MAX];
};

struct file_migration_report {
    int64_t total;          /* records when the run started */
    int64_t scanned;        /* records looked at */
    int64_t moved;          /* files moved (dry run: that would be) */
    int64_t bytes;          /* their bytes */
    int64_t already;        /* files already at the destination */
    int64_t recovered;      /* journal entries of a killed run finished */
    int64_t gone;           /* records deleted while their file moved */
    int64_t busy;           /* records a worker held to the end */
    int64_t failed;         /* files not moved: missing, hash mismatch, I/O */
    size_t nfailures;       /* entries of failures[] */
    struct file_migration_failure failures[FILE_MIGRATION_FAILURES_MAX];
    bool limited;           /* stopped at the limit, more left */
};

/* Called after each record: r so far, the record's id, and what happened
 * ("moved", "already", "failed", ...). */
typedef void (*file_migration_progress_fn)(void *arg, const struct file_migration_report *r,
                                           const char *id, const char *what);

struct file_migration_opts {
    enum cv_storage_kind from, to;
    bool dry_run;           /* count and check, change nothing */
    int64_t limit;          /* stop after this many files moved; 0: all */
    file_migration_progress_fn progress;   /* may be NULL */
    void *progress_arg;
};

/*
 * Move every file found in o->from to o->to (see the header comment) and
 * fill *r. CV_OK when the run went through, even with files failed (r says
 * which). CV_ERR_INVALID when from == to; CV_ERR_CONFIG when S3 is not
 * configured; CV_ERR_UNAVAILABLE when a backend, MongoDB or Redis cannot
 * be used, or another run holds the migration lease (err says which); a
 * refused run has changed nothing. Not thread safe (one per process).
 */
enum cv_status file_migration_run(struct cv_ctx *ctx, const struct file_migration_opts *o,
                                  struct file_migration_report *r,
                                  struct cv_error *err) CV_WARN_UNUSED;

#endif
