/*
 * listen.h (fcgi/) - find the socket cv-api accepts FastCGI connections on.
 *
 * In order: --listen PATH|HOST:PORT (bound here), a socket passed by
 * systemd socket activation (LISTEN_PID/LISTEN_FDS, fd 3), or fd 0 when
 * it is a listening socket (spawn-fcgi, php-fpm style). Called once in the
 * master before any fork.
 */
#ifndef CV_FCGI_LISTEN_H
#define CV_FCGI_LISTEN_H

#include "cv_status.h"

/* The listening descriptor, or -1 with err set. listen_arg may be NULL.
 * A stale unix socket file at PATH is replaced; the new one is mode 0660. */
int cv_listen_acquire(const char *listen_arg, struct cv_error *err);

/* Make accept() on fd return EAGAIN after wake_ms without a connection,
 * so threads blocked in FCGX_Accept_r notice a stop request. */
enum cv_status cv_listen_set_accept_timeout(int fd, long wake_ms, struct cv_error *err) CV_WARN_UNUSED;

#endif
