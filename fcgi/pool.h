/*
 * pool.h (fcgi/) - the responder pool, like php-fpm's: a master process
 * that forks API_PROCESSES children and replaces any that die, each child
 * running API_THREADS threads blocked in FCGX_Accept_r on the shared
 * listening socket, each thread with its own MongoDB client and Redis
 * connection.
 *
 * SIGTERM or SIGINT to the master: children stop accepting, finish the
 * requests in flight (at most CV_POOL_STOP_GRACE_MS) and exit; the master
 * exits 0. Children die with the master (PR_SET_PDEATHSIG).
 *
 * SIGHUP to the master: reload. The configuration is loaded again; if it
 * is invalid the reasons are logged and the running children keep serving;
 * if valid, a new generation of children starts with it and, once all of
 * them are ready, the old ones finish their requests and exit (pool.c).
 * The listening socket is kept. systemd is told READY/RELOADING/STOPPING
 * and pinged for its watchdog (notify.h).
 */
#ifndef CV_FCGI_POOL_H
#define CV_FCGI_POOL_H

#include "config.h"
#include "metrics.h"

/* How the master loads the configuration again on SIGHUP: fill *out
 * (then owned by the pool) and return CV_OK, or return an error with every
 * reason in *err and leave *out empty. */
struct cv_pool_reload {
    enum cv_status (*load)(struct cv_config *out, struct cv_error *err, void *arg);
    void *arg;
};

/* Run until stopped; returns the process exit status. Call from the
 * master, single-threaded, after the listening socket is acquired.
 * *cfg is the caller's; after a reload it holds the new configuration
 * (the pool frees the old one), and the caller frees it after return.
 * reload may be NULL: SIGHUP then changes nothing. */
int cv_pool_run(struct cv_config *cfg, int listen_fd, struct cv_metrics *metrics,
                const struct cv_pool_reload *reload);

#endif
