/*
 * event_ticket.c (src/accounts) - single-use subscription tickets (see
 * event_ticket.h).
 */
#include "event_ticket.h"

#include <string.h>

#include <sodium.h>

#include "redis_conn.h"
#include "redis_keys.h"
#include "timefmt.h"

enum cv_status event_ticket_issue(struct cv_ctx *ctx, const char *user_id,
                                  char out[EVENT_TICKET_HEX_LEN + 1], int64_t *expires_ms,
                                  struct cv_error *err)
{
    unsigned char raw[EVENT_TICKET_BYTES];
    redisReply *rep;
    enum cv_status st;

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(out, EVENT_TICKET_HEX_LEN + 1, raw, sizeof(raw));
    *expires_ms = cv_time_now_ms() + EVENT_TICKET_TTL_S * 1000L;
    st = cv_redis_command(ctx->redis, true, &rep, err, "SET %s%s %s EX %d",
                          CV_KEY_EVENT_TICKET_PREFIX, out, user_id, EVENT_TICKET_TTL_S);
    if (st != CV_OK)
        return st;
    if (rep->type != REDIS_REPLY_STATUS)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "storing a ticket: %s",
                          rep->type == REDIS_REPLY_ERROR ? rep->str : "unexpected reply");
    freeReplyObject(rep);
    return st;
}

enum cv_status event_ticket_redeem(struct cv_ctx *ctx, const char *ticket, size_t len,
                                   char user_id[USER_ID_HEX_LEN + 1], struct cv_error *err)
{
    char key[EVENT_TICKET_HEX_LEN + 1];
    redisReply *rep;
    enum cv_status st;
    size_t i;

    user_id[0] = '\0';
    if (len != EVENT_TICKET_HEX_LEN)
        return cv_error_set(err, CV_ERR_UNAUTHORIZED, "invalid ticket");
    for (i = 0; i < len; i++)
        if (!((ticket[i] >= '0' && ticket[i] <= '9') || (ticket[i] >= 'a' && ticket[i] <= 'f')))
            return cv_error_set(err, CV_ERR_UNAUTHORIZED, "invalid ticket");
    memcpy(key, ticket, len);
    key[len] = '\0';
    /* Sent again only when the connection broke while idle: the ticket was
     * then not spent. */
    st = cv_redis_command(ctx->redis, true, &rep, err, "GETDEL %s%s", CV_KEY_EVENT_TICKET_PREFIX,
                          key);
    if (st != CV_OK)
        return st;
    if (rep->type == REDIS_REPLY_STRING && rep->len == USER_ID_HEX_LEN)
        memcpy(user_id, rep->str, USER_ID_HEX_LEN + 1);
    else if (rep->type == REDIS_REPLY_ERROR)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "GETDEL: %s", rep->str);
    else
        st = cv_error_set(err, CV_ERR_UNAUTHORIZED, "the ticket is unknown, used or expired");
    freeReplyObject(rep);
    return st;
}
