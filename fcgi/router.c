/*
 * router.c (fcgi/) - route matching (see router.h). Segment by segment,
 * no allocation.
 */
#include "router.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Does path match pattern? Captures go to m (when not NULL). */
static bool path_matches(const char *pattern, const char *path, struct router_match *m)
{
    const char *p = pattern, *s = path;
    size_t nparams = 0;

    if (*p != '/' || *s != '/')
        return false;
    while (*p == '/' && *s == '/') {
        const char *pend, *send;

        p++;
        s++;
        pend = strchrnul(p, '/');
        send = strchrnul(s, '/');
        if (*p == '{' && pend > p + 1 && pend[-1] == '}') {
            if (send == s || nparams >= CV_ROUTE_MAX_PARAMS)
                return false;   /* an empty segment captures nothing */
            if (m != NULL) {
                m->names[nparams] = (struct cv_str){ p + 1, (size_t)(pend - p - 2) };
                m->values[nparams] = (struct cv_str){ s, (size_t)(send - s) };
            }
            nparams++;
        } else if (pend - p != send - s || memcmp(p, s, (size_t)(pend - p)) != 0) {
            return false;
        }
        p = pend;
        s = send;
    }
    if (*p != '\0' || *s != '\0')
        return false;
    if (m != NULL)
        m->nparams = nparams;
    return true;
}

static void allow_add(struct router_match *m, const char *method)
{
    size_t len = strlen(m->allow);

    if (strstr(m->allow, method) != NULL)
        return;
    (void)snprintf(m->allow + len, sizeof(m->allow) - len, "%s%s", len ? ", " : "", method);
}

enum router_result router_match(const struct router_route *routes, size_t n,
                                const char *method, const char *path,
                                struct router_match *m)
{
    bool path_known = false, found = false;
    size_t i;

    memset(m, 0, sizeof(*m));
    if (strlen(path) > CV_PATH_MAX_BYTES)
        return ROUTER_NOT_FOUND;
    for (i = 0; i < n; i++) {
        if (!path_matches(routes[i].pattern, path, NULL))
            continue;
        path_known = true;
        allow_add(m, routes[i].method);
        if (strcmp(routes[i].method, "GET") == 0)
            allow_add(m, "HEAD");
        if (!found && (strcmp(routes[i].method, method) == 0 ||
                       (strcmp(method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0))) {
            found = true;
            m->index = i;
            (void)path_matches(routes[i].pattern, path, m);
        }
    }
    if (path_known)
        allow_add(m, "OPTIONS");
    if (found)
        return ROUTER_FOUND;
    return path_known ? ROUTER_METHOD_NOT_ALLOWED : ROUTER_NOT_FOUND;
}

struct cv_str router_param(const struct router_match *m, const char *name)
{
    size_t i, len = strlen(name);

    for (i = 0; i < m->nparams; i++) {
        if (m->names[i].len == len && memcmp(m->names[i].ptr, name, len) == 0)
            return m->values[i];
    }
    return (struct cv_str){ "", 0 };
}
