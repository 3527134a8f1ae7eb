/*
 * test_buf.c - the bounded buffer of src/base/buf.h: appends up to max and one
 * byte past it (CV_ERR_TOO_LARGE, content unchanged), printf and puts,
 * reset and take, and cv_buf_append_json_string: escapes, UTF-8 kept or
 * replaced by U+FFFD, and all-or-nothing when the literal does not fit;
 * cv_fmt, which tells a cut result from a whole one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "buf.h"

#define FFFD "\xEF\xBF\xBD"

/* The JSON literal cv_buf_append_json_string makes of n bytes of s. */
static char *json_of(const char *s, size_t n)
{
    struct cv_buf b;

    cv_buf_init(&b, 4096);
    assert_int_equal(cv_buf_append_json_string(&b, s, n), CV_OK);
    return cv_buf_take(&b);
}

/* s must be a JSON string literal with no raw control byte that decodes,
 * under json-c's strict UTF-8 checking, to exactly want (wlen bytes). */
static void assert_json_decodes_to(const char *lit, const char *want, size_t wlen)
{
    struct json_tokener *tok = json_tokener_new();
    json_object *o;
    size_t i;

    for (i = 0; lit[i] != '\0'; i++)
        assert_false((unsigned char)lit[i] < 0x20 || (unsigned char)lit[i] == 0x7F);
    assert_non_null(tok);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    o = json_tokener_parse_ex(tok, lit, (int)strlen(lit));
    assert_int_equal(json_tokener_get_error(tok), json_tokener_success);
    assert_non_null(o);
    assert_true(json_object_is_type(o, json_type_string));
    assert_int_equal((size_t)json_object_get_string_len(o), wlen);
    assert_memory_equal(json_object_get_string(o), want, wlen);
    json_object_put(o);
    json_tokener_free(tok);
}

static void test_init_is_empty(void **state)
{
    struct cv_buf b;

    (void)state;
    cv_buf_init(&b, 16);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.max, 16);
    cv_buf_free(&b);
    cv_buf_free(&b);   /* twice is harmless */
}

static void test_append_up_to_max(void **state)
{
    struct cv_buf b;

    (void)state;
    cv_buf_init(&b, 8);
    assert_int_equal(cv_buf_append(&b, "abcd", 4), CV_OK);
    assert_int_equal(cv_buf_append(&b, "efgh", 4), CV_OK);   /* exactly max */
    assert_int_equal(b.len, 8);
    assert_string_equal(b.data, "abcdefgh");
    assert_true(b.cap >= b.len + 1);
    /* max + 1: refused, nothing appended */
    assert_int_equal(cv_buf_append(&b, "i", 1), CV_ERR_TOO_LARGE);
    assert_int_equal(b.len, 8);
    assert_string_equal(b.data, "abcdefgh");
    /* an empty append still fits at max */
    assert_int_equal(cv_buf_append(&b, "", 0), CV_OK);
    assert_int_equal(b.len, 8);
    cv_buf_free(&b);
}

static void test_append_past_max_at_once(void **state)
{
    struct cv_buf b;

    (void)state;
    cv_buf_init(&b, 8);
    assert_int_equal(cv_buf_append(&b, "123456789", 9), CV_ERR_TOO_LARGE);
    assert_int_equal(b.len, 0);
    assert_int_equal(cv_buf_append(&b, "12", 2), CV_OK);
    assert_int_equal(cv_buf_append(&b, "3456789", 7), CV_ERR_TOO_LARGE);
    assert_string_equal(b.data, "12");
    /* a length that would overflow len + n */
    assert_int_equal(cv_buf_append(&b, "x", SIZE_MAX), CV_ERR_TOO_LARGE);
    assert_int_equal(b.len, 2);
    cv_buf_free(&b);
}

static void test_binary_content_and_nul_terminated(void **state)
{
    struct cv_buf b;

    (void)state;
    cv_buf_init(&b, 64);
    assert_int_equal(cv_buf_append(&b, "a\0b", 3), CV_OK);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b", 4);   /* the trailing NUL is there */
    cv_buf_free(&b);
}

static void test_grows_past_initial_allocation(void **state)
{
    struct cv_buf b;
    char chunk[100];
    size_t i;

    (void)state;
    memset(chunk, 'z', sizeof(chunk));
    cv_buf_init(&b, 10000);
    for (i = 0; i < 100; i++)
        assert_int_equal(cv_buf_append(&b, chunk, sizeof(chunk)), CV_OK);
    assert_int_equal(b.len, 10000);
    assert_int_equal(b.data[9999], 'z');
    assert_int_equal(b.data[10000], '\0');
    assert_int_equal(cv_buf_append(&b, "z", 1), CV_ERR_TOO_LARGE);
    cv_buf_free(&b);
}

static void test_puts(void **state)
{
    struct cv_buf b;

    (void)state;
    cv_buf_init(&b, 5);
    assert_int_equal(cv_buf_puts(&b, "abc"), CV_OK);
    assert_int_equal(cv_buf_puts(&b, "de"), CV_OK);
    assert_int_equal(cv_buf_puts(&b, "f"), CV_ERR_TOO_LARGE);
    assert_string_equal(b.data, "abcde");
    cv_buf_free(&b);
}

static void test_printf_limits(void **state)
{
    struct cv_buf b;

    (void)state;
    cv_buf_init(&b, 10);
    assert_int_equal(cv_buf_printf(&b, "%d-%s", 42, "ab"), CV_OK);
    assert_string_equal(b.data, "42-ab");
    assert_int_equal(cv_buf_printf(&b, "%05d", 7), CV_OK);   /* exactly max */
    assert_string_equal(b.data, "42-ab00007");
    assert_int_equal(b.len, 10);
    assert_int_equal(cv_buf_printf(&b, "%c", 'x'), CV_ERR_TOO_LARGE);
    assert_string_equal(b.data, "42-ab00007");
    assert_int_equal(b.len, 10);
    assert_int_equal(cv_buf_printf(&b, "%s", ""), CV_OK);
    cv_buf_free(&b);

    cv_buf_init(&b, 3);
    assert_int_equal(cv_buf_printf(&b, "%s", "abcd"), CV_ERR_TOO_LARGE);
    assert_int_equal(b.len, 0);
    cv_buf_free(&b);
}

static void test_reset_keeps_allocation(void **state)
{
    struct cv_buf b;
    char *data;

    (void)state;
    cv_buf_init(&b, 16);
    cv_buf_reset(&b);   /* on an empty buffer */
    assert_null(b.data);
    assert_int_equal(cv_buf_puts(&b, "hello"), CV_OK);
    data = b.data;
    cv_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_ptr_equal(b.data, data);
    assert_string_equal(b.data, "");
    assert_int_equal(cv_buf_puts(&b, "0123456789abcdef"), CV_OK);   /* max again */
    cv_buf_free(&b);
}

static void test_take(void **state)
{
    struct cv_buf b;
    char *s;

    (void)state;
    cv_buf_init(&b, 16);
    s = cv_buf_take(&b);   /* empty: an empty string, not NULL */
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
    assert_null(b.data);
    assert_int_equal(b.len, 0);

    assert_int_equal(cv_buf_puts(&b, "abc"), CV_OK);
    s = cv_buf_take(&b);
    assert_string_equal(s, "abc");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    /* the buffer is usable again with the same max */
    assert_int_equal(cv_buf_puts(&b, "0123456789abcdef"), CV_OK);
    assert_int_equal(cv_buf_puts(&b, "x"), CV_ERR_TOO_LARGE);
    free(s);
    cv_buf_free(&b);
}

static void test_json_escapes(void **state)
{
    char *s;

    (void)state;
    s = json_of("", 0);
    assert_string_equal(s, "\"\"");
    free(s);

    s = json_of("plain text", 10);
    assert_string_equal(s, "\"plain text\"");
    free(s);

    s = json_of("a\"b\\c", 5);
    assert_string_equal(s, "\"a\\\"b\\\\c\"");
    assert_json_decodes_to(s, "a\"b\\c", 5);
    free(s);

    /* control characters, DEL and NUL: escaped, never raw */
    s = json_of("a\nb\x01" "c\x7f" "d\te\0f\x1f", 12);
    assert_json_decodes_to(s, "a\nb\x01" "c\x7f" "d\te\0f\x1f", 12);
    assert_null(strchr(s, '\n'));
    assert_non_null(strstr(s, "\\u0001"));
    assert_non_null(strstr(s, "\\u007f"));
    assert_non_null(strstr(s, "\\u0000"));
    free(s);

    s = json_of("\n", 1);
    assert_true(strcmp(s, "\"\\n\"") == 0 || strcmp(s, "\"\\u000a\"") == 0);
    free(s);

    /* '/' needs no escape */
    s = json_of("a/b", 3);
    assert_json_decodes_to(s, "a/b", 3);
    free(s);
}

static void test_json_valid_utf8_kept(void **state)
{
    /* 2, 3 and 4 bytes, and the last code point U+10FFFF */
    static const char in[] = "\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF "
                             "\xC2\x80 \xEF\xBF\xBF";
    char *s;

    (void)state;
    s = json_of(in, sizeof(in) - 1);
    assert_int_equal(strlen(s), sizeof(in) - 1 + 2);
    assert_memory_equal(s + 1, in, sizeof(in) - 1);
    assert_json_decodes_to(s, in, sizeof(in) - 1);
    free(s);
}

struct bad_utf8 {
    const char *in;
    size_t n;
    const char *decoded;
};

static void test_json_invalid_utf8_replaced(void **state)
{
    static const struct bad_utf8 cases[] = {
        { "\x80", 1, FFFD },                                   /* lone continuation */
        { "a\xBFz", 3, "a" FFFD "z" },
        { "\xFF", 1, FFFD },
        { "\xFE", 1, FFFD },
        { "\xC3", 1, FFFD },                                   /* truncated at end */
        { "\xE2\x82", 2, FFFD FFFD },
        { "\xC3" "A", 2, FFFD "A" },                           /* bad continuation */
        { "\xC0\xAF", 2, FFFD FFFD },                          /* overlong '/' */
        { "\xC1\xBF", 2, FFFD FFFD },                          /* overlong 2-byte */
        { "\xE0\x80\xAF", 3, FFFD FFFD FFFD },                 /* overlong 3-byte */
        { "\xF0\x80\x80\xAF", 4, FFFD FFFD FFFD FFFD },        /* overlong 4-byte */
        { "\xED\xA0\x80", 3, FFFD FFFD FFFD },                 /* surrogate D800 */
        { "\xED\xBF\xBF", 3, FFFD FFFD FFFD },                 /* surrogate DFFF */
        { "\xF4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD },        /* past U+10FFFF */
        { "\xF8\x88\x80\x80\x80", 5, FFFD FFFD FFFD FFFD FFFD }, /* 5-byte form */
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *s = json_of(cases[i].in, cases[i].n);
        size_t dlen = strlen(cases[i].decoded);

        /* the output is the replacement text itself, quoted */
        assert_int_equal(strlen(s), dlen + 2);
        assert_memory_equal(s + 1, cases[i].decoded, dlen);
        assert_json_decodes_to(s, cases[i].decoded, dlen);
        free(s);
    }
}

static void test_json_all_or_nothing(void **state)
{
    struct cv_buf b;

    (void)state;
    /* "ab" is 4 bytes as a literal: fits max 4 exactly... */
    cv_buf_init(&b, 4);
    assert_int_equal(cv_buf_append_json_string(&b, "ab", 2), CV_OK);
    assert_string_equal(b.data, "\"ab\"");
    cv_buf_free(&b);

    /* ...and not max 3 */
    cv_buf_init(&b, 3);
    assert_int_equal(cv_buf_append_json_string(&b, "ab", 2), CV_ERR_TOO_LARGE);
    assert_int_equal(b.len, 0);
    cv_buf_free(&b);

    /* escapes count: "\u0001" makes 8 bytes with the quotes */
    cv_buf_init(&b, 10);
    assert_int_equal(cv_buf_puts(&b, "x="), CV_OK);
    assert_int_equal(cv_buf_append_json_string(&b, "\x01", 1), CV_OK);
    assert_int_equal(b.len, 10);
    cv_buf_free(&b);

    cv_buf_init(&b, 10);
    assert_int_equal(cv_buf_puts(&b, "xyz="), CV_OK);
    assert_int_equal(cv_buf_append_json_string(&b, "\x01", 1), CV_ERR_TOO_LARGE);
    assert_int_equal(b.len, 4);
    assert_string_equal(b.data, "xyz=");
    /* failing at the closing quote leaves nothing either */
    assert_int_equal(cv_buf_append_json_string(&b, "abcde", 5), CV_ERR_TOO_LARGE);
    assert_string_equal(b.data, "xyz=");
    /* nor after a replacement character */
    assert_int_equal(cv_buf_append_json_string(&b, "\xFF\xFF", 2), CV_ERR_TOO_LARGE);
    assert_string_equal(b.data, "xyz=");
    assert_int_equal(b.len, 4);
    cv_buf_free(&b);
}

/* cv_fmt: fits exactly at size - 1 bytes, reports the cut one byte later. */
static void test_fmt_reports_a_cut(void **state)
{
    char out[6];

    (void)state;
    assert_true(cv_fmt(out, sizeof(out), "%s-%d", "ab", 12));
    assert_string_equal(out, "ab-12");
    assert_false(cv_fmt(out, sizeof(out), "%s-%d", "ab", 123));
    assert_string_equal(out, "ab-12");
    assert_true(cv_fmt(out, sizeof(out), "%s", ""));
    assert_string_equal(out, "");
    assert_false(cv_fmt(out, 0, "x"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_is_empty),
        cmocka_unit_test(test_append_up_to_max),
        cmocka_unit_test(test_append_past_max_at_once),
        cmocka_unit_test(test_binary_content_and_nul_terminated),
        cmocka_unit_test(test_grows_past_initial_allocation),
        cmocka_unit_test(test_puts),
        cmocka_unit_test(test_printf_limits),
        cmocka_unit_test(test_reset_keeps_allocation),
        cmocka_unit_test(test_take),
        cmocka_unit_test(test_json_escapes),
        cmocka_unit_test(test_json_valid_utf8_kept),
        cmocka_unit_test(test_json_invalid_utf8_replaced),
        cmocka_unit_test(test_json_all_or_nothing),
        cmocka_unit_test(test_fmt_reports_a_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
