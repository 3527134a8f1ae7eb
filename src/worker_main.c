/*
 * worker_main.c - cv-worker: consumes analysis jobs from Redis.
 *
 *   cv-worker [--env-file PATH] [--check-config] [--version]
 *
 * This version connects to MongoDB and Redis, makes sure the consumer
 * group exists, reports dependency changes, and sweeps: an analysis
 * recorded but never queued (a crash between the two steps of an upload)
 * is queued again. SIGTERM or SIGINT stops it cleanly (exit 0). Job
 * processing builds on this loop.
 */
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "analysis_service.h"
#include "config.h"
#include "db.h"
#include "cv_limits.h"
#include "log.h"
#include "queue.h"
#include "redis_conn.h"
#include "timefmt.h"
#include "version.h"

extern char **environ;

static volatile sig_atomic_t worker_stop;

static void worker_on_signal(int sig)
{
    (void)sig;
    worker_stop = 1;
}

/* Check both dependencies; log only when their state changes. */
static void worker_check_deps(const struct cv_config *cfg, mongoc_client_t *mongo,
                              struct cv_redis *redis, bool *was_ok)
{
    struct cv_error err;
    bool ok;

    cv_error_clear(&err);
    ok = cv_db_ping(mongo, cfg->mongodb_db, &err) == CV_OK &&
         cv_queue_ensure_group(redis, &err) == CV_OK;
    if (ok && !*was_ok)
        cv_log(CV_LOG_INFO, NULL, "connected to MongoDB and Redis; waiting for jobs on %s",
               CV_QUEUE_STREAM);
    else if (!ok && *was_ok)
        cv_log_error_detail(CV_LOG_WARN, NULL, err.message, "a dependency is unavailable");
    *was_ok = ok;
}

/* Queue again what an upload recorded but never queued. */
static void worker_sweep(const struct cv_config *cfg, mongoc_client_t *mongo,
                         struct cv_redis *redis)
{
    struct cv_ctx ctx = { cfg, mongo, redis, NULL };
    struct cv_error err;
    size_t n = 0;

    cv_error_clear(&err);
    if (analysis_requeue_stranded(&ctx, cv_time_now_ms() - CV_WORKER_STRANDED_AFTER_MS, &n,
                                  &err) != CV_OK)
        cv_log_error_detail(CV_LOG_WARN, NULL, err.message, "sweep failed; will retry");
    else if (n > 0)
        cv_log(CV_LOG_INFO, NULL, "sweep queued %zu stranded analyses", n);
}

static int worker_run(const struct cv_config *cfg)
{
    mongoc_client_pool_t *pool;
    mongoc_client_t *mongo;
    struct cv_redis redis;
    struct cv_error err;
    bool deps_ok = true;   /* so the first failure is logged */
    int ticks = 0;

    cv_db_global_init();
    cv_error_clear(&err);
    pool = cv_db_pool_create(cfg, &err);
    if (pool == NULL) {
        cv_log_error_detail(CV_LOG_ERROR, NULL, err.message, "MongoDB pool");
        cv_db_global_cleanup();
        return 1;
    }
    mongo = mongoc_client_pool_pop(pool);
    cv_redis_init(&redis, cfg);
    deps_ok = false;
    worker_check_deps(cfg, mongo, &redis, &deps_ok);
    while (!worker_stop) {
        struct timespec pause = { CV_WORKER_POLL_MS / 1000, (CV_WORKER_POLL_MS % 1000) * 1000000L };

        nanosleep(&pause, NULL);   /* a signal cuts it short */
        if (++ticks % 5 == 0)
            worker_check_deps(cfg, mongo, &redis, &deps_ok);
        if (deps_ok && ticks % CV_WORKER_SWEEP_EVERY_POLLS == 0)
            worker_sweep(cfg, mongo, &redis);
    }
    cv_log(CV_LOG_INFO, NULL, "cv-worker stopping");
    cv_redis_close(&redis);
    mongoc_client_pool_push(pool, mongo);
    mongoc_client_pool_destroy(pool);
    cv_db_global_cleanup();
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "env-file", required_argument, NULL, 'e' },
        { "check-config", no_argument, NULL, 'c' },
        { "version", no_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *env_arg = NULL, *env_path;
    struct cv_config cfg;
    struct cv_error err;
    struct sigaction sa;
    bool required;
    int check_only = 0, c, rc;

    while ((c = getopt_long(argc, argv, "e:cVh", opts, NULL)) != -1) {
        switch (c) {
        case 'e': env_arg = optarg; break;
        case 'c': check_only = 1; break;
        case 'V': printf("cv-worker %s\n", CV_VERSION); return 0;
        case 'h':
            printf("usage: cv-worker [--env-file PATH] [--check-config] [--version]\n");
            return 0;
        default:
            fprintf(stderr, "usage: cv-worker [--env-file PATH] [--check-config] [--version]\n");
            return 2;
        }
    }
    env_path = cv_config_env_file_path(env_arg, &required);
    if (cv_config_load(&cfg, env_path, required, environ, &err) != CV_OK) {
        cv_config_report(&err, "cv-worker");
        if (check_only)
            fprintf(stderr, "cv-worker: configuration test failed\n");
        return 1;
    }
    if (check_only) {
        printf("cv-worker: configuration is valid (APP_ENV=%s, WORKER_CONCURRENCY=%d)\n",
               cv_app_env_name(cfg.app_env), cfg.worker_concurrency);
        cv_config_free(&cfg);
        return 0;
    }
    cv_log_init(cfg.log_level, "worker");
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = worker_on_signal;
    sigemptyset(&sa.sa_mask);
    (void)sigaction(SIGTERM, &sa, NULL);
    (void)sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    (void)sigaction(SIGPIPE, &sa, NULL);
    cv_log(CV_LOG_INFO, NULL, "cv-worker %s starting (APP_ENV=%s)", CV_VERSION,
           cv_app_env_name(cfg.app_env));
    rc = worker_run(&cfg);
    cv_config_free(&cfg);
    return rc;
}
