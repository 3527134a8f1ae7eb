/*
 * billing.c - the billing service (see billing.h): Checkout and portal
 * sessions through stripe_client, and the webhook: verify, parse, record
 * in stripe_events, apply under a per-user Redis lock, mark processed.
 */
#include "billing.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <sodium.h>

#include "clock.h"
#include "lease.h"
#include "log.h"
#include "redis_keys.h"
#include "stripe_client.h"
#include "stripe_form.h"
#include "stripe_signature.h"
#include "timefmt.h"

/* ---- Limits ------------------------------------------------------------
 * Stripe events nest objects a handful of levels deep (invoice lines with
 * prices and periods); json-c's own default is 32. */
#define BILLING_EVENT_JSON_MAX_DEPTH 64
#define BILLING_LOCK_TOKEN_BYTES 16
/* An event's `created`, in seconds: anything past year 9999 is not Stripe. */
#define BILLING_EVENT_CREATED_MAX_S 253402300799LL

#define BILLING_MSG_DISABLED "billing is not configured on this server"

/* ---- Plans ---------------------------------------------------------------- */

void billing_plans(const struct cv_config *cfg, struct billing_plan out[BILLING_PLAN_COUNT])
{
    out[0] = (struct billing_plan){ CV_PLAN_FREE, CV_PLAN_FREE_ANALYSES_PER_MONTH, NULL };
    out[1] = (struct billing_plan){
        CV_PLAN_PRO, CV_PLAN_PRO_ANALYSES_PER_MONTH,
        cfg->stripe_secret_key != NULL ? cfg->stripe_price_id_pro : NULL,
    };
}

/* ---- Pure rules ---------------------------------------------------------- */

static const struct {
    const char *status;
    struct billing_status_effect effect;
} billing_status_table[] = {
    { "active", { CV_PLAN_PRO, 0, false } },
    { "trialing", { CV_PLAN_PRO, 0, false } },
    { "past_due", { CV_PLAN_PRO, 1, false } },
    { "unpaid", { CV_PLAN_FREE, 1, false } },
    { "incomplete", { CV_PLAN_FREE, -1, false } },
    { "paused", { CV_PLAN_FREE, -1, false } },
    { "canceled", { CV_PLAN_FREE, -1, true } },
    { "incomplete_expired", { CV_PLAN_FREE, -1, true } },
};

bool billing_status_effect(const char *status, struct billing_status_effect *out)
{
    size_t i;

    if (status == NULL)
        return false;
    for (i = 0; i < sizeof(billing_status_table) / sizeof(billing_status_table[0]); i++) {
        if (strcmp(status, billing_status_table[i].status) == 0) {
            *out = billing_status_table[i].effect;
            return true;
        }
    }
    return false;
}

static bool state_equal(const struct user_stripe_state *a, const struct user_stripe_state *b)
{
    return a->plan == b->plan && a->payment_failed == b->payment_failed &&
           a->updated_at_ms == b->updated_at_ms &&
           strcmp(a->customer_id, b->customer_id) == 0 &&
           strcmp(a->subscription_id, b->subscription_id) == 0 &&
           strcmp(a->subscription_status, b->subscription_status) == 0;
}

/* Copy src into dst[size]; the caller checked it fits. */
static void set_field(char *dst, size_t size, const char *src)
{
    (void)snprintf(dst, size, "%s", src);
}

/* Does a subscription event for sub, with effect eff, replace cur? */
static bool subscription_change_applies(const struct user_stripe_state *cur, const char *sub,
                                        const struct billing_status_effect *eff)
{
    struct billing_status_effect cur_eff = { 0 };
    bool known = billing_status_effect(cur->subscription_status, &cur_eff);

    if (cur->subscription_id[0] == '\0')
        return true;
    if (strcmp(cur->subscription_id, sub) == 0)
        return !(known && cur_eff.terminal);   /* a canceled one never returns */
    /* Another subscription: it may take over, but an old or abandoned one
     * must not downgrade the one that pays. */
    return eff->plan == CV_PLAN_PRO || !(known && cur_eff.plan == CV_PLAN_PRO);
}

bool billing_merge(const struct user_stripe_state *cur, const struct billing_change *chg,
                   struct user_stripe_state *next)
{
    const char *cust = chg->customer_id != NULL ? chg->customer_id : "";
    const char *sub = chg->subscription_id != NULL ? chg->subscription_id : "";
    struct billing_status_effect eff = { CV_PLAN_FREE, -1, false };
    bool stale = chg->event_created_ms < cur->updated_at_ms;

    *next = *cur;
    if (strlen(cust) >= sizeof(next->customer_id) || strlen(sub) >= sizeof(next->subscription_id))
        return false;
    if (chg->kind == BILLING_CHANGE_SUBSCRIPTION &&
        (!billing_status_effect(chg->status, &eff) ||
         strlen(chg->status) >= sizeof(next->subscription_status)))
        return false;
    if (next->customer_id[0] == '\0' && cust[0] != '\0')
        set_field(next->customer_id, sizeof(next->customer_id), cust);

    switch (chg->kind) {
    case BILLING_CHANGE_LINK:
        if (next->subscription_id[0] == '\0' && sub[0] != '\0')
            set_field(next->subscription_id, sizeof(next->subscription_id), sub);
        break;
    case BILLING_CHANGE_PAYMENT_FAILED:
        if (stale || (sub[0] != '\0' && cur->subscription_id[0] != '\0' &&
                      strcmp(sub, cur->subscription_id) != 0))
            break;
        if (next->subscription_id[0] == '\0' && sub[0] != '\0')
            set_field(next->subscription_id, sizeof(next->subscription_id), sub);
        next->payment_failed = true;
        next->updated_at_ms = chg->event_created_ms;
        break;
    case BILLING_CHANGE_SUBSCRIPTION:
        if (stale || sub[0] == '\0' || !subscription_change_applies(cur, sub, &eff))
            break;
        if (cust[0] != '\0')
            set_field(next->customer_id, sizeof(next->customer_id), cust);
        set_field(next->subscription_id, sizeof(next->subscription_id), sub);
        set_field(next->subscription_status, sizeof(next->subscription_status), chg->status);
        next->plan = eff.plan;
        if (eff.payment_failed >= 0)
            next->payment_failed = eff.payment_failed == 1;
        next->updated_at_ms = chg->event_created_ms;
        break;
    }
    return !state_equal(cur, next);
}

/* ---- Checkout and portal --------------------------------------------------- */

/* FRONTEND_URL (an origin) + path into out. */
static enum cv_status frontend_url(const struct cv_config *cfg, const char *path, char *out,
                                   size_t size, struct cv_error *err)
{
    const char *base = cfg->frontend_url != NULL ? cfg->frontend_url : "";
    size_t len = strlen(base);
    int n;

    while (len > 0 && base[len - 1] == '/')
        len--;
    if (len >= size)
        return cv_error_set(err, CV_ERR_INTERNAL, "FRONTEND_URL is too long for a return URL");
    n = snprintf(out, size, "%.*s%s", (int)len, base, path);
    if (n < 0 || (size_t)n >= size)
        return cv_error_set(err, CV_ERR_INTERNAL, "FRONTEND_URL is too long for a return URL");
    return CV_OK;
}

/* The "url" of a Stripe session: an http(s) URL of visible ASCII that fits. */
static enum cv_status session_url(json_object *session, char url[BILLING_URL_MAX_BYTES],
                                  const char *request_id, struct cv_error *err)
{
    json_object *v;
    const char *s;
    size_t len, i;
    bool ok;

    ok = json_object_object_get_ex(session, "url", &v) && json_object_is_type(v, json_type_string);
    s = ok ? json_object_get_string(v) : "";
    len = ok ? (size_t)json_object_get_string_len(v) : 0;
    ok = ok && len < BILLING_URL_MAX_BYTES &&
         (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0);
    for (i = 0; ok && i < len; i++)
        ok = (unsigned char)s[i] > 0x20 && (unsigned char)s[i] < 0x7f;
    if (!ok) {
        cv_log(CV_LOG_WARN, request_id, "stripe session without a usable url");
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "billing provider unavailable");
    }
    memcpy(url, s, len);
    url[len] = '\0';
    return CV_OK;
}

/* POST form to path with the key of (purpose, user, request) and take the
 * session's url. */
static enum cv_status create_session(struct cv_ctx *ctx, const char *path, const char *purpose,
                                     const struct cv_user *user, const struct cv_buf *form,
                                     char url[BILLING_URL_MAX_BYTES], struct cv_error *err)
{
    char key[STRIPE_CLIENT_IDEMPOTENCY_KEY_MAX_BYTES + 1];
    struct stripe_client client;
    json_object *session = NULL;
    enum cv_status st;

    st = stripe_client_idempotency_key(purpose, user->id, ctx->request_id, key, sizeof(key), err);
    if (st != CV_OK)
        return st;
    stripe_client_init(&client, ctx->cfg, ctx->request_id);
    st = stripe_client_post(&client, path, form, key, &session, err);
    if (st == CV_OK)
        st = session_url(session, url, ctx->request_id, err);
    json_object_put(session);
    return st;
}

/* Append every (key, value) pair; stops at the first failure. */
static enum cv_status form_add_all(struct cv_buf *form, const char *const (*pairs)[2], size_t n,
                                   struct cv_error *err)
{
    enum cv_status st;
    size_t i;

    for (i = 0; i < n; i++) {
        st = stripe_form_add(form, pairs[i][0], pairs[i][1]);
        if (st != CV_OK)
            return cv_error_set(err, st == CV_ERR_NOMEM ? st : CV_ERR_INTERNAL,
                                "building the Stripe request (%s) failed", pairs[i][0]);
    }
    return CV_OK;
}

enum cv_status billing_checkout(struct cv_ctx *ctx, const struct cv_user *user,
                                char url[BILLING_URL_MAX_BYTES], struct cv_error *err)
{
    const struct cv_config *cfg = ctx->cfg;
    char success[BILLING_URL_MAX_BYTES], cancel[BILLING_URL_MAX_BYTES];
    bool known = user->stripe_customer_id[0] != '\0';
    struct cv_buf form;
    enum cv_status st;

    url[0] = '\0';
    if (cfg->stripe_secret_key == NULL)
        return cv_error_set(err, CV_ERR_BILLING_DISABLED, BILLING_MSG_DISABLED);
    if (user->plan == CV_PLAN_PRO && user->stripe_subscription_id[0] != '\0')
        return cv_error_set(err, CV_ERR_CONFLICT, "you already have a pro subscription; "
                                                  "manage it from the billing portal");
    st = frontend_url(cfg, BILLING_SUCCESS_PATH, success, sizeof(success), err);
    if (st == CV_OK)
        st = frontend_url(cfg, BILLING_CANCEL_PATH, cancel, sizeof(cancel), err);
    if (st != CV_OK)
        return st;
    {
        const char *const pairs[][2] = {
            { "mode", "subscription" },
            { "line_items[0][price]", cfg->stripe_price_id_pro },
            { "line_items[0][quantity]", "1" },
            { "client_reference_id", user->id },
            { "metadata[user_id]", user->id },
            { "subscription_data[metadata][user_id]", user->id },
            { "success_url", success },
            { "cancel_url", cancel },
            { known ? "customer" : "customer_email",
              known ? user->stripe_customer_id : user->email },
        };

        cv_buf_init(&form, STRIPE_FORM_BODY_MAX_BYTES);
        st = form_add_all(&form, pairs, sizeof(pairs) / sizeof(pairs[0]), err);
    }
    if (st == CV_OK)
        st = create_session(ctx, "/v1/checkout/sessions", "checkout", user, &form, url, err);
    cv_buf_free(&form);
    if (st == CV_OK)
        cv_log(CV_LOG_INFO, ctx->request_id, "checkout session created for %s (%s customer)",
               user->id, known ? "known" : "new");
    return st;
}

enum cv_status billing_portal(struct cv_ctx *ctx, const struct cv_user *user,
                              char url[BILLING_URL_MAX_BYTES], struct cv_error *err)
{
    const struct cv_config *cfg = ctx->cfg;
    char back[BILLING_URL_MAX_BYTES];
    struct cv_buf form;
    enum cv_status st;

    url[0] = '\0';
    if (cfg->stripe_secret_key == NULL)
        return cv_error_set(err, CV_ERR_BILLING_DISABLED, BILLING_MSG_DISABLED);
    if (user->stripe_customer_id[0] == '\0')
        return cv_error_set(err, CV_ERR_CONFLICT,
                            "no billing account yet: subscribe to a plan first");
    st = frontend_url(cfg, BILLING_PORTAL_RETURN_PATH, back, sizeof(back), err);
    if (st != CV_OK)
        return st;
    {
        const char *const pairs[][2] = {
            { "customer", user->stripe_customer_id },
            { "return_url", back },
        };

        cv_buf_init(&form, STRIPE_FORM_BODY_MAX_BYTES);
        st = form_add_all(&form, pairs, sizeof(pairs) / sizeof(pairs[0]), err);
    }
    if (st == CV_OK)
        st = create_session(ctx, "/v1/billing_portal/sessions", "portal", user, &form, url, err);
    cv_buf_free(&form);
    return st;
}

/* ---- Webhook: reading the event ------------------------------------------ */

/* The string member key of obj, or NULL. */
static const char *member_string(json_object *obj, const char *key)
{
    json_object *v;

    if (obj == NULL || !json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* The object member key of obj, or NULL. */
static json_object *member_object(json_object *obj, const char *key)
{
    json_object *v;

    if (obj == NULL || !json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_object))
        return NULL;
    return v;
}

/* A reference to another Stripe object: its id string, or the "id" of the
 * object when Stripe expanded it. NULL when absent. */
static const char *member_ref(json_object *obj, const char *key)
{
    const char *s = member_string(obj, key);

    return s != NULL ? s : member_string(member_object(obj, key), "id");
}

/* The first non-NULL of a, b. */
static const char *first_of(const char *a, const char *b)
{
    return a != NULL ? a : b;
}

static bool event_id_ok(const char *s, size_t len)
{
    size_t i;

    if (len == 0 || len > STRIPE_EVENT_ID_MAX_BYTES)
        return false;
    for (i = 0; i < len; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_'))
            return false;
    }
    return true;
}

static bool event_type_ok(const char *s, size_t len)
{
    size_t i;

    if (len == 0 || len > STRIPE_EVENT_TYPE_MAX_BYTES)
        return false;
    for (i = 0; i < len; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '.' || ch == '-'))
            return false;
    }
    return true;
}

/* A verified event. Pointers point into root. */
struct billing_event {
    json_object *root;
    const char *id;
    const char *type;
    int64_t created_ms;
    json_object *object;        /* data.object */
};

static enum cv_status parse_event(const char *body, size_t len, struct billing_event *ev,
                                  struct cv_error *err)
{
    json_tokener *tok;
    json_object *root = NULL, *v, *data;
    size_t end;
    int64_t created;
    bool ok;

    memset(ev, 0, sizeof(*ev));
    if (len == 0 || len > BILLING_WEBHOOK_BODY_MAX_BYTES)
        return cv_error_set(err, CV_ERR_MALFORMED_JSON, "the event body is empty or too large");
    tok = json_tokener_new_ex(BILLING_EVENT_JSON_MAX_DEPTH);
    if (tok == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "json_tokener_new_ex failed");
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    root = json_tokener_parse_ex(tok, body, (int)len);
    ok = root != NULL && json_tokener_get_error(tok) == json_tokener_success &&
         json_object_is_type(root, json_type_object);
    for (end = json_tokener_get_parse_end(tok); ok && end < len; end++)
        ok = body[end] == ' ' || body[end] == '\n' || body[end] == '\r' || body[end] == '\t';
    json_tokener_free(tok);
    if (!ok) {
        json_object_put(root);
        return cv_error_set(err, CV_ERR_MALFORMED_JSON, "the event is not a JSON object");
    }
    ev->root = root;
    ok = json_object_object_get_ex(root, "id", &v) && json_object_is_type(v, json_type_string) &&
         event_id_ok(json_object_get_string(v), (size_t)json_object_get_string_len(v));
    ev->id = ok ? json_object_get_string(v) : NULL;
    ok = ok && json_object_object_get_ex(root, "type", &v) &&
         json_object_is_type(v, json_type_string) &&
         event_type_ok(json_object_get_string(v), (size_t)json_object_get_string_len(v));
    ev->type = ok ? json_object_get_string(v) : NULL;
    ok = ok && json_object_object_get_ex(root, "created", &v) &&
         json_object_is_type(v, json_type_int);
    created = ok ? json_object_get_int64(v) : -1;
    ok = ok && created >= 0 && created <= BILLING_EVENT_CREATED_MAX_S;
    ev->created_ms = created * 1000;
    data = ok ? member_object(root, "data") : NULL;
    ev->object = member_object(data, "object");
    if (ev->object == NULL) {
        json_object_put(root);
        memset(ev, 0, sizeof(*ev));
        return cv_error_set(err, CV_ERR_MALFORMED_JSON,
                            "the event needs an id, a type, an integer created and "
                            "data.object");
    }
    return CV_OK;
}

/* The change an event of a handled type carries, and the user id it names
 * (metadata or client_reference_id; may be NULL). false for types that
 * change nothing (acknowledged and ignored). */
static bool event_change(const struct billing_event *ev, struct billing_change *chg,
                         const char **user_id)
{
    json_object *o = ev->object, *parent_sub;
    const char *mode, *paid;

    memset(chg, 0, sizeof(*chg));
    chg->event_created_ms = ev->created_ms;
    chg->customer_id = member_ref(o, "customer");
    if (strcmp(ev->type, "checkout.session.completed") == 0) {
        mode = member_string(o, "mode");
        if (mode == NULL || strcmp(mode, "subscription") != 0)
            return false;
        *user_id = first_of(member_string(o, "client_reference_id"),
                            member_string(member_object(o, "metadata"), "user_id"));
        chg->subscription_id = member_ref(o, "subscription");
        paid = member_string(o, "payment_status");
        if (paid != NULL && (strcmp(paid, "paid") == 0 || strcmp(paid, "no_payment_required") == 0)) {
            chg->kind = BILLING_CHANGE_SUBSCRIPTION;
            chg->status = "active";
        } else {
            chg->kind = BILLING_CHANGE_LINK;   /* paid later (async methods): wait for it */
        }
        return true;
    }
    if (strcmp(ev->type, "customer.subscription.updated") == 0 ||
        strcmp(ev->type, "customer.subscription.deleted") == 0) {
        *user_id = member_string(member_object(o, "metadata"), "user_id");
        chg->kind = BILLING_CHANGE_SUBSCRIPTION;
        chg->subscription_id = member_string(o, "id");
        chg->status = strcmp(ev->type, "customer.subscription.deleted") == 0
                          ? "canceled" : member_string(o, "status");
        return true;
    }
    if (strcmp(ev->type, "invoice.payment_failed") == 0) {
        /* Before API version 2025-03-31 the subscription is a top-level
         * field; since, it is under parent.subscription_details. */
        parent_sub = member_object(member_object(o, "parent"), "subscription_details");
        *user_id = first_of(
            member_string(member_object(member_object(o, "subscription_details"), "metadata"),
                          "user_id"),
            member_string(member_object(parent_sub, "metadata"), "user_id"));
        chg->kind = BILLING_CHANGE_PAYMENT_FAILED;
        chg->subscription_id = first_of(member_ref(o, "subscription"),
                                        member_ref(parent_sub, "subscription"));
        return true;
    }
    return false;
}

/* ---- Webhook: applying it -------------------------------------------------- */

/* The user's lease (lease.h), polled for at most BILLING_USER_LOCK_WAIT_MS. */
static enum cv_status user_lock(struct cv_ctx *ctx, const char *key, const char *token,
                                struct cv_error *err)
{
    long polls;
    enum cv_status st;
    bool acquired;

    for (polls = 0; polls <= BILLING_USER_LOCK_WAIT_MS / BILLING_USER_LOCK_POLL_MS; polls++) {
        if (polls > 0)
            cv_sleep_ms(BILLING_USER_LOCK_POLL_MS);
        st = cv_lease_acquire(ctx->redis, key, token, BILLING_USER_LOCK_TTL_MS, &acquired, err);
        if (st != CV_OK || acquired)
            return st;
    }
    return cv_error_set(err, CV_ERR_UNAVAILABLE, "%s still held after %ld ms", key,
                        BILLING_USER_LOCK_WAIT_MS);
}

/* Release the lease if it is still ours (it may have expired and been taken). */
static void user_unlock(struct cv_ctx *ctx, const char *key, const char *token)
{
    struct cv_error err;

    cv_error_clear(&err);
    if (cv_lease_release(ctx->redis, key, token, &err) != CV_OK)
        cv_log(CV_LOG_WARN, ctx->request_id, "releasing %s: %s (it expires by itself)", key,
               err.message);
}

/* The user an event is about: by the user id it names, else by customer.
 * *found false (and CV_OK) when there is none. */
static enum cv_status event_user(struct cv_ctx *ctx, const char *user_id, const char *customer,
                                 struct cv_user *u, bool *found, struct cv_error *err)
{
    enum cv_status st = CV_ERR_NOT_FOUND;

    *found = false;
    if (user_id != NULL && user_id[0] != '\0') {
        st = user_repo_find_by_id(ctx, user_id, u, err);
        if (st != CV_OK && st != CV_ERR_NOT_FOUND)
            return st;
    }
    if (st == CV_ERR_NOT_FOUND && customer != NULL && customer[0] != '\0') {
        st = user_repo_find_by_stripe_customer(ctx, customer, u, err);
        if (st != CV_OK && st != CV_ERR_NOT_FOUND)
            return st;
    }
    cv_error_clear(err);
    *found = st == CV_OK;
    return CV_OK;
}

/* Read, merge, write one user's stripe state under its lock. */
static enum cv_status apply_change(struct cv_ctx *ctx, const struct billing_event *ev,
                                   const char *user_id, const struct billing_change *chg,
                                   bool *applied, struct cv_error *err)
{
    char key[CV_REDIS_KEY_MAX_BYTES], token[2 * BILLING_LOCK_TOKEN_BYTES + 1];
    unsigned char raw[BILLING_LOCK_TOKEN_BYTES];
    struct user_stripe_state cur, next;
    enum cv_status st;

    st = cv_redis_key(key, sizeof(key), CV_KEY_BILLING_USER_LOCK_PREFIX, user_id, err);
    if (st != CV_OK)
        return st;
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(token, sizeof(token), raw, sizeof(raw));
    st = user_lock(ctx, key, token, err);
    if (st != CV_OK)
        return st;
    st = user_repo_get_stripe_state(ctx, user_id, &cur, err);
    if (st == CV_OK && billing_merge(&cur, chg, &next)) {
        st = user_repo_set_stripe_state(ctx, user_id, &next, err);
        if (st == CV_OK) {
            *applied = true;
            cv_log(CV_LOG_INFO, ctx->request_id,
                   "stripe event %s (%s): user %s plan %s -> %s, subscription %s %s, "
                   "paymentFailed %s",
                   ev->id, ev->type, user_id, cv_plan_name(cur.plan), cv_plan_name(next.plan),
                   next.subscription_id[0] != '\0' ? next.subscription_id : "-",
                   next.subscription_status[0] != '\0' ? next.subscription_status : "-",
                   next.payment_failed ? "true" : "false");
        }
    } else if (st == CV_OK) {
        cv_log(CV_LOG_INFO, ctx->request_id,
               "stripe event %s (%s): user %s unchanged (older, duplicate or superseded)",
               ev->id, ev->type, user_id);
    }
    user_unlock(ctx, key, token);
    if (st == CV_ERR_NOT_FOUND) {          /* erased meanwhile: nothing to do */
        cv_error_clear(err);
        st = CV_OK;
    }
    return st;
}

static enum cv_status apply_event(struct cv_ctx *ctx, const struct billing_event *ev,
                                  bool *applied, struct cv_error *err)
{
    struct billing_change chg;
    struct cv_user user;
    const char *user_id = NULL;
    enum cv_status st;
    bool found;

    if (!event_change(ev, &chg, &user_id)) {
        cv_log(CV_LOG_INFO, ctx->request_id, "stripe event %s (%s) acknowledged, not handled",
               ev->id, ev->type);
        return CV_OK;
    }
    st = user_repo_ensure_stripe_schema(ctx, err);
    if (st != CV_OK) {   /* only an index: go on without it */
        cv_log(CV_LOG_WARN, ctx->request_id, "%s", err->message);
        cv_error_clear(err);
    }
    st = event_user(ctx, user_id, chg.customer_id, &user, &found, err);
    if (st != CV_OK)
        return st;
    if (!found) {
        cv_log(CV_LOG_WARN, ctx->request_id,
               "stripe event %s (%s): no user for customer %s; acknowledged, ignored",
               ev->id, ev->type, chg.customer_id != NULL ? chg.customer_id : "-");
        return CV_OK;
    }
    return apply_change(ctx, ev, user.id, &chg, applied, err);
}

enum cv_status billing_webhook(struct cv_ctx *ctx, const char *sig_header, size_t sig_len,
                               const char *body, size_t body_len, int64_t now_ms,
                               struct billing_webhook_result *res, struct cv_error *err)
{
    const struct cv_config *cfg = ctx->cfg;
    const char *secret = cfg->stripe_webhook_secret;
    enum stripe_event_prior prior;
    struct billing_event ev;
    enum cv_status st;

    memset(res, 0, sizeof(*res));
    if (secret == NULL || secret[0] == '\0')
        return cv_error_set(err, CV_ERR_BILLING_DISABLED, BILLING_MSG_DISABLED);
    st = stripe_signature_verify(sig_header, sig_header != NULL ? sig_len : 0, body, body_len,
                                 secret, strlen(secret), now_ms / 1000,
                                 cfg->stripe_webhook_tolerance_s, err);
    if (st != CV_OK)
        return st;
    st = parse_event(body, body_len, &ev, err);
    if (st != CV_OK)
        return st;
    (void)snprintf(res->event_id, sizeof(res->event_id), "%s", ev.id);   /* checked to fit */
    (void)snprintf(res->type, sizeof(res->type), "%s", ev.type);
    st = stripe_events_repo_record(ctx, ev.id, ev.type, now_ms, &prior, err);
    if (st == CV_OK && prior == STRIPE_EVENT_PROCESSED) {
        res->duplicate = true;
        cv_log(CV_LOG_INFO, ctx->request_id, "stripe event %s (%s) already processed",
               ev.id, ev.type);
    } else if (st == CV_OK) {
        if (prior == STRIPE_EVENT_RECEIVED)
            cv_log(CV_LOG_INFO, ctx->request_id,
                   "stripe event %s (%s) seen before but not finished: applying again",
                   ev.id, ev.type);
        st = apply_event(ctx, &ev, &res->applied, err);
        if (st == CV_OK)
            st = stripe_events_repo_mark_processed(ctx, ev.id, cv_time_now_ms(), err);
    }
    json_object_put(ev.root);
    return st;
}
