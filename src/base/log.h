/*
 * log.h - structured logging: one JSON object per line on stderr.
 *
 * Every line has time, level, pid, component and msg; request_id when the
 * line is caused by a request or a job; error when a library or errno
 * explains the failure. Lines are written with a single write(2), so lines
 * from several threads or processes never interleave. Never pass passwords,
 * tokens, secrets, file contents or CV text to these functions.
 *
 * cv_log_init is called once at start, before threads exist; afterwards all
 * functions are thread safe, cv_log_set_level (a reload) included.
 */
#ifndef CV_LOG_H
#define CV_LOG_H

#include <stdbool.h>

#include "cv_status.h"

enum cv_log_level {
    CV_LOG_DEBUG = 0,
    CV_LOG_INFO = 1,
    CV_LOG_WARN = 2,
    CV_LOG_ERROR = 3,
};

/* component names the process ("api", "worker"); kept by pointer. */
void cv_log_init(enum cv_log_level min_level, const char *component);
/* Change the minimum level at run time (configuration reload). */
void cv_log_set_level(enum cv_log_level min_level);
bool cv_log_enabled(enum cv_log_level level);

/* Parse "debug|info|warn|error"; false if it is none of them. */
bool cv_log_level_parse(const char *s, enum cv_log_level *out);

/* "debug", "info", "warn" or "error". */
const char *cv_log_level_name(enum cv_log_level level);

/* request_id and error may be NULL. */
void cv_log(enum cv_log_level level, const char *request_id,
            const char *fmt, ...) CV_PRINTF(3, 4);
void cv_log_error_detail(enum cv_log_level level, const char *request_id,
                         const char *error, const char *fmt, ...) CV_PRINTF(4, 5);

/* The access line written once per request. */
struct cv_log_access {
    const char *request_id;
    const char *method;
    const char *route;      /* the route pattern, not the raw path */
    const char *user_id;    /* NULL when unknown */
    int status;
    double duration_ms;
};
void cv_log_access(const struct cv_log_access *a);

#endif
