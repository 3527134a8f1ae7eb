/*
 * test_router.c - route matching of fcgi/router.h on a small table of our
 * own: exact matches, captures and router_param, HEAD on GET routes, 405
 * with its Allow list, and the 404s (unknown path, trailing slash, empty
 * capture, double slash, a path over CV_PATH_MAX_BYTES, too many captures).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "router.h"

static const struct router_route routes[] = {
    { "GET", "/api/health" },                         /* 0 */
    { "POST", "/api/auth/login" },                    /* 1 */
    { "GET", "/api/cv/analyses" },                    /* 2 */
    { "POST", "/api/cv/analyses" },                   /* 3 */
    { "GET", "/api/cv/analyses/{id}" },               /* 4 */
    { "DELETE", "/api/cv/analyses/{id}" },            /* 5 */
    { "GET", "/api/cv/analyses/{id}/file" },          /* 6 */
    { "POST", "/api/cv/analyses/{id}/retry" },        /* 7 */
    { "GET", "/t/{a}/{b}/{c}/{d}" },                  /* 8: CV_ROUTE_MAX_PARAMS */
    { "GET", "/u/{a}/{b}/{c}/{d}/{e}" },              /* 9: one capture too many */
    { "PUT", "/" },                                   /* 10 */
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static enum router_result match(const char *method, const char *path, struct router_match *m)
{
    return router_match(routes, NROUTES, method, path, m);
}

static void assert_param(const struct router_match *m, const char *name, const char *want)
{
    struct cv_str v = router_param(m, name);

    assert_int_equal(v.len, strlen(want));
    assert_memory_equal(v.ptr, want, v.len);
}

static void test_exact_match(void **state)
{
    struct router_match m;

    (void)state;
    assert_int_equal(match("GET", "/api/health", &m), ROUTER_FOUND);
    assert_int_equal(m.index, 0);
    assert_int_equal(m.nparams, 0);
    assert_string_equal(m.allow, "GET, HEAD, OPTIONS");

    assert_int_equal(match("POST", "/api/auth/login", &m), ROUTER_FOUND);
    assert_int_equal(m.index, 1);

    assert_int_equal(match("GET", "/api/cv/analyses", &m), ROUTER_FOUND);
    assert_int_equal(m.index, 2);
    assert_int_equal(match("POST", "/api/cv/analyses", &m), ROUTER_FOUND);
    assert_int_equal(m.index, 3);

    assert_int_equal(match("PUT", "/", &m), ROUTER_FOUND);
    assert_int_equal(m.index, 10);
}

static void test_methods_are_case_sensitive(void **state)
{
    struct router_match m;

    (void)state;
    assert_int_equal(match("get", "/api/health", &m), ROUTER_METHOD_NOT_ALLOWED);
    assert_int_equal(match("GET", "/API/health", &m), ROUTER_NOT_FOUND);
}

static void test_captures(void **state)
{
    struct router_match m;
    struct cv_str none;

    (void)state;
    assert_int_equal(match("GET", "/api/cv/analyses/abc123", &m), ROUTER_FOUND);
    assert_int_equal(m.index, 4);
    assert_int_equal(m.nparams, 1);
    assert_param(&m, "id", "abc123");
    assert_int_equal(m.names[0].len, 2);
    assert_memory_equal(m.names[0].ptr, "id", 2);

    assert_int_equal(match("DELETE", "/api/cv/analyses/x", &m), ROUTER_FOUND);
    assert_int_equal(m.index, 5);
    assert_param(&m, "id", "x");

    assert_int_equal(match("GET", "/api/cv/analyses/65f0a1b2c3d4e5f6a7b8c9d0/file", &m),
                     ROUTER_FOUND);
    assert_int_equal(m.index, 6);
    assert_param(&m, "id", "65f0a1b2c3d4e5f6a7b8c9d0");

    assert_int_equal(match("POST", "/api/cv/analyses/7/retry", &m), ROUTER_FOUND);
    assert_int_equal(m.index, 7);
    assert_param(&m, "id", "7");

    /* a capture is one whole segment, anything but '/' */
    assert_int_equal(match("GET", "/api/cv/analyses/a.b-c%20d", &m), ROUTER_FOUND);
    assert_param(&m, "id", "a.b-c%20d");

    /* values are views into the path given */
    {
        static const char path[] = "/api/cv/analyses/view";
        assert_int_equal(match("GET", path, &m), ROUTER_FOUND);
        assert_ptr_equal(m.values[0].ptr, path + strlen("/api/cv/analyses/"));
    }

    /* unknown names: an empty view */
    none = router_param(&m, "nope");
    assert_non_null(none.ptr);
    assert_int_equal(none.len, 0);
    none = router_param(&m, "i");   /* a prefix of a name is not the name */
    assert_int_equal(none.len, 0);
    assert_int_equal(match("GET", "/api/health", &m), ROUTER_FOUND);
    assert_int_equal(router_param(&m, "id").len, 0);
}

static void test_capture_limit(void **state)
{
    struct router_match m;

    (void)state;
    /* CV_ROUTE_MAX_PARAMS captures: all delivered */
    assert_int_equal(match("GET", "/t/1/22/333/4444", &m), ROUTER_FOUND);
    assert_int_equal(m.index, 8);
    assert_int_equal(m.nparams, CV_ROUTE_MAX_PARAMS);
    assert_param(&m, "a", "1");
    assert_param(&m, "b", "22");
    assert_param(&m, "c", "333");
    assert_param(&m, "d", "4444");
    /* one more than the limit: the route can never match */
    assert_int_equal(match("GET", "/u/1/2/3/4/5", &m), ROUTER_NOT_FOUND);
    assert_int_equal(m.nparams, 0);
}

static void test_head_matches_get(void **state)
{
    struct router_match m;

    (void)state;
    assert_int_equal(match("HEAD", "/api/health", &m), ROUTER_FOUND);
    assert_int_equal(m.index, 0);
    assert_int_equal(match("HEAD", "/api/cv/analyses/42", &m), ROUTER_FOUND);
    assert_int_equal(m.index, 4);
    assert_param(&m, "id", "42");
    /* but not a route that has no GET */
    assert_int_equal(match("HEAD", "/api/auth/login", &m), ROUTER_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "POST, OPTIONS");
}

static void test_method_not_allowed_and_allow(void **state)
{
    struct router_match m;

    (void)state;
    assert_int_equal(match("PUT", "/api/cv/analyses", &m), ROUTER_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "GET, HEAD, POST, OPTIONS");

    assert_int_equal(match("POST", "/api/cv/analyses/1", &m), ROUTER_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "GET, HEAD, DELETE, OPTIONS");

    assert_int_equal(match("GET", "/api/auth/login", &m), ROUTER_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "POST, OPTIONS");

    assert_int_equal(match("DELETE", "/api/health", &m), ROUTER_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "GET, HEAD, OPTIONS");

    /* OPTIONS is not a route: it is answered from the Allow list */
    assert_int_equal(match("OPTIONS", "/api/cv/analyses", &m), ROUTER_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "GET, HEAD, POST, OPTIONS");

    /* Allow is filled on a match too */
    assert_int_equal(match("DELETE", "/api/cv/analyses/1", &m), ROUTER_FOUND);
    assert_string_equal(m.allow, "GET, HEAD, DELETE, OPTIONS");
}

static void test_not_found(void **state)
{
    static const char *const paths[] = {
        "/api/nope",
        "/api",
        "/api/",
        "",
        "api/health",                       /* not absolute */
        "/api/health/",                     /* trailing slash */
        "/api/cv/analyses/",                /* empty capture at the end */
        "/api/cv/analyses//file",           /* empty capture in the middle */
        "/api/cv/analyses/1/file/",
        "/api/cv/analyses/1/2",
        "/api/healthz",                     /* no prefix matches */
        "/api/health/x",
        "//api/health",                     /* double slashes */
        "/api//health",
        "/api/health//",
        "/api/cv/analyses/1//file",
        "//",
        "/t/1/2/3",                         /* too few segments */
        "/t/1/2/3/4/5",                     /* too many */
        "/t/1//3/4",
    };
    struct router_match m;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        if (match("GET", paths[i], &m) != ROUTER_NOT_FOUND)
            fail_msg("\"%s\" should be 404", paths[i]);
        assert_string_equal(m.allow, "");
        assert_int_equal(m.nparams, 0);
    }
}

static void test_path_length_limit(void **state)
{
    static const char prefix[] = "/api/cv/analyses/";
    char *path = malloc(CV_PATH_MAX_BYTES + 2);
    struct router_match m;

    (void)state;
    assert_non_null(path);
    /* exactly CV_PATH_MAX_BYTES: matched, capture whole */
    memcpy(path, prefix, sizeof(prefix) - 1);
    memset(path + sizeof(prefix) - 1, 'a', CV_PATH_MAX_BYTES - (sizeof(prefix) - 1));
    path[CV_PATH_MAX_BYTES] = '\0';
    assert_int_equal(match("GET", path, &m), ROUTER_FOUND);
    assert_int_equal(router_param(&m, "id").len, CV_PATH_MAX_BYTES - (sizeof(prefix) - 1));
    /* one byte more: 404, even for methods that would be 405 */
    path[CV_PATH_MAX_BYTES] = 'a';
    path[CV_PATH_MAX_BYTES + 1] = '\0';
    assert_int_equal(match("GET", path, &m), ROUTER_NOT_FOUND);
    assert_int_equal(match("PATCH", path, &m), ROUTER_NOT_FOUND);
    assert_string_equal(m.allow, "");
    free(path);
}

static void test_empty_table(void **state)
{
    struct router_match m;

    (void)state;
    assert_int_equal(router_match(routes, 0, "GET", "/api/health", &m), ROUTER_NOT_FOUND);
    assert_string_equal(m.allow, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_match),
        cmocka_unit_test(test_methods_are_case_sensitive),
        cmocka_unit_test(test_captures),
        cmocka_unit_test(test_capture_limit),
        cmocka_unit_test(test_head_matches_get),
        cmocka_unit_test(test_method_not_allowed_and_allow),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_path_length_limit),
        cmocka_unit_test(test_empty_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
