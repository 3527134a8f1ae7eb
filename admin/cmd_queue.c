/*
 * cmd_queue.c (admin/) - `cv-admin queue stats`: what the analysis queue
 * holds now (the same counts /api/metrics exports).
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "queue.h"

static enum admin_exit queue_stats(struct admin_env *env)
{
    struct queue_stats q;
    struct cv_error err;

    cv_error_clear(&err);
    if (cv_queue_stats(env->ctx.redis, &q, &err) != CV_OK) {
        fprintf(stderr, "cv-admin: queue stats: %s\n", err.message);
        return ADMIN_EXIT_FAILED;
    }
    if (env->json)
        printf("{\"depth\":%lld,\"pending\":%lld,\"delayed\":%lld,\"deadLetters\":%lld}\n",
               q.depth, q.pending, q.delayed, q.dead);
    else
        printf("%-14s %lld\n%-14s %lld\n%-14s %lld\n%-14s %lld\n", "depth", q.depth,
               "pending", q.pending, "delayed", q.delayed, "dead letters", q.dead);
    return ADMIN_EXIT_OK;
}

static enum admin_exit queue_run(struct admin_env *env, int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "stats") == 0)
        return queue_stats(env);
    return admin_usage_error("usage: cv-admin queue stats");
}

const struct admin_command admin_cmd_queue = {
    .group = "queue",
    .usage = "  queue stats                  jobs queued, pending, delayed, dead letters\n",
    .run = queue_run,
};
