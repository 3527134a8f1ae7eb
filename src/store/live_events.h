/*
 * live_events.h (src/store) - live events through nginx's nchan module:
 * the channel names and the publisher call.
 *
 * A channel is named by HMAC-SHA256(JWT_SECRET, "cv-events:<kind>:<id>")
 * in hex, so a client cannot guess one; cv-api hands a subscriber to its
 * channel with X-Accel-Redirect after checking who asks, and cv-api (a new
 * or retried analysis: queued) and cv-worker (processing, completed,
 * failed, queued for a retry) publish each state change by POSTing it to
 * nchan's publisher location on loopback (EVENTS_PUBLISH_URL). Publishing
 * is best effort and bounded by LIVE_EVENTS_PUBLISH_TIMEOUT_MS: it never
 * holds an analysis. Thread safe (a curl handle per call).
 */
#ifndef CV_LIVE_EVENTS_H
#define CV_LIVE_EVENTS_H

#include <stddef.h>

#include "config.h"
#include "cv_status.h"

#define LIVE_EVENTS_CHANNEL_HEX_LEN 64
#define LIVE_EVENTS_PUBLISH_TIMEOUT_MS 2000L
#define LIVE_EVENTS_CONNECT_TIMEOUT_MS 500L
/* nginx's internal subscriber location; the channel follows. */
#define LIVE_EVENTS_SUBSCRIBE_LOCATION "/_cv_events/sub/"

enum live_channel_kind {
    LIVE_CHANNEL_ANALYSIS,      /* one analysis */
    LIVE_CHANNEL_USER,          /* every analysis of one user */
};

/* The channel of (kind, id) into out (65 bytes with the NUL). Pure. */
void live_events_channel(const struct cv_config *cfg, enum live_channel_kind kind,
                         const char *id, char out[LIVE_EVENTS_CHANNEL_HEX_LEN + 1]);

/* POST the JSON message (len bytes) to channel, a channel of kind, as the
 * EventSource event named event: to EVENTS_PUBLISH_URL/analysis/<channel>
 * or /user/<channel>. nginx keeps one message per analysis channel (a
 * subscriber gets the latest state first) and a short history per user
 * channel (cv-events.conf.in). CV_ERR_UNAVAILABLE when nginx does not
 * take it (or EVENTS_PUBLISH_URL is not set). */
enum cv_status live_events_publish(const struct cv_config *cfg, enum live_channel_kind kind,
                                   const char *channel, const char *event, const char *json,
                                   size_t len, struct cv_error *err) CV_WARN_UNUSED;

#endif
