/*
 * test_env_file.c - the .env reader of src/base/env_file.h: comments, blank
 * lines, "export", unquoted/single/double-quoted values and escapes, '#'
 * in values, CRLF, a last line without newline, every syntax error (with
 * its line number), NUL bytes, the line and file limits (max and max + 1),
 * a callback that stops, and cv_env_file_load on real and missing files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cv_limits.h"
#include "env_file.h"

#define MAX_PAIRS 16

/* What the callback saw, in order. */
struct pairs {
    size_t n;
    size_t stop_at;        /* return false on this call (1-based); 0: never */
    char *keys[MAX_PAIRS];
    char *values[MAX_PAIRS];
};

static bool collect(const char *key, const char *value, void *ctx)
{
    struct pairs *p = ctx;

    assert_true(p->n < MAX_PAIRS);
    p->keys[p->n] = strdup(key);
    p->values[p->n] = strdup(value);
    assert_non_null(p->keys[p->n]);
    assert_non_null(p->values[p->n]);
    p->n++;
    return p->stop_at == 0 || p->n < p->stop_at;
}

static void pairs_free(struct pairs *p)
{
    size_t i;

    for (i = 0; i < p->n; i++) {
        free(p->keys[i]);
        free(p->values[i]);
    }
    memset(p, 0, sizeof(*p));
}

static enum cv_status parse_n(const char *text, size_t len, struct pairs *p,
                              struct cv_error *err)
{
    memset(p, 0, sizeof(*p));
    cv_error_clear(err);
    return cv_env_file_parse(text, len, collect, p, err);
}

static enum cv_status parse(const char *text, struct pairs *p, struct cv_error *err)
{
    return parse_n(text, strlen(text), p, err);
}

/* text holds exactly one assignment, key=want. */
static void assert_one(const char *text, const char *key, const char *want)
{
    struct pairs p;
    struct cv_error err;

    assert_int_equal(parse(text, &p, &err), CV_OK);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.keys[0], key);
    assert_string_equal(p.values[0], want);
    pairs_free(&p);
}

/* text is refused with status st and a message starting "line N: ". */
static void assert_error(const char *text, size_t len, enum cv_status st, unsigned line)
{
    struct pairs p;
    struct cv_error err;
    char prefix[32];

    assert_int_equal(parse_n(text, len, &p, &err), st);
    assert_int_equal(err.status, st);
    (void)snprintf(prefix, sizeof(prefix), "line %u: ", line);
    if (strncmp(err.message, prefix, strlen(prefix)) != 0)
        fail_msg("expected \"%s...\", got \"%s\"", prefix, err.message);
    pairs_free(&p);
}

static void test_empty_and_comments(void **state)
{
    struct pairs p;
    struct cv_error err;

    (void)state;
    assert_int_equal(parse_n("", 0, &p, &err), CV_OK);
    assert_int_equal(p.n, 0);
    assert_int_equal(parse("\n\n   \n\t\n# a comment\n   # indented = comment\n", &p, &err),
                     CV_OK);
    assert_int_equal(p.n, 0);
    assert_int_equal(parse("# A=1\nB=2\n\n#C=3\n", &p, &err), CV_OK);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.keys[0], "B");
    assert_string_equal(p.values[0], "2");
    pairs_free(&p);
}

static void test_order_and_keys(void **state)
{
    struct pairs p;
    struct cv_error err;

    (void)state;
    assert_int_equal(parse("A=1\nb_2=two\n_X=3\nA=4\n", &p, &err), CV_OK);
    assert_int_equal(p.n, 4);
    assert_string_equal(p.keys[0], "A");
    assert_string_equal(p.values[0], "1");
    assert_string_equal(p.keys[1], "b_2");
    assert_string_equal(p.values[1], "two");
    assert_string_equal(p.keys[2], "_X");
    assert_string_equal(p.keys[3], "A");   /* repeats are passed on, in order */
    assert_string_equal(p.values[3], "4");
    pairs_free(&p);
}

static void test_unquoted_values(void **state)
{
    (void)state;
    assert_one("A=", "A", "");
    assert_one("A=hello world", "A", "hello world");
    assert_one("  A  =   padded   \n", "A", "padded");
    assert_one("A=x=y=z", "A", "x=y=z");
    assert_one("A=b#c", "A", "b#c");               /* no space before '#': literal */
    assert_one("A=http://h/p#frag", "A", "http://h/p#frag");
    assert_one("A=b #c", "A", "b");                /* " #" starts a comment */
    assert_one("A=b\t# comment", "A", "b");
    assert_one("A=b    # comment # more", "A", "b");
    assert_one("A=it's", "A", "it's");             /* a quote inside is literal */
}

static void test_hash_opening_an_unquoted_value(void **state)
{
    (void)state;
    assert_one("A= #x", "A", "");                  /* " #" is a comment... */
    assert_one("A=#x", "A", "#x");                 /* ...but "=#" is not */
    assert_one("A=#", "A", "#");
}

static void test_export_prefix(void **state)
{
    (void)state;
    assert_one("export A=1", "A", "1");
    assert_one("export   A=1", "A", "1");
    assert_one("  export\tA=1", "A", "1");
    assert_one("export=1", "export", "1");         /* a variable named export */
    assert_one("exportA=1", "exportA", "1");
    assert_one("export A=\"q\"", "A", "q");
}

static void test_single_quotes(void **state)
{
    (void)state;
    assert_one("A='x y'", "A", "x y");
    assert_one("A=''", "A", "");
    assert_one("A='a\\nb \\' ", "A", "a\\nb \\");  /* no escapes at all */
    assert_one("A='$HOME \"q\"'", "A", "$HOME \"q\"");
    assert_one("A='b # c'", "A", "b # c");
    assert_one("A='#'", "A", "#");
    assert_one("A='  kept  '   ", "A", "  kept  ");
    assert_one("A='x' # comment", "A", "x");
}

static void test_double_quotes_and_escapes(void **state)
{
    (void)state;
    assert_one("A=\"x y\"", "A", "x y");
    assert_one("A=\"\"", "A", "");
    assert_one("A=\"a\\nb\"", "A", "a\nb");
    assert_one("A=\"a\\tb\"", "A", "a\tb");
    assert_one("A=\"a\\rb\"", "A", "a\rb");
    assert_one("A=\"say \\\"hi\\\"\"", "A", "say \"hi\"");
    assert_one("A=\"back\\\\slash\"", "A", "back\\slash");
    assert_one("A=\"\\$x\"", "A", "$x");
    assert_one("A=\"it's\"", "A", "it's");
    assert_one("A=\"b # c\"", "A", "b # c");       /* '#' inside quotes */
    assert_one("A=\"#\"#comment", "A", "#");
    assert_one("A=\"x\"   # comment", "A", "x");
    assert_one("A=\"  kept  \"", "A", "  kept  ");
}

static void test_crlf_and_last_line(void **state)
{
    struct pairs p;
    struct cv_error err;

    (void)state;
    assert_int_equal(parse("A=1\r\n# c\r\n\r\nB=\"two\"\r\nC='3'\r\nD=4 # c\r\nE=5", &p, &err),
                     CV_OK);
    assert_int_equal(p.n, 5);
    assert_string_equal(p.values[0], "1");
    assert_string_equal(p.values[1], "two");
    assert_string_equal(p.values[2], "3");
    assert_string_equal(p.values[3], "4");
    assert_string_equal(p.keys[4], "E");
    assert_string_equal(p.values[4], "5");         /* no newline at the end */
    pairs_free(&p);

    assert_one("A=\"x\"", "A", "x");
    assert_one("A=", "A", "");
}

static void test_syntax_errors_name_the_line(void **state)
{
    static const char unterminated[] = "A=1\n# c\nB=\"open\nC=3\n";
    static const char unterminated_single[] = "\n\nA='open";
    static const char after_quote[] = "A=\"b\" c";
    static const char after_single[] = "A=1\nB='b'c";
    static const char no_equals[] = "A=1\nB=2\nFOO\n";
    static const char no_equals_space[] = "FOO BAR=1";
    static const char bad_key_digit[] = "1A=x";
    static const char bad_key_dash[] = "A-B=x";
    static const char bad_key_empty[] = "=x";
    static const char bad_key_dot[] = "\n.A=x";
    static const char export_only[] = "export ";
    static const char escaped_close[] = "A=\"abc\\\"";

    (void)state;
    assert_error(unterminated, sizeof(unterminated) - 1, CV_ERR_CONFIG, 3);
    assert_error(unterminated_single, sizeof(unterminated_single) - 1, CV_ERR_CONFIG, 3);
    assert_error(escaped_close, sizeof(escaped_close) - 1, CV_ERR_CONFIG, 1);
    assert_error(after_quote, sizeof(after_quote) - 1, CV_ERR_CONFIG, 1);
    assert_error(after_single, sizeof(after_single) - 1, CV_ERR_CONFIG, 2);
    assert_error(no_equals, sizeof(no_equals) - 1, CV_ERR_CONFIG, 3);
    assert_error(no_equals_space, sizeof(no_equals_space) - 1, CV_ERR_CONFIG, 1);
    assert_error(bad_key_digit, sizeof(bad_key_digit) - 1, CV_ERR_CONFIG, 1);
    assert_error(bad_key_dash, sizeof(bad_key_dash) - 1, CV_ERR_CONFIG, 1);
    assert_error(bad_key_empty, sizeof(bad_key_empty) - 1, CV_ERR_CONFIG, 1);
    assert_error(bad_key_dot, sizeof(bad_key_dot) - 1, CV_ERR_CONFIG, 2);
    assert_error(export_only, sizeof(export_only) - 1, CV_ERR_CONFIG, 1);
}

static void test_error_messages_say_why(void **state)
{
    struct pairs p;
    struct cv_error err;

    (void)state;
    assert_int_equal(parse("A=\"open", &p, &err), CV_ERR_CONFIG);
    assert_non_null(strstr(err.message, "unterminated"));
    assert_int_equal(parse("A=\"x\" y", &p, &err), CV_ERR_CONFIG);
    assert_non_null(strstr(err.message, "after the closing quote"));
    assert_int_equal(parse("FOO", &p, &err), CV_ERR_CONFIG);
    assert_non_null(strstr(err.message, "'='"));
}

static void test_stops_at_first_error(void **state)
{
    struct pairs p;
    struct cv_error err;

    (void)state;
    assert_int_equal(parse("A=1\nB=\"x\nC=3\n", &p, &err), CV_ERR_CONFIG);
    /* lines before the error were delivered, none after it */
    assert_int_equal(p.n, 1);
    assert_string_equal(p.keys[0], "A");
    pairs_free(&p);
}

static void test_nul_byte(void **state)
{
    static const char in_value[] = "A=1\nB=x\0y\nC=3\n";
    static const char in_comment[] = "# c\0mment\n";
    static const char in_quotes[] = "A=1\n\nB=\"x\0y\"";

    (void)state;
    assert_error(in_value, sizeof(in_value) - 1, CV_ERR_CONFIG, 2);
    assert_error(in_comment, sizeof(in_comment) - 1, CV_ERR_CONFIG, 1);
    assert_error(in_quotes, sizeof(in_quotes) - 1, CV_ERR_CONFIG, 3);
}

/* A line "K=vvv..." of exactly len bytes (without its newline). */
static char *long_line(size_t len, bool quoted, bool newline)
{
    char *s = malloc(len + 2);

    assert_non_null(s);
    memset(s, 'v', len);
    s[0] = 'K';
    s[1] = '=';
    if (quoted) {
        s[2] = '"';
        s[len - 1] = '"';
    }
    s[len] = newline ? '\n' : '\0';
    s[len + 1] = '\0';
    return s;
}

static void test_line_limit(void **state)
{
    struct pairs p;
    struct cv_error err;
    char *s;

    (void)state;
    /* exactly CV_ENV_LINE_MAX_BYTES: accepted, value whole */
    s = long_line(CV_ENV_LINE_MAX_BYTES, false, true);
    assert_int_equal(parse(s, &p, &err), CV_OK);
    assert_int_equal(p.n, 1);
    assert_int_equal(strlen(p.values[0]), CV_ENV_LINE_MAX_BYTES - 2);
    pairs_free(&p);
    free(s);

    s = long_line(CV_ENV_LINE_MAX_BYTES, true, false);
    assert_int_equal(parse(s, &p, &err), CV_OK);
    assert_int_equal(strlen(p.values[0]), CV_ENV_LINE_MAX_BYTES - 4);
    pairs_free(&p);
    free(s);

    /* one byte over: CV_ERR_TOO_LARGE naming the line */
    s = long_line(CV_ENV_LINE_MAX_BYTES + 1, false, true);
    assert_error(s, strlen(s), CV_ERR_TOO_LARGE, 1);
    free(s);

    s = long_line(CV_ENV_LINE_MAX_BYTES + 1, true, false);
    assert_error(s, strlen(s), CV_ERR_TOO_LARGE, 1);
    free(s);

    /* a long comment line counts too */
    s = long_line(CV_ENV_LINE_MAX_BYTES + 1, false, true);
    s[0] = '#';
    assert_error(s, strlen(s), CV_ERR_TOO_LARGE, 1);
    free(s);
}

/* len bytes of comment lines, each far under the line limit. */
static char *comment_text(size_t len)
{
    char *s = malloc(len + 1);
    size_t i;

    assert_non_null(s);
    for (i = 0; i < len; i++)
        s[i] = (i % 100 == 0) ? '#' : (i % 100 == 99 ? '\n' : 'c');
    s[len] = '\0';
    return s;
}

static void test_file_limit(void **state)
{
    struct pairs p;
    struct cv_error err;
    char *s;

    (void)state;
    s = comment_text(CV_ENV_FILE_MAX_BYTES);
    assert_int_equal(parse_n(s, CV_ENV_FILE_MAX_BYTES, &p, &err), CV_OK);
    free(s);

    s = comment_text(CV_ENV_FILE_MAX_BYTES + 1);
    assert_int_equal(parse_n(s, CV_ENV_FILE_MAX_BYTES + 1, &p, &err), CV_ERR_TOO_LARGE);
    assert_int_equal(err.status, CV_ERR_TOO_LARGE);
    free(s);
}

static void test_callback_stops(void **state)
{
    struct pairs p;
    struct cv_error err;

    (void)state;
    memset(&p, 0, sizeof(p));
    p.stop_at = 2;
    cv_error_clear(&err);
    assert_int_equal(cv_env_file_parse("A=1\nB=2\nC=3\n", 12, collect, &p, &err), CV_ERR_NOMEM);
    assert_int_equal(err.status, CV_ERR_NOMEM);
    assert_int_equal(p.n, 2);   /* C was never offered */
    pairs_free(&p);

    p.stop_at = 1;
    assert_int_equal(cv_env_file_parse("A=1", 3, collect, &p, &err), CV_ERR_NOMEM);
    assert_int_equal(p.n, 1);
    pairs_free(&p);
}

/* A temporary file holding len bytes of text; the caller unlinks path. */
static void write_temp(char path[64], const char *text, size_t len)
{
    int fd;

    (void)snprintf(path, 64, "%s", "/tmp/cv-test-env-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
}

static void test_load_file(void **state)
{
    static const char text[] = "# settings\nexport A=1\nB=\"two words\"\n";
    char path[64];
    struct pairs p;
    struct cv_error err;

    (void)state;
    write_temp(path, text, sizeof(text) - 1);
    memset(&p, 0, sizeof(p));
    assert_int_equal(cv_env_file_load(path, true, collect, &p, &err), CV_OK);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.keys[1], "B");
    assert_string_equal(p.values[1], "two words");
    pairs_free(&p);
    assert_int_equal(cv_env_file_load(path, false, collect, &p, &err), CV_OK);
    assert_int_equal(p.n, 2);
    pairs_free(&p);
    unlink(path);

    write_temp(path, "A=1\nB='x\n", 9);
    assert_int_equal(cv_env_file_load(path, true, collect, &p, &err), CV_ERR_CONFIG);
    assert_non_null(strstr(err.message, "line 2"));
    pairs_free(&p);
    unlink(path);

    write_temp(path, "", 0);   /* empty file: fine */
    assert_int_equal(cv_env_file_load(path, true, collect, &p, &err), CV_OK);
    assert_int_equal(p.n, 0);
    unlink(path);
}

static void test_load_missing_file(void **state)
{
    char path[64];
    struct pairs p;
    struct cv_error err;

    (void)state;
    write_temp(path, "", 0);
    unlink(path);   /* a name that surely does not exist */
    memset(&p, 0, sizeof(p));
    cv_error_clear(&err);
    assert_int_equal(cv_env_file_load(path, false, collect, &p, &err), CV_OK);
    assert_int_equal(p.n, 0);
    assert_int_equal(cv_env_file_load(path, true, collect, &p, &err), CV_ERR_CONFIG);
    assert_int_equal(err.status, CV_ERR_CONFIG);
    assert_non_null(strstr(err.message, path));
    assert_int_equal(p.n, 0);
    /* a directory is not a file, required or not */
    assert_int_not_equal(cv_env_file_load("/tmp", true, collect, &p, &err), CV_OK);
    assert_int_equal(p.n, 0);
}

static void test_load_size_limit(void **state)
{
    char path[64];
    struct pairs p;
    struct cv_error err;
    char *s;

    (void)state;
    memset(&p, 0, sizeof(p));
    s = comment_text(CV_ENV_FILE_MAX_BYTES);
    write_temp(path, s, CV_ENV_FILE_MAX_BYTES);
    assert_int_equal(cv_env_file_load(path, true, collect, &p, &err), CV_OK);
    unlink(path);
    free(s);

    s = comment_text(CV_ENV_FILE_MAX_BYTES + 1);
    write_temp(path, s, CV_ENV_FILE_MAX_BYTES + 1);
    assert_int_not_equal(cv_env_file_load(path, true, collect, &p, &err), CV_OK);
    assert_non_null(strstr(err.message, "larger"));
    assert_int_equal(p.n, 0);
    unlink(path);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_and_comments),
        cmocka_unit_test(test_order_and_keys),
        cmocka_unit_test(test_unquoted_values),
        cmocka_unit_test(test_hash_opening_an_unquoted_value),
        cmocka_unit_test(test_export_prefix),
        cmocka_unit_test(test_single_quotes),
        cmocka_unit_test(test_double_quotes_and_escapes),
        cmocka_unit_test(test_crlf_and_last_line),
        cmocka_unit_test(test_syntax_errors_name_the_line),
        cmocka_unit_test(test_error_messages_say_why),
        cmocka_unit_test(test_stops_at_first_error),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_line_limit),
        cmocka_unit_test(test_file_limit),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_load_missing_file),
        cmocka_unit_test(test_load_size_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
