/*
 * env_file.h - reader for .env files (KEY=VALUE lines), as docker compose
 * and systemd's EnvironmentFile read them.
 *
 * Accepted: blank lines, '#' comments, an optional "export " prefix,
 * unquoted values (trimmed; " #" after the value starts a comment, a
 * value may itself start with '#'), 'single-quoted' values
 * taken literally and "double-quoted" values with \n \t \" \\ escapes.
 * Anything else is a syntax error naming the line. Pure: no environment or
 * global state is touched; thread safe.
 */
#ifndef CV_ENV_FILE_H
#define CV_ENV_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "cv_status.h"

/* Called for each assignment, in file order; key and value are
 * NUL-terminated and valid only during the call. Return false to stop
 * (the parse then fails with CV_ERR_NOMEM). */
typedef bool (*cv_env_file_cb)(const char *key, const char *value, void *ctx);

/* Parse len bytes of text. CV_ERR_CONFIG with "line N: ..." on bad syntax,
 * CV_ERR_TOO_LARGE past CV_ENV_FILE_MAX_BYTES or a line past
 * CV_ENV_LINE_MAX_BYTES. */
enum cv_status cv_env_file_parse(const char *text, size_t len, cv_env_file_cb cb,
                                 void *ctx, struct cv_error *err) CV_WARN_UNUSED;

/* Read and parse the file at path. A missing file is CV_OK with no call
 * when must_exist is false, CV_ERR_CONFIG when it is true. */
enum cv_status cv_env_file_load(const char *path, bool must_exist, cv_env_file_cb cb,
                                void *ctx, struct cv_error *err) CV_WARN_UNUSED;

#endif
