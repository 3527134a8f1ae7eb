/*
 * dead_letters.h (src/store) - reading and removing entries of the
 * dead-letter stream (CV_KEY_JOBS_DEAD), where the worker records a job that
 * ran out of attempts: what cv-admin dead-letters shows, replays and drops.
 *
 * Writers: the worker appends (cv_queue_dead_letter); only these functions
 * delete. Thread safety follows the struct cv_redis passed in.
 */
#ifndef CV_DEAD_LETTERS_H
#define CV_DEAD_LETTERS_H

#include <stdbool.h>
#include <stddef.h>

#include "cv_status.h"
#include "queue.h"
#include "redis_conn.h"

/* Entries listed at once at most (the operator pages with --after). */
#define DEAD_LETTERS_LIST_MAX 1000
#define DEAD_LETTER_REASON_MAX_BYTES 256

struct dead_letter {
    struct queue_job job;       /* entry_id, analysis_id, request_id */
    char reason[DEAD_LETTER_REASON_MAX_BYTES];   /* truncated if longer */
};

/* Is s a stream entry id ("MS-SEQ", both decimal)? */
bool dead_letter_id_valid(const char *s);

/* Up to max (<= DEAD_LETTERS_LIST_MAX) entries, oldest first, after the
 * entry after_id (NULL or "" from the start). *count is how many were
 * filled. CV_ERR_INVALID for a malformed after_id or max, CV_ERR_UNAVAILABLE
 * when Redis fails. */
enum cv_status dead_letters_list(struct cv_redis *redis, const char *after_id,
                                 struct dead_letter *out, size_t max, size_t *count,
                                 struct cv_error *err) CV_WARN_UNUSED;

/* One entry by id. CV_ERR_NOT_FOUND when absent, CV_ERR_INVALID when the
 * id is malformed. */
enum cv_status dead_letters_get(struct cv_redis *redis, const char *entry_id,
                                struct dead_letter *out, struct cv_error *err) CV_WARN_UNUSED;

/* Delete one entry (XDEL). CV_ERR_NOT_FOUND when it was not there. */
enum cv_status dead_letters_drop(struct cv_redis *redis, const char *entry_id,
                                 struct cv_error *err) CV_WARN_UNUSED;

#endif
