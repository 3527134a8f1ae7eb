/*
 * test_config.c - configuration loading of src/base/config.h, always from a
 * fixed envp array (never the real environment) and temporary .env files:
 * defaults, the environment winning over the file, every refused value
 * (one field named after the variable, a message naming it and saying
 * what is expected, no secret echoed), several bad variables at once, the
 * duration/size/int parsers at their limits, the env file being required
 * or not, the precedence of cv_config_env_file_path, and the effective
 * values as --print-config prints them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "config.h"
#include "cv_limits.h"
#include "sentry.h"

/* A secret of exactly CV_CONFIG_JWT_SECRET_MIN_BYTES bytes. */
#define SECRET32 "0123456789abcdef0123456789abcdef"
#define SECRET31 "0123456789abcdef0123456789abcde"
#define SECRET "JWT_SECRET=" SECRET32

/* A file that cannot exist: a load that must not read any .env. */
#define NO_FILE "/nonexistent-cv-unit-test/.env"

static struct cv_config cfg;
static struct cv_error err;

static int setup(void **state)
{
    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    cv_error_clear(&err);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cv_config_free(&cfg);
    return 0;
}

static enum cv_status load(char **envp)
{
    cv_config_free(&cfg);
    return cv_config_load(&cfg, NO_FILE, false, envp, &err);
}

/* A temporary .env holding text; the caller unlinks path. */
static void write_env_file(char path[64], const char *text)
{
    size_t len = strlen(text);
    int fd;

    (void)snprintf(path, 64, "%s", "/tmp/cv-test-config-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
}

/* After a failed load the struct holds nothing. */
static void assert_cfg_empty(void)
{
    assert_null(cfg.mongodb_uri);
    assert_null(cfg.mongodb_db);
    assert_null(cfg.redis_url);
    assert_null(cfg.redis_host);
    assert_null(cfg.jwt_secret);
    assert_null(cfg.jwt_issuer);
    assert_null(cfg.frontend_url);
    assert_null(cfg.upload_dir);
    assert_null(cfg.openai_model);
}

static const struct cv_field_error *find_field(const char *name)
{
    size_t i;

    for (i = 0; i < err.nfields; i++) {
        if (strcmp(err.fields[i].name, name) == 0)
            return &err.fields[i];
    }
    return NULL;
}

/* The field for var is there, its message names var and says "expected",
 * and it does not echo secret (when given). */
static void assert_field(const char *var, const char *secret)
{
    const struct cv_field_error *f = find_field(var);

    if (f == NULL)
        fail_msg("no field %s among %zu (first: %s)", var, err.nfields,
                 err.nfields > 0 ? err.fields[0].message : "-");
    if (strstr(f->message, var) == NULL || strstr(f->message, "expected") == NULL)
        fail_msg("%s: message \"%s\" should name it and say what is expected", var,
                 f->message);
    if (secret != NULL) {
        size_t i;

        for (i = 0; i < err.nfields; i++)
            assert_null(strstr(err.fields[i].message, secret));
        assert_null(strstr(err.message, secret));
    }
}

/* Loading fails with exactly one field, named var. */
static void assert_refused_env(char **envp, const char *var, const char *secret)
{
    if (load(envp) != CV_ERR_CONFIG)
        fail_msg("%s should be refused", var);
    assert_int_equal(err.status, CV_ERR_CONFIG);
    if (err.nfields != 1)
        fail_msg("%s: %zu fields, expected 1 (first: %s)", var, err.nfields,
                 err.nfields > 0 ? err.fields[0].message : "-");
    assert_field(var, secret);
    assert_cfg_empty();
}

/* assignment ("NAME=value") beside a valid secret is refused as NAME. */
static void assert_refused(const char *assignment)
{
    char *envp[] = { (char *)assignment, SECRET, NULL };
    char var[64];
    size_t n = strcspn(assignment, "=");

    assert_true(n < sizeof(var));
    memcpy(var, assignment, n);
    var[n] = '\0';
    assert_refused_env(envp, var, NULL);
}

/* assignment beside a valid secret is accepted. */
static void assert_accepted(const char *assignment)
{
    char *envp[] = { (char *)assignment, SECRET, NULL };

    if (load(envp) != CV_OK)
        fail_msg("%s refused: %s", assignment,
                 err.nfields > 0 ? err.fields[0].message : err.message);
}

static void test_defaults(void **state)
{
    char *envp[] = { SECRET, NULL };

    (void)state;
    assert_int_equal(load(envp), CV_OK);
    assert_int_equal(err.nfields, 0);
    assert_int_equal(cfg.app_env, CV_APP_PRODUCTION);
    assert_int_equal(cfg.log_level, CV_LOG_INFO);
    assert_string_equal(cfg.mongodb_uri, "mongodb://127.0.0.1:27017/cv_analyzer");
    assert_string_equal(cfg.mongodb_db, "cv_analyzer");
    assert_string_equal(cfg.redis_url, "redis://127.0.0.1:6379/0");
    assert_string_equal(cfg.redis_host, "127.0.0.1");
    assert_int_equal(cfg.redis_port, 6379);
    assert_int_equal(cfg.redis_db, 0);
    assert_null(cfg.redis_unix_path);
    assert_null(cfg.redis_password);
    assert_string_equal(cfg.jwt_secret, SECRET32);
    assert_int_equal(cfg.jwt_secret_len, 32);
    assert_int_equal(cfg.jwt_expires_in_s, 7L * 86400);
    assert_string_equal(cfg.jwt_issuer, "cv-analyzer");
    assert_null(cfg.openai_api_key);
    assert_string_equal(cfg.openai_base_url, "https://api.openai.com/v1");
    assert_string_equal(cfg.openai_model, "gpt-4o-mini");
    assert_null(cfg.stripe_secret_key);
    assert_null(cfg.stripe_webhook_secret);
    assert_null(cfg.stripe_price_id_pro);
    assert_string_equal(cfg.stripe_api_base, "https://api.stripe.com");
    assert_int_equal(cfg.stripe_webhook_tolerance_s, 300);
    assert_string_equal(cfg.frontend_url, "http://localhost:3000");
    assert_int_equal(cfg.max_file_size, CV_CONFIG_FILE_SIZE_DEFAULT_BYTES);
    assert_int_equal(cfg.storage, CV_STORAGE_LOCAL);
    assert_string_equal(cfg.upload_dir, "/var/lib/cv-analyzer/uploads");
    assert_null(cfg.s3_bucket);
    assert_string_equal(cfg.s3_region, "us-east-1");
    assert_null(cfg.s3_endpoint);
    assert_false(cfg.s3_force_path_style);
    assert_int_equal(cfg.worker_concurrency, 2);
    assert_int_equal(cfg.max_attempts, 3);
    assert_int_equal(cfg.api_processes, 2);
    assert_int_equal(cfg.api_threads, 8);
    assert_null(cfg.api_listen);
}

static void test_nothing_set_needs_only_the_secret(void **state)
{
    char *envp[] = { NULL };
    char *unrelated[] = { "PATH=/usr/bin", "HOME=/root", "JWT_SECRETX=" SECRET32,
                          "XJWT_SECRET=" SECRET32, NULL };

    (void)state;
    assert_refused_env(envp, "JWT_SECRET", NULL);
    /* names are matched whole, not by prefix */
    assert_refused_env(unrelated, "JWT_SECRET", NULL);
}

static void test_values_are_read(void **state)
{
    char *envp[] = {
        "APP_ENV=development", "LOG_LEVEL=debug",
        "MONGODB_URI=mongodb://db.internal:27018/cvdb", "REDIS_URL=redis://r:6380/5",
        SECRET, "JWT_EXPIRES_IN=12h", "JWT_ISSUER=me",
        "OPENAI_API_KEY=sk-x", "OPENAI_BASE_URL=http://llm:8080/v1", "OPENAI_MODEL=m",
        "STRIPE_SECRET_KEY=sk_test_1", "STRIPE_WEBHOOK_SECRET=whsec_1",
        "STRIPE_PRICE_ID_PRO=price_1", "STRIPE_WEBHOOK_TOLERANCE=10m",
        "FRONTEND_URL=https://app.example.com:8443", "MAX_FILE_SIZE=5M",
        "STORAGE=s3", "S3_BUCKET=b", "S3_ACCESS_KEY_ID=ak", "S3_SECRET_ACCESS_KEY=sk",
        "S3_ENDPOINT=http://minio:9000", "S3_REGION=eu-west-3",
        "WORKER_CONCURRENCY=64", "MAX_ATTEMPTS=20", "API_PROCESSES=64", "API_THREADS=256",
        "API_LISTEN=127.0.0.1:9000", NULL,
    };

    (void)state;
    assert_int_equal(load(envp), CV_OK);
    assert_int_equal(cfg.app_env, CV_APP_DEVELOPMENT);
    assert_string_equal(cv_app_env_name(cfg.app_env), "development");
    assert_int_equal(cfg.log_level, CV_LOG_DEBUG);
    assert_string_equal(cfg.mongodb_db, "cvdb");
    assert_string_equal(cfg.redis_host, "r");
    assert_int_equal(cfg.redis_port, 6380);
    assert_int_equal(cfg.redis_db, 5);
    assert_int_equal(cfg.jwt_expires_in_s, 12L * 3600);
    assert_string_equal(cfg.jwt_issuer, "me");
    assert_string_equal(cfg.openai_api_key, "sk-x");
    assert_string_equal(cfg.openai_base_url, "http://llm:8080/v1");
    assert_string_equal(cfg.stripe_price_id_pro, "price_1");
    assert_int_equal(cfg.stripe_webhook_tolerance_s, 600);
    assert_string_equal(cfg.frontend_url, "https://app.example.com:8443");
    assert_int_equal(cfg.max_file_size, 5L * 1024 * 1024);
    assert_int_equal(cfg.storage, CV_STORAGE_S3);
    assert_string_equal(cfg.s3_bucket, "b");
    assert_string_equal(cfg.s3_endpoint, "http://minio:9000");
    assert_true(cfg.s3_force_path_style);   /* default with a custom endpoint */
    assert_string_equal(cfg.s3_region, "eu-west-3");
    assert_int_equal(cfg.worker_concurrency, 64);
    assert_int_equal(cfg.max_attempts, 20);
    assert_int_equal(cfg.api_processes, 64);
    assert_int_equal(cfg.api_threads, 256);
    assert_string_equal(cfg.api_listen, "127.0.0.1:9000");
}

static void test_environment_wins_over_file(void **state)
{
    char path[64];
    char *envp[] = { "MAX_FILE_SIZE=3M", "LOG_LEVEL=warn", NULL };

    (void)state;
    write_env_file(path, "# from the file\n"
                         "JWT_SECRET=" SECRET32 "\n"
                         "MAX_FILE_SIZE=2M\n"
                         "LOG_LEVEL=debug\n"
                         "OPENAI_MODEL=file-model\n"
                         "OPENAI_MODEL=file-model-2\n"   /* a later line wins */
                         "export WORKER_CONCURRENCY=\"7\"\n");
    assert_int_equal(cv_config_load(&cfg, path, true, envp, &err), CV_OK);
    assert_int_equal(cfg.max_file_size, 3L * 1024 * 1024);   /* environment */
    assert_int_equal(cfg.log_level, CV_LOG_WARN);
    assert_string_equal(cfg.jwt_secret, SECRET32);            /* file only */
    assert_string_equal(cfg.openai_model, "file-model-2");
    assert_int_equal(cfg.worker_concurrency, 7);
    cv_config_free(&cfg);

    /* a bad value in the file is reported like one in the environment */
    unlink(path);
    write_env_file(path, "JWT_SECRET=" SECRET32 "\nMAX_FILE_SIZE=lots\n");
    assert_int_equal(cv_config_load(&cfg, path, false, (char *[]){ NULL }, &err),
                     CV_ERR_CONFIG);
    assert_int_equal(err.nfields, 1);
    assert_field("MAX_FILE_SIZE", NULL);
    /* ...and a good one in the environment hides it */
    assert_int_equal(cv_config_load(&cfg, path, false, (char *[]){ "MAX_FILE_SIZE=1M", NULL },
                                    &err), CV_OK);
    assert_int_equal(cfg.max_file_size, 1024L * 1024);
    unlink(path);
}

static void test_env_file_required_or_not(void **state)
{
    char path[64];
    char *envp[] = { SECRET, NULL };

    (void)state;
    write_env_file(path, "");
    unlink(path);   /* a name that surely does not exist */
    /* the default file may be absent */
    assert_int_equal(cv_config_load(&cfg, path, false, envp, &err), CV_OK);
    cv_config_free(&cfg);
    /* an --env-file or CV_ENV_FILE must exist */
    assert_int_equal(cv_config_load(&cfg, path, true, envp, &err), CV_ERR_CONFIG);
    assert_int_equal(err.status, CV_ERR_CONFIG);
    assert_int_equal(err.nfields, 1);
    assert_string_equal(err.fields[0].name, "env_file");
    assert_non_null(strstr(err.fields[0].message, path));
    assert_cfg_empty();

    /* an existing file with a syntax error names the line */
    write_env_file(path, "A=1\nB=\"open\n");
    assert_int_equal(cv_config_load(&cfg, path, false, envp, &err), CV_ERR_CONFIG);
    assert_int_equal(err.nfields, 1);
    assert_string_equal(err.fields[0].name, "env_file");
    assert_non_null(strstr(err.fields[0].message, "line 2"));
    assert_cfg_empty();
    unlink(path);
}

static void test_max_file_size(void **state)
{
    (void)state;
    assert_refused("MAX_FILE_SIZE=abc");
    assert_refused("MAX_FILE_SIZE=0");
    assert_refused("MAX_FILE_SIZE=-1");
    assert_refused("MAX_FILE_SIZE=101M");
    assert_refused("MAX_FILE_SIZE=104857601");          /* 100M + 1 */
    assert_refused("MAX_FILE_SIZE=1023");               /* 1K - 1 */
    assert_refused("MAX_FILE_SIZE=10 M");
    assert_refused("MAX_FILE_SIZE=10MB");
    assert_refused("MAX_FILE_SIZE=1G");
    assert_accepted("MAX_FILE_SIZE=100M");
    assert_int_equal(cfg.max_file_size, CV_CONFIG_FILE_SIZE_MAX_BYTES);
    assert_accepted("MAX_FILE_SIZE=104857600");
    assert_int_equal(cfg.max_file_size, CV_CONFIG_FILE_SIZE_MAX_BYTES);
    assert_accepted("MAX_FILE_SIZE=1K");
    assert_int_equal(cfg.max_file_size, CV_CONFIG_FILE_SIZE_MIN_BYTES);
    assert_accepted("MAX_FILE_SIZE=1024");
    assert_int_equal(cfg.max_file_size, CV_CONFIG_FILE_SIZE_MIN_BYTES);
    assert_accepted("MAX_FILE_SIZE=512k");
    assert_int_equal(cfg.max_file_size, 512L * 1024);
}

static void test_jwt_expires_in(void **state)
{
    (void)state;
    assert_refused("JWT_EXPIRES_IN=7x");
    assert_refused("JWT_EXPIRES_IN=30");                /* below 60 s */
    assert_refused("JWT_EXPIRES_IN=59s");
    assert_refused("JWT_EXPIRES_IN=7776001");           /* 90 days + 1 s */
    assert_refused("JWT_EXPIRES_IN=91d");
    assert_refused("JWT_EXPIRES_IN=0");
    assert_refused("JWT_EXPIRES_IN=-60");
    assert_accepted("JWT_EXPIRES_IN=60");
    assert_int_equal(cfg.jwt_expires_in_s, CV_CONFIG_JWT_EXPIRES_MIN_S);
    assert_accepted("JWT_EXPIRES_IN=1m");
    assert_int_equal(cfg.jwt_expires_in_s, 60);
    assert_accepted("JWT_EXPIRES_IN=90d");
    assert_int_equal(cfg.jwt_expires_in_s, CV_CONFIG_JWT_EXPIRES_MAX_S);
    assert_accepted("JWT_EXPIRES_IN=3600s");
    assert_int_equal(cfg.jwt_expires_in_s, 3600);
}

static void test_jwt_secret(void **state)
{
    char *prod_short[] = { "APP_ENV=production", "JWT_SECRET=" SECRET31, NULL };
    char *default_short[] = { "JWT_SECRET=" SECRET31, NULL };
    char *test_short[] = { "APP_ENV=test", "JWT_SECRET=" SECRET31, NULL };
    char *dev_short[] = { "APP_ENV=development", "JWT_SECRET=short", NULL };
    char *prod_ok[] = { "APP_ENV=production", "JWT_SECRET=" SECRET32, NULL };
    char *missing[] = { "APP_ENV=development", NULL };
    char *empty[] = { "APP_ENV=test", "JWT_SECRET=", NULL };

    (void)state;
    assert_refused_env(prod_short, "JWT_SECRET", SECRET31);
    assert_refused_env(default_short, "JWT_SECRET", SECRET31);   /* production by default */
    assert_refused_env(test_short, "JWT_SECRET", SECRET31);
    assert_refused_env(missing, "JWT_SECRET", NULL);
    assert_refused_env(empty, "JWT_SECRET", NULL);

    assert_int_equal(load(dev_short), CV_OK);
    assert_string_equal(cfg.jwt_secret, "short");
    assert_int_equal(cfg.jwt_secret_len, 5);
    assert_int_equal(load(prod_ok), CV_OK);
    assert_int_equal(cfg.jwt_secret_len, CV_CONFIG_JWT_SECRET_MIN_BYTES);
    assert_null(cfg.jwt_secret_previous);
}

static void test_jwt_secret_previous(void **state)
{
    char *prod_short[] = { "APP_ENV=production", "JWT_SECRET=" SECRET32,
                           "JWT_SECRET_PREVIOUS=" SECRET31, NULL };
    char *prod_ok[] = { "APP_ENV=production", "JWT_SECRET=" SECRET32,
                        "JWT_SECRET_PREVIOUS=" SECRET32 "-old", NULL };
    char *empty[] = { "APP_ENV=production", "JWT_SECRET=" SECRET32, "JWT_SECRET_PREVIOUS=", NULL };

    (void)state;
    assert_refused_env(prod_short, "JWT_SECRET_PREVIOUS", SECRET31);
    assert_int_equal(load(prod_ok), CV_OK);
    assert_string_equal(cfg.jwt_secret_previous, SECRET32 "-old");
    assert_int_equal(cfg.jwt_secret_previous_len, CV_CONFIG_JWT_SECRET_MIN_BYTES + 4);
    assert_int_equal(load(empty), CV_OK);   /* empty: none */
    assert_null(cfg.jwt_secret_previous);
}

static void test_sentry_dsn(void **state)
{
    char *bad[] = { "JWT_SECRET=" SECRET32, "SENTRY_DSN=https://o1.ingest.sentry.io/12", NULL };
    char *no_project[] = { "JWT_SECRET=" SECRET32, "SENTRY_DSN=https://key@host/", NULL };
    char *ok[] = { "JWT_SECRET=" SECRET32, "SENTRY_DSN=https://abc@o1.ingest.sentry.io/12", NULL };
    struct cv_sentry_dsn dsn;

    (void)state;
    assert_refused_env(bad, "SENTRY_DSN", NULL);
    assert_refused_env(no_project, "SENTRY_DSN", NULL);
    assert_int_equal(load(ok), CV_OK);
    assert_string_equal(cfg.sentry_dsn, "https://abc@o1.ingest.sentry.io/12");
    assert_true(cv_sentry_parse_dsn("https://abc@o1.ingest.sentry.io/12", &dsn));
    assert_string_equal(dsn.envelope_url, "https://o1.ingest.sentry.io/api/12/envelope/");
    assert_string_equal(dsn.public_key, "abc");
    assert_true(cv_sentry_parse_dsn("http://k:s@127.0.0.1:9000/sentry/7", &dsn));
    assert_string_equal(dsn.envelope_url, "http://127.0.0.1:9000/sentry/api/7/envelope/");
    assert_string_equal(dsn.public_key, "k");
    assert_false(cv_sentry_parse_dsn("ftp://k@host/1", &dsn));
    assert_false(cv_sentry_parse_dsn("https://k@host/abc", &dsn));
}

static void test_app_env_and_log_level(void **state)
{
    char *test_env[] = { "APP_ENV=test", SECRET, NULL };

    (void)state;
    assert_refused("APP_ENV=staging");
    assert_refused("LOG_LEVEL=loud");
    assert_accepted("LOG_LEVEL=error");
    assert_int_equal(cfg.log_level, CV_LOG_ERROR);
    assert_int_equal(load(test_env), CV_OK);
    assert_int_equal(cfg.app_env, CV_APP_TEST);
    assert_string_equal(cv_app_env_name(CV_APP_TEST), "test");
    assert_string_equal(cv_app_env_name(CV_APP_PRODUCTION), "production");
}

static void test_mongodb_uri(void **state)
{
    char *with_password[] = { "MONGODB_URI=mongodb://u:s3cret@@host", SECRET, NULL };
    char *bad_port[] = { "MONGODB_URI=mongodb://u:s3cret@host:99999/db", SECRET, NULL };

    (void)state;
    assert_refused("MONGODB_URI=notauri");
    assert_refused("MONGODB_URI=http://127.0.0.1:27017/");
    /* the message names the variable, never the URI (it has a password) */
    assert_refused_env(with_password, "MONGODB_URI", "s3cret");
    assert_refused_env(bad_port, "MONGODB_URI", "s3cret");
    assert_accepted("MONGODB_URI=mongodb://u:pw@h1:27017,h2:27017/app?replicaSet=rs0");
    assert_string_equal(cfg.mongodb_db, "app");
    assert_accepted("MONGODB_URI=mongodb://h");
    assert_string_equal(cfg.mongodb_db, "cv_analyzer");
}

static void test_redis_url(void **state)
{
    static const char *const bad[] = {
        "REDIS_URL=http://h:6379",
        "REDIS_URL=redis://",
        "REDIS_URL=redis://:pw@",
        "REDIS_URL=redis://user@h",        /* no ':' before the password */
        "REDIS_URL=redis://h:",
        "REDIS_URL=redis://h:0",
        "REDIS_URL=redis://h:65536",
        "REDIS_URL=redis://h:abc",
        "REDIS_URL=redis://h/16",
        "REDIS_URL=redis://h/x",
        "REDIS_URL=redis://h/-1",
        "REDIS_URL=unix://",
        "REDIS_URL=unix://relative.sock",
        "REDIS_URL=unix:///run/r.sock?db=16",
        "REDIS_URL=unix:///run/r.sock?db=x",
        "REDIS_URL=unix://?db=1",
    };
    char *secret_in_url[] = { "REDIS_URL=redis://:t0psecret@h:0", SECRET, NULL };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_refused(bad[i]);
    assert_refused_env(secret_in_url, "REDIS_URL", "t0psecret");

    assert_accepted("REDIS_URL=redis://h:1/2");
    assert_string_equal(cfg.redis_host, "h");
    assert_int_equal(cfg.redis_port, 1);
    assert_int_equal(cfg.redis_db, 2);
    assert_null(cfg.redis_password);
    assert_null(cfg.redis_unix_path);

    assert_accepted("REDIS_URL=redis://:pw@h");
    assert_string_equal(cfg.redis_password, "pw");
    assert_string_equal(cfg.redis_host, "h");
    assert_int_equal(cfg.redis_port, 6379);
    assert_int_equal(cfg.redis_db, 0);

    assert_accepted("REDIS_URL=redis://user:pw@cache.internal:65535/15");
    assert_string_equal(cfg.redis_password, "pw");
    assert_string_equal(cfg.redis_host, "cache.internal");
    assert_int_equal(cfg.redis_port, 65535);
    assert_int_equal(cfg.redis_db, 15);

    assert_accepted("REDIS_URL=redis://h/");
    assert_int_equal(cfg.redis_db, 0);

    assert_accepted("REDIS_URL=unix:///run/r.sock?db=3");
    assert_string_equal(cfg.redis_unix_path, "/run/r.sock");
    assert_null(cfg.redis_host);
    assert_int_equal(cfg.redis_db, 3);

    assert_accepted("REDIS_URL=unix:///run/r.sock");
    assert_string_equal(cfg.redis_unix_path, "/run/r.sock");
    assert_int_equal(cfg.redis_db, 0);
}

static void test_frontend_url(void **state)
{
    (void)state;
    assert_refused("FRONTEND_URL=https://app.example.com/app");
    assert_refused("FRONTEND_URL=https://app.example.com//");
    assert_refused("FRONTEND_URL=https://app.example.com/?x=1");
    assert_refused("FRONTEND_URL=https://app.example.com#top");
    assert_refused("FRONTEND_URL=https://user@app.example.com");
    assert_refused("FRONTEND_URL=ftp://app.example.com");
    assert_refused("FRONTEND_URL=app.example.com");
    assert_refused("FRONTEND_URL=https://");
    assert_refused("FRONTEND_URL=https:///x");
    assert_refused("FRONTEND_URL=https://:443");
    assert_accepted("FRONTEND_URL=https://app.example.com/");
    assert_string_equal(cfg.frontend_url, "https://app.example.com");
    assert_accepted("FRONTEND_URL=http://localhost:5173");
    assert_string_equal(cfg.frontend_url, "http://localhost:5173");
}

static void test_other_urls(void **state)
{
    (void)state;
    assert_refused("OPENAI_BASE_URL=api.openai.com");
    assert_refused("STRIPE_API_BASE=https://");
    assert_refused("S3_ENDPOINT=minio:9000");
    assert_accepted("OPENAI_BASE_URL=http://127.0.0.1:11434/v1");
}

static void test_url_credentials_not_echoed(void **state)
{
    char *s3[] = { "S3_ENDPOINT=https://AKIA:s3cret@minio 9000", SECRET, NULL };
    char *openai[] = { "OPENAI_BASE_URL=htps://u:s3cret@llm.internal/v1", SECRET, NULL };
    char *stripe[] = { "STRIPE_API_BASE=https://u:s3cret@stripe-mock/ x", SECRET, NULL };

    (void)state;
    assert_refused_env(s3, "S3_ENDPOINT", "s3cret");
    assert_refused_env(openai, "OPENAI_BASE_URL", "s3cret");
    assert_refused_env(stripe, "STRIPE_API_BASE", "s3cret");
}

/* A .env of n distinct variables (ignored ones) beside a valid secret. */
static enum cv_status load_many_file_vars(size_t n, char path[64])
{
    struct cv_buf text;
    size_t i;

    cv_buf_init(&text, 64 * 1024);
    assert_int_equal(cv_buf_puts(&text, "JWT_SECRET=" SECRET32 "\n"), CV_OK);
    for (i = 1; i < n; i++)
        assert_int_equal(cv_buf_printf(&text, "UNUSED_%zu=x\n", i), CV_OK);
    write_env_file(path, text.data);
    cv_buf_free(&text);
    cv_config_free(&cfg);
    return cv_config_load(&cfg, path, true, (char *[]){ NULL }, &err);
}

static void test_many_file_variables(void **state)
{
    char path[64];
    enum cv_status st;

    (void)state;
    assert_int_equal(load_many_file_vars(256, path), CV_OK);
    unlink(path);
    st = load_many_file_vars(257, path);
    unlink(path);
    if (st != CV_OK)
        assert_null(strstr(err.fields[0].message, "out of memory"));
}

static void test_storage(void **state)
{
    char *s3_bare[] = { "STORAGE=s3", SECRET, NULL };
    char *s3_full[] = { "STORAGE=s3", "S3_BUCKET=b", "S3_ACCESS_KEY_ID=AKIA",
                        "S3_SECRET_ACCESS_KEY=verysecret", SECRET, NULL };

    (void)state;
    assert_refused("STORAGE=ftp");
    assert_refused("UPLOAD_DIR=relative/dir");
    assert_refused("S3_FORCE_PATH_STYLE=maybe");

    assert_int_equal(load(s3_bare), CV_ERR_CONFIG);
    assert_int_equal(err.nfields, 3);
    assert_field("S3_BUCKET", NULL);
    assert_field("S3_ACCESS_KEY_ID", NULL);
    assert_field("S3_SECRET_ACCESS_KEY", NULL);
    assert_cfg_empty();

    assert_int_equal(load(s3_full), CV_OK);
    assert_int_equal(cfg.storage, CV_STORAGE_S3);
    assert_string_equal(cfg.s3_secret_access_key, "verysecret");
    assert_false(cfg.s3_force_path_style);   /* AWS: virtual-hosted style */

    assert_accepted("STORAGE=local");
    assert_int_equal(cfg.storage, CV_STORAGE_LOCAL);
    assert_null(cfg.s3_bucket);   /* not required for local storage */
}

static void test_stripe(void **state)
{
    char *key_only[] = { "STRIPE_SECRET_KEY=sk_test_1", SECRET, NULL };
    char *no_price[] = { "STRIPE_SECRET_KEY=sk_test_1", "STRIPE_WEBHOOK_SECRET=whsec_1",
                         SECRET, NULL };
    char *complete[] = { "STRIPE_SECRET_KEY=sk_test_1", "STRIPE_WEBHOOK_SECRET=whsec_1",
                         "STRIPE_PRICE_ID_PRO=price_1", SECRET, NULL };

    (void)state;
    assert_int_equal(load(key_only), CV_ERR_CONFIG);
    assert_int_equal(err.nfields, 2);
    assert_field("STRIPE_WEBHOOK_SECRET", "sk_test_1");
    assert_field("STRIPE_PRICE_ID_PRO", "sk_test_1");
    assert_cfg_empty();
    assert_refused_env(no_price, "STRIPE_PRICE_ID_PRO", "whsec_1");
    assert_int_equal(load(complete), CV_OK);
    assert_string_equal(cfg.stripe_secret_key, "sk_test_1");
    /* billing off: no other Stripe variable is needed */
    assert_accepted("STRIPE_PRICE_ID_PRO=price_1");
    assert_null(cfg.stripe_secret_key);
    assert_refused("STRIPE_WEBHOOK_TOLERANCE=2h");   /* over 3600 s */
    assert_accepted("STRIPE_WEBHOOK_TOLERANCE=3600");
    assert_accepted("STRIPE_WEBHOOK_TOLERANCE=1");
}

static void test_integers(void **state)
{
    (void)state;
    assert_refused("WORKER_CONCURRENCY=0");
    assert_refused("WORKER_CONCURRENCY=65");
    assert_refused("WORKER_CONCURRENCY=two");
    assert_refused("WORKER_CONCURRENCY=2.5");
    assert_accepted("WORKER_CONCURRENCY=1");
    assert_int_equal(cfg.worker_concurrency, 1);
    assert_accepted("WORKER_CONCURRENCY=64");
    assert_int_equal(cfg.worker_concurrency, 64);
    assert_refused("MAX_ATTEMPTS=21");
    assert_refused("API_PROCESSES=65");
    assert_refused("API_THREADS=257");
    assert_refused("API_THREADS=0");
}

static void test_several_bad_variables(void **state)
{
    char *envp[] = { "MAX_FILE_SIZE=abc", "LOG_LEVEL=loud", "WORKER_CONCURRENCY=0",
                     "FRONTEND_URL=https://x.example/path", "STORAGE=ftp",
                     "JWT_EXPIRES_IN=7x", NULL };   /* and no JWT_SECRET */

    (void)state;
    assert_int_equal(load(envp), CV_ERR_CONFIG);
    assert_int_equal(err.status, CV_ERR_CONFIG);
    assert_int_equal(err.nfields, 7);
    assert_field("MAX_FILE_SIZE", NULL);
    assert_field("LOG_LEVEL", NULL);
    assert_field("WORKER_CONCURRENCY", NULL);
    assert_field("FRONTEND_URL", NULL);
    assert_field("STORAGE", NULL);
    assert_field("JWT_EXPIRES_IN", NULL);
    assert_field("JWT_SECRET", NULL);
    assert_string_not_equal(err.message, "");
    assert_cfg_empty();
    /* the report prints one line per field; it must not crash */
    cv_config_report(&err, "test_config");
}

static void test_parse_int(void **state)
{
    long v = 12345;

    (void)state;
    assert_true(cv_config_parse_int("64", 1, 64, &v));
    assert_int_equal(v, 64);
    assert_true(cv_config_parse_int("1", 1, 64, &v));
    assert_int_equal(v, 1);
    assert_true(cv_config_parse_int("-5", -10, 10, &v));
    assert_int_equal(v, -5);
    assert_true(cv_config_parse_int("0", 0, 0, &v));
    assert_true(cv_config_parse_int("9223372036854775807", 0, INT64_MAX, &v));
    assert_int_equal(v, INT64_MAX);

    v = 12345;
    assert_false(cv_config_parse_int("65", 1, 64, &v));
    assert_false(cv_config_parse_int("0", 1, 64, &v));
    assert_false(cv_config_parse_int("-1", 0, 64, &v));
    assert_false(cv_config_parse_int("", 0, 64, &v));
    assert_false(cv_config_parse_int(NULL, 0, 64, &v));
    assert_false(cv_config_parse_int("-", 0, 64, &v));
    assert_false(cv_config_parse_int(" 5", 0, 64, &v));
    assert_false(cv_config_parse_int("5 ", 0, 64, &v));
    assert_false(cv_config_parse_int("+5", 0, 64, &v));
    assert_false(cv_config_parse_int("0x10", 0, 64, &v));
    assert_false(cv_config_parse_int("1e3", 0, 5000, &v));
    assert_false(cv_config_parse_int("9223372036854775808", 0, INT64_MAX, &v));
    assert_false(cv_config_parse_int("99999999999999999999", 0, INT64_MAX, &v));
    assert_int_equal(v, 12345);   /* untouched on failure */
}

static void test_parse_duration(void **state)
{
    long s = 777;

    (void)state;
    assert_true(cv_config_parse_duration("7d", &s));
    assert_int_equal(s, 7L * 86400);
    assert_true(cv_config_parse_duration("12h", &s));
    assert_int_equal(s, 12L * 3600);
    assert_true(cv_config_parse_duration("30m", &s));
    assert_int_equal(s, 1800);
    assert_true(cv_config_parse_duration("3600s", &s));
    assert_int_equal(s, 3600);
    assert_true(cv_config_parse_duration("3600", &s));
    assert_int_equal(s, 3600);
    assert_true(cv_config_parse_duration("1", &s));
    assert_int_equal(s, 1);
    /* the most: a (leap) year, in every unit */
    assert_true(cv_config_parse_duration("366d", &s));
    assert_int_equal(s, 366L * 86400);
    assert_true(cv_config_parse_duration("8784h", &s));
    assert_true(cv_config_parse_duration("527040m", &s));
    assert_true(cv_config_parse_duration("31622400", &s));
    assert_int_equal(s, 31622400);

    s = 777;
    assert_false(cv_config_parse_duration("367d", &s));
    assert_false(cv_config_parse_duration("8785h", &s));
    assert_false(cv_config_parse_duration("527041m", &s));
    assert_false(cv_config_parse_duration("31622401", &s));
    assert_false(cv_config_parse_duration("31622401s", &s));
    assert_false(cv_config_parse_duration("99999999999999999999d", &s));
    assert_false(cv_config_parse_duration("9223372036854775807s", &s));
    assert_false(cv_config_parse_duration("106751991167301d", &s));   /* * 86400 > LONG_MAX */
    assert_false(cv_config_parse_duration("0", &s));
    assert_false(cv_config_parse_duration("0d", &s));
    assert_false(cv_config_parse_duration("", &s));
    assert_false(cv_config_parse_duration(NULL, &s));
    assert_false(cv_config_parse_duration("-1", &s));
    assert_false(cv_config_parse_duration("-1d", &s));
    assert_false(cv_config_parse_duration("7 d", &s));
    assert_false(cv_config_parse_duration(" 7d", &s));
    assert_false(cv_config_parse_duration("7d ", &s));
    assert_false(cv_config_parse_duration("7x", &s));
    assert_false(cv_config_parse_duration("7dd", &s));
    assert_false(cv_config_parse_duration("d", &s));
    assert_false(cv_config_parse_duration("1.5h", &s));
    assert_false(cv_config_parse_duration("1h30m", &s));
    assert_int_equal(s, 777);   /* untouched on failure */
}

static void test_parse_size(void **state)
{
    long b = 777;

    (void)state;
    assert_true(cv_config_parse_size("10485760", &b));
    assert_int_equal(b, 10485760);
    assert_true(cv_config_parse_size("512K", &b));
    assert_int_equal(b, 512L * 1024);
    assert_true(cv_config_parse_size("512k", &b));
    assert_int_equal(b, 512L * 1024);
    assert_true(cv_config_parse_size("10M", &b));
    assert_int_equal(b, 10L * 1024 * 1024);
    assert_true(cv_config_parse_size("10m", &b));
    assert_true(cv_config_parse_size("1", &b));
    assert_int_equal(b, 1);
    /* the most: 1 GiB, in every unit */
    assert_true(cv_config_parse_size("1073741824", &b));
    assert_int_equal(b, 1073741824L);
    assert_true(cv_config_parse_size("1048576K", &b));
    assert_true(cv_config_parse_size("1024M", &b));
    assert_int_equal(b, 1073741824L);

    b = 777;
    assert_false(cv_config_parse_size("1073741825", &b));
    assert_false(cv_config_parse_size("1048577K", &b));
    assert_false(cv_config_parse_size("1025M", &b));
    assert_false(cv_config_parse_size("99999999999999999999", &b));
    assert_false(cv_config_parse_size("99999999999999999999M", &b));
    assert_false(cv_config_parse_size("9223372036854775807K", &b));
    assert_false(cv_config_parse_size("0", &b));
    assert_false(cv_config_parse_size("0K", &b));
    assert_false(cv_config_parse_size("", &b));
    assert_false(cv_config_parse_size(NULL, &b));
    assert_false(cv_config_parse_size("-1", &b));
    assert_false(cv_config_parse_size("10 M", &b));
    assert_false(cv_config_parse_size("10MB", &b));
    assert_false(cv_config_parse_size("1G", &b));
    assert_false(cv_config_parse_size("1.5M", &b));
    assert_false(cv_config_parse_size("M", &b));
    assert_int_equal(b, 777);
}

static void test_env_file_path(void **state)
{
    const char *saved = getenv("CV_ENV_FILE");
    char *copy = saved != NULL ? strdup(saved) : NULL;
    bool required;

    (void)state;
    assert_int_equal(unsetenv("CV_ENV_FILE"), 0);
    required = true;
    assert_string_equal(cv_config_env_file_path(NULL, &required), ".env");
    assert_false(required);   /* the default may be absent */

    required = false;
    assert_string_equal(cv_config_env_file_path("/etc/cv/arg.env", &required),
                        "/etc/cv/arg.env");
    assert_true(required);

    assert_int_equal(setenv("CV_ENV_FILE", "/etc/cv/env.env", 1), 0);
    required = false;
    assert_string_equal(cv_config_env_file_path(NULL, &required), "/etc/cv/env.env");
    assert_true(required);
    /* the argument beats the variable */
    required = false;
    assert_string_equal(cv_config_env_file_path("/etc/cv/arg.env", &required),
                        "/etc/cv/arg.env");
    assert_true(required);

    /* an empty variable counts as unset */
    assert_int_equal(setenv("CV_ENV_FILE", "", 1), 0);
    required = true;
    assert_string_equal(cv_config_env_file_path(NULL, &required), ".env");
    assert_false(required);

    if (copy != NULL)
        assert_int_equal(setenv("CV_ENV_FILE", copy, 1), 0);
    else
        assert_int_equal(unsetenv("CV_ENV_FILE"), 0);
    free(copy);
}

/* cv_config_print into memory; the caller frees the text. */
static char *printed(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    assert_non_null(f);
    assert_true(cv_config_print(&cfg, f));
    assert_int_equal(fclose(f), 0);
    return text;
}

/* --print-config: every line NAME=value, values that read back the same,
 * the derived upload cap, and no secret (nor a URL's password) in clear. */
static void test_print(void **state)
{
    char *envp[] = {
        SECRET, "MAX_FILE_SIZE=2M", "JWT_EXPIRES_IN=2h", "OPENAI_API_KEY=sk-hidden",
        "MONGODB_URI=mongodb://app:hunter2@db.example:27017/cv",
        "REDIS_URL=redis://:redispw@cache.example:6380/2", NULL,
    };
    char *text;
    const char *line, *end;
    size_t lines = 0;

    (void)state;
    assert_int_equal(load(envp), CV_OK);
    text = printed();
    assert_null(strstr(text, SECRET32));
    assert_null(strstr(text, "sk-hidden"));
    assert_null(strstr(text, "hunter2"));
    assert_null(strstr(text, "redispw"));
    assert_non_null(strstr(text, "\nJWT_SECRET=<set>\n"));
    assert_non_null(strstr(text, "\nOPENAI_API_KEY=<set>\n"));
    assert_non_null(strstr(text, "\nSTRIPE_SECRET_KEY=\n"));   /* unset */
    assert_non_null(strstr(text, "\nMONGODB_URI=mongodb://<set>@db.example:27017/cv\n"));
    assert_non_null(strstr(text, "\nREDIS_URL=redis://<set>@cache.example:6380/2\n"));
    assert_non_null(strstr(text, "\nMAX_FILE_SIZE=2097152\n"));
    assert_non_null(strstr(text, "\nJWT_EXPIRES_IN=7200\n"));
    assert_non_null(strstr(text, "\nUPLOAD_BODY_MAX=3145728\n"));   /* 2 MiB + 1 MiB room */
    assert_int_equal(cv_config_upload_body_max(&cfg), 2097152L + CV_UPLOAD_OVERHEAD_MAX_BYTES);
    for (line = text; *line != '\0'; line = end + 1) {
        const char *eq = strchr(line, '=');

        end = strchr(line, '\n');
        assert_non_null(end);   /* every line ends */
        assert_true(eq != NULL && eq > line && eq < end);
        lines++;
    }
    assert_true(lines >= 30);
    free(text);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_defaults),
        T(test_nothing_set_needs_only_the_secret),
        T(test_values_are_read),
        T(test_environment_wins_over_file),
        T(test_env_file_required_or_not),
        T(test_max_file_size),
        T(test_jwt_expires_in),
        T(test_jwt_secret),
        T(test_jwt_secret_previous),
        T(test_sentry_dsn),
        T(test_app_env_and_log_level),
        T(test_mongodb_uri),
        T(test_redis_url),
        T(test_frontend_url),
        T(test_other_urls),
        T(test_url_credentials_not_echoed),
        T(test_many_file_variables),
        T(test_storage),
        T(test_stripe),
        T(test_integers),
        T(test_several_bad_variables),
        T(test_parse_int),
        T(test_parse_duration),
        T(test_parse_size),
        T(test_env_file_path),
        T(test_print),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
