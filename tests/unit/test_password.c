/*
 * test_password.c - argon2id hashing and the bcrypt hashes of accounts
 * imported from the Express backend: verify, refuse, ask for a rehash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "password.h"

/* Published crypt_blowfish test vectors (cost 5); $2b$ and $2y$ compute
 * the same hash as $2a$ for an ASCII password. */
#define VEC_2A "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"   /* "U*U" */
#define VEC_2A_LONGER "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK" /* "U*U*" */
#define VEC_2B "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"
#define VEC_2Y "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"

static bool verify(const char *hash, const char *pw)
{
    char stored[PASSWORD_HASH_SIZE] = { 0 };

    memcpy(stored, hash, strlen(hash));
    return password_verify(stored, pw, strlen(pw));
}

static int setup(void **state)
{
    struct cv_error err;

    (void)state;
    return password_global_init(&err) == CV_OK ? 0 : -1;
}

static void test_bcrypt_variants_verify(void **state)
{
    (void)state;
    assert_true(verify(VEC_2A, "U*U"));
    assert_true(verify(VEC_2A_LONGER, "U*U*"));
    assert_true(verify(VEC_2B, "U*U"));
    assert_true(verify(VEC_2Y, "U*U"));
}

static void test_bcrypt_mismatch(void **state)
{
    (void)state;
    assert_false(verify(VEC_2A, "U*U*"));
    assert_false(verify(VEC_2A, "u*u"));
    assert_false(verify(VEC_2A, ""));
    /* A NUL inside the password never matches the prefix before it. */
    assert_false(password_verify(VEC_2A, "U*U\0x", 5));
}

static void test_bcrypt_malformed_refused(void **state)
{
    const char *bad[] = {
        "$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",   /* variant */
        "$2a$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",   /* cost < 4 */
        "$2a$32$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",   /* cost > 31 */
        "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe",    /* 59 bytes */
        "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeWW",  /* 61 bytes */
        "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe!",   /* alphabet */
        "$2a$5$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeWx",
        "",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(password_is_bcrypt(bad[i]));
        assert_false(verify(bad[i], "U*U"));
    }
    assert_true(password_is_bcrypt(VEC_2A));
}

static void test_bcrypt_needs_rehash_argon2id_does_not(void **state)
{
    char hash[PASSWORD_HASH_SIZE];
    struct cv_error err;

    (void)state;
    assert_true(password_needs_rehash(VEC_2B));
    assert_int_equal(password_hash("s3cret-Passw0rd", 15, hash, &err), CV_OK);
    assert_false(password_is_bcrypt(hash));
    assert_false(password_needs_rehash(hash));
    assert_true(password_verify(hash, "s3cret-Passw0rd", 15));
    assert_false(password_verify(hash, "s3cret-Passw0rD", 15));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bcrypt_variants_verify),
        cmocka_unit_test(test_bcrypt_mismatch),
        cmocka_unit_test(test_bcrypt_malformed_refused),
        cmocka_unit_test(test_bcrypt_needs_rehash_argon2id_does_not),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
