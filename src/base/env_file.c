/*
 * env_file.c - .env reader (see env_file.h). Line by line, bounded; the
 * value is unquoted into a line-sized scratch buffer.
 */
#include "env_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cv_limits.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static bool is_key_char(char c, bool first)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

/*
 * Parse one line [p, end) into key/value (scratch holds both, NUL-split).
 * Returns 1 when an assignment was found, 0 for a blank or comment line,
 * -1 on a syntax error (why is set).
 */
static int parse_line(const char *p, const char *end, char *scratch,
                      const char **key, const char **value, const char **why)
{
    char *out = scratch;
    const char *k;

    while (p < end && is_space(*p))
        p++;
    if (p == end || *p == '#')
        return 0;
    if ((size_t)(end - p) > 7 && memcmp(p, "export", 6) == 0 && is_space(p[6])) {
        p += 7;
        while (p < end && is_space(*p))
            p++;
    }
    k = p;
    while (p < end && is_key_char(*p, p == k))
        p++;
    if (p == k) {
        *why = "expected a variable name";
        return -1;
    }
    memcpy(out, k, (size_t)(p - k));
    out[p - k] = '\0';
    *key = out;
    out += (p - k) + 1;
    while (p < end && is_space(*p))
        p++;
    if (p == end || *p != '=') {
        *why = "expected '=' after the variable name";
        return -1;
    }
    p++;
    while (p < end && is_space(*p))
        p++;
    *value = out;
    if (p < end && (*p == '"' || *p == '\'')) {
        char q = *p++;
        bool closed = false;

        while (p < end) {
            char c = *p++;
            if (c == q) {
                closed = true;
                break;
            }
            if (q == '"' && c == '\\' && p < end) {
                c = *p++;
                switch (c) {
                case 'n': c = '\n'; break;
                case 't': c = '\t'; break;
                case 'r': c = '\r'; break;
                default: break;   /* \" \\ \$ and others stand for themselves */
                }
            }
            *out++ = c;
        }
        if (!closed) {
            *why = "unterminated quoted value";
            return -1;
        }
        while (p < end && is_space(*p))
            p++;
        if (p < end && *p != '#') {
            *why = "unexpected text after the closing quote";
            return -1;
        }
        *out = '\0';
        return 1;
    }
    {
        const char *v = p, *stop = end;
        const char *c;

        for (c = v; c < end; c++) {
            if (*c == '#' && is_space(c[-1])) {   /* c[-1] exists: at least '=' */
                stop = c;
                break;
            }
        }
        while (stop > v && is_space(stop[-1]))
            stop--;
        memcpy(out, v, (size_t)(stop - v));
        out[stop - v] = '\0';
    }
    return 1;
}

enum cv_status cv_env_file_parse(const char *text, size_t len, cv_env_file_cb cb,
                                 void *ctx, struct cv_error *err)
{
    const char *p = text, *end = text + len;
    char *scratch;
    unsigned line = 0;
    enum cv_status st = CV_OK;

    if (len > CV_ENV_FILE_MAX_BYTES)
        return cv_error_set(err, CV_ERR_TOO_LARGE, "file is larger than %d bytes",
                            CV_ENV_FILE_MAX_BYTES);
    /* key + NUL + value + NUL never exceeds the line length + 2. */
    scratch = malloc(CV_ENV_LINE_MAX_BYTES + 2);
    if (scratch == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "out of memory");
    while (p < end && st == CV_OK) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *key, *value, *why = NULL;
        int r;

        if (eol == NULL)
            eol = end;
        line++;
        if ((size_t)(eol - p) > CV_ENV_LINE_MAX_BYTES) {
            st = cv_error_set(err, CV_ERR_TOO_LARGE, "line %u: longer than %d bytes",
                              line, CV_ENV_LINE_MAX_BYTES);
            break;
        }
        if (memchr(p, '\0', (size_t)(eol - p)) != NULL) {
            st = cv_error_set(err, CV_ERR_CONFIG, "line %u: contains a NUL byte", line);
            break;
        }
        r = parse_line(p, eol, scratch, &key, &value, &why);
        if (r < 0)
            st = cv_error_set(err, CV_ERR_CONFIG, "line %u: %s", line, why);
        else if (r > 0 && !cb(key, value, ctx))
            st = cv_error_set(err, CV_ERR_NOMEM, "out of memory");
        p = eol < end ? eol + 1 : end;
    }
    free(scratch);
    return st;
}

enum cv_status cv_env_file_load(const char *path, bool must_exist, cv_env_file_cb cb,
                                void *ctx, struct cv_error *err)
{
    struct cv_buf text;
    char chunk[8192];
    enum cv_status st = CV_OK;
    int fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT && !must_exist)
            return CV_OK;
        return cv_error_set(err, CV_ERR_CONFIG, "cannot open %s: %s", path, strerror(errno));
    }
    cv_buf_init(&text, CV_ENV_FILE_MAX_BYTES);
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            st = cv_error_set(err, CV_ERR_CONFIG, "cannot read %s: %s", path, strerror(errno));
            break;
        }
        if (n == 0)
            break;
        if (cv_buf_append(&text, chunk, (size_t)n) != CV_OK) {
            st = cv_error_set(err, CV_ERR_CONFIG, "%s is larger than %d bytes", path,
                              CV_ENV_FILE_MAX_BYTES);
            break;
        }
    }
    close(fd);
    if (st == CV_OK)
        st = cv_env_file_parse(text.data ? text.data : "", text.len, cb, ctx, err);
    cv_buf_free(&text);
    return st;
}
