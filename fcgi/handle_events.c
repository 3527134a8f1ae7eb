/*
 * handle_events.c (fcgi/) - live events (API.md "Live events and
 * notifications"): a subscriber is checked here, then handed to nginx's
 * nchan with X-Accel-Redirect to its channel, so no responder is held
 * while it listens; and the single-use tickets EventSource needs, since it
 * cannot send an Authorization header.
 */
#include "handlers.h"

#include <stdio.h>
#include <string.h>

#include "analysis_repo.h"
#include "auth.h"
#include "event_ticket.h"
#include "live_events.h"
#include "query.h"
#include "render.h"

/* The subscriber: by its Authorization header, else by ?ticket=. */
static enum cv_status subscriber(struct app_thread *t, struct http_request *req,
                                 struct cv_user *user, struct cv_error *err)
{
    char ticket[EVENT_TICKET_HEX_LEN + 2], user_id[USER_ID_HEX_LEN + 1];
    const char *auth = FCGX_GetParam("HTTP_AUTHORIZATION", req->fcgx->envp);
    struct cv_ctx ctx = app_ctx(t, req);
    struct token_claims claims;
    enum cv_status st;
    bool malformed = false;

    if (t->cfg->events_publish_url == NULL)
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "live events are not configured");
    if ((auth != NULL && auth[0] != '\0') ||
        !query_get(req->query, "ticket", ticket, sizeof(ticket), &malformed))
        return app_authenticate(t, req, user, &claims, err);
    st = event_ticket_redeem(&ctx, ticket, strlen(ticket), user_id, err);
    if (st != CV_OK)
        return st;
    st = auth_load_user(&ctx, user_id, user, err);
    if (st == CV_OK)
        (void)snprintf(req->user_id, sizeof(req->user_id), "%s", user->id);
    return st;
}

/* Hand the request to nchan's subscriber location for channel. */
static enum cv_status redirect_to(struct http_response *resp, const char *channel,
                                  struct cv_error *err)
{
    char accel[sizeof(LIVE_EVENTS_SUBSCRIBE_LOCATION) + LIVE_EVENTS_CHANNEL_HEX_LEN];

    (void)snprintf(accel, sizeof(accel), "%s%s", LIVE_EVENTS_SUBSCRIBE_LOCATION, channel);
    resp->status = 200;
    resp->content_type = "text/event-stream";
    if (http_add_header(resp, "X-Accel-Redirect", accel) != CV_OK)
        return cv_error_set(err, CV_ERR_INTERNAL, "X-Accel-Redirect header");
    return CV_OK;
}

enum cv_status handle_analysis_events(struct app_thread *t, struct http_request *req,
                                      struct http_response *resp, struct cv_error *err)
{
    char id[USER_ID_HEX_LEN + 1] = "", channel[LIVE_EVENTS_CHANNEL_HEX_LEN + 1];
    struct cv_str param = router_param(&req->match, "id");
    struct cv_ctx ctx = app_ctx(t, req);
    struct cv_user user;
    struct analysis a;
    enum cv_status st;

    st = subscriber(t, req, &user, err);
    if (st != CV_OK)
        return st;
    if (param.len == USER_ID_HEX_LEN) {
        memcpy(id, param.ptr, param.len);
        id[param.len] = '\0';
    }
    st = analysis_repo_get(&ctx, id, user.id, false, &a, err);   /* another user's: 404 */
    if (st != CV_OK)
        return st;
    analysis_free(&a);
    live_events_channel(t->cfg, LIVE_CHANNEL_ANALYSIS, id, channel);
    return redirect_to(resp, channel, err);
}

enum cv_status handle_user_events(struct app_thread *t, struct http_request *req,
                                  struct http_response *resp, struct cv_error *err)
{
    char channel[LIVE_EVENTS_CHANNEL_HEX_LEN + 1];
    struct cv_user user;
    enum cv_status st;

    st = subscriber(t, req, &user, err);
    if (st != CV_OK)
        return st;
    live_events_channel(t->cfg, LIVE_CHANNEL_USER, user.id, channel);
    return redirect_to(resp, channel, err);
}

enum cv_status handle_events_ticket(struct app_thread *t, struct http_request *req,
                                    struct http_response *resp, struct cv_error *err)
{
    char ticket[EVENT_TICKET_HEX_LEN + 1];
    struct app_caller c;
    json_object *o;
    int64_t expires;
    enum cv_status st;

    st = app_caller_auth(t, req, &c, err);
    if (st == CV_OK && t->cfg->events_publish_url == NULL)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "live events are not configured");
    if (st == CV_OK)
        st = event_ticket_issue(&c.ctx, c.card.user.id, ticket, &expires, err);
    if (st != CV_OK)
        return st;
    o = json_object_new_object();
    if (o != NULL) {
        json_object_object_add(o, "ticket", json_object_new_string(ticket));
        json_object_object_add(o, "expiresAt", render_time(expires));
    }
    return http_respond_json_take(resp, 201, o, err, "rendering the ticket failed");
}
