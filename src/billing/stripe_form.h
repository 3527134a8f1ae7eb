/*
 * stripe_form.h - build the application/x-www-form-urlencoded bodies of
 * Stripe API requests (src/, pure: appends to a bounded struct cv_buf).
 *
 * Stripe nests parameters with brackets in the key:
 *   line_items[0][price]=price_123&line_items[0][quantity]=1&metadata[user_id]=abc
 * Encoding, chosen once: RFC 3986 unreserved bytes (A-Z a-z 0-9 - . _ ~) are
 * kept, every other byte is %XX with upper-case hex; a space is %20 (never
 * '+'); '[' and ']' stay raw in keys (as Stripe's own libraries send them,
 * easier to read in logs) and are %5B/%5D in values. Non-ASCII text is
 * encoded byte by byte, so UTF-8 values arrive as UTF-8 (é is %C3%A9).
 *
 * Not thread safe per buffer (one owner, like struct cv_buf).
 */
#ifndef CV_STRIPE_FORM_H
#define CV_STRIPE_FORM_H

#include <stddef.h>

#include "buf.h"
#include "cv_status.h"

/* ---- Limits ------------------------------------------------------------
 * A key built by stripe_form_add_keyf, before encoding. Stripe's deepest
 * keys ("subscription_data[metadata][user_id]") are under 64 bytes. */
#define STRIPE_FORM_KEY_MAX_BYTES 256
/* A sensible max for a request body buffer: ours are well under 2 KiB;
 * callers pass it (or less) to cv_buf_init. */
#define STRIPE_FORM_BODY_MAX_BYTES (16 * 1024)

/*
 * Append "key=value" (both percent-encoded as above), preceded by '&' when
 * the buffer is not empty. All or nothing: on failure the buffer is as it
 * was. Returns CV_OK; CV_ERR_TOO_LARGE when the pair would take the buffer
 * past its max; CV_ERR_NOMEM; CV_ERR_INTERNAL when key or value is NULL or
 * key is empty. An empty value is written as "key=" (Stripe reads it as
 * "unset this field"). Keeps no pointer to key or value.
 */
enum cv_status stripe_form_add(struct cv_buf *b, const char *key,
                               const char *value) CV_WARN_UNUSED;

/*
 * As stripe_form_add, with the key formatted from key_fmt (printf-style),
 * for indexed and nested keys:
 *   stripe_form_add_keyf(b, price_id, "line_items[%zu][price]", i);
 * Also CV_ERR_TOO_LARGE when the formatted key is longer than
 * STRIPE_FORM_KEY_MAX_BYTES - 1 bytes (nothing is appended then).
 */
enum cv_status stripe_form_add_keyf(struct cv_buf *b, const char *value,
                                    const char *key_fmt, ...)
    CV_PRINTF(3, 4) CV_WARN_UNUSED;

#endif
