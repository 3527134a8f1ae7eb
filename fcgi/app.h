/*
 * app.h (fcgi/) - the application seen by one responder thread: its
 * context (config, MongoDB client, Redis connection, metrics), the route
 * table, and the dispatch of one request through parse, route, handler,
 * render, log and count.
 *
 * A struct app_thread belongs to one thread for its whole life; nothing
 * in it is shared but the read-only config and the atomic metrics.
 */
#ifndef CV_FCGI_APP_H
#define CV_FCGI_APP_H

#include <fcgiapp.h>

#include "config.h"
#include "ctx.h"
#include "cv_status.h"
#include "http.h"
#include "metrics.h"
#include "runtime.h"
#include "token.h"
#include "user_cache.h"
#include "user_repo.h"

struct app_thread {
    const struct cv_config *cfg;
    struct cv_metrics *metrics;
    struct cv_thread_conns conns;   /* this thread's MongoDB client and Redis connection */
    unsigned index;
};

/* A handler: validate, call the core, render into resp. On failure it
 * returns the status with err filled and renders nothing: the caller
 * renders err through the one status table. */
typedef enum cv_status (*app_handler_fn)(struct app_thread *t, struct http_request *req,
                                         struct http_response *resp, struct cv_error *err);

/* The routes of the product, for cv_metrics_create: *n is set to their
 * count and the array stays valid for the life of the process. */
const struct cv_metrics_route *app_metric_routes(size_t *n);

/* The core context of a request handled by this thread. */
struct cv_ctx app_ctx(struct app_thread *t, const struct http_request *req);

/*
 * Authenticate the request's "Authorization: Bearer <token>": on success
 * fills card (the user as auth_authenticate knows it: no password hash or
 * Stripe ids) and claims and records the user id for the access log.
 * CV_ERR_UNAUTHORIZED / CV_ERR_TOKEN_EXPIRED / CV_ERR_UNAVAILABLE otherwise.
 */
enum cv_status app_authenticate_card(struct app_thread *t, struct http_request *req,
                                     struct user_card *card, struct token_claims *claims,
                                     struct cv_error *err) CV_WARN_UNUSED;

/* The same for a handler that needs only the user (card->user). */
enum cv_status app_authenticate(struct app_thread *t, struct http_request *req,
                                struct cv_user *user, struct token_claims *claims,
                                struct cv_error *err) CV_WARN_UNUSED;

/* An authenticated request: the core context to serve it with, and who
 * sent it (card.user). Lives on the handler's stack. */
struct app_caller {
    struct cv_ctx ctx;
    struct user_card card;
    struct token_claims claims;
};

/* The preamble of an authenticated handler: c->ctx for the request, then
 * app_authenticate into c->user and c->claims (same results). */
enum cv_status app_caller_auth(struct app_thread *t, struct http_request *req,
                               struct app_caller *c, struct cv_error *err) CV_WARN_UNUSED;

/*
 * The same for a handler that takes a JSON body: app_caller_auth, then
 * http_read_json_object. On CV_OK *body is the request's JSON object, which
 * the caller releases with json_object_put; on failure *body is NULL and
 * err says why (an authentication failure wins over a bad body, which is
 * then not read).
 */
enum cv_status app_caller_auth_json(struct app_thread *t, struct http_request *req,
                                    struct app_caller *c, json_object **body,
                                    struct cv_error *err) CV_WARN_UNUSED;

/* Answer one accepted request completely (the caller then finishes it). */
void app_handle(struct app_thread *t, FCGX_Request *fcgx);

#endif
