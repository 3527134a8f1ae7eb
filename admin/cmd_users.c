/*
 * cmd_users.c (admin/) - `cv-admin users ...`: look at one account, change
 * its plan, erase it, and import accounts exported from the Express
 * backend (mongoexport JSON lines; the mapping is in user_import.h).
 *
 * Every command checks its arguments before writing anything; an import
 * line that cannot be used is skipped and reported, never half-written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "account_rules.h"
#include "admin.h"
#include "billing.h"
#include "erasure.h"
#include "quota.h"
#include "timefmt.h"
#include "user_import.h"
#include "user_repo.h"

/* Lines reported one by one in the table; the summary counts them all. */
#define USERS_IMPORT_REPORT_MAX_LINES 1000

static const char USERS_USAGE[] =
    "usage: cv-admin users show EMAIL | set-plan EMAIL free|pro | erase EMAIL | import FILE";

/* The account of email (argument as typed), or an exit status. */
static enum admin_exit users_find(struct admin_env *env, const char *arg, struct cv_user *u)
{
    char email[ACCOUNT_EMAIL_MAX_BYTES + 1];
    struct cv_error err;
    enum cv_status st;

    if (!account_email_normalize(arg, strlen(arg), email, sizeof(email)))
        return admin_usage_error("\"%.64s\" is not a valid email address", arg);
    cv_error_clear(&err);
    st = user_repo_find_by_email(&env->ctx, email, u, &err);
    if (st == CV_ERR_NOT_FOUND) {
        fprintf(stderr, "cv-admin: no account with email %s\n", email);
        return ADMIN_EXIT_FAILED;
    }
    if (st != CV_OK) {
        fprintf(stderr, "cv-admin: finding %s: %s\n", email, err.message);
        return ADMIN_EXIT_FAILED;
    }
    return ADMIN_EXIT_OK;
}

static const char *hash_kind(const char *hash)
{
    if (password_is_bcrypt(hash))
        return "bcrypt";
    return strncmp(hash, "$argon2id$", 10) == 0 ? "argon2id" : "unknown";
}

static enum admin_exit users_show(struct admin_env *env, const char *arg)
{
    char created[CV_TIME_RFC3339_SIZE], period[CV_TIME_RFC3339_SIZE];
    struct cv_user u;
    struct cv_error err;
    int64_t month_ms;
    int used;
    enum admin_exit rc;
    json_object *o;

    rc = users_find(env, arg, &u);
    if (rc != ADMIN_EXIT_OK)
        return rc;
    cv_error_clear(&err);
    if (quota_usage(&env->ctx, u.id, cv_time_now_ms(), &month_ms, &used, &err) != CV_OK) {
        fprintf(stderr, "cv-admin: counting the analyses of %s: %s\n", u.email, err.message);
        return ADMIN_EXIT_FAILED;
    }
    cv_time_rfc3339(u.created_at_ms, created, sizeof(created));
    cv_time_rfc3339(month_ms, period, sizeof(period));
    if (env->json) {
        o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_string(u.id));
        json_object_object_add(o, "email", json_object_new_string(u.email));
        json_object_object_add(o, "name", json_object_new_string(u.name));
        json_object_object_add(o, "plan", json_object_new_string(cv_plan_name(u.plan)));
        json_object_object_add(o, "createdAt", json_object_new_string(created));
        json_object_object_add(o, "usagePeriodStart", json_object_new_string(period));
        json_object_object_add(o, "analysesUsed", json_object_new_int(used));
        json_object_object_add(o, "stripeCustomerId",
                               u.stripe_customer_id[0] != '\0'
                                   ? json_object_new_string(u.stripe_customer_id) : NULL);
        json_object_object_add(o, "paymentFailed", json_object_new_boolean(u.payment_failed));
        json_object_object_add(o, "passwordHash", json_object_new_string(hash_kind(u.password_hash)));
        admin_print_json(o);
        return ADMIN_EXIT_OK;
    }
    printf("%-16s %s\n%-16s %s\n%-16s %s\n%-16s %s\n%-16s %s\n%-16s %d since %s\n"
           "%-16s %s\n%-16s %s\n%-16s %s\n",
           "id", u.id, "email", u.email, "name", u.name, "plan", cv_plan_name(u.plan),
           "created", created, "analyses used", used, period, "stripe customer",
           u.stripe_customer_id[0] != '\0' ? u.stripe_customer_id : "-", "payment failed",
           u.payment_failed ? "yes" : "no", "password hash", hash_kind(u.password_hash));
    return ADMIN_EXIT_OK;
}

static enum admin_exit users_set_plan(struct admin_env *env, const char *arg, const char *plan)
{
    struct cv_user u;
    struct cv_error err;
    enum cv_plan want;
    enum admin_exit rc;

    if (strcmp(plan, "free") == 0)
        want = CV_PLAN_FREE;
    else if (strcmp(plan, "pro") == 0)
        want = CV_PLAN_PRO;
    else
        return admin_usage_error("unknown plan \"%.32s\" (free or pro)", plan);
    rc = users_find(env, arg, &u);
    if (rc != ADMIN_EXIT_OK)
        return rc;
    cv_error_clear(&err);
    if (billing_set_plan(&env->ctx, u.id, want, &err) != CV_OK) {
        fprintf(stderr, "cv-admin: setting the plan of %s: %s\n", u.email, err.message);
        return ADMIN_EXIT_FAILED;
    }
    if (env->json)
        printf("{\"id\":\"%s\",\"plan\":\"%s\",\"previous\":\"%s\"}\n", u.id, cv_plan_name(want),
               cv_plan_name(u.plan));
    else
        printf("%s: plan %s -> %s\n", u.email, cv_plan_name(u.plan), cv_plan_name(want));
    return ADMIN_EXIT_OK;
}

/* Like DELETE /api/auth/me without the password: analyses and files
 * first, so a failure leaves an account whose erasure can be run again. */
static enum admin_exit users_erase(struct admin_env *env, const char *arg)
{
    struct cv_user u;
    struct cv_error err;
    enum cv_status st;
    enum admin_exit rc;

    rc = users_find(env, arg, &u);
    if (rc != ADMIN_EXIT_OK)
        return rc;
    cv_error_clear(&err);
    st = erasure_delete_user_data(&env->ctx, u.id, &err);
    if (st == CV_OK) {
        st = user_repo_delete(&env->ctx, u.id, &err);
        if (st == CV_ERR_NOT_FOUND)
            st = CV_OK;
    }
    if (st != CV_OK) {
        fprintf(stderr, "cv-admin: erasing %s: %s (run it again)\n", u.email, err.message);
        return ADMIN_EXIT_FAILED;
    }
    if (env->json)
        printf("{\"id\":\"%s\",\"erased\":true}\n", u.id);
    else
        printf("%s (%s) erased with its analyses and files\n", u.email, u.id);
    return ADMIN_EXIT_OK;
}

/* ---- import ---------------------------------------------------------------- */

struct import_report {
    long imported, present, refused;
    json_object *skipped;       /* [{"line","reason"}], for --json */
};

static void import_skip(struct admin_env *env, struct import_report *r, long line,
                        const char *reason)
{
    json_object *o;

    if (env->json) {
        o = json_object_new_object();
        json_object_object_add(o, "line", json_object_new_int64(line));
        json_object_object_add(o, "reason", json_object_new_string(reason));
        json_object_array_add(r->skipped, o);
    } else if (r->present + r->refused <= USERS_IMPORT_REPORT_MAX_LINES) {
        printf("line %-6ld skipped: %s\n", line, reason);
    }
}

/* One line: CV_OK whether imported or skipped; another status stops. */
static enum cv_status import_line(struct admin_env *env, struct import_report *r, long lineno,
                                  const char *line, size_t len, struct cv_error *err)
{
    struct user_import_record rec;
    struct cv_user existing;
    char reason[CV_ERROR_MESSAGE_MAX + 64];
    enum cv_status st;

    if (user_import_parse(line, len, &rec, err) != CV_OK) {
        r->refused++;
        import_skip(env, r, lineno, err->message);
        cv_error_clear(err);
        return CV_OK;
    }
    st = user_repo_find_by_email(&env->ctx, rec.user.email, &existing, err);
    if (st == CV_ERR_NOT_FOUND) {
        cv_error_clear(err);
        st = user_repo_insert_imported(&env->ctx, rec.id, &rec.user, err);
        if (st == CV_OK) {
            r->imported++;
            sodium_memzero(&rec, sizeof(rec));
            return CV_OK;
        }
        if (st != CV_ERR_EMAIL_TAKEN)
            return st;
        (void)snprintf(reason, sizeof(reason), "%s: the email or the id %s exists",
                       rec.user.email, rec.id[0] != '\0' ? rec.id : "-");
        r->refused++;
    } else if (st == CV_OK) {
        (void)snprintf(reason, sizeof(reason), "%s: already present (id %s)", rec.user.email,
                       existing.id);
        r->present++;
    } else {
        return st;
    }
    import_skip(env, r, lineno, reason);
    cv_error_clear(err);
    sodium_memzero(&rec, sizeof(rec));
    return CV_OK;
}

static enum admin_exit users_import(struct admin_env *env, const char *path)
{
    struct import_report r = { 0, 0, 0, NULL };
    struct cv_error err;
    enum cv_status st = CV_OK;
    json_object *o;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    bool from_stdin;
    FILE *f;

    from_stdin = strcmp(path, "-") == 0;
    f = from_stdin ? stdin : fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "cv-admin: %s: %s\n", path, strerror(errno));
        return ADMIN_EXIT_USAGE;
    }
    cv_error_clear(&err);
    st = user_repo_ensure_schema(&env->ctx, &err);   /* the unique email index */
    r.skipped = json_object_new_array();
    while (st == CV_OK && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (strspn(line, " \t") == (size_t)n)
            continue;   /* blank */
        st = import_line(env, &r, lineno, line, (size_t)n, &err);
    }
    if (st == CV_OK && ferror(f))
        st = cv_error_set(&err, CV_ERR_IO, "reading %s: %s", path, strerror(errno));
    free(line);
    if (!from_stdin)
        fclose(f);
    if (env->json) {
        o = json_object_new_object();
        json_object_object_add(o, "imported", json_object_new_int64(r.imported));
        json_object_object_add(o, "alreadyPresent", json_object_new_int64(r.present));
        json_object_object_add(o, "refused", json_object_new_int64(r.refused));
        json_object_object_add(o, "skipped", r.skipped);
        json_object_object_add(o, "complete", json_object_new_boolean(st == CV_OK));
        admin_print_json(o);
    } else {
        json_object_put(r.skipped);
        printf("imported %ld, already present %ld, refused %ld\n", r.imported, r.present,
               r.refused);
    }
    if (st != CV_OK) {
        fprintf(stderr, "cv-admin: import stopped at line %ld: %s (run it again)\n", lineno,
                err.message);
        return ADMIN_EXIT_FAILED;
    }
    return r.refused > 0 ? ADMIN_EXIT_FAILED : ADMIN_EXIT_OK;
}

static enum admin_exit users_run(struct admin_env *env, int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "show") == 0)
        return users_show(env, argv[2]);
    if (argc == 4 && strcmp(argv[1], "set-plan") == 0)
        return users_set_plan(env, argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "erase") == 0)
        return users_erase(env, argv[2]);
    if (argc == 3 && strcmp(argv[1], "import") == 0)
        return users_import(env, argv[2]);
    return admin_usage_error("%s", USERS_USAGE);
}

const struct admin_command admin_cmd_users = {
    .group = "users",
    .usage = "  users show EMAIL             one account: plan, usage, Stripe link, hash kind\n"
             "  users set-plan EMAIL PLAN    set the plan (free or pro) by hand\n"
             "  users erase EMAIL            erase the account, its analyses and files\n"
             "  users import FILE.jsonl      accounts from a mongoexport of the Express users\n",
    .run = users_run,
};
