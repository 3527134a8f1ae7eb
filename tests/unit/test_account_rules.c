/*
 * test_account_rules.c - email normalisation and syntax, display names,
 * password policy: both sides of every limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "account_rules.h"
#include "password.h"

static bool email(const char *in, char *out)
{
    return account_email_normalize(in, strlen(in), out, ACCOUNT_EMAIL_MAX_BYTES + 1);
}

static void test_email_normalised(void **state)
{
    char out[ACCOUNT_EMAIL_MAX_BYTES + 1];

    (void)state;
    assert_true(email("  Ada.Lovelace+CV@Example.COM \t", out));
    assert_string_equal(out, "ada.lovelace+cv@example.com");
    assert_true(email("o'brien@sub.example.co.uk", out));
    assert_true(email("x@a-b.io", out));
}

static void test_email_refused(void **state)
{
    const char *bad[] = {
        "", "   ", "plain", "@example.com", "a@", "a@b", "a@@b.com", "a@b@c.com", ".a@b.com",
        "a.@b.com", "a..b@c.com", "a b@c.com", "a@b..com", "a@-b.com", "a@b-.com", "a@b_c.com",
        "a@.b.com", "a@b.com.", "zoé@example.com", "a@exämple.com", "\"quoted\"@b.com",
    };
    char out[ACCOUNT_EMAIL_MAX_BYTES + 1];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (email(bad[i], out))
            fail_msg("accepted %s", bad[i]);
    }
}

static void test_email_length_limits(void **state)
{
    char in[400], out[ACCOUNT_EMAIL_MAX_BYTES + 1];
    size_t local;

    (void)state;
    /* local part: 64 is fine, 65 is not */
    memset(in, 'a', 64);
    snprintf(in + 64, sizeof(in) - 64, "@example.com");
    assert_true(email(in, out));
    memset(in, 'a', 65);
    snprintf(in + 65, sizeof(in) - 65, "@example.com");
    assert_false(email(in, out));
    /* whole address: 254 is fine, 255 is not (labels of 63) */
    local = 10;
    memset(in, 'a', local);
    in[local] = '@';
    {
        char *p = in + local + 1;
        size_t total = local + 1;
        while (total + 64 <= 254 - 4) {
            memset(p, 'b', 63);
            p[63] = '.';
            p += 64;
            total += 64;
        }
        /* pad the last label so the address is exactly 254 bytes */
        memset(p, 'c', 254 - total);
        p[254 - total] = '\0';
    }
    assert_int_equal(strlen(in), 254);
    assert_true(email(in, out));
    memmove(in + 1, in, strlen(in) + 1);
    in[0] = 'a';
    assert_int_equal(strlen(in), 255);
    assert_false(email(in, out));
    /* a label of 64 is refused */
    memset(in, 'd', 64);
    in[64] = '\0';
    {
        char addr[512];
        snprintf(addr, sizeof(addr), "a@%s.com", in);
        assert_false(email(addr, out));
    }
}

static void test_name_rules(void **state)
{
    char out[ACCOUNT_NAME_MAX_BYTES + 1], in[512];
    const char *why;
    size_t i;

    (void)state;
    assert_true(account_name_normalize("  Zoé Dupont ", 13, out, sizeof(out), &why));
    assert_string_equal(out, "Zoé Dupont");
    assert_false(account_name_normalize("   ", 3, out, sizeof(out), &why));
    assert_non_null(why);
    assert_false(account_name_normalize("", 0, out, sizeof(out), &why));
    assert_false(account_name_normalize("a\x01" "b", 3, out, sizeof(out), &why));
    assert_false(account_name_normalize("a\xc2\x85" "b", 4, out, sizeof(out), &why));  /* C1 NEL */
    assert_false(account_name_normalize("\xff", 1, out, sizeof(out), &why));
    /* 100 code points of 2 bytes each: fine; 101: refused */
    for (i = 0; i < 101; i++)
        memcpy(in + 2 * i, "\xc3\xa9", 2);
    assert_true(account_name_normalize(in, 200, out, sizeof(out), &why));
    assert_false(account_name_normalize(in, 202, out, sizeof(out), &why));
}

static void test_password_policy(void **state)
{
    char pw[300];
    const char *why;

    (void)state;
    assert_true(password_policy_ok("abcdefg1", 8, &why));
    assert_null(why);
    assert_false(password_policy_ok("abcdef1", 7, &why));
    assert_non_null(why);
    assert_false(password_policy_ok("abcdefgh", 8, &why));
    assert_false(password_policy_ok("12345678", 8, &why));
    assert_true(password_policy_ok("\xc3\xa9t\xc3\xa9" "2026!", 10, &why));   /* été2026! */
    assert_false(password_policy_ok("abcdefg\xff" "1", 9, &why));
    memset(pw, 'a', 127);
    pw[127] = '1';
    assert_true(password_policy_ok(pw, 128, &why));
    pw[128] = 'b';
    assert_false(password_policy_ok(pw, 129, &why));
}

static void test_password_hash_and_verify(void **state)
{
    char hash[PASSWORD_HASH_SIZE];
    struct cv_error err;

    (void)state;
    assert_int_equal(password_global_init(&err), CV_OK);
    assert_int_equal(password_hash("abcdefg1", 8, hash, &err), CV_OK);
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_true(password_verify(hash, "abcdefg1", 8));
    assert_false(password_verify(hash, "abcdefg2", 8));
    assert_false(password_needs_rehash(hash));
    assert_false(password_verify("not a hash", "abcdefg1", 8));
    /* A hash made with other parameters asks to be redone. */
    assert_int_equal(crypto_pwhash_str(hash, "abcdefg1", 8, 1, 8 * 1024 * 1024), 0);
    assert_true(password_verify(hash, "abcdefg1", 8));
    assert_true(password_needs_rehash(hash));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_email_normalised),
        cmocka_unit_test(test_email_refused),
        cmocka_unit_test(test_email_length_limits),
        cmocka_unit_test(test_name_rules),
        cmocka_unit_test(test_password_policy),
        cmocka_unit_test(test_password_hash_and_verify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
