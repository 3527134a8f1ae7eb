/*
 * db.h - the MongoDB connection: one mongoc_client_pool_t per process, a
 * client popped from it per responder thread or worker job slot.
 *
 * libmongoc is not fork-safe: call cv_db_global_init and create the pool
 * in the process that uses it (each responder child, the worker), never
 * before a fork. The pool is thread safe; a client is not.
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
