/*
 * user_repo.c - users collection (see user_repo.h).
 */
#include "user_repo.h"

#include <stdio.h>
#include <string.h>

#include "bson_util.h"
#include "log.h"
#include "redis_keys.h"
#include "timefmt.h"
#include "user_cache.h"

#define USERS "users"

static int schema_ready;   /* set once per process, atomically */

bool cv_oid_parse(const char *hex, size_t len, bson_oid_t *oid)
{
    char buf[USER_ID_HEX_LEN + 1];
    size_t i;

    if (len != USER_ID_HEX_LEN)
        return false;
    for (i = 0; i < len; i++) {
        char c = hex[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    memcpy(buf, hex, len);
    buf[len] = '\0';
    bson_oid_init_from_string(oid, buf);
    return true;
}

static mongoc_collection_t *users(struct cv_ctx *ctx)
{
    return mongoc_client_get_collection(ctx->mongo, ctx->cfg->mongodb_db, USERS);
}

/* One update_one on the users collection; *modified when not NULL. */
static enum cv_status users_update(struct cv_ctx *ctx, const bson_t *filter, const bson_t *update,
                                   int64_t *modified, struct cv_error *err, const char *what)
{
    return db_update_one(ctx->mongo, ctx->cfg->mongodb_db, USERS, filter, update, NULL, modified,
                         err, what);
}

/* {_id: id} */
static bool id_filter(bson_t *filter, const char *id)
{
    bson_oid_t oid;

    if (!cv_oid_parse(id, strlen(id), &oid))
        return false;
    BSON_APPEND_OID(filter, "_id", &oid);
    return true;
}

enum cv_status user_repo_ensure_schema(struct cv_ctx *ctx, struct cv_error *err)
{
    bson_t keys = BSON_INITIALIZER;
    enum cv_status st;

    BSON_APPEND_INT32(&keys, "email", 1);
    st = db_ensure_index(ctx->mongo, ctx->cfg->mongodb_db, USERS, "email_unique", &keys, true,
                         &schema_ready, err);
    bson_destroy(&keys);
    return st;
}

static enum cv_plan plan_from_bson(const bson_t *doc)
{
    char plan[8];

    bson_get_utf8(doc, "plan", plan, sizeof(plan));
    return strcmp(plan, "pro") == 0 ? CV_PLAN_PRO : CV_PLAN_FREE;
}

static void user_from_bson(const bson_t *doc, struct cv_user *u)
{

    memset(u, 0, sizeof(*u));
    bson_get_oid_hex(doc, "_id", u->id);
    bson_get_utf8(doc, "email", u->email, sizeof(u->email));
    bson_get_utf8(doc, "name", u->name, sizeof(u->name));
    bson_get_utf8(doc, "passwordHash", u->password_hash, sizeof(u->password_hash));
    u->plan = plan_from_bson(doc);
    bson_get_utf8(doc, "stripe.customerId", u->stripe_customer_id, sizeof(u->stripe_customer_id));
    bson_get_utf8(doc, "stripe.subscriptionId", u->stripe_subscription_id,
              sizeof(u->stripe_subscription_id));
    u->payment_failed = bson_get_bool(doc, "stripe.paymentFailed");
    u->created_at_ms = bson_get_date(doc, "createdAt");
    u->updated_at_ms = bson_get_date(doc, "updatedAt");
}

/* Insert the document of u under oid; fills u->id on success. */
static enum cv_status insert_user(struct cv_ctx *ctx, const bson_oid_t *oid, struct cv_user *u,
                                  struct cv_error *err)
{
    bson_t doc = BSON_INITIALIZER, stripe;
    mongoc_collection_t *coll;
    bson_error_t berr;
    enum cv_status st = CV_OK;

    BSON_APPEND_OID(&doc, "_id", oid);
    BSON_APPEND_UTF8(&doc, "email", u->email);
    BSON_APPEND_UTF8(&doc, "passwordHash", u->password_hash);
    BSON_APPEND_UTF8(&doc, "name", u->name);
    BSON_APPEND_UTF8(&doc, "plan", cv_plan_name(u->plan));
    BSON_APPEND_DOCUMENT_BEGIN(&doc, "stripe", &stripe);
    if (u->stripe_customer_id[0] != '\0')
        BSON_APPEND_UTF8(&stripe, "customerId", u->stripe_customer_id);
    else
        BSON_APPEND_NULL(&stripe, "customerId");
    if (u->stripe_subscription_id[0] != '\0')
        BSON_APPEND_UTF8(&stripe, "subscriptionId", u->stripe_subscription_id);
    else
        BSON_APPEND_NULL(&stripe, "subscriptionId");
    BSON_APPEND_NULL(&stripe, "subscriptionStatus");
    BSON_APPEND_BOOL(&stripe, "paymentFailed", u->payment_failed);
    bson_append_document_end(&doc, &stripe);
    BSON_APPEND_DATE_TIME(&doc, "createdAt", u->created_at_ms);
    BSON_APPEND_DATE_TIME(&doc, "updatedAt", u->updated_at_ms);
    coll = users(ctx);
    if (!mongoc_collection_insert_one(coll, &doc, NULL, NULL, &berr))
        st = db_write_error(&berr, CV_ERR_EMAIL_TAKEN, err, "insert user");
    else
        bson_oid_to_string(oid, u->id);
    if (st == CV_ERR_EMAIL_TAKEN)
        cv_error_set(err, CV_ERR_EMAIL_TAKEN, "an account with this email already exists");
    mongoc_collection_destroy(coll);
    bson_destroy(&doc);
    return st;
}

enum cv_status user_repo_insert(struct cv_ctx *ctx, struct cv_user *u, struct cv_error *err)
{
    bson_oid_t oid;
    int64_t now = cv_time_now_ms();

    bson_oid_init(&oid, NULL);
    u->plan = CV_PLAN_FREE;
    u->stripe_customer_id[0] = u->stripe_subscription_id[0] = '\0';
    u->payment_failed = false;
    u->created_at_ms = u->updated_at_ms = now;
    return insert_user(ctx, &oid, u, err);
}

enum cv_status user_repo_insert_imported(struct cv_ctx *ctx, const char *id, struct cv_user *u,
                                         struct cv_error *err)
{
    bson_oid_t oid;
    int64_t now = cv_time_now_ms();
    enum cv_status st;

    if (id == NULL || id[0] == '\0')
        bson_oid_init(&oid, NULL);
    else if (!cv_oid_parse(id, strlen(id), &oid))
        return cv_error_set(err, CV_ERR_INVALID, "malformed id");
    u->payment_failed = false;
    if (u->created_at_ms <= 0)
        u->created_at_ms = now;
    u->updated_at_ms = now;
    st = insert_user(ctx, &oid, u, err);
    if (id != NULL && id[0] != '\0')
        user_cache_invalidate(ctx, id);   /* an erased user's id back: no card of before */
    return st;
}

static enum cv_status find_one(struct cv_ctx *ctx, const bson_t *filter, struct cv_user *u,
                               struct cv_error *err)
{
    bson_t doc;
    enum cv_status st;

    st = db_find_one(ctx->mongo, ctx->cfg->mongodb_db, USERS, filter, NULL, &doc, err, "user");
    if (st == CV_OK)
        user_from_bson(&doc, u);
    bson_destroy(&doc);
    return st;
}

enum cv_status user_repo_find_by_email(struct cv_ctx *ctx, const char *email, struct cv_user *u,
                                       struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER;
    enum cv_status st;

    BSON_APPEND_UTF8(&filter, "email", email);
    st = find_one(ctx, &filter, u, err);
    bson_destroy(&filter);
    return st;
}

enum cv_status user_repo_find_by_id(struct cv_ctx *ctx, const char *id, struct cv_user *u,
                                    struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER;
    bson_oid_t oid;
    enum cv_status st;

    if (!cv_oid_parse(id, strlen(id), &oid))
        return cv_error_set(err, CV_ERR_NOT_FOUND, "no such user");
    BSON_APPEND_OID(&filter, "_id", &oid);
    st = find_one(ctx, &filter, u, err);
    bson_destroy(&filter);
    return st;
}

/* ---- The user's lease ------------------------------------------------- */

enum cv_status user_repo_lease(struct cv_ctx *ctx, const char *id, long wait_ms,
                               struct user_lease *lease, bool *acquired, struct cv_error *err)
{
    bson_oid_t oid;
    enum cv_status st;

    *acquired = false;
    memset(lease, 0, sizeof(*lease));
    if (!cv_oid_parse(id, strlen(id), &oid))
        return cv_error_set(err, CV_ERR_NOT_FOUND, "no such user");
    memcpy(lease->user_id, id, USER_ID_HEX_LEN);
    st = cv_redis_key(lease->key, sizeof(lease->key), CV_KEY_USER_LEASE_PREFIX, id, err);
    if (st != CV_OK)
        return st;
    cv_lease_owner_new(lease->owner);
    return cv_lease_acquire_wait(ctx->redis, lease->key, lease->owner, USER_LEASE_TTL_MS, wait_ms,
                                 acquired, err);
}

enum cv_status user_repo_lease_take(struct cv_ctx *ctx, const char *id, struct user_lease *lease,
                                    struct cv_error *err)
{
    enum cv_status st;
    bool acquired;

    st = user_repo_lease(ctx, id, USER_LEASE_WAIT_MS, lease, &acquired, err);
    if (st == CV_OK && !acquired)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "user %s: lease still held after %ld ms", id,
                          USER_LEASE_WAIT_MS);
    return st;
}

enum cv_status user_repo_lease_check(struct cv_ctx *ctx, const struct user_lease *lease,
                                     struct cv_error *err)
{
    enum cv_status st;
    bool held = false;

    st = cv_lease_extend(ctx->redis, lease->key, lease->owner, USER_LEASE_TTL_MS, &held, err);
    if (st == CV_OK && !held)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "the lease of user %s expired while held",
                          lease->user_id);
    return st;
}

void user_repo_lease_release(struct cv_ctx *ctx, const struct user_lease *lease)
{
    struct cv_error err;

    cv_error_clear(&err);
    if (cv_lease_release(ctx->redis, lease->key, lease->owner, &err) != CV_OK)
        cv_log(CV_LOG_WARN, ctx->request_id, "%s (it expires by itself)", err.message);
}

enum cv_status user_repo_set_password_hash(struct cv_ctx *ctx, const struct user_lease *lease,
                                           const char *hash, struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER, update = BSON_INITIALIZER, set;
    enum cv_status st = CV_ERR_NOT_FOUND;

    if (id_filter(&filter, lease->user_id)) {
        BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &set);
        BSON_APPEND_UTF8(&set, "passwordHash", hash);
        BSON_APPEND_DATE_TIME(&set, "updatedAt", cv_time_now_ms());
        bson_append_document_end(&update, &set);
        st = users_update(ctx, &filter, &update, NULL, err, "update password");
    } else {
        cv_error_set(err, st, "no such user");
    }
    bson_destroy(&filter);
    bson_destroy(&update);
    return st;
}

enum cv_status user_repo_delete(struct cv_ctx *ctx, const char *id, struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER, reply;
    mongoc_collection_t *coll;
    bson_error_t berr;
    bson_oid_t oid;
    enum cv_status st = CV_OK;

    if (!cv_oid_parse(id, strlen(id), &oid))
        return cv_error_set(err, CV_ERR_NOT_FOUND, "no such user");
    BSON_APPEND_OID(&filter, "_id", &oid);
    coll = users(ctx);
    if (!mongoc_collection_delete_one(coll, &filter, NULL, &reply, &berr))
        st = db_write_error(&berr, CV_OK, err, "delete user");
    else if (bson_get_int(&reply, "deletedCount") == 0)
        st = cv_error_set(err, CV_ERR_NOT_FOUND, "no such user");
    user_cache_invalidate(ctx, id);
    bson_destroy(&reply);
    mongoc_collection_destroy(coll);
    bson_destroy(&filter);
    return st;
}

/* ---- The Stripe link ---------------------------------------------------- */

static int stripe_schema_ready;   /* set once per process, atomically */

enum cv_status user_repo_ensure_stripe_schema(struct cv_ctx *ctx, struct cv_error *err)
{
    bson_t keys = BSON_INITIALIZER;
    enum cv_status st;

    BSON_APPEND_INT32(&keys, "stripe.customerId", 1);
    st = db_ensure_index(ctx->mongo, ctx->cfg->mongodb_db, USERS, "stripe_customer", &keys, false,
                         &stripe_schema_ready, err);
    bson_destroy(&keys);
    return st;
}

enum cv_status user_repo_find_by_stripe_customer(struct cv_ctx *ctx, const char *customer_id,
                                                 struct cv_user *u, struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER;
    enum cv_status st;

    if (customer_id == NULL || customer_id[0] == '\0')
        return cv_error_set(err, CV_ERR_NOT_FOUND, "no such user");
    BSON_APPEND_UTF8(&filter, "stripe.customerId", customer_id);
    st = find_one(ctx, &filter, u, err);
    bson_destroy(&filter);
    return st;
}

enum cv_status user_repo_get_stripe_state(struct cv_ctx *ctx, const char *id,
                                          struct user_stripe_state *s, struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER, doc;
    enum cv_status st;

    memset(s, 0, sizeof(*s));
    if (!id_filter(&filter, id)) {
        bson_destroy(&filter);
        return cv_error_set(err, CV_ERR_NOT_FOUND, "no such user");
    }
    st = db_find_one(ctx->mongo, ctx->cfg->mongodb_db, USERS, &filter, NULL, &doc, err, "user");
    if (st == CV_OK) {
        s->plan = plan_from_bson(&doc);
        bson_get_utf8(&doc, "stripe.customerId", s->customer_id, sizeof(s->customer_id));
        bson_get_utf8(&doc, "stripe.subscriptionId", s->subscription_id,
                      sizeof(s->subscription_id));
        bson_get_utf8(&doc, "stripe.subscriptionStatus", s->subscription_status,
                      sizeof(s->subscription_status));
        s->payment_failed = bson_get_bool(&doc, "stripe.paymentFailed");
        s->updated_at_ms = bson_get_date(&doc, "stripe.subscriptionUpdatedAt");
    }
    bson_destroy(&doc);
    bson_destroy(&filter);
    return st;
}

static void append_utf8_or_null(bson_t *doc, const char *key, const char *value)
{
    if (value[0] != '\0')
        bson_append_utf8(doc, key, -1, value, -1);
    else
        bson_append_null(doc, key, -1);
}

enum cv_status user_repo_set_stripe_state(struct cv_ctx *ctx, const struct user_lease *lease,
                                          const struct user_stripe_state *s,
                                          struct cv_error *err)
{
    const char *id = lease->user_id;
    bson_t filter = BSON_INITIALIZER, update = BSON_INITIALIZER, set;
    int64_t matched = 0;
    enum cv_status st = CV_ERR_NOT_FOUND;

    if (!id_filter(&filter, id)) {
        bson_destroy(&filter);
        return cv_error_set(err, st, "no such user");
    }
    BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &set);
    BSON_APPEND_UTF8(&set, "plan", cv_plan_name(s->plan));
    append_utf8_or_null(&set, "stripe.customerId", s->customer_id);
    append_utf8_or_null(&set, "stripe.subscriptionId", s->subscription_id);
    append_utf8_or_null(&set, "stripe.subscriptionStatus", s->subscription_status);
    BSON_APPEND_BOOL(&set, "stripe.paymentFailed", s->payment_failed);
    if (s->updated_at_ms > 0)
        BSON_APPEND_DATE_TIME(&set, "stripe.subscriptionUpdatedAt", s->updated_at_ms);
    else
        BSON_APPEND_NULL(&set, "stripe.subscriptionUpdatedAt");
    BSON_APPEND_DATE_TIME(&set, "updatedAt", cv_time_now_ms());
    bson_append_document_end(&update, &set);
    st = db_update_one(ctx->mongo, ctx->cfg->mongodb_db, USERS, &filter, &update, &matched, NULL,
                       err, "update user stripe state");
    user_cache_invalidate(ctx, id);
    if (st == CV_OK && matched == 0)
        st = cv_error_set(err, CV_ERR_NOT_FOUND, "no such user");
    bson_destroy(&filter);
    bson_destroy(&update);
    return st;
}

enum cv_status user_repo_set_name(struct cv_ctx *ctx, const struct user_lease *lease,
                                  const char *name, struct cv_error *err)
{
    const char *id = lease->user_id;
    bson_t filter = BSON_INITIALIZER, update = BSON_INITIALIZER, set;
    int64_t matched = 0;
    enum cv_status st;

    if (!id_filter(&filter, id)) {
        bson_destroy(&filter);
        return cv_error_set(err, CV_ERR_NOT_FOUND, "no such user");
    }
    BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &set);
    BSON_APPEND_UTF8(&set, "name", name);
    BSON_APPEND_DATE_TIME(&set, "updatedAt", cv_time_now_ms());
    bson_append_document_end(&update, &set);
    st = db_update_one(ctx->mongo, ctx->cfg->mongodb_db, USERS, &filter, &update, &matched, NULL,
                       err, "set user name");
    user_cache_invalidate(ctx, id);
    if (st == CV_OK && matched == 0)
        st = cv_error_set(err, CV_ERR_NOT_FOUND, "no such user");
    bson_destroy(&update);
    bson_destroy(&filter);
    return st;
}
