/*
 * cmd_dead_letters.c (admin/) - `cv-admin dead-letters list|replay|drop`:
 * the jobs that ran out of attempts (what BullMQ's UI shows as failed
 * jobs). Replaying queues the failed analysis again and then removes the
 * entry; dropping only removes the entry (the analysis stays failed).
 *
 * Every entry id given is checked before anything is changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "admin.h"
#include "dead_letters.h"

#define DEAD_LETTERS_DEFAULT_LIMIT 100

static const char DL_USAGE[] =
    "usage: cv-admin dead-letters list [--after ENTRY] [--limit N] | replay ENTRY...|--all"
    " | drop ENTRY...";

static enum admin_exit dl_list(struct admin_env *env, int argc, char **argv)
{
    struct dead_letter *items;
    const char *after = NULL;
    struct cv_error err;
    json_object *arr, *o;
    char *end;
    long limit = DEAD_LETTERS_DEFAULT_LIMIT;
    size_t n, i;
    int a;

    for (a = 2; a < argc; a += 2) {
        if (a + 1 >= argc)
            return admin_usage_error("%s", DL_USAGE);
        if (strcmp(argv[a], "--after") == 0 && dead_letter_id_valid(argv[a + 1])) {
            after = argv[a + 1];
        } else if (strcmp(argv[a], "--limit") == 0) {
            limit = strtol(argv[a + 1], &end, 10);
            if (*end != '\0' || limit < 1 || limit > DEAD_LETTERS_LIST_MAX)
                return admin_usage_error("--limit: a number from 1 to %d",
                                         DEAD_LETTERS_LIST_MAX);
        } else {
            return admin_usage_error("%s", DL_USAGE);
        }
    }
    items = calloc((size_t)limit, sizeof(*items));
    if (items == NULL)
        return ADMIN_EXIT_FAILED;
    cv_error_clear(&err);
    if (dead_letters_list(env->ctx.redis, after, items, (size_t)limit, &n, &err) != CV_OK) {
        fprintf(stderr, "cv-admin: dead letters: %s\n", err.message);
        free(items);
        return ADMIN_EXIT_FAILED;
    }
    if (env->json) {
        arr = json_object_new_array();
        for (i = 0; i < n; i++) {
            o = json_object_new_object();
            json_object_object_add(o, "entry", json_object_new_string(items[i].job.entry_id));
            json_object_object_add(o, "analysisId",
                                   json_object_new_string(items[i].job.analysis_id));
            json_object_object_add(o, "requestId",
                                   json_object_new_string(items[i].job.request_id));
            json_object_object_add(o, "reason", json_object_new_string(items[i].reason));
            json_object_array_add(arr, o);
        }
        o = json_object_new_object();
        json_object_object_add(o, "deadLetters", arr);
        admin_print_json(o);
    } else {
        printf("%-22s %-24s %s\n", "ENTRY", "ANALYSIS", "REASON");
        for (i = 0; i < n; i++)
            printf("%-22s %-24s %s\n", items[i].job.entry_id, items[i].job.analysis_id,
                   items[i].reason);
        printf("%zu dead letter%s%s\n", n, n == 1 ? "" : "s",
               n == (size_t)limit ? " (more may follow: --after the last entry)" : "");
    }
    free(items);
    return ADMIN_EXIT_OK;
}

/* Replay one entry: requeue its analysis, then remove the entry. */
static enum admin_exit dl_replay_one(struct admin_env *env, const char *entry)
{
    struct dead_letter d;
    struct cv_error err;
    enum cv_status st;

    cv_error_clear(&err);
    st = dead_letters_get(env->ctx.redis, entry, &d, &err);
    if (st != CV_OK) {
        fprintf(stderr, "cv-admin: replay %s: %s\n", entry, err.message);
        return ADMIN_EXIT_FAILED;
    }
    if (admin_requeue_analysis(env, d.job.analysis_id, entry) != ADMIN_EXIT_OK)
        return ADMIN_EXIT_FAILED;   /* the entry stays: drop it if it is moot */
    st = dead_letters_drop(env->ctx.redis, entry, &err);
    if (st != CV_OK && st != CV_ERR_NOT_FOUND) {
        fprintf(stderr, "cv-admin: replay %s: queued, but the entry stays: %s\n", entry,
                err.message);
        return ADMIN_EXIT_FAILED;
    }
    printf(env->json ? "{\"entry\":\"%s\",\"analysisId\":\"%s\",\"replayed\":true}\n"
                     : "%s: analysis %s queued again\n", entry, d.job.analysis_id);
    return ADMIN_EXIT_OK;
}

static enum admin_exit dl_replay_all(struct admin_env *env)
{
    struct dead_letter batch[DEAD_LETTERS_DEFAULT_LIMIT];
    char after[sizeof(batch[0].job.entry_id)] = "";
    enum admin_exit rc = ADMIN_EXIT_OK;
    struct cv_error err;
    size_t n, i;

    cv_error_clear(&err);
    do {
        if (dead_letters_list(env->ctx.redis, after, batch, DEAD_LETTERS_DEFAULT_LIMIT, &n,
                              &err) != CV_OK) {
            fprintf(stderr, "cv-admin: dead letters: %s\n", err.message);
            return ADMIN_EXIT_FAILED;
        }
        for (i = 0; i < n; i++)
            if (dl_replay_one(env, batch[i].job.entry_id) != ADMIN_EXIT_OK)
                rc = ADMIN_EXIT_FAILED;
        if (n > 0)
            memcpy(after, batch[n - 1].job.entry_id, sizeof(after));
    } while (n == DEAD_LETTERS_DEFAULT_LIMIT);
    return rc;
}

static enum admin_exit dl_each(struct admin_env *env, int argc, char **argv, bool replay)
{
    enum admin_exit rc = ADMIN_EXIT_OK;
    struct cv_error err;
    int a;

    for (a = 2; a < argc; a++)
        if (!dead_letter_id_valid(argv[a]))
            return admin_usage_error("\"%.48s\" is not an entry id (MS-SEQ, from list)", argv[a]);
    for (a = 2; a < argc; a++) {
        if (replay) {
            if (dl_replay_one(env, argv[a]) != ADMIN_EXIT_OK)
                rc = ADMIN_EXIT_FAILED;
            continue;
        }
        cv_error_clear(&err);
        if (dead_letters_drop(env->ctx.redis, argv[a], &err) != CV_OK) {
            fprintf(stderr, "cv-admin: drop %s: %s\n", argv[a], err.message);
            rc = ADMIN_EXIT_FAILED;
        } else {
            printf(env->json ? "{\"entry\":\"%s\",\"dropped\":true}\n" : "%s: dropped\n",
                   argv[a]);
        }
    }
    return rc;
}

static enum admin_exit dl_run(struct admin_env *env, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "list") == 0)
        return dl_list(env, argc, argv);
    if (argc == 3 && strcmp(argv[1], "replay") == 0 && strcmp(argv[2], "--all") == 0)
        return dl_replay_all(env);
    if (argc >= 3 && strcmp(argv[1], "replay") == 0)
        return dl_each(env, argc, argv, true);
    if (argc >= 3 && strcmp(argv[1], "drop") == 0)
        return dl_each(env, argc, argv, false);
    return admin_usage_error("%s", DL_USAGE);
}

const struct admin_command admin_cmd_dead_letters = {
    .group = "dead-letters",
    .usage = "  dead-letters list [--after ENTRY] [--limit N]\n"
             "                               jobs out of attempts, oldest first\n"
             "  dead-letters replay ENTRY...|--all\n"
             "                               queue their analyses again, remove the entries\n"
             "  dead-letters drop ENTRY...   remove entries (the analyses stay failed)\n",
    .run = dl_run,
};
