/*
 * analysis_events.h (src/analyses) - an analysis's state change as a live
 * event (API.md "Live events and notifications"): the message
 * {"id","status","updatedAt","error"[,"score"]} published, as the event
 * named by the status, on the analysis's channel and on its owner's
 * (live_events.h). Best effort: a failure is logged, never returned, so
 * no analysis waits on it. Thread safety follows ctx.
 */
#ifndef CV_ANALYSIS_EVENTS_H
#define CV_ANALYSIS_EVENTS_H

#include "analysis.h"
#include "ctx.h"

/* Publish a's state as it is in *a. */
void analysis_events_publish(struct cv_ctx *ctx, const struct analysis *a);

/* Load analysis id as stored now and publish its state (nothing when it
 * is gone). */
void analysis_events_publish_id(struct cv_ctx *ctx, const char *id);

/* The message of a (malloc'd NUL-terminated JSON; NULL when out of
 * memory). Pure; exposed for tests. */
char *analysis_events_message(const struct analysis *a);

#endif
