/*
 * runtime.h (src/) - the process-wide set-up cv-api's responders and
 * cv-worker share, so neither binary starts the MongoDB driver itself:
 * the driver (mongoc_init, its log routed to ours), the process's client
 * pool, and per thread the connections a struct cv_ctx borrows.
 *
 * libmongoc is not fork-safe: open the runtime in the process that uses
 * it (each responder child, the worker), never before a fork, and once
 * per process. cv_runtime_open and cv_runtime_close run on the main
 * thread; cv_runtime_thread_open/close are thread safe (the pool is).
 */
#ifndef CV_RUNTIME_H
#define CV_RUNTIME_H

#include "config.h"
#include "ctx.h"
#include "cv_status.h"
#include "redis_conn.h"

struct cv_runtime {
    const struct cv_config *cfg;          /* borrowed, read-only */
    mongoc_client_pool_t *mongo;          /* the process's pool */
};

/* What one thread holds for its whole life: a MongoDB client from the
 * pool and a Redis connection of its own. Never shared between threads. */
struct cv_thread_conns {
    mongoc_client_t *mongo;
    struct cv_redis redis;
};

/* Start the MongoDB driver and create the pool for cfg->mongodb_uri,
 * sized for `threads` threads each holding one client. CV_ERR_CONFIG
 * (err says why) when the URI is refused; nothing is left to release
 * then. cfg must outlive the runtime. */
enum cv_status cv_runtime_open(struct cv_runtime *rt, const struct cv_config *cfg,
                               unsigned threads, struct cv_error *err) CV_WARN_UNUSED;

/* Destroy the pool and stop the driver; every thread must have closed its
 * connections first. */
void cv_runtime_close(struct cv_runtime *rt);

/* Take a client from the pool (waiting while all are out) and set up the
 * thread's Redis connection (it connects on first use). */
void cv_runtime_thread_open(struct cv_runtime *rt, struct cv_thread_conns *c);

/* Give the client back and close the Redis connection. */
void cv_runtime_thread_close(struct cv_runtime *rt, struct cv_thread_conns *c);

/* The core context of one operation on this thread's connections;
 * request_id may be NULL. The result borrows c and rt->cfg. */
struct cv_ctx cv_runtime_ctx(const struct cv_runtime *rt, struct cv_thread_conns *c,
                             const char *request_id);

#endif
