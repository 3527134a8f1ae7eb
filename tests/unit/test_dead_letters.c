/*
 * test_dead_letters.c - which entry ids an operator may pass: stream ids
 * "MS-SEQ" of decimal digits, each part 1..20 digits, nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dead_letters.h"

static void test_entry_ids(void **state)
{
    const char *good[] = { "0-0", "1733061234567-0", "1-18446744073709551615",
                           "12345678901234567890-12345678901234567890" };
    const char *bad[] = { "", "-", "1-", "-1", "1733061234567", "1-x", "x-1", "1--1", "1-1-1",
                          " 1-1", "1-1 ", "+1-1", "123456789012345678901-1",
                          "1-123456789012345678901", "(1-1" };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_true(dead_letter_id_valid(good[i]));
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(dead_letter_id_valid(bad[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entry_ids),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
