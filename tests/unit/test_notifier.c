/*
 * test_notifier.c - the e-mail bodies: both parts say what happened and
 * link to the analysis; outside strings are escaped in HTML; the size cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "notifier.h"

static void analysis_of(struct analysis *a, enum analysis_status status)
{
    memset(a, 0, sizeof(*a));
    memcpy(a->id, "65f0a1b2c3d4e5f601234567", USER_ID_HEX_LEN + 1);
    a->status = status;
    (void)snprintf(a->file_name, sizeof(a->file_name), "%s", "Ada <&> \"CV\".pdf");
}

static void test_completed(void **state)
{
    struct cv_buf text, html;
    struct analysis a;

    (void)state;
    analysis_of(&a, ANALYSIS_COMPLETED);
    a.result = json_tokener_parse("{\"score\": 72}");
    cv_buf_init(&text, NOTIFY_MESSAGE_MAX_BYTES);
    cv_buf_init(&html, NOTIFY_MESSAGE_MAX_BYTES);
    assert_int_equal(notifier_compose(&a, "Ada <b>", "https://app.example.com", &text, &html),
                     CV_OK);
    assert_non_null(strstr(text.data, "Hello Ada <b>,"));
    assert_non_null(strstr(text.data, "is ready: score 72/100"));
    assert_non_null(strstr(text.data, "https://app.example.com/analyses/65f0a1b2c3d4e5f601234567"));
    assert_non_null(strstr(html.data, "Hello Ada &lt;b&gt;,"));
    assert_non_null(strstr(html.data, "Ada &lt;&amp;&gt; &quot;CV&quot;.pdf"));
    assert_non_null(strstr(html.data, "<strong>72</strong>"));
    assert_non_null(strstr(html.data,
                           "href=\"https://app.example.com/analyses/65f0a1b2c3d4e5f601234567\""));
    assert_null(strstr(html.data, "<b>"));
    json_object_put(a.result);
    cv_buf_free(&text);
    cv_buf_free(&html);
}

static void test_failed_and_cap(void **state)
{
    struct cv_buf text, html;
    struct analysis a;

    (void)state;
    analysis_of(&a, ANALYSIS_FAILED);
    (void)snprintf(a.error, sizeof(a.error), "%s", "no extractable <text>");
    cv_buf_init(&text, NOTIFY_MESSAGE_MAX_BYTES);
    cv_buf_init(&html, NOTIFY_MESSAGE_MAX_BYTES);
    assert_int_equal(notifier_compose(&a, "Ada", "http://x", &text, &html), CV_OK);
    assert_non_null(strstr(text.data, "failed: no extractable <text>"));
    assert_non_null(strstr(html.data, "failed: no extractable &lt;text&gt;"));
    cv_buf_free(&text);
    cv_buf_free(&html);
    cv_buf_init(&text, 64);
    cv_buf_init(&html, 64);
    assert_int_equal(notifier_compose(&a, "Ada", "http://x", &text, &html), CV_ERR_TOO_LARGE);
    cv_buf_free(&text);
    cv_buf_free(&html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_completed),
        cmocka_unit_test(test_failed_and_cap),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
