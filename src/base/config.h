/*
 * config.h - the one typed configuration of cv-api and cv-worker.
 *
 * Read once at start from a .env file and the process environment (the
 * environment wins), validated whole: every bad variable is reported, each
 * by name with the form it expects. After cv_config_load returns the struct
 * is read-only and may be shared by every thread. Secrets are never copied
 * into error messages.
 */
#ifndef CV_CONFIG_H
#define CV_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cv_status.h"
#include "log.h"

enum cv_app_env {
    CV_APP_DEVELOPMENT,
    CV_APP_TEST,
    CV_APP_PRODUCTION,
};

enum cv_storage_kind {
    CV_STORAGE_LOCAL,
    CV_STORAGE_S3,
};

/* Bounds of the configurable values (documented in .env.example). */
#define CV_CONFIG_JWT_SECRET_MIN_BYTES 32
#define CV_CONFIG_FILE_SIZE_MIN_BYTES 1024L
#define CV_CONFIG_FILE_SIZE_MAX_BYTES (100L * 1024 * 1024)
#define CV_CONFIG_FILE_SIZE_DEFAULT_BYTES (10L * 1024 * 1024)
#define CV_CONFIG_JWT_EXPIRES_MIN_S 60L
#define CV_CONFIG_JWT_EXPIRES_MAX_S (90L * 86400)
#define CV_CONFIG_WORKER_CONCURRENCY_MAX 64

struct cv_config {
    enum cv_app_env app_env;
    enum cv_log_level log_level;

    char *mongodb_uri;          /* as given; may hold a password */
    char *mongodb_db;           /* from the URI's path, else "cv_analyzer" */

    char *redis_url;            /* as given */
    char *redis_host;           /* NULL when redis_unix_path is set */
    int redis_port;
    char *redis_unix_path;
    char *redis_password;       /* NULL when none */
    int redis_db;

    char *jwt_secret;
    size_t jwt_secret_len;
    char *jwt_secret_previous;  /* NULL, or the secret before a rotation */
    char *sentry_dsn;           /* NULL: no error reporting */
    char *sentry_environment;   /* NULL: APP_ENV's name */
    size_t jwt_secret_previous_len;
    long jwt_expires_in_s;
    char *jwt_issuer;

    char *openai_api_key;       /* NULL: the offline analyzer is used */
    char *openai_base_url;
    char *openai_model;

    char *stripe_secret_key;    /* NULL: billing is disabled */
    char *stripe_webhook_secret;
    char *stripe_price_id_pro;
    char *stripe_api_base;
    long stripe_webhook_tolerance_s;

    char *frontend_url;         /* an origin: scheme://host[:port] */
    long max_file_size;         /* bytes */

    enum cv_storage_kind storage;
    char *upload_dir;
    char *s3_bucket;
    char *s3_region;
    char *s3_endpoint;          /* NULL: AWS */
    char *s3_access_key_id;
    char *s3_secret_access_key;
    bool s3_force_path_style;

    char *events_publish_url;   /* nchan's publisher location; NULL: no live events */

    char *smtp_url;             /* smtp:// or smtps://host[:port]; NULL: no e-mail */
    char *smtp_from;            /* the sender address */
    char *smtp_user;            /* NULL: no AUTH */
    char *smtp_password;
    bool smtp_starttls;         /* smtp://: refuse to send unless STARTTLS works */

    int worker_concurrency;
    int max_attempts;
    long job_visibility_timeout_s;  /* a job whose heartbeats stopped this long is taken over */
    char *extract_program;      /* NULL: cv-extract next to the running program */

    int api_processes;
    int api_threads;
    char *api_listen;           /* NULL: socket activation or fd 0 */
};

/*
 * Load the configuration. env_file is read if it exists (it must exist
 * when env_file_required); envp is the environment to read (environ in
 * production, a fixed array in tests). On failure returns CV_ERR_CONFIG
 * with one err->fields entry per bad variable (name = the variable) and
 * leaves *cfg empty; on success the caller releases it with
 * cv_config_free.
 */
enum cv_status cv_config_load(struct cv_config *cfg, const char *env_file,
                              bool env_file_required, char *const *envp,
                              struct cv_error *err) CV_WARN_UNUSED;
void cv_config_free(struct cv_config *cfg);

/* The largest upload body cv-api accepts: max_file_size plus
 * CV_UPLOAD_OVERHEAD_MAX_BYTES (nginx is given the same cap). */
long cv_config_upload_body_max(const struct cv_config *cfg);

/*
 * Print the effective configuration to out, one NAME=value line per
 * variable in the order of .env.example, then the derived
 * UPLOAD_BODY_MAX=bytes. Sizes are in bytes and durations in seconds, so
 * every line reads back as the same value; an unset optional value prints
 * as NAME=. Secrets print as NAME=<set> (and a password inside a URL as
 * <set>), never their value. Returns false when writing failed.
 */
bool cv_config_print(const struct cv_config *cfg, FILE *out);

/* "7d", "12h", "30m", "3600s" or "3600" to seconds; false if malformed,
 * zero or over a year. */
bool cv_config_parse_duration(const char *s, long *seconds);
/* "10485760", "512K", "10M" (binary units) to bytes; false if malformed
 * or over 1 GiB. */
bool cv_config_parse_size(const char *s, long *bytes);
/* Decimal integer in [min, max]; false otherwise. */
bool cv_config_parse_int(const char *s, long min, long max, long *out);

/* The .env file to read: the --env-file argument if given, else
 * $CV_ENV_FILE, else ./.env. *required is false only for the default,
 * which may be absent. */
const char *cv_config_env_file_path(const char *arg, bool *required);

/* Print every error of a failed load to stderr, one line each
 * ("config: MAX_FILE_SIZE=abc: expected ..."). */
void cv_config_report(const struct cv_error *err, const char *program);

/* The same, as JSON log lines at level error (a reload that was refused:
 * stderr of a running service is its log). */
void cv_config_log_report(const struct cv_error *err, const char *what);

const char *cv_app_env_name(enum cv_app_env env);

#endif
