/*
 * handle_auth.c (fcgi/) - the Auth endpoints of API.md: register, login,
 * me, update me, logout, delete me. Each reads and validates its JSON body, calls one
 * function of the accounts service (src/accounts/auth.h) and renders the answer.
 */
#include "handlers.h"

#include <stdlib.h>
#include <string.h>

#include "account_rules.h"
#include "auth.h"
#include "json_fields.h"
#include "password.h"
#include "profile.h"
#include "quota.h"
#include "render.h"
#include "timefmt.h"

/* A password field is never hashed when longer than this many bytes
 * (128 code points of up to 4 bytes): argon2 cost stays bounded. */
#define AUTH_PASSWORD_FIELD_MAX_BYTES (4 * PASSWORD_MAX_CODE_POINTS)
/* Generous caps on raw fields, checked before the real rules. */
#define AUTH_EMAIL_FIELD_MAX_BYTES 1024
#define AUTH_NAME_FIELD_MAX_BYTES 1024

/* The user object of card. */
static enum cv_status card_json(const struct user_card *card, json_object **out,
                                struct cv_error *err)
{
    *out = render_user(&card->user, card->month_ms, card->used, &card->settings);
    return *out != NULL ? CV_OK : cv_error_set(err, CV_ERR_NOMEM, "rendering the user failed");
}

/* The user object of a user just registered or logged in, read from the
 * database. */
static enum cv_status user_json(struct cv_ctx *ctx, const struct cv_user *user,
                                json_object **out, struct cv_error *err)
{
    struct user_card card;
    enum cv_status st;

    *out = NULL;
    st = quota_usage(ctx, user->id, cv_time_now_ms(), &card.month_ms, &card.used, err);
    if (st == CV_OK)
        st = user_settings_get(ctx, user->id, &card.settings, err);
    if (st != CV_OK)
        return st;
    card.user = *user;
    return card_json(&card, out, err);
}

/* Render {"token","user"} with status. */
static enum cv_status respond_session(struct cv_ctx *ctx, struct http_response *resp, int status,
                                      const char *token, const struct cv_user *user,
                                      struct cv_error *err)
{
    json_object *obj = json_object_new_object();
    json_object *u = NULL;
    enum cv_status st;

    st = user_json(ctx, user, &u, err);
    if (st != CV_OK) {
        json_object_put(obj);
        return st;
    }

    if (obj == NULL || u == NULL) {
        json_object_put(obj);
        json_object_put(u);
        return cv_error_set(err, CV_ERR_NOMEM, "rendering the session failed");
    }
    json_object_object_add(obj, "token", json_object_new_string(token));
    json_object_object_add(obj, "user", u);
    st = http_respond_json(resp, status, obj);
    json_object_put(obj);
    return st == CV_OK ? CV_OK : cv_error_set(err, st, "rendering the session failed");
}

enum cv_status handle_register(struct app_thread *t, struct http_request *req,
                               struct http_response *resp, struct cv_error *err)
{
    char email[ACCOUNT_EMAIL_MAX_BYTES + 1], name[ACCOUNT_NAME_MAX_BYTES + 1];
    const char *e, *p, *n, *why;
    size_t elen, plen, nlen;
    struct auth_credentials cred;
    struct cv_ctx ctx = app_ctx(t, req);
    struct cv_user user;
    json_object *body;
    char *token = NULL;
    enum cv_status st;

    st = http_read_json_object(req, &body, err);
    if (st != CV_OK)
        return st;
    if (json_field_string(body, "email", true, AUTH_EMAIL_FIELD_MAX_BYTES, &e, &elen, err) &&
        !account_email_normalize(e, elen, email, sizeof(email)))
        cv_error_add_field(err, "email", "must be a valid email address");
    if (json_field_string(body, "password", true, AUTH_PASSWORD_FIELD_MAX_BYTES, &p, &plen, err) &&
        !password_policy_ok(p, plen, &why))
        cv_error_add_field(err, "password", "%s", why);
    if (json_field_string(body, "name", true, AUTH_NAME_FIELD_MAX_BYTES, &n, &nlen, err) &&
        !account_name_normalize(n, nlen, name, sizeof(name), &why))
        cv_error_add_field(err, "name", "%s", why);
    if (err->nfields == 0) {
        cred = (struct auth_credentials){ email, p, plen };
        st = auth_register(&ctx, &cred, name, &user, &token, err);
        if (st == CV_OK) {
            (void)snprintf(req->user_id, sizeof(req->user_id), "%s", user.id);
            st = respond_session(&ctx, resp, 201, token, &user, err);
        }
    } else {
        st = CV_ERR_INVALID;
    }
    free(token);
    json_object_put(body);
    return st;
}

enum cv_status handle_login(struct app_thread *t, struct http_request *req,
                            struct http_response *resp, struct cv_error *err)
{
    char email[ACCOUNT_EMAIL_MAX_BYTES + 1];
    const char *e, *p;
    size_t elen, plen;
    struct auth_credentials cred;
    struct cv_ctx ctx = app_ctx(t, req);
    struct cv_user user;
    json_object *body;
    char *token = NULL;
    enum cv_status st;
    bool email_ok;

    st = http_read_json_object(req, &body, err);
    if (st != CV_OK)
        return st;
    (void)json_field_string(body, "email", true, AUTH_EMAIL_FIELD_MAX_BYTES, &e, &elen, err);
    (void)json_field_string(body, "password", true, AUTH_PASSWORD_FIELD_MAX_BYTES, &p, &plen, err);
    if (err->nfields > 0) {
        json_object_put(body);
        return CV_ERR_INVALID;
    }
    /* A malformed email cannot have an account: the same answer as a
     * wrong password, so the endpoint tells nothing about accounts. */
    email_ok = account_email_normalize(e, elen, email, sizeof(email));
    if (!email_ok) {
        password_verify_dummy(p, plen);
        json_object_put(body);
        return cv_error_set(err, CV_ERR_INVALID_CREDENTIALS, "invalid email or password");
    }
    cred = (struct auth_credentials){ email, p, plen };
    st = auth_login(&ctx, &cred, &user, &token, err);
    if (st == CV_OK) {
        (void)snprintf(req->user_id, sizeof(req->user_id), "%s", user.id);
        st = respond_session(&ctx, resp, 200, token, &user, err);
    }
    free(token);
    json_object_put(body);
    return st;
}

enum cv_status handle_me(struct app_thread *t, struct http_request *req,
                         struct http_response *resp, struct cv_error *err)
{
    struct app_caller c;
    json_object *u = NULL;
    enum cv_status st;

    st = app_caller_auth(t, req, &c, err);
    if (st == CV_OK)
        st = card_json(&c.card, &u, err);
    if (st != CV_OK)
        return st;
    return http_respond_wrapped(resp, 200, "user", u, err, "rendering the user failed");
}

/* {"notifications": {"email": bool}}: each bad or unknown member is a
 * field error named by its path. */
static void read_notifications(json_object *body, struct profile_change *chg,
                               struct cv_error *err)
{
    json_object *n, *email;

    if (!json_object_object_get_ex(body, "notifications", &n))
        return;
    if (!json_object_is_type(n, json_type_object)) {
        cv_error_add_field(err, "notifications", "must be an object");
        return;
    }
    json_object_object_foreach(n, key, val) {
        (void)val;
        if (strcmp(key, "email") != 0)
            cv_error_add_field(err, "notifications", "unknown member (only email)");
    }
    if (!json_object_object_get_ex(n, "email", &email))
        return;
    if (!json_object_is_type(email, json_type_boolean))
        cv_error_add_field(err, "notifications.email", "must be true or false");
    else
        chg->notify_email = json_object_get_boolean(email) ? 1 : 0;
}

enum cv_status handle_update_me(struct app_thread *t, struct http_request *req,
                                struct http_response *resp, struct cv_error *err)
{
    struct profile_change chg = { NULL, PROFILE_KEEP };
    char name[ACCOUNT_NAME_MAX_BYTES + 1];
    struct app_caller c;
    json_object *body, *u = NULL;
    const char *n, *why;
    size_t nlen;
    enum cv_status st;

    st = app_caller_auth_json(t, req, &c, &body, err);
    if (st != CV_OK)
        return st;
    json_object_object_foreach(body, key, val) {
        (void)val;
        if (strcmp(key, "name") != 0 && strcmp(key, "notifications") != 0)
            cv_error_add_field(err, key, "unknown field (name and notifications can change)");
    }
    if (json_field_string(body, "name", false, AUTH_NAME_FIELD_MAX_BYTES, &n, &nlen, err) &&
        n != NULL) {
        if (account_name_normalize(n, nlen, name, sizeof(name), &why))
            chg.name = name;
        else
            cv_error_add_field(err, "name", "%s", why);
    }
    read_notifications(body, &chg, err);
    st = err->nfields > 0 ? CV_ERR_INVALID
                          : profile_update(&c.ctx, &c.card.user, &chg, &c.card.settings, err);
    if (st == CV_ERR_NOT_FOUND)
        st = cv_error_set(err, CV_ERR_UNAUTHORIZED, "the account no longer exists");
    if (st == CV_OK)
        st = card_json(&c.card, &u, err);
    json_object_put(body);
    if (st != CV_OK)
        return st;
    return http_respond_wrapped(resp, 200, "user", u, err, "rendering the user failed");
}

enum cv_status handle_logout(struct app_thread *t, struct http_request *req,
                             struct http_response *resp, struct cv_error *err)
{
    struct app_caller c;
    enum cv_status st;

    st = app_caller_auth(t, req, &c, err);
    if (st == CV_OK)
        st = auth_logout(&c.ctx, &c.claims, err);
    if (st == CV_OK)
        resp->status = 204;
    return st;
}

enum cv_status handle_delete_me(struct app_thread *t, struct http_request *req,
                                struct http_response *resp, struct cv_error *err)
{
    struct app_caller c;
    json_object *body;
    const char *p;
    size_t plen;
    enum cv_status st;

    st = app_caller_auth_json(t, req, &c, &body, err);
    if (st != CV_OK)
        return st;
    if (!json_field_string(body, "password", true, AUTH_PASSWORD_FIELD_MAX_BYTES, &p, &plen, err))
        st = CV_ERR_INVALID;
    else
        st = auth_delete_account(&c.ctx, c.card.user.id, &c.claims, p, plen, err);
    if (st == CV_OK)
        resp->status = 204;
    json_object_put(body);
    return st;
}
