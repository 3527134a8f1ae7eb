/*
 * sentry.h - runtime errors reported to Sentry through its envelope HTTP
 * API (POST <host>/api/<project>/envelope/), when SENTRY_DSN is set.
 *
 * What is reported: a 5xx answer, a responder that died, an analysis that
 * failed for an internal reason. Each event carries the message, the
 * level, the request id (tag request_id), the release (cv-analyzer@VERSION),
 * the environment (APP_ENV) and the component; never CV text, tokens or
 * secrets: callers pass fixed messages, ids, routes and statuses only.
 *
 * Two modes. Background (responders, the worker): cv_sentry_capture only
 * copies the event into a bounded queue (CV_SENTRY_QUEUE_MAX) that a
 * thread of its own sends; it never blocks, and drops an event when the
 * queue is full. Inline (cv-api's master, which serves no request and
 * forks): the event is sent at once, within CV_SENTRY_TIMEOUT_MS.
 * A process that forks after cv_sentry_start in background mode must not
 * use the module in the child; the pool starts it in each child instead.
 * Without SENTRY_DSN every call does nothing. Thread safe after start.
 */
#ifndef CV_SENTRY_H
#define CV_SENTRY_H

#include <stdbool.h>

#include "config.h"
#include "cv_status.h"
#include "log.h"

/* The parts of a DSN (scheme://public_key@host[:port][/path]/project). */
struct cv_sentry_dsn {
    char envelope_url[512];
    char public_key[128];
};

/* Parse a DSN; false if it is not one. */
bool cv_sentry_parse_dsn(const char *dsn, struct cv_sentry_dsn *out);

/* Start reporting for this process (component: "api", "worker"). Nothing
 * to do, CV_OK, when cfg has no SENTRY_DSN. */
enum cv_status cv_sentry_start(const struct cv_config *cfg, const char *component,
                               bool background, struct cv_error *err) CV_WARN_UNUSED;

/* Report an event; request_id may be NULL. */
void cv_sentry_capture(enum cv_log_level level, const char *request_id, const char *fmt, ...)
    CV_PRINTF(3, 4);

/* Send what is queued (at most CV_SENTRY_TIMEOUT_MS more) and stop. */
void cv_sentry_stop(void);

#endif
