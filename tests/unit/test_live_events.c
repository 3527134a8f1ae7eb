/*
 * test_live_events.c - channel names (unguessable, stable, distinct per
 * kind, id and secret) and the message of an analysis's state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis_events.h"
#include "live_events.h"

#define ID "65f0a1b2c3d4e5f601234567"

static void test_channels(void **state)
{
    char s1[] = "0123456789abcdef0123456789abcdef", s2[] = "0123456789abcdef0123456789abcdeX";
    struct cv_config cfg = { 0 };
    char a[LIVE_EVENTS_CHANNEL_HEX_LEN + 1], b[LIVE_EVENTS_CHANNEL_HEX_LEN + 1];

    (void)state;
    cfg.jwt_secret = s1;
    cfg.jwt_secret_len = strlen(s1);
    live_events_channel(&cfg, LIVE_CHANNEL_ANALYSIS, ID, a);
    assert_int_equal(strlen(a), LIVE_EVENTS_CHANNEL_HEX_LEN);
    assert_int_equal(strspn(a, "0123456789abcdef"), LIVE_EVENTS_CHANNEL_HEX_LEN);
    assert_null(strstr(a, ID));
    live_events_channel(&cfg, LIVE_CHANNEL_ANALYSIS, ID, b);
    assert_string_equal(a, b);
    live_events_channel(&cfg, LIVE_CHANNEL_USER, ID, b);
    assert_string_not_equal(a, b);
    live_events_channel(&cfg, LIVE_CHANNEL_ANALYSIS, "65f0a1b2c3d4e5f601234568", b);
    assert_string_not_equal(a, b);
    cfg.jwt_secret = s2;
    live_events_channel(&cfg, LIVE_CHANNEL_ANALYSIS, ID, b);
    assert_string_not_equal(a, b);
}

static void test_message(void **state)
{
    struct analysis a;
    char *m;

    (void)state;
    memset(&a, 0, sizeof(a));
    (void)snprintf(a.id, sizeof(a.id), "%s", ID);
    a.status = ANALYSIS_FAILED;
    a.updated_at_ms = 1764583200000LL;
    (void)snprintf(a.error, sizeof(a.error), "%s", "no \"text\"");
    m = analysis_events_message(&a);
    assert_string_equal(m, "{\"id\":\"" ID "\",\"status\":\"failed\","
                           "\"updatedAt\":\"2025-12-01T10:00:00.000Z\",\"error\":\"no \\\"text\\\"\"}");
    free(m);
    a.status = ANALYSIS_COMPLETED;
    a.error[0] = '\0';
    a.result = json_tokener_parse("{\"score\":72,\"summary\":\"x\"}");
    m = analysis_events_message(&a);
    assert_string_equal(m, "{\"id\":\"" ID "\",\"status\":\"completed\","
                           "\"updatedAt\":\"2025-12-01T10:00:00.000Z\",\"error\":null,\"score\":72}");
    free(m);
    json_object_put(a.result);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_channels),
        cmocka_unit_test(test_message),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
