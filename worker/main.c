/*
 * main.c (worker/) - cv-worker: runs the analyses queued by cv-api.
 *
 *   cv-worker [--env-file PATH] [--check-config] [--version]
 *
 * Loads and validates the configuration, then runs the worker (worker.h)
 * until SIGTERM or SIGINT, which stops it cleanly (exit 0).
 */
#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#include "config.h"
#include "log.h"
#include "version.h"
#include "worker.h"

extern char **environ;

/* Set by the signal handler, read by every job thread (worker.h). */
static atomic_bool worker_stop;
_Static_assert(ATOMIC_BOOL_LOCK_FREE == 2, "a stop flag must be lock-free to be set from a signal");

static void worker_on_signal(int sig)
{
    (void)sig;
    atomic_store(&worker_stop, true);
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
    bool required;
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
    cv_log(CV_LOG_INFO, NULL, "cv-worker %s starting (APP_ENV=%s, analyzer %s)", CV_VERSION,
           cv_app_env_name(cfg.app_env), cfg.openai_api_key != NULL ? "openai" : "heuristic");
    rc = worker_run(&cfg, &worker_stop);
    curl_global_cleanup();
    cv_config_free(&cfg);
    return rc;
}
