/*
 * test_user_import.c - mapping mongoexport lines of Mongoose users: the
 * usual fields, the fallbacks, every refusal, and the line-length limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "user_import.h"

#define HASH "$2a$10$.BsSYKrn13KsxLpX1poycurvPoy15Tc7aiC0CHD.ByS5fsbV.E/Ba"

static enum cv_status parse(const char *line, struct user_import_record *rec,
                            struct cv_error *err)
{
    cv_error_clear(err);
    return user_import_parse(line, strlen(line), rec, err);
}

static void test_usual_fields(void **state)
{
    struct user_import_record rec;
    struct cv_error err;

    (void)state;
    assert_int_equal(parse("{\"_id\":{\"$oid\":\"65f0a1b2c3d4e5f601234567\"},"
                           "\"email\":\" Ada@Example.COM \",\"password\":\"" HASH "\","
                           "\"name\":\"Ada Lovelace\",\"plan\":\"premium\","
                           "\"stripeCustomerId\":\"cus_1\",\"__v\":0,"
                           "\"createdAt\":{\"$date\":\"2024-03-05T08:09:10.000Z\"}}",
                           &rec, &err), CV_OK);
    assert_string_equal(rec.id, "65f0a1b2c3d4e5f601234567");
    assert_string_equal(rec.user.email, "ada@example.com");
    assert_string_equal(rec.user.password_hash, HASH);
    assert_string_equal(rec.user.name, "Ada Lovelace");
    assert_int_equal(rec.user.plan, CV_PLAN_PRO);
    assert_string_equal(rec.user.stripe_customer_id, "cus_1");
    assert_int_equal(rec.user.created_at_ms, 1709626150000LL);
}

static void test_fallbacks(void **state)
{
    struct user_import_record rec;
    struct cv_error err;

    (void)state;
    assert_int_equal(parse("{\"email\":\"a@b.io\",\"passwordHash\":\"" HASH "\","
                           "\"firstName\":\"Alan\",\"lastName\":\"Turing\","
                           "\"stripe\":{\"customerId\":\"cus_2\"},\"plan\":\"free\"}",
                           &rec, &err), CV_OK);
    assert_string_equal(rec.id, "");
    assert_string_equal(rec.user.name, "Alan Turing");
    assert_int_equal(rec.user.plan, CV_PLAN_FREE);
    assert_string_equal(rec.user.stripe_customer_id, "cus_2");
    assert_int_equal(rec.user.created_at_ms, 0);
    assert_int_equal(parse("{\"email\":\"grace@b.io\",\"password\":\"" HASH "\"}", &rec, &err),
                     CV_OK);
    assert_string_equal(rec.user.name, "grace");
    assert_int_equal(parse("{\"email\":\"g@b.io\",\"password\":\"" HASH "\","
                           "\"username\":\"gh\"}", &rec, &err), CV_OK);
    assert_string_equal(rec.user.name, "gh");
}

static void test_refusals(void **state)
{
    static const struct { const char *line, *why; } cases[] = {
        { "{not json", "not a JSON object" },
        { "[1,2]", "" },
        { "{\"password\":\"" HASH "\"}", "no email" },
        { "{\"email\":3,\"password\":\"" HASH "\"}", "no email" },
        { "{\"email\":\"nope\",\"password\":\"" HASH "\"}", "email is not" },
        { "{\"email\":\"a@b.io\"}", "no password hash" },
        { "{\"email\":\"a@b.io\",\"password\":\"plain-text-1\"}", "bcrypt" },
        { "{\"email\":\"a@b.io\",\"password\":\"$2x$10$abc\"}", "bcrypt" },
        { "{\"email\":\"a@b.io\",\"password\":\"" HASH "\",\"name\":\"a\\u0007b\"}", "name" },
    };
    struct user_import_record rec;
    struct cv_error err;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(parse(cases[i].line, &rec, &err), CV_ERR_INVALID);
        assert_non_null(strstr(err.message, cases[i].why));
        assert_string_equal(rec.user.email, "");   /* nothing half-filled */
    }
}

static void test_line_limit(void **state)
{
    static const char head[] = "{\"email\":\"a@b.io\",\"password\":\"" HASH "\",\"pad\":\"";
    struct user_import_record rec;
    struct cv_error err;
    size_t len = USER_IMPORT_LINE_MAX_BYTES, pad;
    char *line = malloc(len + 2);

    (void)state;
    assert_non_null(line);
    pad = len - (sizeof(head) - 1) - 2;
    memcpy(line, head, sizeof(head) - 1);
    memset(line + sizeof(head) - 1, 'x', pad);
    memcpy(line + sizeof(head) - 1 + pad, "\"}", 2);
    cv_error_clear(&err);
    assert_int_equal(user_import_parse(line, len, &rec, &err), CV_OK);
    memcpy(line + len - 2, "x\"}", 3);
    assert_int_equal(user_import_parse(line, len + 1, &rec, &err), CV_ERR_INVALID);
    assert_non_null(strstr(err.message, "longer than"));
    free(line);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usual_fields),
        cmocka_unit_test(test_fallbacks),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_line_limit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
