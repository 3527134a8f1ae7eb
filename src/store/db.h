/*
 * db.h - the MongoDB connection: one mongoc_client_pool_t per process, a
 * client popped from it per responder thread or worker job slot.
 *
 * libmongoc is not fork-safe: call cv_db_global_init and create the pool
 * in the process that uses it (each responder child, the worker), never
 * before a fork. The pool is thread safe; a client is not.
 *
 * THE RULE EVERY REPOSITORY FOLLOWS: ONE WRITER PER DOCUMENT AT A TIME.
 * FerretDB 1.x (development, tests, `deploy/dev up`) applies every update
 * as read the document, change it, write it back, with nothing around the
 * two: two concurrent updates of one document lose one of them, even
 * updates of different fields, and even a filtered update ("$set x where
 * status is queued") is not atomic. MongoDB applies each update atomically,
 * so code right on FerretDB is right on MongoDB, not the reverse. So, by
 * construction, no document ever has two updates in flight:
 *   1. Facts that arrive concurrently go into documents of their own,
 *      insert-only with unique ids (quota slots, stripe_events): a unique
 *      _id insert is atomic on every server.
 *   2. A document that several processes may update is updated only under
 *      its Redis lease (lease.h), held by its one writer for the time of
 *      the write; the repository's update functions take the lease (or are
 *      documented as called under it), and a writer whose write must not
 *      be lost checks the lease is still its own after writing.
 *   3. State whose natural owner is Redis lives in Redis, not marked on a
 *      document: "this analysis is queued" is its live job count
 *      (queue.h), not a field the upload sets after its XADD.
 *   4. No copies: a value derived from other documents (the month's usage)
 *      is computed on read, never stored on a document it does not own.
 *   Inserts and deletes need no lease: an insert creates a document no one
 *   else knows yet, and an update never inserts, so it cannot bring a
 *   deleted document back.
 * Each repository header (user_repo.h, analysis_repo.h, quota.h,
 * stripe_events_repo.h) lists its collection's writers and why they cannot
 * overlap; `cv-admin check` (integrity.h) reports what a broken rule leaves.
 */
#ifndef CV_DB_H
#define CV_DB_H

#include <mongoc/mongoc.h>

#include "config.h"
#include "cv_status.h"

/* mongoc_init, and libmongoc's own log lines routed to our JSON log. */
void cv_db_global_init(void);
void cv_db_global_cleanup(void);

/* A pool for cfg->mongodb_uri with the timeouts of cv_limits.h applied where
 * the URI does not set them. Returns NULL with err set on failure;
 * release with mongoc_client_pool_destroy. */
mongoc_client_pool_t *cv_db_pool_create(const struct cv_config *cfg, struct cv_error *err);

/* Round trip to the server ({ping: 1}). CV_ERR_UNAVAILABLE when it cannot
 * be reached within CV_MONGO_TIMEOUT_MS; the driver reconnects by itself
 * once the server is back. */
enum cv_status cv_db_ping(mongoc_client_t *client, const char *db_name,
                          struct cv_error *err) CV_WARN_UNUSED;

#endif
