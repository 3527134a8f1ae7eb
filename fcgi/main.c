/*
 * main.c (fcgi/) - cv-api: the FastCGI responder pool behind nginx.
 *
 *   cv-api [--env-file PATH] [--listen PATH|HOST:PORT]
 *          [--processes N] [--threads N] [--check-config] [--print-config]
 *          [--version]
 *
 * Loads and validates the configuration (refusing to start on any bad
 * variable), takes the listening socket, and runs the pool (pool.h).
 * SIGHUP reloads: the same file and environment are read again, the
 * command-line overrides applied again.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "app.h"
#include "config.h"
#include "listen.h"
#include "cv_limits.h"
#include "log.h"
#include "metrics.h"
#include "pool.h"
#include "sentry.h"
#include "version.h"

extern char **environ;

/* What a reload reads again: the same sources as at start. */
struct api_sources {
    const char *env_path;
    bool env_required;
    long processes, threads;    /* command-line overrides; 0: none */
    bool listen_from_cli;       /* --listen: API_LISTEN is not used */
    char *listen;               /* API_LISTEN at start (owned), or NULL */
};

static void apply_overrides(struct cv_config *cfg, const struct api_sources *src)
{
    if (src->processes > 0)
        cfg->api_processes = (int)src->processes;
    if (src->threads > 0)
        cfg->api_threads = (int)src->threads;
}

static enum cv_status api_reload(struct cv_config *out, struct cv_error *err, void *arg)
{
    const struct api_sources *src = arg;
    enum cv_status st;

    st = cv_config_load(out, src->env_path, src->env_required, environ, err);
    if (st != CV_OK)
        return st;
    apply_overrides(out, src);
    if (!src->listen_from_cli &&
        ((out->api_listen == NULL) != (src->listen == NULL) ||
         (out->api_listen != NULL && strcmp(out->api_listen, src->listen) != 0)))
        cv_log(CV_LOG_WARN, NULL, "API_LISTEN changed: a new socket needs a restart; "
               "the current one is kept");
    return CV_OK;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: cv-api [--env-file PATH] [--listen PATH|HOST:PORT] [--processes N]\n"
            "              [--threads N] [--check-config] [--print-config] [--version]\n"
            "  --env-file PATH   read variables from PATH (default .env, or CV_ENV_FILE)\n"
            "  --listen ADDR     bind a unix socket PATH or HOST:PORT (default: systemd\n"
            "                    socket activation, then fd 0 as spawn-fcgi passes it)\n"
            "  --processes N     responder processes (API_PROCESSES)\n"
            "  --threads N       threads per process (API_THREADS)\n"
            "  --check-config    validate the configuration, print the verdict, exit 0/1\n"
            "  --print-config    print the effective configuration as NAME=value lines\n"
            "                    (secrets as <set>; UPLOAD_BODY_MAX is derived), exit 0/1\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "env-file", required_argument, NULL, 'e' },
        { "listen", required_argument, NULL, 'l' },
        { "processes", required_argument, NULL, 'p' },
        { "threads", required_argument, NULL, 't' },
        { "check-config", no_argument, NULL, 'c' },
        { "print-config", no_argument, NULL, 'P' },
        { "version", no_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *env_arg = NULL, *listen_arg = NULL, *env_path;
    long processes = 0, threads = 0;
    int check_only = 0, print_only = 0, c, fd, rc;
    bool required;
    const struct cv_metrics_route *routes;
    struct cv_metrics *metrics;
    struct api_sources sources;
    struct cv_pool_reload reload;
    struct cv_config cfg;
    struct cv_error err;
    size_t nroutes;

    while ((c = getopt_long(argc, argv, "e:l:p:t:cPVh", opts, NULL)) != -1) {
        switch (c) {
        case 'e': env_arg = optarg; break;
        case 'l': listen_arg = optarg; break;
        case 'p':
            if (!cv_config_parse_int(optarg, 1, CV_POOL_MAX_PROCESSES, &processes)) {
                fprintf(stderr, "cv-api: --processes: expected 1..%d\n", CV_POOL_MAX_PROCESSES);
                return 2;
            }
            break;
        case 't':
            if (!cv_config_parse_int(optarg, 1, CV_POOL_MAX_THREADS, &threads)) {
                fprintf(stderr, "cv-api: --threads: expected 1..%d\n", CV_POOL_MAX_THREADS);
                return 2;
            }
            break;
        case 'c': check_only = 1; break;
        case 'P': print_only = 1; break;
        case 'V': printf("cv-api %s\n", CV_VERSION); return 0;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    env_path = cv_config_env_file_path(env_arg, &required);
    if (cv_config_load(&cfg, env_path, required, environ, &err) != CV_OK) {
        cv_config_report(&err, "cv-api");
        if (check_only)
            fprintf(stderr, "cv-api: configuration test failed\n");
        return 1;
    }
    if (print_only) {
        rc = cv_config_print(&cfg, stdout) ? 0 : 1;
        cv_config_free(&cfg);
        return rc;
    }
    if (check_only) {
        printf("cv-api: configuration is valid (APP_ENV=%s, STORAGE=%s)\n",
               cv_app_env_name(cfg.app_env), cfg.storage == CV_STORAGE_S3 ? "s3" : "local");
        cv_config_free(&cfg);
        return 0;
    }
    sources.env_path = env_path;
    sources.env_required = required;
    sources.processes = processes;
    sources.threads = threads;
    sources.listen_from_cli = listen_arg != NULL;
    sources.listen = NULL;
    apply_overrides(&cfg, &sources);
    cv_log_init(cfg.log_level, "api");
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        cv_log(CV_LOG_ERROR, NULL, "curl_global_init failed");
        return 1;
    }
    cv_error_clear(&err);
    fd = cv_listen_acquire(listen_arg != NULL ? listen_arg : cfg.api_listen, &err);
    if (fd < 0) {
        cv_log_error_detail(CV_LOG_ERROR, NULL, err.message, "cannot get a listening socket");
        cv_config_free(&cfg);
        return 1;
    }
    routes = app_metric_routes(&nroutes);
    metrics = cv_metrics_create(routes, nroutes, &err);
    if (metrics == NULL) {
        cv_log_error_detail(CV_LOG_ERROR, NULL, err.message, "metrics");
        cv_config_free(&cfg);
        return 1;
    }
    /* The master reports inline: it forks, and serves no request. */
    if (cv_sentry_start(&cfg, "api", false, &err) != CV_OK)
        cv_log_error_detail(CV_LOG_WARN, NULL, err.message, "no Sentry reports");
    cv_log(CV_LOG_INFO, NULL, "cv-api %s starting (APP_ENV=%s)", CV_VERSION,
           cv_app_env_name(cfg.app_env));
    sources.listen = cfg.api_listen != NULL ? strdup(cfg.api_listen) : NULL;
    reload.load = api_reload;
    reload.arg = &sources;
    rc = cv_pool_run(&cfg, fd, metrics, &reload);
    free(sources.listen);
    cv_metrics_destroy(metrics);
    curl_global_cleanup();
    cv_config_free(&cfg);
    return rc;
}
