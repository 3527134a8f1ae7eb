/*
 * stripe_signature.h - Stripe webhook signatures (src/, pure: no I/O).
 *
 * Stripe signs each webhook delivery with HMAC-SHA256, keyed with the
 * endpoint secret ("whsec_...", used whole, as bytes), over "<t>.<raw body>",
 * and sends `Stripe-Signature: t=<unix seconds>,v1=<64 hex>[,v1=...][,v0=...]`
 * (several v1 while a secret is being rolled). Read first: the body must be
 * the exact bytes received, never re-serialised JSON.
 *
 * Thread safe; keeps no pointer to its arguments; needs no sodium_init.
 */
#ifndef CV_STRIPE_SIGNATURE_H
#define CV_STRIPE_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>

#include "cv_status.h"

/* ---- Limits ------------------------------------------------------------
 * Stripe's header is ~150 bytes (t, one v1, sometimes a v0, a second v1
 * while a secret rolls). These caps refuse anything far larger before any
 * work, and bound every loop over the header. */
#define STRIPE_SIGNATURE_HEADER_MAX_BYTES 4096  /* longer header: malformed */
#define STRIPE_SIGNATURE_MAX_ITEMS 16           /* key=value items, any key */
#define STRIPE_SIGNATURE_MAX_V1 8               /* v1 items */
#define STRIPE_SIGNATURE_HEX_LEN 64             /* hex of one SHA-256 MAC */
#define STRIPE_SIGNATURE_MAC_BYTES 32
/* Default |now - t| allowed (Stripe's libraries use 300 s too); the
 * deployed value comes from cv_config.stripe_webhook_tolerance_s. */
#define STRIPE_SIGNATURE_DEFAULT_TOLERANCE_S 300L
/* Room for "t=<int64>,v1=<64 hex>" and its NUL, as written by
 * stripe_signature_compute. */
#define STRIPE_SIGNATURE_COMPUTED_MAX_BYTES 96

/* The four client-visible messages (sent back to Stripe with a 400
 * bad_signature). None carries the secret or the expected MAC. */
#define STRIPE_SIGNATURE_MSG_MISSING "missing Stripe-Signature header"
#define STRIPE_SIGNATURE_MSG_MALFORMED "malformed Stripe-Signature header"
#define STRIPE_SIGNATURE_MSG_STALE "timestamp outside the tolerance"
#define STRIPE_SIGNATURE_MSG_NO_MATCH "no signature matches"

struct stripe_signature_header {
    int64_t timestamp;                  /* t, seconds since the epoch, >= 0 */
    size_t nv1;                         /* 1..STRIPE_SIGNATURE_MAX_V1 */
    unsigned char v1[STRIPE_SIGNATURE_MAX_V1][STRIPE_SIGNATURE_MAC_BYTES];
};

/*
 * Parse a Stripe-Signature header value (len bytes, need not be
 * NUL-terminated). The grammar is strict, as Stripe writes it:
 *   header = item *("," item)      item = key "=" value
 *   key    = 1*(ALPHA / DIGIT / "_" / "-")
 *   value  = 1*(visible ASCII except ",")
 * No whitespace anywhere (Stripe sends none; nginx already trims the ends).
 * t is decimal digits only (no sign) and must fit in int64_t; v1 is exactly
 * 64 lower-case hex digits (Stripe sends lower case; upper case is refused).
 * Other keys (v0, future schemes) are skipped.
 *
 * Returns CV_OK and fills *out; CV_ERR_BAD_SIGNATURE with
 * STRIPE_SIGNATURE_MSG_MISSING when header is NULL or empty, and with
 * STRIPE_SIGNATURE_MSG_MALFORMED for: over STRIPE_SIGNATURE_HEADER_MAX_BYTES,
 * a broken item, no t, a second t, a bad t, no v1, a bad v1, more than
 * STRIPE_SIGNATURE_MAX_ITEMS items or more than STRIPE_SIGNATURE_MAX_V1 v1.
 */
enum cv_status stripe_signature_parse(const char *header, size_t len,
                                      struct stripe_signature_header *out,
                                      struct cv_error *err) CV_WARN_UNUSED;

/*
 * Verify a webhook delivery: parse header (as stripe_signature_parse), then
 * compute HMAC-SHA256(secret, "<t>.<body>") and compare it in constant time
 * with every v1 (all are compared; any match passes), then check
 * |now - t| <= tolerance_s. The signature is checked before the time, as
 * Stripe's libraries do, so "timestamp outside the tolerance" is said only
 * of a genuinely signed but stale (or future) delivery.
 *
 * Returns CV_OK, or CV_ERR_BAD_SIGNATURE with one of the four messages above
 * (the parse ones, STRIPE_SIGNATURE_MSG_NO_MATCH, STRIPE_SIGNATURE_MSG_STALE),
 * or CV_ERR_INTERNAL when secret is empty or tolerance_s is negative (a
 * configuration bug; the message is for the log). body may be NULL when
 * body_len is 0. now and t are seconds since the epoch.
 */
enum cv_status stripe_signature_verify(const char *header, size_t header_len,
                                       const char *body, size_t body_len,
                                       const char *secret, size_t secret_len,
                                       int64_t now, long tolerance_s,
                                       struct cv_error *err) CV_WARN_UNUSED;

/*
 * Write the header Stripe would send for body at timestamp, signed with
 * secret: "t=<timestamp>,v1=<64 lower-case hex>", NUL-terminated, into out
 * (out_size bytes; STRIPE_SIGNATURE_COMPUTED_MAX_BYTES always suffices).
 * For tests and e2e tooling. Returns CV_OK, or CV_ERR_INTERNAL when secret
 * is empty, timestamp is negative or out is too small (out is then "").
 */
enum cv_status stripe_signature_compute(const char *secret, size_t secret_len,
                                        int64_t timestamp,
                                        const char *body, size_t body_len,
                                        char *out, size_t out_size,
                                        struct cv_error *err) CV_WARN_UNUSED;

#endif
