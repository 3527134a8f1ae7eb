/*
 * handle_ops.c (fcgi/) - operations endpoints: liveness (touches nothing),
 * readiness (real checks of MongoDB, Redis and storage) and Prometheus
 * metrics. nginx limits /api/metrics to loopback.
 */
#include "handlers.h"

#include "readiness.h"
#include "version.h"

enum cv_status handle_health(struct app_thread *t, struct http_request *req,
                             struct http_response *resp, struct cv_error *err)
{
    json_object *obj = json_object_new_object();
    enum cv_status st;

    (void)t;
    (void)req;
    if (obj == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "health: out of memory");
    json_object_object_add(obj, "status", json_object_new_string("ok"));
    json_object_object_add(obj, "version", json_object_new_string(CV_VERSION));
    st = http_respond_json(resp, 200, obj);
    json_object_put(obj);
    if (st != CV_OK)
        return cv_error_set(err, st, "health: rendering failed");
    return CV_OK;
}

enum cv_status handle_ready(struct app_thread *t, struct http_request *req,
                            struct http_response *resp, struct cv_error *err)
{
    struct cv_ready_report rep;
    json_object *obj, *checks;
    enum cv_status st;

    cv_ready_check(t->cfg, t->mongo, &t->redis, req->request_id, &rep);
    obj = json_object_new_object();
    checks = json_object_new_object();
    if (obj == NULL || checks == NULL) {
        json_object_put(obj);
        json_object_put(checks);
        return cv_error_set(err, CV_ERR_NOMEM, "ready: out of memory");
    }
    json_object_object_add(checks, "mongodb", json_object_new_string(rep.mongodb));
    json_object_object_add(checks, "redis", json_object_new_string(rep.redis));
    json_object_object_add(checks, "storage", json_object_new_string(rep.storage));
    json_object_object_add(obj, "status", json_object_new_string(rep.ok ? "ok" : "degraded"));
    json_object_object_add(obj, "checks", checks);
    /* API.md: the one exception to the error shape is this 503 report. */
    st = http_respond_json(resp, rep.ok ? 200 : 503, obj);
    json_object_put(obj);
    if (st != CV_OK)
        return cv_error_set(err, st, "ready: rendering failed");
    return CV_OK;
}

enum cv_status handle_metrics(struct app_thread *t, struct http_request *req,
                              struct http_response *resp, struct cv_error *err)
{
    enum cv_status st;

    (void)req;
    st = cv_metrics_render(t->metrics, CV_VERSION, &resp->body);
    if (st != CV_OK)
        return cv_error_set(err, st, "metrics: rendering failed");
    resp->status = 200;
    resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
    return CV_OK;
}
