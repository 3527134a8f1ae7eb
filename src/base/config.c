/*
 * config.c - load and validate the configuration (see config.h).
 *
 * Values come from two sources: the .env file's pairs, kept in a small
 * array, and the given environment, which wins. Each variable is read by
 * one line of config_load_all below, so the list there is the list of
 * every variable the product knows (and .env.example mirrors it).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mongoc/mongoc.h>

#include "cv_limits.h"
#include "env_file.h"
#include "log.h"
#include "sentry.h"

#define CONFIG_MAX_FILE_VARS 256

struct config_source {
    char *const *envp;
    size_t nfile;
    char *file_keys[CONFIG_MAX_FILE_VARS];
    char *file_values[CONFIG_MAX_FILE_VARS];
};

/* The config being built and the errors found so far. */
struct config_loader {
    struct config_source src;
    struct cv_config *cfg;
    struct cv_error *err;
};

static bool source_add_file_var(const char *key, const char *value, void *ctx)
{
    struct config_source *src = ctx;
    size_t i;

    for (i = 0; i < src->nfile; i++) {
        if (strcmp(src->file_keys[i], key) == 0) {   /* later line wins */
            char *v = strdup(value);
            if (v == NULL)
                return false;
            free(src->file_values[i]);
            src->file_values[i] = v;
            return true;
        }
    }
    if (src->nfile >= CONFIG_MAX_FILE_VARS)
        return false;
    src->file_keys[src->nfile] = strdup(key);
    src->file_values[src->nfile] = strdup(value);
    if (src->file_keys[src->nfile] == NULL || src->file_values[src->nfile] == NULL) {
        free(src->file_keys[src->nfile]);
        free(src->file_values[src->nfile]);
        return false;
    }
    src->nfile++;
    return true;
}

static void source_free(struct config_source *src)
{
    size_t i;

    for (i = 0; i < src->nfile; i++) {
        free(src->file_keys[i]);
        free(src->file_values[i]);
    }
    src->nfile = 0;
}

/* The value of name, environment first; NULL when unset or empty. */
static const char *source_get(const struct config_source *src, const char *name)
{
    size_t nlen = strlen(name), i;
    char *const *e;

    for (e = src->envp; e != NULL && *e != NULL; e++) {
        if (strncmp(*e, name, nlen) == 0 && (*e)[nlen] == '=')
            return (*e)[nlen + 1] != '\0' ? *e + nlen + 1 : NULL;
    }
    for (i = 0; i < src->nfile; i++) {
        if (strcmp(src->file_keys[i], name) == 0)
            return src->file_values[i][0] != '\0' ? src->file_values[i] : NULL;
    }
    return NULL;
}

bool cv_config_parse_int(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    if (s == NULL || !(isdigit((unsigned char)s[0]) || s[0] == '-'))
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* Digits followed by one optional unit letter; the multiplier of the unit
 * comes from units/mults (the unit "" means none). */
static bool parse_scaled(const char *s, const char *units, const long *mults,
                         long limit, long *out)
{
    char *end;
    long v, mult = 1;
    const char *u;

    if (s == NULL || !isdigit((unsigned char)s[0]))
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0)
        return false;
    if (*end != '\0') {
        if (end[1] != '\0' || (u = strchr(units, *end)) == NULL)
            return false;
        mult = mults[u - units];
    }
    if (v <= 0 || v > limit / mult)
        return false;
    *out = v * mult;
    return true;
}

bool cv_config_parse_duration(const char *s, long *seconds)
{
    static const long mults[] = { 1, 60, 3600, 86400 };

    return parse_scaled(s, "smhd", mults, 366L * 86400, seconds);
}

bool cv_config_parse_size(const char *s, long *bytes)
{
    static const long mults[] = { 1024L, 1024L, 1048576L, 1048576L };

    return parse_scaled(s, "kKmM", mults, 1024L * 1048576L, bytes);
}

const char *cv_app_env_name(enum cv_app_env env)
{
    switch (env) {
    case CV_APP_DEVELOPMENT: return "development";
    case CV_APP_TEST: return "test";
    case CV_APP_PRODUCTION: return "production";
    }
    return "unknown";
}

/* ---- typed readers: each reads one variable, records an error naming it,
 * and leaves the default in place when the variable is unset. ---- */

static void bad(struct config_loader *ld, const char *name, const char *value,
                const char *expected)
{
    if (value != NULL)
        cv_error_add_field(ld->err, name, "%s=%s: expected %s", name, value, expected);
    else
        cv_error_add_field(ld->err, name, "%s: expected %s", name, expected);
}

/* A copy of a value, NULL for NULL; out of memory is reported against the
 * variable, so a value is never silently taken as unset. */
static char *dup_value(struct config_loader *ld, const char *name, const char *s)
{
    char *copy;

    if (s == NULL)
        return NULL;
    copy = strdup(s);
    if (copy == NULL)
        cv_error_add_field(ld->err, name, "%s: out of memory", name);
    return copy;
}

/* gcc 12's -fanalyzer reports the copy stored through `out` as leaked
 * when it leaves this function: it loses track of stores through a pointer
 * into *ld->cfg. Every field read here is in cv_config_free's list, which
 * the config test checks under LeakSanitizer. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
static void read_string(struct config_loader *ld, const char *name, const char *def,
                        char **out)
{
    const char *v = source_get(&ld->src, name);

    *out = dup_value(ld, name, v != NULL ? v : def);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

static void read_required(struct config_loader *ld, const char *name, const char *expected,
                          char **out)
{
    read_string(ld, name, NULL, out);
    if (*out == NULL)
        bad(ld, name, NULL, expected);
}

/* A number that parse reads, from min to max. */
static void read_number(struct config_loader *ld, const char *name,
                        bool (*parse)(const char *s, long *out), long min, long max,
                        long def, long *out, const char *expected)
{
    const char *v = source_get(&ld->src, name);
    long n;

    *out = def;
    if (v == NULL)
        return;
    if (parse(v, &n) && n >= min && n <= max)
        *out = n;
    else
        bad(ld, name, v, expected);
}

static bool parse_long(const char *s, long *out)
{
    return cv_config_parse_int(s, LONG_MIN, LONG_MAX, out);
}

static void read_int(struct config_loader *ld, const char *name, long min, long max,
                     int def, int *out)
{
    char expected[96];
    long n;

    (void)snprintf(expected, sizeof(expected), "an integer from %ld to %ld", min, max);
    read_number(ld, name, parse_long, min, max, def, &n, expected);
    *out = (int)n;
}

static void read_duration(struct config_loader *ld, const char *name, long min, long max,
                          long def, long *out)
{
    char expected[160];

    (void)snprintf(expected, sizeof(expected),
                   "a duration such as 3600s, 30m, 12h or 7d, from %lds to %lds", min, max);
    read_number(ld, name, cv_config_parse_duration, min, max, def, out, expected);
}

/* A word of a fixed list, and the value it stands for. */
struct choice {
    const char *word;
    int value;
};

#define CHOICES(table) (table), sizeof(table) / sizeof((table)[0])

/* The value of one of the words; def when unset or none of them. */
static int read_choice(struct config_loader *ld, const char *name, const struct choice *choices,
                       size_t count, int def, const char *expected)
{
    const char *v = source_get(&ld->src, name);
    size_t i;

    if (v == NULL)
        return def;
    for (i = 0; i < count; i++) {
        if (strcmp(v, choices[i].word) == 0)
            return choices[i].value;
    }
    bad(ld, name, v, expected);
    return def;
}

static void read_bool(struct config_loader *ld, const char *name, bool def, bool *out)
{
    static const struct choice words[] = {
        { "true", true }, { "1", true }, { "yes", true },
        { "false", false }, { "0", false }, { "no", false },
    };

    *out = read_choice(ld, name, CHOICES(words), def, "true or false") != 0;
}

/* http(s)://host[...]; with origin_only, no path, query or fragment (a
 * single trailing '/' is dropped). */
static bool url_ok(char *url, bool origin_only)
{
    const char *host;
    size_t len;

    if (strncmp(url, "http://", 7) == 0)
        host = url + 7;
    else if (strncmp(url, "https://", 8) == 0)
        host = url + 8;
    else
        return false;
    if (*host == '\0' || *host == '/' || *host == ':')
        return false;
    if (strpbrk(url, " \t\r\n\"'<>\\") != NULL)
        return false;
    len = strlen(url);
    if (origin_only) {
        if (url[len - 1] == '/')
            url[--len] = '\0';
        if (strpbrk(host, "/?#@") != NULL)
            return false;
    }
    return true;
}

static void read_url(struct config_loader *ld, const char *name, const char *def,
                     bool origin_only, char **out)
{
    read_string(ld, name, def, out);
    /* The value is not echoed: a URL may carry user:password. */
    if (*out != NULL && !url_ok(*out, origin_only)) {
        bad(ld, name, NULL, origin_only ? "an origin such as https://app.example.com "
                                          "(scheme, host and optional port, no path)"
                                        : "an http:// or https:// URL");
    }
}

/* ---- compound values ---- */

static void read_mongodb(struct config_loader *ld)
{
    struct cv_config *cfg = ld->cfg;
    bson_error_t berr;
    mongoc_uri_t *uri;
    const char *db;

    read_string(ld, "MONGODB_URI", "mongodb://127.0.0.1:27017/cv_analyzer", &cfg->mongodb_uri);
    if (cfg->mongodb_uri == NULL)
        return;
    uri = mongoc_uri_new_with_error(cfg->mongodb_uri, &berr);
    if (uri == NULL) {
        /* The URI may carry a password: name the variable, not the value. */
        cv_error_add_field(ld->err, "MONGODB_URI",
                           "MONGODB_URI: expected a MongoDB connection string such as "
                           "mongodb://127.0.0.1:27017/cv_analyzer (%s)", berr.message);
        return;
    }
    db = mongoc_uri_get_database(uri);
    cfg->mongodb_db = dup_value(ld, "MONGODB_URI", db != NULL && *db != '\0' ? db : "cv_analyzer");
    mongoc_uri_destroy(uri);
}

/* redis://[[user]:password@]host[:port][/db] or unix:///path[?db=N] */
static bool parse_redis_url(struct cv_config *cfg, const char *url)
{
    const char *p, *at, *host, *host_end, *slash;
    long n;
    char num[16];

    if (strncmp(url, "unix://", 7) == 0) {
        const char *q = strstr(url + 7, "?db=");
        size_t plen = q ? (size_t)(q - (url + 7)) : strlen(url + 7);

        if (plen == 0 || url[7] != '/')
            return false;
        cfg->redis_unix_path = strndup(url + 7, plen);
        if (q != NULL) {
            if (!cv_config_parse_int(q + 4, 0, 15, &n))
                return false;
            cfg->redis_db = (int)n;
        }
        return cfg->redis_unix_path != NULL;
    }
    if (strncmp(url, "redis://", 8) != 0)
        return false;
    p = url + 8;
    slash = strchr(p, '/');
    at = strchr(p, '@');
    if (at != NULL && (slash == NULL || at < slash)) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        if (colon == NULL)
            return false;
        if (at - colon - 1 > 0) {
            cfg->redis_password = strndup(colon + 1, (size_t)(at - colon - 1));
            if (cfg->redis_password == NULL)
                return false;   /* never connect without the password given */
        }
        p = at + 1;
    }
    host = p;
    host_end = slash != NULL ? slash : p + strlen(p);
    {
        const char *colon = memchr(host, ':', (size_t)(host_end - host));
        const char *name_end = colon != NULL ? colon : host_end;

        if (name_end == host)
            return false;
        cfg->redis_host = strndup(host, (size_t)(name_end - host));
        cfg->redis_port = 6379;
        if (colon != NULL) {
            size_t plen = (size_t)(host_end - colon - 1);
            if (plen == 0 || plen >= sizeof(num))
                return false;
            memcpy(num, colon + 1, plen);
            num[plen] = '\0';
            if (!cv_config_parse_int(num, 1, 65535, &n))
                return false;
            cfg->redis_port = (int)n;
        }
    }
    if (slash != NULL && slash[1] != '\0') {
        if (!cv_config_parse_int(slash + 1, 0, 15, &n))
            return false;
        cfg->redis_db = (int)n;
    }
    return cfg->redis_host != NULL;
}

static void read_redis(struct config_loader *ld)
{
    struct cv_config *cfg = ld->cfg;

    read_string(ld, "REDIS_URL", "redis://127.0.0.1:6379/0", &cfg->redis_url);
    if (cfg->redis_url != NULL && !parse_redis_url(cfg, cfg->redis_url))
        cv_error_add_field(ld->err, "REDIS_URL",
                           "REDIS_URL: expected redis://[:password@]host[:port][/db] "
                           "or unix:///path/to/redis.sock[?db=N]");
}

static void read_app_env(struct config_loader *ld)
{
    static const struct choice envs[] = {
        { "development", CV_APP_DEVELOPMENT }, { "test", CV_APP_TEST },
        { "production", CV_APP_PRODUCTION },
    };

    ld->cfg->app_env = (enum cv_app_env)read_choice(ld, "APP_ENV", CHOICES(envs),
                                                    CV_APP_PRODUCTION,
                                                    "development, test or production");
}

static void read_log_level(struct config_loader *ld)
{
    const char *v = source_get(&ld->src, "LOG_LEVEL");

    ld->cfg->log_level = CV_LOG_INFO;
    if (v != NULL && !cv_log_level_parse(v, &ld->cfg->log_level))
        bad(ld, "LOG_LEVEL", v, "debug, info, warn or error");
}

/* A signing secret's length, and its minimum outside development. */
static void check_jwt_secret(struct config_loader *ld, const char *name, const char *secret,
                             size_t *len)
{
    if (secret == NULL)
        return;
    *len = strlen(secret);
    if (*len < CV_CONFIG_JWT_SECRET_MIN_BYTES && ld->cfg->app_env != CV_APP_DEVELOPMENT)
        cv_error_add_field(ld->err, name,
                           "%s: expected at least %d bytes outside APP_ENV=development "
                           "(it has %zu)", name, CV_CONFIG_JWT_SECRET_MIN_BYTES, *len);
}

static void read_jwt(struct config_loader *ld)
{
    struct cv_config *cfg = ld->cfg;

    read_required(ld, "JWT_SECRET", "a random secret of at least 32 bytes "
                  "(e.g. the output of: openssl rand -hex 32)", &cfg->jwt_secret);
    check_jwt_secret(ld, "JWT_SECRET", cfg->jwt_secret, &cfg->jwt_secret_len);
    /* The secret before a rotation: verifies, never signs. */
    read_string(ld, "JWT_SECRET_PREVIOUS", NULL, &cfg->jwt_secret_previous);
    check_jwt_secret(ld, "JWT_SECRET_PREVIOUS", cfg->jwt_secret_previous,
                     &cfg->jwt_secret_previous_len);
    read_duration(ld, "JWT_EXPIRES_IN", CV_CONFIG_JWT_EXPIRES_MIN_S,
                  CV_CONFIG_JWT_EXPIRES_MAX_S, 7L * 86400, &cfg->jwt_expires_in_s);
    read_string(ld, "JWT_ISSUER", "cv-analyzer", &cfg->jwt_issuer);
}

static void read_sentry(struct config_loader *ld)
{
    struct cv_sentry_dsn dsn;

    read_string(ld, "SENTRY_DSN", NULL, &ld->cfg->sentry_dsn);
    /* Not echoed: a DSN is a credential. */
    if (ld->cfg->sentry_dsn != NULL && !cv_sentry_parse_dsn(ld->cfg->sentry_dsn, &dsn))
        bad(ld, "SENTRY_DSN", NULL, "a Sentry DSN such as https://KEY@o1.ingest.sentry.io/123");
    read_string(ld, "SENTRY_ENVIRONMENT", NULL, &ld->cfg->sentry_environment);
}

static void read_stripe(struct config_loader *ld)
{
    struct cv_config *cfg = ld->cfg;

    read_string(ld, "STRIPE_SECRET_KEY", NULL, &cfg->stripe_secret_key);
    read_string(ld, "STRIPE_WEBHOOK_SECRET", NULL, &cfg->stripe_webhook_secret);
    read_string(ld, "STRIPE_PRICE_ID_PRO", NULL, &cfg->stripe_price_id_pro);
    read_url(ld, "STRIPE_API_BASE", "https://api.stripe.com", false, &cfg->stripe_api_base);
    read_duration(ld, "STRIPE_WEBHOOK_TOLERANCE", 1, 3600, 300,
                  &cfg->stripe_webhook_tolerance_s);
    if (cfg->stripe_secret_key != NULL) {
        if (cfg->stripe_webhook_secret == NULL)
            bad(ld, "STRIPE_WEBHOOK_SECRET", NULL,
                "the endpoint's signing secret (whsec_...) when STRIPE_SECRET_KEY is set");
        if (cfg->stripe_price_id_pro == NULL)
            bad(ld, "STRIPE_PRICE_ID_PRO", NULL,
                "the price id of the pro plan (price_...) when STRIPE_SECRET_KEY is set");
    }
}

static void read_file_size(struct config_loader *ld)
{
    read_number(ld, "MAX_FILE_SIZE", cv_config_parse_size, CV_CONFIG_FILE_SIZE_MIN_BYTES,
                CV_CONFIG_FILE_SIZE_MAX_BYTES, CV_CONFIG_FILE_SIZE_DEFAULT_BYTES,
                &ld->cfg->max_file_size, "a size in bytes with an optional K or M suffix "
                "(e.g. 10485760 or 10M), from 1K to 100M");
}

static void read_storage(struct config_loader *ld)
{
    static const struct choice kinds[] = {
        { "local", CV_STORAGE_LOCAL }, { "s3", CV_STORAGE_S3 },
    };
    struct cv_config *cfg = ld->cfg;

    cfg->storage = (enum cv_storage_kind)read_choice(ld, "STORAGE", CHOICES(kinds),
                                                     CV_STORAGE_LOCAL, "local or s3");

    read_string(ld, "UPLOAD_DIR", "/var/lib/cv-analyzer/uploads", &cfg->upload_dir);
    if (cfg->upload_dir != NULL && cfg->upload_dir[0] != '/')
        bad(ld, "UPLOAD_DIR", cfg->upload_dir, "an absolute directory path");

    read_string(ld, "S3_REGION", "us-east-1", &cfg->s3_region);
    read_url(ld, "S3_ENDPOINT", NULL, false, &cfg->s3_endpoint);
    read_bool(ld, "S3_FORCE_PATH_STYLE", cfg->s3_endpoint != NULL, &cfg->s3_force_path_style);
    if (cfg->storage == CV_STORAGE_S3) {
        read_required(ld, "S3_BUCKET", "a bucket name when STORAGE=s3", &cfg->s3_bucket);
        read_required(ld, "S3_ACCESS_KEY_ID", "an access key id when STORAGE=s3",
                      &cfg->s3_access_key_id);
        read_required(ld, "S3_SECRET_ACCESS_KEY", "a secret access key when STORAGE=s3",
                      &cfg->s3_secret_access_key);
    } else {   /* optional: the bucket of a storage migration (cv-admin storage) */
        read_string(ld, "S3_BUCKET", NULL, &cfg->s3_bucket);
        read_string(ld, "S3_ACCESS_KEY_ID", NULL, &cfg->s3_access_key_id);
        read_string(ld, "S3_SECRET_ACCESS_KEY", NULL, &cfg->s3_secret_access_key);
    }
}

/* E-mail notifications (the worker): off unless SMTP_URL is set. */
static void read_smtp(struct config_loader *ld)
{
    struct cv_config *cfg = ld->cfg;

    read_string(ld, "SMTP_URL", NULL, &cfg->smtp_url);
    read_string(ld, "SMTP_FROM", NULL, &cfg->smtp_from);
    read_string(ld, "SMTP_USER", NULL, &cfg->smtp_user);
    read_string(ld, "SMTP_PASSWORD", NULL, &cfg->smtp_password);
    read_bool(ld, "SMTP_STARTTLS", true, &cfg->smtp_starttls);
    /* The URL is not echoed: it may carry user:password. */
    if (cfg->smtp_url != NULL && strncmp(cfg->smtp_url, "smtp://", 7) != 0 &&
        strncmp(cfg->smtp_url, "smtps://", 8) != 0)
        bad(ld, "SMTP_URL", NULL, "an smtp:// (STARTTLS) or smtps:// URL such as "
            "smtp://mail.example.com:587");
    if (cfg->smtp_url != NULL && (cfg->smtp_from == NULL || strchr(cfg->smtp_from, '@') == NULL ||
                                  strpbrk(cfg->smtp_from, "<>\r\n \t") != NULL))
        bad(ld, "SMTP_FROM", cfg->smtp_from, "the sender address (e.g. noreply@example.com) "
            "when SMTP_URL is set");
}

static void config_load_all(struct config_loader *ld)
{
    struct cv_config *cfg = ld->cfg;

    read_app_env(ld);
    read_log_level(ld);
    read_mongodb(ld);
    read_redis(ld);
    read_jwt(ld);
    read_string(ld, "OPENAI_API_KEY", NULL, &cfg->openai_api_key);
    read_url(ld, "OPENAI_BASE_URL", "https://api.openai.com/v1", false, &cfg->openai_base_url);
    read_string(ld, "OPENAI_MODEL", "gpt-4o-mini", &cfg->openai_model);
    read_stripe(ld);
    read_sentry(ld);
    read_url(ld, "FRONTEND_URL", "http://localhost:3000", true, &cfg->frontend_url);
    read_file_size(ld);
    read_storage(ld);
    read_smtp(ld);
    read_url(ld, "EVENTS_PUBLISH_URL", NULL, false, &cfg->events_publish_url);
    read_int(ld, "WORKER_CONCURRENCY", 1, CV_CONFIG_WORKER_CONCURRENCY_MAX, 2,
             &cfg->worker_concurrency);
    read_int(ld, "MAX_ATTEMPTS", 1, 20, 3, &cfg->max_attempts);
    read_duration(ld, "JOB_VISIBILITY_TIMEOUT", 1, 3600, 30, &cfg->job_visibility_timeout_s);
    read_string(ld, "EXTRACT_PROGRAM", NULL, &cfg->extract_program);
    read_int(ld, "API_PROCESSES", 1, 64, 2, &cfg->api_processes);
    read_int(ld, "API_THREADS", 1, 256, 8, &cfg->api_threads);
    read_string(ld, "API_LISTEN", NULL, &cfg->api_listen);
}

enum cv_status cv_config_load(struct cv_config *cfg, const char *env_file,
                              bool env_file_required, char *const *envp,
                              struct cv_error *err)
{
    struct config_loader ld;
    struct cv_error file_err;
    enum cv_status st;

    memset(cfg, 0, sizeof(*cfg));
    memset(&ld, 0, sizeof(ld));
    ld.src.envp = envp;
    ld.cfg = cfg;
    ld.err = err;
    cv_error_clear(err);
    cv_error_clear(&file_err);
    if (env_file != NULL) {
        st = cv_env_file_load(env_file, env_file_required, source_add_file_var, &ld.src,
                              &file_err);
        if (st != CV_OK) {
            if (ld.src.nfile >= CONFIG_MAX_FILE_VARS)
                (void)snprintf(file_err.message, sizeof(file_err.message),
                               "more than %d variables", CONFIG_MAX_FILE_VARS);
            cv_error_add_field(err, "env_file", "%s: %s", env_file, file_err.message);
            source_free(&ld.src);
            err->status = CV_ERR_CONFIG;
            return CV_ERR_CONFIG;
        }
    }
    config_load_all(&ld);
    source_free(&ld.src);
    if (err->nfields > 0) {
        cv_config_free(cfg);
        (void)snprintf(err->message, sizeof(err->message), "invalid configuration");
        err->status = CV_ERR_CONFIG;
        return CV_ERR_CONFIG;
    }
    return CV_OK;
}

void cv_config_free(struct cv_config *cfg)
{
    char **strings[] = {
        &cfg->mongodb_uri, &cfg->mongodb_db, &cfg->redis_url, &cfg->redis_host,
        &cfg->redis_unix_path, &cfg->redis_password, &cfg->jwt_secret,
        &cfg->jwt_secret_previous, &cfg->sentry_dsn, &cfg->sentry_environment,
        &cfg->jwt_issuer,
        &cfg->openai_api_key, &cfg->openai_base_url, &cfg->openai_model,
        &cfg->stripe_secret_key, &cfg->stripe_webhook_secret, &cfg->stripe_price_id_pro,
        &cfg->stripe_api_base, &cfg->frontend_url, &cfg->upload_dir, &cfg->s3_bucket,
        &cfg->s3_region, &cfg->s3_endpoint, &cfg->s3_access_key_id,
        &cfg->s3_secret_access_key, &cfg->api_listen, &cfg->smtp_url, &cfg->smtp_from,
        &cfg->smtp_user, &cfg->smtp_password, &cfg->events_publish_url, &cfg->extract_program,
    };
    size_t i;

    for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        free(*strings[i]);
        *strings[i] = NULL;
    }
}

const char *cv_config_env_file_path(const char *arg, bool *required)
{
    const char *env = getenv("CV_ENV_FILE");

    *required = true;
    if (arg != NULL)
        return arg;
    if (env != NULL && env[0] != '\0')
        return env;
    *required = false;
    return ".env";
}

void cv_config_report(const struct cv_error *err, const char *program)
{
    size_t i;

    if (err->nfields == 0) {
        fprintf(stderr, "%s: configuration: %s\n", program, err->message);
        return;
    }
    for (i = 0; i < err->nfields; i++)
        fprintf(stderr, "%s: configuration: %s\n", program, err->fields[i].message);
}

void cv_config_log_report(const struct cv_error *err, const char *what)
{
    size_t i;

    if (err->nfields == 0) {
        cv_log_error_detail(CV_LOG_ERROR, NULL, err->message, "%s", what);
        return;
    }
    for (i = 0; i < err->nfields; i++)
        cv_log_error_detail(CV_LOG_ERROR, NULL, err->fields[i].message, "%s", what);
}

long cv_config_upload_body_max(const struct cv_config *cfg)
{
    return cfg->max_file_size + CV_UPLOAD_OVERHEAD_MAX_BYTES;
}

/* ---- --print-config ---- */

static bool print_str(FILE *out, const char *name, const char *v)
{
    return fprintf(out, "%s=%s\n", name, v != NULL ? v : "") >= 0;
}

static bool print_secret(FILE *out, const char *name, const char *v)
{
    return print_str(out, name, v != NULL ? "<set>" : NULL);
}

static bool print_long(FILE *out, const char *name, long v)
{
    return fprintf(out, "%s=%ld\n", name, v) >= 0;
}

/* A URL whose user information (user:password@) may be a secret: that
 * part is printed as <set>. */
static bool print_url(FILE *out, const char *name, const char *v)
{
    const char *scheme = v != NULL ? strstr(v, "://") : NULL;
    const char *host, *at;

    if (scheme == NULL)
        return print_str(out, name, v);
    host = scheme + 3;
    at = strchr(host, '@');
    if (at == NULL || (strchr(host, '/') != NULL && strchr(host, '/') < at))
        return print_str(out, name, v);
    return fprintf(out, "%s=%.*s<set>%s\n", name, (int)(host - v), v, at) >= 0;
}

bool cv_config_print(const struct cv_config *cfg, FILE *out)
{
    bool ok = true;

    ok = ok && print_str(out, "APP_ENV", cv_app_env_name(cfg->app_env));
    ok = ok && print_str(out, "LOG_LEVEL", cv_log_level_name(cfg->log_level));
    ok = ok && print_url(out, "MONGODB_URI", cfg->mongodb_uri);
    ok = ok && print_url(out, "REDIS_URL", cfg->redis_url);
    ok = ok && print_secret(out, "JWT_SECRET", cfg->jwt_secret);
    ok = ok && print_secret(out, "JWT_SECRET_PREVIOUS", cfg->jwt_secret_previous);
    ok = ok && print_long(out, "JWT_EXPIRES_IN", cfg->jwt_expires_in_s);
    ok = ok && print_str(out, "JWT_ISSUER", cfg->jwt_issuer);
    ok = ok && print_secret(out, "OPENAI_API_KEY", cfg->openai_api_key);
    ok = ok && print_str(out, "OPENAI_BASE_URL", cfg->openai_base_url);
    ok = ok && print_str(out, "OPENAI_MODEL", cfg->openai_model);
    ok = ok && print_secret(out, "STRIPE_SECRET_KEY", cfg->stripe_secret_key);
    ok = ok && print_secret(out, "STRIPE_WEBHOOK_SECRET", cfg->stripe_webhook_secret);
    ok = ok && print_str(out, "STRIPE_PRICE_ID_PRO", cfg->stripe_price_id_pro);
    ok = ok && print_str(out, "STRIPE_API_BASE", cfg->stripe_api_base);
    ok = ok && print_long(out, "STRIPE_WEBHOOK_TOLERANCE", cfg->stripe_webhook_tolerance_s);
    ok = ok && print_secret(out, "SENTRY_DSN", cfg->sentry_dsn);
    ok = ok && print_str(out, "SENTRY_ENVIRONMENT", cfg->sentry_environment);
    ok = ok && print_str(out, "FRONTEND_URL", cfg->frontend_url);
    ok = ok && print_long(out, "MAX_FILE_SIZE", cfg->max_file_size);
    ok = ok && print_str(out, "STORAGE", cfg->storage == CV_STORAGE_S3 ? "s3" : "local");
    ok = ok && print_str(out, "UPLOAD_DIR", cfg->upload_dir);
    ok = ok && print_str(out, "S3_BUCKET", cfg->s3_bucket);
    ok = ok && print_str(out, "S3_REGION", cfg->s3_region);
    ok = ok && print_str(out, "S3_ENDPOINT", cfg->s3_endpoint);
    ok = ok && print_str(out, "S3_FORCE_PATH_STYLE", cfg->s3_force_path_style ? "true" : "false");
    ok = ok && print_secret(out, "S3_ACCESS_KEY_ID", cfg->s3_access_key_id);
    ok = ok && print_secret(out, "S3_SECRET_ACCESS_KEY", cfg->s3_secret_access_key);
    ok = ok && print_str(out, "EVENTS_PUBLISH_URL", cfg->events_publish_url);
    ok = ok && print_url(out, "SMTP_URL", cfg->smtp_url);
    ok = ok && print_str(out, "SMTP_FROM", cfg->smtp_from);
    ok = ok && print_str(out, "SMTP_USER", cfg->smtp_user);
    ok = ok && print_secret(out, "SMTP_PASSWORD", cfg->smtp_password);
    ok = ok && print_str(out, "SMTP_STARTTLS", cfg->smtp_starttls ? "true" : "false");
    ok = ok && print_long(out, "WORKER_CONCURRENCY", cfg->worker_concurrency);
    ok = ok && print_long(out, "MAX_ATTEMPTS", cfg->max_attempts);
    ok = ok && print_long(out, "JOB_VISIBILITY_TIMEOUT", cfg->job_visibility_timeout_s);
    ok = ok && print_str(out, "EXTRACT_PROGRAM", cfg->extract_program);
    ok = ok && print_long(out, "API_PROCESSES", cfg->api_processes);
    ok = ok && print_long(out, "API_THREADS", cfg->api_threads);
    ok = ok && print_str(out, "API_LISTEN", cfg->api_listen);
    ok = ok && print_long(out, "UPLOAD_BODY_MAX", cv_config_upload_body_max(cfg));
    return ok && fflush(out) == 0 && !ferror(out);
}
