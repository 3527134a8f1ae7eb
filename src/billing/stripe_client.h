/*
 * stripe_client.h - the Stripe API over libcurl (src/): form-encoded
 * requests built with stripe_form.h, JSON answers, Stripe's error objects
 * mapped through stripe_error.h.
 *
 * Read first: every call is bounded (connect and total timeouts, a capped
 * response, at most STRIPE_CLIENT_MAX_ATTEMPTS tries), pins the API version
 * to STRIPE_CLIENT_API_VERSION, and sends every POST with an Idempotency-Key,
 * the same one on each try, so a retried POST never creates twice.
 * curl_global_init must have run (cv-api's main does it).
 */
#ifndef CV_STRIPE_CLIENT_H
#define CV_STRIPE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "buf.h"
#include "config.h"
#include "cv_status.h"

/* The Stripe API version every request pins (Stripe-Version header), one of
 * Stripe's documented versions; the fields read from its answers (url, id)
 * are the same in every version since. Webhook payloads follow the version
 * of the endpoint in the Stripe dashboard instead; billing.c reads the
 * fields that differ between versions in both places. */
#define STRIPE_CLIENT_API_VERSION "2024-06-20"

/* ---- Limits ------------------------------------------------------------
 * A request runs inside an HTTP request that nginx gives up on after 30 s
 * (fastcgi_read_timeout): two tries of 10 s plus the pause stay under it. */
#define STRIPE_CLIENT_CONNECT_TIMEOUT_MS 3000L
#define STRIPE_CLIENT_TIMEOUT_MS 10000L
#define STRIPE_CLIENT_MAX_ATTEMPTS 2
#define STRIPE_CLIENT_RETRY_PAUSE_MS 250L
/* A Checkout Session is ~5 KiB of JSON; anything past 1 MiB is not Stripe. */
#define STRIPE_CLIENT_RESPONSE_MAX_BYTES (1024L * 1024)
/* Stripe refuses idempotency keys over 255 characters. */
#define STRIPE_CLIENT_IDEMPOTENCY_KEY_MAX_BYTES 255
/* A path such as "/v1/billing_portal/sessions", and base + path + query. */
#define STRIPE_CLIENT_PATH_MAX_BYTES 256
#define STRIPE_CLIENT_URL_MAX_BYTES 4096

/* How one client calls Stripe. Fill it with stripe_client_init; tests may
 * lower the bounds afterwards. Pointers are borrowed for the calls' duration.
 * Thread safe as long as each thread uses its own struct (nothing is shared
 * between calls: each opens its own curl handle). */
struct stripe_client {
    const char *api_base;       /* "https://api.stripe.com", no trailing '/' needed */
    const char *secret_key;     /* "sk_..."; never logged */
    const char *request_id;     /* for log lines; may be NULL */
    long connect_timeout_ms;
    long timeout_ms;
    size_t response_max_bytes;
    int max_attempts;           /* 1..STRIPE_CLIENT_MAX_ATTEMPTS */
    long retry_pause_ms;
};

/* A client for cfg (stripe_api_base, stripe_secret_key) with the limits
 * above. cfg must outlive the client. */
void stripe_client_init(struct stripe_client *c, const struct cv_config *cfg,
                        const char *request_id);

/*
 * POST form (application/x-www-form-urlencoded, may be empty) to path
 * ("/v1/..."), with Authorization: Bearer <secret_key>, Stripe-Version and
 * Idempotency-Key: idempotency_key (required, 1..255 visible ASCII bytes).
 * On 2xx *out is the answer's JSON object (json_object_put it).
 *
 * Failures (*out NULL): CV_ERR_INTERNAL for a missing key, path or secret
 * (a bug); the status of stripe_error_map for a non-2xx answer (card and
 * validation errors CV_ERR_INVALID, auth/config errors and outages
 * CV_ERR_UNAVAILABLE, idempotency clashes CV_ERR_CONFLICT); CV_ERR_UNAVAILABLE
 * when Stripe cannot be reached in time, the answer is over
 * response_max_bytes, or a 2xx answer is not a JSON object. A try that
 * failed in transport, or got 429/5xx (unless Stripe-Should-Retry: false) or
 * Stripe-Should-Retry: true, is tried again with the same key, up to
 * max_attempts. Stripe's own error text goes to the log, never into err for
 * the 5xx-class mappings.
 */
enum cv_status stripe_client_post(const struct stripe_client *c, const char *path,
                                  const struct cv_buf *form, const char *idempotency_key,
                                  json_object **out, struct cv_error *err) CV_WARN_UNUSED;

/* GET path with query (form-encoded, may be NULL or empty) appended after
 * '?'. No Idempotency-Key (GETs are idempotent); otherwise as
 * stripe_client_post. */
enum cv_status stripe_client_get(const struct stripe_client *c, const char *path,
                                 const struct cv_buf *query, json_object **out,
                                 struct cv_error *err) CV_WARN_UNUSED;

/*
 * The Idempotency-Key of one of our operations: "cv-<purpose>-<user_id>-
 * <request_id>", NUL-terminated into out (size bytes). The request id is
 * the HTTP request's (nginx's $request_id), so every try of that request's
 * Stripe call carries the same key, and two different HTTP requests never
 * share one. purpose, user_id and request_id must be non-empty and made of
 * [A-Za-z0-9_.-] (what our ids and nginx's request id are): CV_ERR_INTERNAL
 * otherwise, or when the key would not fit in size bytes or in
 * STRIPE_CLIENT_IDEMPOTENCY_KEY_MAX_BYTES (out is then ""). Pure.
 */
enum cv_status stripe_client_idempotency_key(const char *purpose, const char *user_id,
                                             const char *request_id, char *out, size_t size,
                                             struct cv_error *err) CV_WARN_UNUSED;

/*
 * Should a failed try be tried again? transport_failed: no HTTP answer
 * (connection refused, reset, timeout). http_status: the answer's status.
 * should_retry_header: Stripe-Should-Retry as -1 absent, 0 "false",
 * 1 "true"; Stripe's header wins over the status. Pure.
 */
bool stripe_client_should_retry(bool transport_failed, long http_status,
                                int should_retry_header);

#endif
