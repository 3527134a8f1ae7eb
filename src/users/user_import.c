/*
 * user_import.c (src/users) - map a mongoexport line of a Mongoose user
 * onto a cv_user (see user_import.h).
 */
#include "user_import.h"

#include <string.h>
#include <strings.h>

#include <bson/bson.h>

#include "account_rules.h"
#include "password.h"

#define USER_IMPORT_FIELD_MAX_BYTES 1024

/* The string at one of the dotted paths, first present wins; NULL if none. */
static const char *first_utf8(const bson_t *doc, const char *const *paths, size_t n,
                              uint32_t *len)
{
    bson_iter_t it;
    size_t i;

    for (i = 0; i < n; i++)
        if (bson_iter_init(&it, doc) && bson_iter_find_descendant(&it, paths[i], &it) &&
            BSON_ITER_HOLDS_UTF8(&it))
            return bson_iter_utf8(&it, len);
    return NULL;
}

#define FIRST_UTF8(doc, paths, len) first_utf8(doc, paths, sizeof(paths) / sizeof(paths[0]), len)

static bool copy_str(const char *s, uint32_t len, char *out, size_t size)
{
    if (s == NULL || len >= size || memchr(s, '\0', len) != NULL)
        return false;
    memcpy(out, s, len);
    out[len] = '\0';
    return true;
}

static bool is_argon2id(const char *hash)
{
    return strncmp(hash, "$argon2id$", 10) == 0;
}

static enum cv_status map_name(const bson_t *doc, struct cv_user *u, struct cv_error *err)
{
    static const char *const direct[] = { "name", "fullName", "displayName" };
    static const char *const first[] = { "firstName", "profile.firstName" };
    static const char *const last[] = { "lastName", "profile.lastName" };
    static const char *const user[] = { "username" };
    char joined[2 * USER_IMPORT_FIELD_MAX_BYTES + 2];
    const char *s, *f, *l, *why = NULL;
    uint32_t len = 0, flen = 0, llen = 0;

    s = FIRST_UTF8(doc, direct, &len);
    if (s == NULL || len == 0) {
        f = FIRST_UTF8(doc, first, &flen);
        l = FIRST_UTF8(doc, last, &llen);
        if (f != NULL && flen <= USER_IMPORT_FIELD_MAX_BYTES && l != NULL &&
            llen <= USER_IMPORT_FIELD_MAX_BYTES) {
            memcpy(joined, f, flen);
            joined[flen] = ' ';
            memcpy(joined + flen + 1, l, llen);
            s = joined;
            len = flen + 1 + llen;
        } else if (f != NULL) {
            s = f;
            len = flen;
        } else {
            s = FIRST_UTF8(doc, user, &len);
        }
    }
    if (s == NULL || len == 0) {   /* the part of the email before '@' */
        s = u->email;
        len = (uint32_t)(strchr(u->email, '@') - u->email);
    }
    if (!account_name_normalize(s, len, u->name, sizeof(u->name), &why))
        return cv_error_set(err, CV_ERR_INVALID, "name %s", why);
    return CV_OK;
}

static enum cv_plan map_plan(const bson_t *doc)
{
    static const char *const paths[] = { "plan", "subscription.plan", "subscriptionPlan" };
    const char *s;
    uint32_t len = 0;

    s = FIRST_UTF8(doc, paths, &len);
    if (s != NULL && ((len == 3 && strncasecmp(s, "pro", 3) == 0) ||
                      (len == 7 && strncasecmp(s, "premium", 7) == 0)))
        return CV_PLAN_PRO;
    return CV_PLAN_FREE;
}

static void map_stripe(const bson_t *doc, struct cv_user *u)
{
    static const char *const customer[] = { "stripeCustomerId", "stripe.customerId" };
    static const char *const subscription[] = { "stripeSubscriptionId",
                                                "stripe.subscriptionId" };
    const char *s;
    uint32_t len = 0;

    s = FIRST_UTF8(doc, customer, &len);
    if (!copy_str(s, len, u->stripe_customer_id, sizeof(u->stripe_customer_id)))
        u->stripe_customer_id[0] = '\0';
    s = FIRST_UTF8(doc, subscription, &len);
    if (!copy_str(s, len, u->stripe_subscription_id, sizeof(u->stripe_subscription_id)))
        u->stripe_subscription_id[0] = '\0';
}

static int64_t map_created_at(const bson_t *doc)
{
    bson_iter_t it;

    if (bson_iter_init_find(&it, doc, "createdAt") && BSON_ITER_HOLDS_DATE_TIME(&it))
        return bson_iter_date_time(&it);
    return 0;
}

static enum cv_status map_fields(const bson_t *doc, struct user_import_record *rec,
                                 struct cv_error *err)
{
    static const char *const email[] = { "email" };
    static const char *const hash[] = { "password", "passwordHash", "hashedPassword" };
    struct cv_user *u = &rec->user;
    const char *s;
    uint32_t len = 0;
    bson_iter_t it;

    if (bson_iter_init_find(&it, doc, "_id") && BSON_ITER_HOLDS_OID(&it))
        bson_oid_to_string(bson_iter_oid(&it), rec->id);
    s = FIRST_UTF8(doc, email, &len);
    if (s == NULL)
        return cv_error_set(err, CV_ERR_INVALID, "no email");
    if (len > USER_IMPORT_FIELD_MAX_BYTES ||
        !account_email_normalize(s, len, u->email, sizeof(u->email)))
        return cv_error_set(err, CV_ERR_INVALID, "email is not a valid address");
    s = FIRST_UTF8(doc, hash, &len);
    if (s == NULL)
        return cv_error_set(err, CV_ERR_INVALID, "no password hash");
    if (!copy_str(s, len, u->password_hash, sizeof(u->password_hash)) ||
        (!password_is_bcrypt(u->password_hash) && !is_argon2id(u->password_hash)))
        return cv_error_set(err, CV_ERR_INVALID,
                            "password is not a bcrypt ($2a$, $2b$, $2y$) or argon2id hash");
    if (map_name(doc, u, err) != CV_OK)
        return CV_ERR_INVALID;
    u->plan = map_plan(doc);
    map_stripe(doc, u);
    u->created_at_ms = map_created_at(doc);
    return CV_OK;
}

enum cv_status user_import_parse(const char *line, size_t len, struct user_import_record *rec,
                                 struct cv_error *err)
{
    bson_error_t berr;
    bson_t *doc;
    enum cv_status st;

    memset(rec, 0, sizeof(*rec));
    if (len > USER_IMPORT_LINE_MAX_BYTES)
        return cv_error_set(err, CV_ERR_INVALID, "line longer than %d bytes",
                            USER_IMPORT_LINE_MAX_BYTES);
    doc = bson_new_from_json((const uint8_t *)line, (ssize_t)len, &berr);
    if (doc == NULL)
        return cv_error_set(err, CV_ERR_INVALID, "not a JSON object: %.120s", berr.message);
    st = map_fields(doc, rec, err);
    bson_destroy(doc);
    if (st != CV_OK)
        memset(rec, 0, sizeof(*rec));
    return st;
}
