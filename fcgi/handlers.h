/*
 * handlers.h (fcgi/) - the request handlers, one group per file
 * (handle_ops.c: health, readiness, metrics). Each follows app_handler_fn.
 */
#ifndef CV_FCGI_HANDLERS_H
#define CV_FCGI_HANDLERS_H

#include "app.h"

enum cv_status handle_health(struct app_thread *t, struct http_request *req,
                             struct http_response *resp, struct cv_error *err);
enum cv_status handle_ready(struct app_thread *t, struct http_request *req,
                            struct http_response *resp, struct cv_error *err);
enum cv_status handle_metrics(struct app_thread *t, struct http_request *req,
                              struct http_response *resp, struct cv_error *err);

#endif
