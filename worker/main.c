/*
 * main.c (worker/) - cv-worker: runs the analyses queued by cv-api.
 *
 *   cv-worker [--env-file PATH] [--check-config] [--version]
 *
 * Loads and validates the configuration, then runs the worker (worker.h)
 * until SIGTERM or SIGINT, which stops it cleanly (exit 0).
 *
 * SIGHUP never stops it: a thread of its own waits for SIGHUP (blocked in
 * every other thread), reads the configuration again and applies LOG_LEVEL
 * and WORKER_CONCURRENCY (job threads started, or retired once their job
 * in flight is done: worker.h); an invalid configuration is logged and
 * ignored, and every other setting takes effect at the next restart.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "config.h"
#include "cv_limits.h"
#include "log.h"
#include "notify.h"
#include "sentry.h"
#include "version.h"
#include "worker.h"

extern char **environ;

/* Set by the signal handler, read by every job thread (worker.h). */
static atomic_bool worker_stop;
/* The job threads wanted: set at start and by the reloader (worker.h). */
static atomic_int worker_concurrency;
_Static_assert(ATOMIC_BOOL_LOCK_FREE == 2, "a stop flag must be lock-free to be set from a signal");

static void worker_on_signal(int sig)
{
    (void)sig;
    atomic_store(&worker_stop, true);
}

/* The SIGHUP thread: what it reads again, and the log level in force. */
struct reloader {
    const char *env_path;
    bool env_required;
    enum cv_log_level level;
};

static void reload_once(struct reloader *r)
{
    struct cv_config next;
    struct cv_error err;

    cv_notify_reloading();
    cv_error_clear(&err);
    memset(&next, 0, sizeof(next));
    if (cv_config_load(&next, r->env_path, r->env_required, environ, &err) != CV_OK) {
        cv_config_log_report(&err, "reload refused: invalid configuration");
        cv_log(CV_LOG_ERROR, NULL, "SIGHUP: configuration invalid; nothing changed");
        cv_notify_ready("running (last reload refused)");
        return;
    }
    if (next.worker_concurrency != atomic_load(&worker_concurrency)) {
        cv_log(CV_LOG_WARN, NULL, "SIGHUP: WORKER_CONCURRENCY %d -> %d",
               atomic_load(&worker_concurrency), next.worker_concurrency);
        atomic_store(&worker_concurrency, next.worker_concurrency);
    }
    if (next.log_level != r->level) {
        cv_log(CV_LOG_WARN, NULL, "SIGHUP: LOG_LEVEL %s -> %s", cv_log_level_name(r->level),
               cv_log_level_name(next.log_level));
        r->level = next.log_level;
        cv_log_set_level(next.log_level);
    }
    cv_log(CV_LOG_INFO, NULL, "SIGHUP: configuration reloaded (LOG_LEVEL and "
           "WORKER_CONCURRENCY applied; other changes take effect at the next restart)");
    cv_config_free(&next);
    cv_notify_ready("running (reloaded)");
}

static void *reloader_main(void *arg)
{
    struct timespec wake = { CV_WORKER_POLL_MS / 1000, (CV_WORKER_POLL_MS % 1000) * 1000000L };
    sigset_t hup;

    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    while (!atomic_load(&worker_stop)) {
        if (sigtimedwait(&hup, NULL, &wake) == SIGHUP)
            reload_once(arg);
    }
    return NULL;
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
    static const char usage[] = "usage: cv-worker [--env-file PATH] [--check-config] [--version]\n";
    const char *env_arg = NULL, *env_path;
    struct cv_config cfg;
    struct cv_error err;
    struct sigaction sa;
    struct reloader reloader;
    pthread_t reloader_tid;
    bool required, reloader_started;
    sigset_t hup;
    int check_only = 0, c, rc;

    while ((c = getopt_long(argc, argv, "e:cVh", opts, NULL)) != -1) {
        switch (c) {
        case 'e': env_arg = optarg; break;
        case 'c': check_only = 1; break;
        case 'V': printf("cv-worker %s\n", CV_VERSION); return 0;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
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
        printf("cv-worker: configuration is valid (APP_ENV=%s, WORKER_CONCURRENCY=%d, "
               "analyzer=%s)\n", cv_app_env_name(cfg.app_env), cfg.worker_concurrency,
               cfg.openai_api_key != NULL ? "openai" : "heuristic");
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
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || sodium_init() < 0) {
        cv_log(CV_LOG_ERROR, NULL, "library initialisation failed");
        cv_config_free(&cfg);
        return 1;
    }
    /* SIGHUP is blocked in every thread (created after this) and taken by
     * the reloader alone; if it cannot start, SIGHUP stays blocked. */
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    (void)pthread_sigmask(SIG_BLOCK, &hup, NULL);
    atomic_store(&worker_concurrency, cfg.worker_concurrency);
    reloader = (struct reloader){ env_path, required, cfg.log_level };
    reloader_started = pthread_create(&reloader_tid, NULL, reloader_main, &reloader) == 0;
    if (!reloader_started)
        cv_log(CV_LOG_WARN, NULL, "no reload thread: SIGHUP will be ignored");
    cv_log(CV_LOG_INFO, NULL, "cv-worker %s starting (APP_ENV=%s, analyzer %s)", CV_VERSION,
           cv_app_env_name(cfg.app_env), cfg.openai_api_key != NULL ? "openai" : "heuristic");
    cv_error_clear(&err);
    if (cv_sentry_start(&cfg, "worker", true, &err) != CV_OK)
        cv_log_error_detail(CV_LOG_WARN, NULL, err.message, "no Sentry reports");
    rc = worker_run(&cfg, &worker_stop, &worker_concurrency);
    cv_sentry_stop();
    atomic_store(&worker_stop, true);   /* worker_run may return on its own: end the reloader too */
    if (reloader_started)
        pthread_join(reloader_tid, NULL);
    curl_global_cleanup();
    cv_config_free(&cfg);
    return rc;
}
