/*
 * test_clock.c - clock.h: timespec arithmetic across second boundaries
 * and in both directions, and that the monotonic clock and the pauses
 * never go backwards or end before their time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "clock.h"

static void test_add_carries_into_seconds(void **state)
{
    struct timespec t = { 10, 999000000L };

    (void)state;
    cv_ts_add_ms(&t, 1);
    assert_int_equal(t.tv_sec, 11);
    assert_int_equal(t.tv_nsec, 0);
    cv_ts_add_ms(&t, 2500);
    assert_int_equal(t.tv_sec, 13);
    assert_int_equal(t.tv_nsec, 500000000L);
    cv_ts_add_ms(&t, 0);
    assert_int_equal(t.tv_sec, 13);
    assert_int_equal(t.tv_nsec, 500000000L);
}

static void test_diff_both_ways(void **state)
{
    struct timespec a = { 5, 900000000L }, b = { 7, 100000000L };

    (void)state;
    assert_int_equal(cv_ts_diff_ms(&a, &b), 1200);
    assert_int_equal(cv_ts_diff_ms(&b, &a), -1200);
    assert_int_equal(cv_ts_diff_ms(&a, &a), 0);
}

static void test_sleep_lasts_its_time(void **state)
{
    struct timespec start;
    int64_t t0 = cv_clock_now_ms();

    (void)state;
    cv_clock_now(&start);
    cv_sleep_ms(20);
    assert_true(cv_clock_now_ms() - t0 >= 20);
    assert_true(cv_ts_elapsed_s(&start) >= 0.020);
    cv_nap_ms(0);
    assert_true(cv_clock_now_ms() >= t0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_carries_into_seconds),
        cmocka_unit_test(test_diff_both_ways),
        cmocka_unit_test(test_sleep_lasts_its_time),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
