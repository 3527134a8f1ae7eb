/*
 * log.c - JSON-lines logger (see log.h).
 *
 * Each line is assembled in a buffer capped at CV_LOG_LINE_MAX_BYTES and
 * written at once; an over-long message is cut, never split across lines.
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cv_limits.h"

/* Atomic: a reload (SIGHUP) changes it while threads log. */
static atomic_int log_min = CV_LOG_INFO;
static const char *log_component = "cv";

static const char *const level_names[] = { "debug", "info", "warn", "error" };

const char *cv_log_level_name(enum cv_log_level level)
{
    return (size_t)level < sizeof(level_names) / sizeof(level_names[0]) ? level_names[level]
                                                                        : "info";
}

void cv_log_init(enum cv_log_level min_level, const char *component)
{
    atomic_store(&log_min, (int)min_level);
    log_component = component;
}

void cv_log_set_level(enum cv_log_level min_level)
{
    atomic_store(&log_min, (int)min_level);
}

bool cv_log_enabled(enum cv_log_level level)
{
    return (int)level >= atomic_load(&log_min);
}

bool cv_log_level_parse(const char *s, enum cv_log_level *out)
{
    size_t i;

    for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
        if (strcasecmp(s, level_names[i]) == 0) {
            *out = (enum cv_log_level)i;
            return true;
        }
    }
    if (strcasecmp(s, "warning") == 0) {
        *out = CV_LOG_WARN;
        return true;
    }
    return false;
}

/* Start a line: {"time":"...","level":"...","pid":N,"component":"..." */
static enum cv_status log_begin(struct cv_buf *b, enum cv_log_level level)
{
    struct timespec ts;
    struct tm tm;
    char when[40];

    clock_gettime(CLOCK_REALTIME, &ts);
    /* A log line is written even when the time cannot be rendered. */
    if (gmtime_r(&ts.tv_sec, &tm) == NULL ||
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        when[0] = '\0';
    return cv_buf_printf(b, "{\"time\":\"%s.%03ldZ\",\"level\":\"%s\",\"pid\":%ld,"
                         "\"component\":\"%s\"", when, ts.tv_nsec / 1000000L,
                         level_names[level], (long)getpid(), log_component);
}

/* Append ,"name":"value" whole or not at all (too long: left out). */
static void log_field(struct cv_buf *b, const char *name, const char *value)
{
    size_t mark = b->len;

    if (value == NULL)
        return;
    if (cv_buf_printf(b, ",\"%s\":", name) != CV_OK ||
        cv_buf_append_json_string(b, value, strlen(value)) != CV_OK) {
        b->len = mark;
        if (b->data != NULL)
            b->data[mark] = '\0';
    }
}

static void log_write(struct cv_buf *b)
{
    const char *p;
    size_t left;

    /* Close the object even when the body was cut by the size limit. */
    b->max += 3;
    if (cv_buf_append(b, "}\n", 2) != CV_OK)
        return;
    p = b->data;
    left = b->len;
    while (left > 0) {
        ssize_t n = write(STDERR_FILENO, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        left -= (size_t)n;
    }
}

static void log_vline(enum cv_log_level level, const char *request_id,
                      const char *error, const char *fmt, va_list ap)
{
    char msg[CV_LOG_MSG_MAX_BYTES];
    struct cv_buf b;
    int saved_errno = errno;

    if (!cv_log_enabled(level))
        return;
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    cv_buf_init(&b, CV_LOG_LINE_MAX_BYTES);
    if (log_begin(&b, level) == CV_OK) {
        log_field(&b, "msg", msg);
        log_field(&b, "request_id", request_id);
        log_field(&b, "error", error);
        log_write(&b);
    }
    cv_buf_free(&b);
    errno = saved_errno;
}

void cv_log(enum cv_log_level level, const char *request_id, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vline(level, request_id, NULL, fmt, ap);
    va_end(ap);
}

void cv_log_error_detail(enum cv_log_level level, const char *request_id,
                         const char *error, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vline(level, request_id, error, fmt, ap);
    va_end(ap);
}

void cv_log_access(const struct cv_log_access *a)
{
    enum cv_log_level level = a->status >= 500 ? CV_LOG_ERROR : CV_LOG_INFO;
    struct cv_buf b;

    if (!cv_log_enabled(level))
        return;
    cv_buf_init(&b, CV_LOG_LINE_MAX_BYTES);
    if (log_begin(&b, level) == CV_OK) {
        log_field(&b, "msg", "request");
        log_field(&b, "request_id", a->request_id);
        log_field(&b, "method", a->method);
        log_field(&b, "route", a->route);
        if (cv_buf_printf(&b, ",\"status\":%d,\"duration_ms\":%.3f",
                          a->status, a->duration_ms) == CV_OK) {
            log_field(&b, "user_id", a->user_id);
        }
        log_write(&b);
    }
    cv_buf_free(&b);
}
