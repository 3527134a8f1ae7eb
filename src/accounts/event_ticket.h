/*
 * event_ticket.h (src/accounts) - short-lived single-use tickets that let
 * an EventSource (which cannot send an Authorization header) subscribe to
 * live events: POST /api/events/ticket issues one, ?ticket= spends it.
 *
 * A ticket is 32 random bytes in hex, kept in Redis
 * (CV_KEY_EVENT_TICKET_PREFIX + hex -> user id) for EVENT_TICKET_TTL_S and
 * deleted by the GETDEL that spends it, so it works once. Thread safety follows ctx.
 */
#ifndef CV_EVENT_TICKET_H
#define CV_EVENT_TICKET_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "cv_status.h"
#include "user_repo.h"

#define EVENT_TICKET_BYTES 32
#define EVENT_TICKET_HEX_LEN (2 * EVENT_TICKET_BYTES)
#define EVENT_TICKET_TTL_S 60

/* A new ticket for user_id into out; *expires_ms when it stops working.
 * CV_ERR_UNAVAILABLE when Redis fails. */
enum cv_status event_ticket_issue(struct cv_ctx *ctx, const char *user_id,
                                  char out[EVENT_TICKET_HEX_LEN + 1], int64_t *expires_ms,
                                  struct cv_error *err) CV_WARN_UNUSED;

/* Spend ticket (len bytes): its user id into user_id. CV_ERR_UNAUTHORIZED
 * when it is malformed, unknown, spent or expired; CV_ERR_UNAVAILABLE when
 * Redis fails. */
enum cv_status event_ticket_redeem(struct cv_ctx *ctx, const char *ticket, size_t len,
                                   char user_id[USER_ID_HEX_LEN + 1],
                                   struct cv_error *err) CV_WARN_UNUSED;

#endif
