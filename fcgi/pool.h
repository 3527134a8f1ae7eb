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
 */
#ifndef CV_FCGI_POOL_H
#define CV_FCGI_POOL_H

#include "config.h"
#include "metrics.h"

/* Run until stopped; returns the process exit status. Call from the
 * master, single-threaded, after the listening socket is acquired. */
int cv_pool_run(const struct cv_config *cfg, int listen_fd, struct cv_metrics *metrics);

#endif
