/*
 * cmd_check.c (admin/) - `cv-admin check`: the invariant checker of
 * integrity.h over the whole stack (MongoDB, Redis, the file storage).
 * Prints each problem (a table, or JSON with --json) and exits 1 when it
 * found any, 0 when none.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "integrity.h"
#include "timefmt.h"

/* A JSON string of s (ids and details are ASCII we wrote, but quote
 * anything anyway). */
static void json_string(const char *s)
{
    putchar('"');
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void print_json(const struct integrity_report *r)
{
    size_t i;

    printf("{\"problems\":[");
    for (i = 0; i < r->kept; i++) {
        printf("%s{\"kind\":\"%s\",\"id\":", i ? "," : "", integrity_kind_name(r->problems[i].kind));
        json_string(r->problems[i].id);
        printf(",\"detail\":");
        json_string(r->problems[i].detail);
        putchar('}');
    }
    printf("],\"total\":%zu,\"scanned\":{\"analyses\":%lld,\"users\":%lld,\"files\":%lld,"
           "\"liveJobs\":%lld,\"quotaSlots\":%lld,\"stripeEvents\":%lld,\"storage\":%s}}\n",
           r->total, r->analyses, r->users, r->files, r->live_jobs, r->slots, r->events,
           r->storage_scanned ? "true" : "false");
}

static void print_table(const struct integrity_report *r)
{
    size_t i;

    if (r->kept > 0)
        printf("%-24s %-32s %s\n", "KIND", "ID", "DETAIL");
    for (i = 0; i < r->kept; i++)
        printf("%-24s %-32s %s\n", integrity_kind_name(r->problems[i].kind), r->problems[i].id,
               r->problems[i].detail);
    printf("%zu problems%s (scanned %lld analyses, %lld users, %lld stored files%s, "
           "%lld live jobs, %lld quota slots, %lld users' Stripe events)\n",
           r->total, r->total > r->kept ? ", the first ones shown" : "", r->analyses, r->users,
           r->files, r->storage_scanned ? "" : " (S3: not listed)", r->live_jobs, r->slots,
           r->events);
}

static enum admin_exit check_run(struct admin_env *env, int argc, char **argv)
{
    struct integrity_report report;
    struct cv_error err;
    enum admin_exit rc;

    (void)argv;
    if (argc != 1)
        return admin_usage_error("usage: cv-admin check");
    cv_error_clear(&err);
    if (integrity_check(&env->ctx, cv_time_now_ms(), &report, &err) != CV_OK) {
        fprintf(stderr, "cv-admin: check: %s\n", err.message);
        integrity_report_free(&report);
        return ADMIN_EXIT_FAILED;
    }
    if (env->json)
        print_json(&report);
    else
        print_table(&report);
    rc = report.total > 0 ? ADMIN_EXIT_FAILED : ADMIN_EXIT_OK;
    integrity_report_free(&report);
    return rc;
}

const struct admin_command admin_cmd_check = {
    .group = "check",
    .usage = "  check                        report broken invariants (exit 1 when any)\n",
    .run = check_run,
};
