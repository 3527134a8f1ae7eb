/*
 * app.c (fcgi/) - the route table and the life of one request:
 * parse the FastCGI parameters, answer CORS preflights, route, run the
 * handler, render the result or the error, send, count and log.
 */
#include "app.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth.h"
#include "clock.h"
#include "handlers.h"
#include "log.h"
#include "sentry.h"

struct app_route {
    struct cv_metrics_route r;     /* method and pattern, shared with metrics */
    app_handler_fn handler;
};

static const struct app_route app_routes[] = {
    { { "GET", "/api/health" }, handle_health },
    { { "GET", "/api/ready" }, handle_ready },
    { { "GET", "/api/metrics" }, handle_metrics },
    { { "POST", "/api/auth/register" }, handle_register },
    { { "POST", "/api/auth/login" }, handle_login },
    { { "GET", "/api/auth/me" }, handle_me },
    { { "DELETE", "/api/auth/me" }, handle_delete_me },
    { { "PATCH", "/api/auth/me" }, handle_update_me },
    { { "POST", "/api/auth/logout" }, handle_logout },
    { { "POST", "/api/cv/analyses" }, handle_upload_analysis },
    { { "GET", "/api/cv/analyses" }, handle_list_analyses },
    { { "GET", "/api/cv/analyses/{id}" }, handle_get_analysis },
    { { "DELETE", "/api/cv/analyses/{id}" }, handle_delete_analysis },
    { { "POST", "/api/cv/analyses/{id}/retry" }, handle_retry_analysis },
    { { "GET", "/api/cv/analyses/{id}/file" }, handle_analysis_file },
    { { "GET", "/api/cv/analyses/{id}/events" }, handle_analysis_events },
    { { "GET", "/api/events" }, handle_user_events },
    { { "POST", "/api/events/ticket" }, handle_events_ticket },
    { { "GET", "/api/billing/plans" }, handle_billing_plans },
    { { "POST", "/api/billing/checkout" }, handle_billing_checkout },
    { { "POST", "/api/billing/portal" }, handle_billing_portal },
    { { "POST", "/api/billing/webhook" }, handle_billing_webhook },   /* no token, raw body */
};

#define APP_NROUTES (sizeof(app_routes) / sizeof(app_routes[0]))

static struct router_route router_table[APP_NROUTES];
static struct cv_metrics_route metric_table[APP_NROUTES];

/* The views the router and metrics take of app_routes; filled once. */
static void app_tables_init(void)
{
    size_t i;

    if (router_table[0].method != NULL)
        return;
    for (i = 0; i < APP_NROUTES; i++) {
        router_table[i].method = app_routes[i].r.method;
        router_table[i].pattern = app_routes[i].r.pattern;
        metric_table[i] = app_routes[i].r;
    }
}

const struct cv_metrics_route *app_metric_routes(size_t *n)
{
    app_tables_init();
    *n = APP_NROUTES;
    return metric_table;
}

struct cv_ctx app_ctx(struct app_thread *t, const struct http_request *req)
{
    return (struct cv_ctx){ t->cfg, t->conns.mongo, &t->conns.redis, req->request_id };
}

enum cv_status app_authenticate_card(struct app_thread *t, struct http_request *req,
                                     struct user_card *card, struct token_claims *claims,
                                     struct cv_error *err)
{
    static const char bearer[] = "Bearer ";
    const char *h = FCGX_GetParam("HTTP_AUTHORIZATION", req->fcgx->envp);
    struct cv_ctx ctx = app_ctx(t, req);
    enum cv_status st;

    if (h == NULL || h[0] == '\0')
        return cv_error_set(err, CV_ERR_UNAUTHORIZED, "authentication required");
    if (strncasecmp(h, bearer, sizeof(bearer) - 1) != 0)
        return cv_error_set(err, CV_ERR_UNAUTHORIZED, "expected Authorization: Bearer <token>");
    h += sizeof(bearer) - 1;
    while (*h == ' ')
        h++;
    st = auth_authenticate(&ctx, h, strlen(h), card, claims, err);
    if (st == CV_OK)
        (void)snprintf(req->user_id, sizeof(req->user_id), "%s", card->user.id);
    return st;
}

enum cv_status app_authenticate(struct app_thread *t, struct http_request *req,
                                struct cv_user *user, struct token_claims *claims,
                                struct cv_error *err)
{
    struct user_card card;
    enum cv_status st = app_authenticate_card(t, req, &card, claims, err);

    if (st == CV_OK)
        *user = card.user;
    return st;
}

enum cv_status app_caller_auth(struct app_thread *t, struct http_request *req,
                               struct app_caller *c, struct cv_error *err)
{
    c->ctx = app_ctx(t, req);
    return app_authenticate_card(t, req, &c->card, &c->claims, err);
}

enum cv_status app_caller_auth_json(struct app_thread *t, struct http_request *req,
                                    struct app_caller *c, json_object **body,
                                    struct cv_error *err)
{
    enum cv_status st = app_caller_auth(t, req, c, err);

    *body = NULL;
    return st != CV_OK ? st : http_read_json_object(req, body, err);
}

/* OPTIONS on a known path: the methods, and for the frontend's origin the
 * CORS grant. Other origins get no Access-Control-Allow-* headers, so the
 * browser refuses the cross-origin call. */
static enum cv_status app_options(struct app_thread *t, struct http_request *req,
                                  struct http_response *resp)
{
    enum cv_status st;

    resp->status = 204;
    st = http_add_header(resp, "Allow", req->match.allow);
    if (st == CV_OK && http_origin_allowed(t->cfg, req->origin)) {
        st = http_add_header(resp, "Access-Control-Allow-Methods", req->match.allow);
        if (st == CV_OK)
            st = http_add_header(resp, "Access-Control-Allow-Headers",
                                 "Authorization, Content-Type");
        if (st == CV_OK)
            st = http_add_header(resp, "Access-Control-Max-Age", "600");
    }
    return st;
}

static void app_route_and_run(struct app_thread *t, struct http_request *req,
                              struct http_response *resp, size_t *metric_route)
{
    struct cv_error err;
    enum router_result rr;
    enum cv_status st;

    cv_error_clear(&err);
    rr = router_match(router_table, APP_NROUTES, req->method, req->path, &req->match);
    if (rr == ROUTER_NOT_FOUND) {
        cv_error_set(&err, CV_ERR_NOT_FOUND, "no such resource");
        http_respond_error(resp, req, &err);
        return;
    }
    if (strcmp(req->method, "OPTIONS") == 0) {
        req->route = "OPTIONS";
        if (app_options(t, req, resp) != CV_OK) {
            cv_error_set(&err, CV_ERR_INTERNAL, "building the OPTIONS answer failed");
            http_respond_error(resp, req, &err);
        }
        return;
    }
    if (rr == ROUTER_METHOD_NOT_ALLOWED) {
        cv_error_set(&err, CV_ERR_METHOD_NOT_ALLOWED, "%s is not allowed here; allowed: %s",
                     req->method, req->match.allow);
        http_respond_error(resp, req, &err);
        if (http_add_header(resp, "Allow", req->match.allow) != CV_OK)
            cv_log(CV_LOG_ERROR, req->request_id, "Allow header could not be added");
        return;
    }
    req->route = app_routes[req->match.index].r.pattern;
    *metric_route = req->match.index + 1;
    st = app_routes[req->match.index].handler(t, req, resp, &err);
    if (st != CV_OK) {
        if (err.status == CV_OK)
            cv_error_set(&err, st, "handler failed without detail");
        http_respond_error(resp, req, &err);
    }
}

void app_handle(struct app_thread *t, FCGX_Request *fcgx)
{
    struct http_request req;
    struct http_response resp;
    struct timespec start;
    size_t metric_route = 0;
    double seconds;
    struct cv_log_access access;

    cv_clock_now(&start);
    app_tables_init();
    http_request_init(&req, fcgx);
    http_response_init(&resp);
    app_route_and_run(t, &req, &resp, &metric_route);
    http_send(&req, &resp, t->cfg);
    seconds = cv_ts_elapsed_s(&start);
    cv_metrics_observe(t->metrics, metric_route, resp.status, seconds);
    access = (struct cv_log_access){
        .request_id = req.request_id,
        .method = req.method,
        .route = req.route,
        .user_id = req.user_id[0] != '\0' ? req.user_id : NULL,
        .status = resp.status,
        .duration_ms = seconds * 1000.0,
    };
    cv_log_access(&access);
    /* A 5xx is a runtime error, except the readiness probe's 503, which
     * is its report on the dependencies (and polled during an outage). */
    if (resp.status >= 500 && (req.route == NULL || strcmp(req.route, "/api/ready") != 0))
        cv_sentry_capture(CV_LOG_ERROR, req.request_id, "%s %s answered %d",
                          req.method != NULL ? req.method : "-",
                          req.route != NULL ? req.route : "(no route)", resp.status);
    http_response_free(&resp);
}
