/*
 * admin.h (admin/) - cv-admin, the operator's command: what a command
 * receives and how it reports.
 *
 * Each command group lives in a file of its own (cmd_GROUP.c) and is one
 * row of the table in main.c. A command runs once, single-threaded, with
 * the services' configuration and its own MongoDB client and Redis
 * connection. It prints a table for people, or JSON with --json, on
 * stdout; problems go to stderr. Exit status: ADMIN_EXIT_OK, _FAILED
 * (the operation failed or found problems), _USAGE (bad arguments, which
 * change nothing).
 */
#ifndef CV_ADMIN_H
#define CV_ADMIN_H

#include <stdbool.h>

#include "ctx.h"

struct json_object;

enum admin_exit {
    ADMIN_EXIT_OK = 0,
    ADMIN_EXIT_FAILED = 1,
    ADMIN_EXIT_USAGE = 2,
};

struct admin_env {
    struct cv_ctx ctx;          /* config, MongoDB client, Redis; request_id NULL */
    bool json;                  /* --json: machine-readable output */
};

/* One command group: argv[0] is the group's first word after the global
 * options (e.g. "queue"), the rest its subcommand and arguments. */
struct admin_command {
    const char *group;
    const char *usage;          /* lines for --help, each "GROUP SUB ARGS  what" */
    enum admin_exit (*run)(struct admin_env *env, int argc, char **argv);
};

/* Print "cv-admin: " and the message on stderr; returns ADMIN_EXIT_USAGE,
 * so a command can `return admin_usage_error(...)`. */
enum admin_exit admin_usage_error(const char *fmt, ...) CV_PRINTF(1, 2);

/* Print o on stdout as one line of JSON, then release it (o is taken). */
void admin_print_json(struct json_object *o);

/* Queue failed analysis id again (any owner); on failure say why on
 * stderr, prefixed by why (the command or entry at hand). Shared by
 * `analyses requeue` and `dead-letters replay`. */
enum admin_exit admin_requeue_analysis(struct admin_env *env, const char *id, const char *why);

/* The groups (one per cmd_*.c). */
extern const struct admin_command admin_cmd_queue;
extern const struct admin_command admin_cmd_users;
extern const struct admin_command admin_cmd_analyses;
extern const struct admin_command admin_cmd_dead_letters;
extern const struct admin_command admin_cmd_check;
extern const struct admin_command admin_cmd_storage;

#endif
