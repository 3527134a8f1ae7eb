/*
 * test_text_normalize.c - text_normalize: line breaks, spaces, blank lines,
 * controls, ligatures, hyphenation at line ends, invalid UTF-8, idempotence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text_normalize.h"
#include "utf8.h"

/* Normalise a copy of in (n bytes) and compare with want. */
static void check_n(const char *in, size_t n, const char *want)
{
    char *buf = malloc(n + 1);
    size_t got;

    assert_non_null(buf);
    memcpy(buf, in, n);
    buf[n] = 'X';                       /* the function must write the NUL */
    got = text_normalize(buf, n);
    assert_true(got <= n);
    assert_int_equal(got, strlen(want));
    assert_string_equal(buf, want);
    assert_true(cv_utf8_valid((const unsigned char *)buf, got));
    /* idempotent */
    assert_int_equal(text_normalize(buf, got), got);
    assert_string_equal(buf, want);
    free(buf);
}

static void check(const char *in, const char *want)
{
    check_n(in, strlen(in), want);
}

static void test_line_breaks(void **state)
{
    (void)state;
    check("a\r\nb\rc\nd", "a\nb\nc\nd");
    check("a\r\n\r\n\r\nb", "a\n\nb");             /* CRLF blank lines collapse */
    check("a\fb\vc", "a\nb\nc");                    /* form feed, vertical tab */
    check("a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\xc2\x85" "d", "a\nb\nc\nd");  /* U+2028/9, NEL */
}

static void test_spaces(void **state)
{
    (void)state;
    check("a \t  b", "a b");
    check("   lead and trail   ", "lead and trail");
    check("x  \n   y  ", "x\ny");                  /* line ends trimmed */
    /* NBSP, em space, narrow NBSP, ideographic space */
    check("a\xc2\xa0" "b\xe2\x80\x83" "c\xe2\x80\xaf" "d\xe3\x80\x80" "e", "a b c d e");
    check("a\xc2\xa0\xc2\xa0 b", "a b");
}

static void test_blank_lines(void **state)
{
    (void)state;
    check("a\n\nb", "a\n\nb");                      /* 2 kept */
    check("a\n\n\nb", "a\n\nb");                    /* 3 become 2 */
    check("a\n \n\t\n  \n\nb", "a\n\nb");           /* blank-looking lines too */
    check("\n\n\na\n\n\n", "a");                    /* whole text trimmed */
}

static void test_controls_and_invisible(void **state)
{
    (void)state;
    check("a\x01" "b\x1b" "c\x7f" "d", "abcd");
    check("a\xc2\x80" "b\xc2\x9f" "c", "abc");     /* C1 controls */
    check("\xef\xbb\xbfJane", "Jane");              /* BOM */
    check("Ja\xe2\x80\x8bne\xe2\x81\xa0!", "Jane!");/* zero width space, word joiner */
    check_n("a\0b", 3, "ab");                       /* NUL is a control */
    /* private use (icon fonts): U+F095, U+F0E0, plane 15 */
    check("\xef\x82\x95 +44 20 7946 0958", "+44 20 7946 0958");
    check("a\xef\x83\xa0" "b\xf3\xb0\x80\x80" "c", "abc");
    /* T1-encoded en and em dashes of pdflatex, as control characters */
    check("Sep. 2017 \x15 Mar. 2024", "Sep. 2017 - Mar. 2024");
    check("2019\x16" "2020", "2019-2020");
}

static void test_ligatures(void **state)
{
    (void)state;
    /* U+FB00..U+FB06: ff fi fl ffi ffl st st */
    check("\xef\xac\x80" "\xef\xac\x81" "\xef\xac\x82" "\xef\xac\x83" "\xef\xac\x84"
          "\xef\xac\x85" "\xef\xac\x86", "fffiflffifflstst");
    check("e\xef\xac\x83" "cient o\xef\xac\x80" "er pro\xef\xac\x81" "le", "efficient offer profile");
}

static void test_hyphenation(void **state)
{
    (void)state;
    check("develop-\nment", "development");
    check("develop-  \n   ment done", "development done");
    check("d\xc3\xa9velop-\n\xc3\xa9quipe", "d\xc3\xa9velop\xc3\xa9quipe"); /* é after */
    check("full-stack developer", "full-stack developer");
    check("full-\nStack", "full-\nStack");         /* upper case: a new line */
    check("2019-\n2020", "2019-\n2020");             /* digits */
    check("skills -\nteamwork", "skills -\nteamwork");/* dash after a space */
    check("- item\n- other", "- item\n- other");
    check("develop-\n\nment", "develop-\n\nment"); /* not across a blank line */
    check("in-\nter-\nnational", "international");
    /* soft hyphen: a hyphen at a line end, nothing within a line */
    check("develop\xc2\xad\nment", "development");
    check("develop\xc2\xadment", "development");
    /* ... and a dash where it stands alone between spaces */
    check("Jun. 2018 \xc2\xad Jan. 2021", "Jun. 2018 - Jan. 2021");
    /* a link keeps its hyphen at a line end, and is joined */
    check("linkedin.com/in/alex-\nmorgan", "linkedin.com/in/alex-morgan");
    check("jean-\npaul@example.fr", "jean-paul@example.fr");
    /* U+2010 hyphen and U+2011 non-breaking hyphen */
    check("full\xe2\x80\x90stack full\xe2\x80\x91time", "full-stack full-time");
}

static void test_invalid_utf8_dropped(void **state)
{
    (void)state;
    check("a\xff" "b\xc3" "c", "abc");
    check("\xc0\xaf" "x", "x");                     /* overlong '/' */
    check("\xed\xa0\x80" "y", "y");                 /* surrogate */
    check("\xf4\x90\x80\x80" "z", "z");             /* past U+10FFFF */
    check("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");  /* emoji kept */
}

static void test_french(void **state)
{
    (void)state;
    check("  Ing\xc3\xa9nieure  logiciel \xe2\x80\x94 \xc3\x89quipe  ",
          "Ing\xc3\xa9nieure logiciel \xe2\x80\x94 \xc3\x89quipe");
}

static void test_empty_results(void **state)
{
    (void)state;
    check("", "");
    check(" \t\r\n\f\xc2\xa0\xe2\x80\x8b", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_breaks),
        cmocka_unit_test(test_spaces),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_controls_and_invisible),
        cmocka_unit_test(test_ligatures),
        cmocka_unit_test(test_hyphenation),
        cmocka_unit_test(test_invalid_utf8_dropped),
        cmocka_unit_test(test_french),
        cmocka_unit_test(test_empty_results),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
