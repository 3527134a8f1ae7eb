/*
 * router.h (fcgi/) - match a method and a path against a table of routes.
 *
 * Patterns are literal segments and "{name}" captures of one segment
 * ("/api/cv/analyses/{id}/file"). Matching is exact: no prefix matches,
 * no trailing-slash forgiveness. Pure and thread safe; captured values are
 * views into the path given.
 */
#ifndef CV_FCGI_ROUTER_H
#define CV_FCGI_ROUTER_H

#include <stddef.h>

#include "buf.h"
#include "cv_limits.h"

struct router_route {
    const char *method;    /* "GET", "POST", ... */
    const char *pattern;
};

enum router_result {
    ROUTER_FOUND,
    ROUTER_METHOD_NOT_ALLOWED,   /* the path exists for other methods */
    ROUTER_NOT_FOUND,
};

struct router_match {
    size_t index;                        /* of the route, when found */
    size_t nparams;
    struct cv_str names[CV_ROUTE_MAX_PARAMS];
    struct cv_str values[CV_ROUTE_MAX_PARAMS];
    char allow[96];                      /* "GET, POST, OPTIONS" when the path exists */
};

/* A HEAD request matches a GET route. The Allow list is filled whenever
 * the path matches any route (for 405 and OPTIONS). */
enum router_result router_match(const struct router_route *routes, size_t n,
                                const char *method, const char *path,
                                struct router_match *m);

/* The captured value of name, or an empty view when there is none. */
struct cv_str router_param(const struct router_match *m, const char *name);

#endif
