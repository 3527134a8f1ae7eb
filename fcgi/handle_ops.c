/*
 * handle_ops.c (fcgi/) - operations endpoints: liveness (touches nothing),
 * readiness (real checks of MongoDB, Redis and storage) and Prometheus
 * metrics (the pool's requests, the queue and the workers). nginx limits
 * /api/metrics to loopback.
 */
#include "handlers.h"

#include "log.h"
#include "readiness.h"
#include "worker_metrics.h"
#include "version.h"

enum cv_status handle_health(struct app_thread *t, struct http_request *req,
                             struct http_response *resp, struct cv_error *err)
{
    json_object *obj = json_object_new_object();

    (void)t;
    (void)req;
    if (obj != NULL) {
        json_object_object_add(obj, "status", json_object_new_string("ok"));
        json_object_object_add(obj, "version", json_object_new_string(CV_VERSION));
    }
    return http_respond_json_take(resp, 200, obj, err, "health: rendering failed");
}

enum cv_status handle_ready(struct app_thread *t, struct http_request *req,
                            struct http_response *resp, struct cv_error *err)
{
    struct cv_ready_report rep;
    json_object *obj, *checks;

    cv_ready_check(t->cfg, t->conns.mongo, &t->conns.redis, req->request_id, &rep);
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
    return http_respond_json_take(resp, rep.ok ? 200 : 503, obj, err, "ready: rendering failed");
}

enum cv_status handle_metrics(struct app_thread *t, struct http_request *req,
                              struct http_response *resp, struct cv_error *err)
{
    enum cv_status st;

    struct cv_error werr;

    st = cv_metrics_render(t->metrics, CV_VERSION, &resp->body);
    if (st != CV_OK)
        return cv_error_set(err, st, "metrics: rendering failed");
    /* The worker's figures live in Redis; without Redis the request
     * metrics are still worth answering. */
    cv_error_clear(&werr);
    if (worker_metrics_render(&t->conns.redis, &resp->body, &werr) != CV_OK) {
        cv_log_error_detail(CV_LOG_WARN, req->request_id, werr.message, "worker metrics skipped");
        if (cv_buf_puts(&resp->body, "# worker and queue metrics unavailable\n") != CV_OK)
            return cv_error_set(err, CV_ERR_TOO_LARGE, "metrics: rendering failed");
    }
    resp->status = 200;
    resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
    return CV_OK;
}
