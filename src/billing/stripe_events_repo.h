/*
 * stripe_events_repo.h - the `stripe_events` collection (src/): one
 * document per Stripe event id, so a webhook is applied once however often
 * Stripe delivers it.
 *
 * Read first: the event id is the document's _id, so "first delivery wins"
 * is the insert's own uniqueness, atomic on MongoDB and FerretDB alike (no
 * filtered update is relied on). A document is
 *   {_id: "evt_...", type, status: "received"|"processed", receivedAt,
 *    processedAt[, userId, plan, appliedAt]}
 * and goes received -> processed once the event's effect is stored; one
 * still "received" was interrupted and is applied again on redelivery.
 * userId/plan/appliedAt (an event about a user) say which plan the user
 * had once the event was handled under the user's lease, and when: the
 * latest appliedAt of a user must agree with the user's plan (the
 * invariant checker, integrity.h).
 * Writers: the webhook that inserted the document (first delivery), or a
 * redelivery of an event still "received": one delivery at a time applies
 * an event in practice; two applying it at once store the same outcome.
 * Thread safety follows the mongoc client in ctx (one per thread).
 */
#ifndef CV_STRIPE_EVENTS_REPO_H
#define CV_STRIPE_EVENTS_REPO_H

#include <stdint.h>

#include "ctx.h"
#include "cv_status.h"
#include "plans.h"
#include "user_repo.h"

/* Stripe's object ids are under 64 bytes; ours refuse anything over 255. */
#define STRIPE_EVENT_ID_MAX_BYTES 255
#define STRIPE_EVENT_TYPE_MAX_BYTES 128

enum stripe_event_prior {
    STRIPE_EVENT_NEW = 0,          /* first delivery: recorded now */
    STRIPE_EVENT_RECEIVED = 1,     /* seen, not marked processed: apply again */
    STRIPE_EVENT_PROCESSED = 2,    /* done: acknowledge only */
};

/*
 * Record a delivery of event_id (type kept for operators) as "received" at
 * now_ms, and say what was known of it before in *prior. Both strings are
 * NUL-terminated and non-empty (CV_ERR_INTERNAL otherwise); the caller
 * checked their form. CV_ERR_UNAVAILABLE when the database cannot be
 * reached. Keeps no pointer.
 */
enum cv_status stripe_events_repo_record(struct cv_ctx *ctx, const char *event_id,
                                         const char *type, int64_t now_ms,
                                         enum stripe_event_prior *prior,
                                         struct cv_error *err) CV_WARN_UNUSED;

/* What handling an event left on its user (user_id "" when it was about
 * no user). */
struct stripe_event_outcome {
    char user_id[USER_ID_HEX_LEN + 1];
    enum cv_plan plan;
    int64_t applied_at_ms;
};

/* Mark event_id processed at now_ms with its outcome (an unconditional
 * single-document update: marking twice is harmless). CV_ERR_UNAVAILABLE
 * when the database cannot be reached. */
enum cv_status stripe_events_repo_mark_processed(struct cv_ctx *ctx, const char *event_id,
                                                 const struct stripe_event_outcome *outcome,
                                                 int64_t now_ms,
                                                 struct cv_error *err) CV_WARN_UNUSED;

#endif
