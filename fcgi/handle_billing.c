/*
 * handle_billing.c (fcgi/) - the Billing endpoints of API.md: plans,
 * checkout, portal and the Stripe webhook. Each parses and validates its
 * input, calls one function of the billing service (src/billing/billing.h) and
 * renders the answer. The webhook needs no token and reads its body raw,
 * exactly as received: the signature is over those bytes.
 */
#include "handlers.h"

#include <string.h>

#include "auth.h"
#include "billing.h"
#include "json_fields.h"
#include "log.h"
#include "timefmt.h"

/* The plan field of a checkout body: "pro" is the only value. */
#define BILLING_PLAN_FIELD_MAX_BYTES 64

/* {"url": url} with 200. */
static enum cv_status respond_url(struct http_response *resp, const char *url,
                                  struct cv_error *err)
{
    return http_respond_wrapped(resp, 200, "url", json_object_new_string(url), err,
                                "rendering the url failed");
}

enum cv_status handle_billing_plans(struct app_thread *t, struct http_request *req,
                                    struct http_response *resp, struct cv_error *err)
{
    struct billing_plan plans[BILLING_PLAN_COUNT];
    json_object *obj = json_object_new_object(), *list = json_object_new_array(), *p;
    size_t i;

    (void)req;
    if (obj == NULL || list == NULL) {
        json_object_put(obj);
        json_object_put(list);
        return cv_error_set(err, CV_ERR_NOMEM, "rendering the plans failed");
    }
    json_object_object_add(obj, "plans", list);
    billing_plans(t->cfg, plans);
    for (i = 0; i < BILLING_PLAN_COUNT; i++) {
        p = json_object_new_object();
        if (p == NULL || json_object_array_add(list, p) != 0) {
            json_object_put(p);
            json_object_put(obj);
            return cv_error_set(err, CV_ERR_NOMEM, "rendering the plans failed");
        }
        json_object_object_add(p, "id", json_object_new_string(cv_plan_name(plans[i].plan)));
        json_object_object_add(p, "analysesPerMonth",
                               json_object_new_int(plans[i].analyses_per_month));
        if (plans[i].price_id != NULL)
            json_object_object_add(p, "priceId", json_object_new_string(plans[i].price_id));
    }
    return http_respond_json_take(resp, 200, obj, err, "rendering the plans failed");
}

enum cv_status handle_billing_checkout(struct app_thread *t, struct http_request *req,
                                       struct http_response *resp, struct cv_error *err)
{
    char url[BILLING_URL_MAX_BYTES];
    struct app_caller c;
    struct cv_user stored;
    json_object *body;
    const char *plan;
    size_t plan_len;
    enum cv_status st;

    st = app_caller_auth_json(t, req, &c, &body, err);
    if (st != CV_OK)
        return st;
    /* The Stripe ids are not on the card: the stored document. */
    st = auth_load_user(&c.ctx, c.card.user.id, &stored, err);
    if (st != CV_OK) {
        json_object_put(body);
        return st;
    }
    if (json_field_string(body, "plan", true, BILLING_PLAN_FIELD_MAX_BYTES, &plan, &plan_len,
                          err) &&
        !(plan_len == 3 && memcmp(plan, "pro", 3) == 0))
        cv_error_add_field(err, "plan", "must be \"pro\"");
    st = err->nfields > 0 ? CV_ERR_INVALID : billing_checkout(&c.ctx, &stored, url, err);
    json_object_put(body);
    return st == CV_OK ? respond_url(resp, url, err) : st;
}

enum cv_status handle_billing_portal(struct app_thread *t, struct http_request *req,
                                     struct http_response *resp, struct cv_error *err)
{
    char url[BILLING_URL_MAX_BYTES];
    struct app_caller c;
    struct cv_user stored;
    enum cv_status st;

    st = app_caller_auth(t, req, &c, err);
    if (st == CV_OK)
        st = auth_load_user(&c.ctx, c.card.user.id, &stored, err);
    if (st == CV_OK)
        st = billing_portal(&c.ctx, &stored, url, err);
    return st == CV_OK ? respond_url(resp, url, err) : st;
}

enum cv_status handle_billing_webhook(struct app_thread *t, struct http_request *req,
                                      struct http_response *resp, struct cv_error *err)
{
    const char *sig = FCGX_GetParam("HTTP_STRIPE_SIGNATURE", req->fcgx->envp);
    struct cv_ctx ctx = app_ctx(t, req);
    struct billing_webhook_result res;
    struct cv_buf body;
    enum cv_status st;

    cv_buf_init(&body, BILLING_WEBHOOK_BODY_MAX_BYTES);
    st = http_read_body(req, BILLING_WEBHOOK_BODY_MAX_BYTES, &body, err);
    if (st == CV_OK)
        st = billing_webhook(&ctx, sig, sig != NULL ? strlen(sig) : 0, body.data, body.len,
                             cv_time_now_ms(), &res, err);
    cv_buf_free(&body);
    if (st == CV_ERR_BAD_SIGNATURE)
        cv_log(CV_LOG_WARN, req->request_id, "stripe webhook refused: %s", err->message);
    if (st != CV_OK)
        return st;
    return http_respond_wrapped(resp, 200, "received", json_object_new_boolean(1), err,
                                "rendering the acknowledgement failed");
}
