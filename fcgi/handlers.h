/*
 * handlers.h (fcgi/) - the request handlers, one group per file
 * (handle_ops.c: health, readiness, metrics; handle_auth.c: accounts;
 * handle_upload.c and handle_analyses.c: CV analyses; handle_events.c: live
 * events; handle_billing.c:
 * plans, Stripe checkout, portal and webhook).
 * Each follows app_handler_fn.
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

enum cv_status handle_register(struct app_thread *t, struct http_request *req,
                               struct http_response *resp, struct cv_error *err);
enum cv_status handle_login(struct app_thread *t, struct http_request *req,
                            struct http_response *resp, struct cv_error *err);
enum cv_status handle_me(struct app_thread *t, struct http_request *req,
                         struct http_response *resp, struct cv_error *err);
enum cv_status handle_update_me(struct app_thread *t, struct http_request *req,
                                struct http_response *resp, struct cv_error *err);
enum cv_status handle_logout(struct app_thread *t, struct http_request *req,
                             struct http_response *resp, struct cv_error *err);
enum cv_status handle_delete_me(struct app_thread *t, struct http_request *req,
                                struct http_response *resp, struct cv_error *err);

enum cv_status handle_upload_analysis(struct app_thread *t, struct http_request *req,
                                      struct http_response *resp, struct cv_error *err);
enum cv_status handle_list_analyses(struct app_thread *t, struct http_request *req,
                                    struct http_response *resp, struct cv_error *err);
enum cv_status handle_get_analysis(struct app_thread *t, struct http_request *req,
                                   struct http_response *resp, struct cv_error *err);
enum cv_status handle_delete_analysis(struct app_thread *t, struct http_request *req,
                                      struct http_response *resp, struct cv_error *err);
enum cv_status handle_retry_analysis(struct app_thread *t, struct http_request *req,
                                     struct http_response *resp, struct cv_error *err);
enum cv_status handle_analysis_file(struct app_thread *t, struct http_request *req,
                                    struct http_response *resp, struct cv_error *err);

enum cv_status handle_analysis_events(struct app_thread *t, struct http_request *req,
                                      struct http_response *resp, struct cv_error *err);
enum cv_status handle_user_events(struct app_thread *t, struct http_request *req,
                                  struct http_response *resp, struct cv_error *err);
enum cv_status handle_events_ticket(struct app_thread *t, struct http_request *req,
                                    struct http_response *resp, struct cv_error *err);

enum cv_status handle_billing_plans(struct app_thread *t, struct http_request *req,
                                    struct http_response *resp, struct cv_error *err);
enum cv_status handle_billing_checkout(struct app_thread *t, struct http_request *req,
                                       struct http_response *resp, struct cv_error *err);
enum cv_status handle_billing_portal(struct app_thread *t, struct http_request *req,
                                     struct http_response *resp, struct cv_error *err);
enum cv_status handle_billing_webhook(struct app_thread *t, struct http_request *req,
                                      struct http_response *resp, struct cv_error *err);

#endif
