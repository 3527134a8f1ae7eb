/*
 * cmd_storage.c (admin/) - `cv-admin storage migrate --from A --to B`:
 * move every stored CV file between the local directory and the S3
 * bucket while the services run (file_migration.h does the moving).
 * Progress goes to stderr (a bar on a terminal, a line per file
 * otherwise), the summary to stdout.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "admin.h"
#include "file_migration.h"
#include "storage.h"

#define STORAGE_USAGE                                                                        \
    "usage: cv-admin storage migrate --from local|s3 --to s3|local [--dry-run] [--limit N]"
#define PROGRESS_BAR_WIDTH 30
/* A plain progress line for these records too, every so many scanned. */
#define PROGRESS_QUIET_EVERY 1000

struct progress {
    bool tty;
};

static void progress_bar(const struct file_migration_report *r)
{
    int64_t total = r->total > r->scanned ? r->total : r->scanned;
    int filled = total > 0 ? (int)(r->scanned * PROGRESS_BAR_WIDTH / total) : PROGRESS_BAR_WIDTH;
    char bar[PROGRESS_BAR_WIDTH + 1];

    memset(bar, '#', (size_t)filled);
    memset(bar + filled, '.', (size_t)(PROGRESS_BAR_WIDTH - filled));
    bar[PROGRESS_BAR_WIDTH] = '\0';
    fprintf(stderr, "\r[%s] %" PRId64 "/%" PRId64 " records, %" PRId64 " moved, %.1f MiB, %"
            PRId64 " failed ", bar, r->scanned, total, r->moved,
            (double)r->bytes / (1024.0 * 1024.0), r->failed);
    fflush(stderr);
}

static void on_progress(void *arg, const struct file_migration_report *r, const char *id,
                        const char *what)
{
    const struct progress *p = arg;
    bool quiet = strcmp(what, "already") == 0 || strcmp(what, "skipped") == 0;

    if (p->tty) {
        progress_bar(r);
        return;
    }
    if (quiet && r->scanned % PROGRESS_QUIET_EVERY != 0)
        return;
    fprintf(stderr, "storage migrate: %" PRId64 "/%" PRId64 " %s %s (%" PRId64 " moved)\n",
            r->scanned, r->total, id, what, r->moved);
    fflush(stderr);
}

static void print_summary(const struct file_migration_opts *o,
                          const struct file_migration_report *r)
{
    size_t i;

    printf("%-18s %s\n%-18s %s\n", "from", storage_kind_name(o->from), "to",
           storage_kind_name(o->to));
    printf("%-18s %" PRId64 "\n", "records", r->scanned);
    printf("%-18s %" PRId64 "%s\n", o->dry_run ? "would move" : "moved", r->moved,
           r->limited ? " (stopped at --limit)" : "");
    printf("%-18s %" PRId64 "\n", "bytes", r->bytes);
    printf("%-18s %" PRId64 "\n", "already there", r->already);
    printf("%-18s %" PRId64 "\n", "recovered", r->recovered);
    printf("%-18s %" PRId64 "\n", "deleted meanwhile", r->gone);
    printf("%-18s %" PRId64 "\n", "busy", r->busy);
    printf("%-18s %" PRId64 "\n", "failed", r->failed);
    for (i = 0; i < r->nfailures; i++)
        printf("  %s  %s\n", r->failures[i].id, r->failures[i].reason);
    if (r->busy > 0 || r->failed > 0)
        puts("run the same command again once the causes are fixed: moved files are skipped");
}

static void print_json(const struct file_migration_opts *o, const struct file_migration_report *r)
{
    json_object *out = json_object_new_object(), *failures = json_object_new_array();
    size_t i;

    json_object_object_add(out, "from", json_object_new_string(storage_kind_name(o->from)));
    json_object_object_add(out, "to", json_object_new_string(storage_kind_name(o->to)));
    json_object_object_add(out, "dryRun", json_object_new_boolean(o->dry_run));
    json_object_object_add(out, "records", json_object_new_int64(r->scanned));
    json_object_object_add(out, "moved", json_object_new_int64(r->moved));
    json_object_object_add(out, "bytes", json_object_new_int64(r->bytes));
    json_object_object_add(out, "alreadyThere", json_object_new_int64(r->already));
    json_object_object_add(out, "recovered", json_object_new_int64(r->recovered));
    json_object_object_add(out, "deletedMeanwhile", json_object_new_int64(r->gone));
    json_object_object_add(out, "busy", json_object_new_int64(r->busy));
    json_object_object_add(out, "failed", json_object_new_int64(r->failed));
    json_object_object_add(out, "limited", json_object_new_boolean(r->limited));
    for (i = 0; i < r->nfailures; i++) {
        json_object *f = json_object_new_object();
        json_object_object_add(f, "id", json_object_new_string(r->failures[i].id));
        json_object_object_add(f, "reason", json_object_new_string(r->failures[i].reason));
        json_object_array_add(failures, f);
    }
    json_object_object_add(out, "failures", failures);
    admin_print_json(out);
}

/* Parse the arguments after "migrate" into o. */
static enum admin_exit parse_migrate(int argc, char **argv, struct file_migration_opts *o)
{
    bool have_from = false, have_to = false;
    int i;

    for (i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--dry-run") == 0) {
            o->dry_run = true;
        } else if ((strcmp(a, "--from") == 0 || strcmp(a, "--to") == 0) && i + 1 < argc) {
            bool from = strcmp(a, "--from") == 0;
            if (!storage_kind_parse(argv[++i], from ? &o->from : &o->to))
                return admin_usage_error("%s: unknown storage \"%.32s\" (local or s3)", a,
                                         argv[i]);
            *(from ? &have_from : &have_to) = true;
        } else if (strcmp(a, "--limit") == 0 && i + 1 < argc) {
            char *end;
            errno = 0;
            o->limit = strtoll(argv[++i], &end, 10);
            if (errno != 0 || *end != '\0' || end == argv[i] || o->limit < 1)
                return admin_usage_error("--limit: expected a number of files, 1 or more");
        } else {
            return admin_usage_error("%s", STORAGE_USAGE);
        }
    }
    if (!have_from || !have_to)
        return admin_usage_error("%s", STORAGE_USAGE);
    if (o->from == o->to)
        return admin_usage_error("--from and --to are both %s: nothing to move",
                                 storage_kind_name(o->from));
    return ADMIN_EXIT_OK;
}

static enum admin_exit storage_migrate(struct admin_env *env, int argc, char **argv)
{
    struct file_migration_opts o;
    struct file_migration_report *r;
    struct progress p;
    struct cv_error err;
    enum admin_exit rc;
    enum cv_status st;

    memset(&o, 0, sizeof(o));
    rc = parse_migrate(argc, argv, &o);
    if (rc != ADMIN_EXIT_OK)
        return rc;
    p.tty = isatty(STDERR_FILENO) == 1;
    o.progress = on_progress;
    o.progress_arg = &p;
    r = malloc(sizeof(*r));
    if (r == NULL) {
        fputs("cv-admin: out of memory\n", stderr);
        return ADMIN_EXIT_FAILED;
    }
    cv_error_clear(&err);
    st = file_migration_run(&env->ctx, &o, r, &err);
    if (p.tty && r->scanned > 0)
        fputc('\n', stderr);
    if (st == CV_ERR_CONFIG || st == CV_ERR_INVALID) {
        free(r);
        return admin_usage_error("storage migrate: %s", err.message);
    }
    if (st != CV_OK)
        fprintf(stderr, "cv-admin: storage migrate: %s\n", err.message);
    if (st == CV_OK || r->scanned > 0 || r->recovered > 0) {
        if (env->json)
            print_json(&o, r);
        else
            print_summary(&o, r);
    }
    rc = st == CV_OK && r->failed == 0 && r->busy == 0 ? ADMIN_EXIT_OK : ADMIN_EXIT_FAILED;
    free(r);
    return rc;
}

static enum admin_exit storage_run(struct admin_env *env, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "migrate") == 0)
        return storage_migrate(env, argc - 2, argv + 2);
    return admin_usage_error("%s", STORAGE_USAGE);
}

const struct admin_command admin_cmd_storage = {
    .group = "storage",
    .usage = "  storage migrate --from A --to B [--dry-run] [--limit N]\n"
             "                               move stored files between local and s3\n",
    .run = storage_run,
};
