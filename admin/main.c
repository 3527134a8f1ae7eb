/*
 * main.c (admin/) - cv-admin, the operator's command.
 *
 *   cv-admin [--env-file PATH] [--json] GROUP SUBCOMMAND [ARGS]
 *   cv-admin [--env-file PATH] --check-config | --version | --help
 *
 * Reads the same env file, with the same rules, as cv-api and cv-worker,
 * connects to MongoDB and Redis, runs one command of the table below and
 * exits with its status (admin.h). Bad arguments are refused before any
 * connection is made.
 */
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <sodium.h>

#include "admin.h"
#include "config.h"
#include "log.h"
#include "runtime.h"
#include "version.h"

extern char **environ;

static const struct admin_command *const admin_commands[] = {
    &admin_cmd_queue,
    &admin_cmd_users,
    &admin_cmd_analyses,
    &admin_cmd_dead_letters,
    &admin_cmd_check,
    &admin_cmd_storage,
};
#define ADMIN_NCOMMANDS (sizeof(admin_commands) / sizeof(admin_commands[0]))

enum admin_exit admin_usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("cv-admin: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return ADMIN_EXIT_USAGE;
}

void admin_print_json(struct json_object *o)
{
    puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                               JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
}

static void admin_help(FILE *out)
{
    size_t i;

    fputs("usage: cv-admin [--env-file PATH] [--json] GROUP SUBCOMMAND [ARGS]\n"
          "       cv-admin [--env-file PATH] --check-config | --version | --help\n\n"
          "commands:\n", out);
    for (i = 0; i < ADMIN_NCOMMANDS; i++)
        fputs(admin_commands[i]->usage, out);
}

static const struct admin_command *admin_find(const char *group)
{
    size_t i;

    for (i = 0; i < ADMIN_NCOMMANDS; i++)
        if (strcmp(admin_commands[i]->group, group) == 0)
            return admin_commands[i];
    return NULL;
}

/* Connect, run, disconnect. */
static enum admin_exit admin_run(const struct cv_config *cfg, const struct admin_command *cmd,
                                 bool json, int argc, char **argv)
{
    struct cv_runtime rt;
    struct cv_thread_conns conns;
    struct admin_env env;
    struct cv_error err;
    enum admin_exit rc;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || sodium_init() < 0) {
        fputs("cv-admin: library initialisation failed\n", stderr);
        return ADMIN_EXIT_FAILED;
    }
    cv_error_clear(&err);
    if (cv_runtime_open(&rt, cfg, 1, &err) != CV_OK) {
        fprintf(stderr, "cv-admin: MongoDB: %s\n", err.message);
        curl_global_cleanup();
        return ADMIN_EXIT_FAILED;
    }
    cv_runtime_thread_open(&rt, &conns);
    memset(&env, 0, sizeof(env));
    env.ctx = cv_runtime_ctx(&rt, &conns, NULL);
    env.json = json;
    rc = cmd->run(&env, argc, argv);
    cv_runtime_thread_close(&rt, &conns);
    cv_runtime_close(&rt);
    curl_global_cleanup();
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "env-file", required_argument, NULL, 'e' },
        { "check-config", no_argument, NULL, 'c' },
        { "json", no_argument, NULL, 'j' },
        { "version", no_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const struct admin_command *cmd = NULL;
    const char *env_arg = NULL, *env_path;
    struct cv_config cfg;
    struct cv_error err;
    bool required, json = false, check_only = false;
    int c;
    enum admin_exit rc;

    /* "+": options stop at the command, whose own arguments may start with '-'. */
    while ((c = getopt_long(argc, argv, "+e:cjVh", opts, NULL)) != -1) {
        switch (c) {
        case 'e': env_arg = optarg; break;
        case 'c': check_only = true; break;
        case 'j': json = true; break;
        case 'V': printf("cv-admin %s\n", CV_VERSION); return ADMIN_EXIT_OK;
        case 'h': admin_help(stdout); return ADMIN_EXIT_OK;
        default: admin_help(stderr); return ADMIN_EXIT_USAGE;
        }
    }
    if (!check_only) {
        if (optind >= argc) {
            admin_help(stderr);
            return ADMIN_EXIT_USAGE;
        }
        cmd = admin_find(argv[optind]);
        if (cmd == NULL)
            return admin_usage_error("unknown command \"%.64s\" (cv-admin --help lists them)",
                                     argv[optind]);
    }
    env_path = cv_config_env_file_path(env_arg, &required);
    if (cv_config_load(&cfg, env_path, required, environ, &err) != CV_OK) {
        cv_config_report(&err, "cv-admin");
        if (check_only)
            fputs("cv-admin: configuration test failed\n", stderr);
        return ADMIN_EXIT_FAILED;
    }
    if (check_only) {
        printf("cv-admin: configuration is valid (APP_ENV=%s)\n", cv_app_env_name(cfg.app_env));
        cv_config_free(&cfg);
        return ADMIN_EXIT_OK;
    }
    /* Log lines (the driver's, a reconnect) go to stderr, warnings up. */
    cv_log_init(cfg.log_level > CV_LOG_WARN ? cfg.log_level : CV_LOG_WARN, "admin");
    signal(SIGPIPE, SIG_IGN);
    rc = admin_run(&cfg, cmd, json, argc - optind, argv + optind);
    cv_config_free(&cfg);
    return (int)rc;
}
