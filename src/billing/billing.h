/*
 * billing.h - the billing service (src/): the plans, Stripe Checkout and
 * billing-portal sessions, and the Stripe webhook (verified, recorded once
 * in stripe_events, applied to the user's plan in order).
 *
 * Read first: a webhook is applied under the user's lease (user_repo.h,
 * the one writer of the user document) as read-compare-write, because
 * FerretDB does not apply filtered updates atomically; the comparison is
 * billing_merge, pure and unit-tested. An event whose effect is not
 * certainly stored (lease not had in time, or lost before the write ended)
 * is answered CV_ERR_UNAVAILABLE, not recorded as processed, and applied
 * on Stripe's redelivery.
 * Thread safety follows ctx (one per thread). With no STRIPE_SECRET_KEY,
 * checkout and portal answer CV_ERR_BILLING_DISABLED; with no
 * STRIPE_WEBHOOK_SECRET, the webhook does.
 *
 * Decisions (also in fcgi/openapi.yaml and the README):
 *   - subscription status -> plan: active, trialing -> pro (paymentFailed
 *     cleared); past_due -> pro while Stripe retries the payment, with
 *     paymentFailed set; unpaid -> free, paymentFailed set; canceled,
 *     incomplete, incomplete_expired, paused -> free (paymentFailed kept).
 *     An unknown status changes nothing (logged).
 *   - invoice.payment_failed sets paymentFailed; the next active/trialing
 *     state clears it.
 *   - ordering: each change carries its event's `created` (seconds, stored
 *     as stripe.subscriptionUpdatedAt); a change older than the stored one
 *     is ignored, an equal one applies (last writer wins: Stripe's events
 *     have one-second resolution). A subscription once canceled or
 *     incomplete_expired never comes back (Stripe never revives one), so a
 *     late "active" for it is ignored even at an equal timestamp. An event
 *     about another subscription than the linked one replaces the link only
 *     when it grants pro, or when the linked one does not.
 *   - checkout when the user is pro with a subscription: CV_ERR_CONFLICT
 *     (use the portal); portal with no Stripe customer: CV_ERR_CONFLICT.
 */
#ifndef CV_BILLING_H
#define CV_BILLING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "ctx.h"
#include "cv_status.h"
#include "plans.h"
#include "stripe_events_repo.h"
#include "user_repo.h"

/* ---- Limits ------------------------------------------------------------ */
/* A webhook body: Stripe's events are a few KiB; nginx caps the location at
 * 64 KiB as well. */
#define BILLING_WEBHOOK_BODY_MAX_BYTES (64 * 1024)
/* A Stripe-hosted URL handed back to the browser (Checkout's are ~150 B). */
#define BILLING_URL_MAX_BYTES 2048
#define BILLING_PLAN_COUNT 2

/* Where Stripe sends the browser back, under FRONTEND_URL. */
#define BILLING_SUCCESS_PATH "/billing/success?session_id={CHECKOUT_SESSION_ID}"
#define BILLING_CANCEL_PATH "/billing/cancel"
#define BILLING_PORTAL_RETURN_PATH "/billing"

/* One row of GET /api/billing/plans. */
struct billing_plan {
    enum cv_plan plan;
    int analyses_per_month;
    const char *price_id;       /* NULL for free, or when billing is off */
};

/* Fill out[BILLING_PLAN_COUNT] (free, then pro); price_id borrows cfg. */
void billing_plans(const struct cv_config *cfg, struct billing_plan out[BILLING_PLAN_COUNT]);

/*
 * A Stripe Checkout Session (mode subscription, STRIPE_PRICE_ID_PRO,
 * client_reference_id and metadata user_id = user->id, the known customer
 * or else customer_email, success/cancel URLs under FRONTEND_URL) for user;
 * its URL into url (BILLING_URL_MAX_BYTES). Idempotency key: purpose
 * "checkout", the user and ctx->request_id.
 * CV_ERR_BILLING_DISABLED, CV_ERR_CONFLICT (already pro with a
 * subscription), and the failures of stripe_client_post.
 */
enum cv_status billing_checkout(struct cv_ctx *ctx, const struct cv_user *user,
                                char url[BILLING_URL_MAX_BYTES],
                                struct cv_error *err) CV_WARN_UNUSED;

/* A billing-portal session for user's Stripe customer (return URL under
 * FRONTEND_URL). CV_ERR_BILLING_DISABLED, CV_ERR_CONFLICT when the user has
 * no Stripe customer yet, and the failures of stripe_client_post. */
enum cv_status billing_portal(struct cv_ctx *ctx, const struct cv_user *user,
                              char url[BILLING_URL_MAX_BYTES],
                              struct cv_error *err) CV_WARN_UNUSED;

/* What became of a verified webhook delivery (for the log). */
struct billing_webhook_result {
    char event_id[STRIPE_EVENT_ID_MAX_BYTES + 1];
    char type[STRIPE_EVENT_TYPE_MAX_BYTES + 1];
    bool duplicate;             /* already processed: not applied again */
    bool applied;               /* a user's stripe state was written */
};

/*
 * Handle one webhook delivery: verify sig_header over the raw body
 * (STRIPE_WEBHOOK_SECRET, tolerance cfg->stripe_webhook_tolerance_s at
 * now_ms), parse the event, record it in stripe_events, apply it (the four
 * types of API.md; others are acknowledged), mark it processed. CV_OK means
 * "answer 200": the effect, if any, is stored.
 * Failures: CV_ERR_BILLING_DISABLED (no webhook secret);
 * CV_ERR_BAD_SIGNATURE (missing, malformed, no match, stale);
 * CV_ERR_MALFORMED_JSON (signed, but not an event object with a string id
 * of [A-Za-z0-9_] up to STRIPE_EVENT_ID_MAX_BYTES, a type, an integer
 * created and an object data.object); CV_ERR_UNAVAILABLE (database or Redis
 * down, or the user's lease not had in time or lost: the event stays
 * "received" and Stripe's redelivery applies it). sig_header may be NULL (missing).
 */
enum cv_status billing_webhook(struct cv_ctx *ctx, const char *sig_header, size_t sig_len,
                               const char *body, size_t body_len, int64_t now_ms,
                               struct billing_webhook_result *res,
                               struct cv_error *err) CV_WARN_UNUSED;

/* ---- Pure rules, exposed for unit tests ---------------------------------- */

/* What a subscription status means for the account. */
struct billing_status_effect {
    enum cv_plan plan;
    int payment_failed;         /* 1 set, 0 clear, -1 keep */
    bool terminal;              /* Stripe never moves a subscription out of it */
};

/* The effect of Stripe status word status (see the decisions above);
 * false for an unknown or NULL status. */
bool billing_status_effect(const char *status, struct billing_status_effect *out);

enum billing_change_kind {
    BILLING_CHANGE_SUBSCRIPTION = 0,   /* subscription now has `status` */
    BILLING_CHANGE_PAYMENT_FAILED = 1, /* an invoice of it failed */
    BILLING_CHANGE_LINK = 2,           /* link customer/subscription only */
};

/* One change carried by an event. Strings may be NULL or "" (unknown). */
struct billing_change {
    enum billing_change_kind kind;
    const char *customer_id;
    const char *subscription_id;
    const char *status;                /* BILLING_CHANGE_SUBSCRIPTION only */
    int64_t event_created_ms;
};

/*
 * The user's stripe state after chg, by the decisions above, into *next
 * (always a full copy of cur, changed or not). Returns true when *next
 * differs from *cur and must be written. A customer id is filled in when
 * the user had none, whatever the ordering; a LINK also fills an empty
 * subscription id and changes nothing else. Strings longer than the
 * struct's fields are refused (no change). Pure, thread safe.
 */
bool billing_merge(const struct user_stripe_state *cur, const struct billing_change *chg,
                   struct user_stripe_state *next);

#endif
