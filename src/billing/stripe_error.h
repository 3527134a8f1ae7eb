/*
 * stripe_error.h - map a failed Stripe API call (HTTP status and JSON body
 * {"error":{"type","code","message","param"}}) to our status (src/, pure).
 *
 * Read first: what Stripe says goes to the log through struct
 * stripe_error_info, never into a client-facing message of a 5xx-class
 * mapping; the client sees "billing is misconfigured" or "billing provider
 * unavailable" (and fcgi/http.c replaces even those with its generic 503
 * text). Thread safe; keeps no pointer to its arguments.
 */
#ifndef CV_STRIPE_ERROR_H
#define CV_STRIPE_ERROR_H

#include <stddef.h>

#include "cv_status.h"

/* ---- Limits ------------------------------------------------------------
 * A Stripe error body is a few hundred bytes; a longer one is not parsed
 * (treated as unparsable). Copies of Stripe's strings are cut to these
 * sizes, which is fine for a log line. */
#define STRIPE_ERROR_BODY_MAX_BYTES (64 * 1024)
#define STRIPE_ERROR_TYPE_MAX_BYTES 64
#define STRIPE_ERROR_CODE_MAX_BYTES 64

#define STRIPE_ERROR_MSG_MISCONFIGURED "billing is misconfigured"
#define STRIPE_ERROR_MSG_UNAVAILABLE "billing provider unavailable"
#define STRIPE_ERROR_MSG_REJECTED "the billing provider rejected the request"
#define STRIPE_ERROR_MSG_DECLINED "the card was declined"   /* card_error without a message */
#define STRIPE_ERROR_MSG_CONFLICT "a conflicting billing request is in progress; try again"

/* What Stripe said, for the log line only. Strings are NUL-terminated and
 * empty when absent; `parsed` is 0 when the body had no usable error
 * object (empty, not JSON, over the limit, no "error" object). */
struct stripe_error_info {
    long http_status;
    int parsed;
    char type[STRIPE_ERROR_TYPE_MAX_BYTES];
    char code[STRIPE_ERROR_CODE_MAX_BYTES];
    char param[CV_ERROR_FIELD_NAME_MAX];
    char message[CV_ERROR_MESSAGE_MAX];
};

/*
 * Map a failed Stripe response. http_status <= 0 means no response at all
 * (transport failure: DNS, TLS, timeout); body may be NULL when body_len
 * is 0. Rules, first match wins:
 *   - no response -> CV_ERR_UNAVAILABLE "billing provider unavailable"
 *   - 401, 403, type authentication_error or permission_error
 *       -> CV_ERR_UNAVAILABLE "billing is misconfigured"
 *   - 5xx, 429, type api_error or rate_limit_error
 *       -> CV_ERR_UNAVAILABLE "billing provider unavailable"
 *   - 409 or type idempotency_error -> CV_ERR_CONFLICT
 *   - a body without a usable error object (empty, not JSON, over
 *     STRIPE_ERROR_BODY_MAX_BYTES, no "error" object)
 *       -> CV_ERR_UNAVAILABLE "billing provider unavailable"
 *   - type card_error -> CV_ERR_INVALID, message = Stripe's message (card
 *     messages are written by Stripe for the card holder; else
 *     STRIPE_ERROR_MSG_DECLINED), plus a field named by `param` when present
 *   - type invalid_request_error -> CV_ERR_INVALID with
 *     STRIPE_ERROR_MSG_REJECTED, plus a field (param, Stripe's message)
 *     when param is present
 *   - anything else (other 4xx or 3xx, unknown or missing type)
 *       -> CV_ERR_UNAVAILABLE "billing provider unavailable"
 * A 2xx status is a caller bug: CV_ERR_INTERNAL. Returns the status it
 * sets in err (never CV_OK). info may be NULL; when given it is always
 * filled, so the caller can log e.g. (err is cleared first)
 *   "stripe http=%ld type=%s code=%s param=%s: %s".
 */
enum cv_status stripe_error_map(long http_status, const char *body, size_t body_len,
                                struct cv_error *err,
                                struct stripe_error_info *info) CV_WARN_UNUSED;

#endif
