/*
 * test_utf8.c - UTF-8 helpers: every boundary of table 3-7 (overlong
 * forms, surrogates, U+10FFFF and one past), an exhaustive comparison with
 * a plain decode-then-check reference over all 1..3-byte inputs, counting,
 * cuts by code points and by bytes (limit and limit + 1), and the
 * streaming validator split at every position and in every chunk size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "utf8.h"

#define U(s) ((const unsigned char *)(s))

/* Reference: decode by bit patterns, then refuse by value (a different
 * method from the byte-range table of utf8.c). */
static size_t ref_seq_len(const unsigned char *s, size_t n)
{
    size_t len, i;
    uint32_t cp;

    if (n == 0)
        return 0;
    if (s[0] < 0x80)
        return 1;
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2;
        cp = s[0] & 0x1Fu;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3;
        cp = s[0] & 0x0Fu;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4;
        cp = s[0] & 0x07u;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

static void test_seq_len_boundaries(void **state)
{
    (void)state;
    assert_int_equal(cv_utf8_seq_len(NULL, 0), 0);
    assert_int_equal(cv_utf8_seq_len(U("a"), 0), 0);
    assert_int_equal(cv_utf8_seq_len(U("a"), 1), 1);
    assert_int_equal(cv_utf8_seq_len(U("\x00"), 1), 1);            /* U+0000 is valid */
    assert_int_equal(cv_utf8_seq_len(U("\x7f"), 1), 1);
    /* 2 bytes: U+0080..U+07FF; C0/C1 leads are overlong */
    assert_int_equal(cv_utf8_seq_len(U("\xc2\x80"), 2), 2);
    assert_int_equal(cv_utf8_seq_len(U("\xdf\xbf"), 2), 2);
    assert_int_equal(cv_utf8_seq_len(U("\xc3\xa9x"), 3), 2);       /* é, then x not taken */
    assert_int_equal(cv_utf8_seq_len(U("\xc0\x80"), 2), 0);
    assert_int_equal(cv_utf8_seq_len(U("\xc1\xbf"), 2), 0);
    /* 3 bytes: U+0800..U+FFFF minus surrogates */
    assert_int_equal(cv_utf8_seq_len(U("\xe0\xa0\x80"), 3), 3);
    assert_int_equal(cv_utf8_seq_len(U("\xe0\x9f\xbf"), 3), 0);    /* overlong U+07FF */
    assert_int_equal(cv_utf8_seq_len(U("\xe2\x82\xac"), 3), 3);    /* € */
    assert_int_equal(cv_utf8_seq_len(U("\xed\x9f\xbf"), 3), 3);    /* U+D7FF */
    assert_int_equal(cv_utf8_seq_len(U("\xed\xa0\x80"), 3), 0);    /* U+D800 */
    assert_int_equal(cv_utf8_seq_len(U("\xed\xbf\xbf"), 3), 0);    /* U+DFFF */
    assert_int_equal(cv_utf8_seq_len(U("\xee\x80\x80"), 3), 3);    /* U+E000 */
    assert_int_equal(cv_utf8_seq_len(U("\xef\xbf\xbf"), 3), 3);    /* U+FFFF */
    /* 4 bytes: U+10000..U+10FFFF */
    assert_int_equal(cv_utf8_seq_len(U("\xf0\x90\x80\x80"), 4), 4);
    assert_int_equal(cv_utf8_seq_len(U("\xf0\x8f\xbf\xbf"), 4), 0); /* overlong U+FFFF */
    assert_int_equal(cv_utf8_seq_len(U("\xf0\x9f\x98\x80"), 4), 4); /* 😀 */
    assert_int_equal(cv_utf8_seq_len(U("\xf4\x8f\xbf\xbf"), 4), 4); /* U+10FFFF */
    assert_int_equal(cv_utf8_seq_len(U("\xf4\x90\x80\x80"), 4), 0); /* U+110000 */
    assert_int_equal(cv_utf8_seq_len(U("\xf5\x80\x80\x80"), 4), 0);
    assert_int_equal(cv_utf8_seq_len(U("\xf8\x88\x80\x80\x80"), 5), 0);
    assert_int_equal(cv_utf8_seq_len(U("\xff"), 1), 0);
    /* stray continuations, bad continuations, truncation by n */
    assert_int_equal(cv_utf8_seq_len(U("\x80"), 1), 0);
    assert_int_equal(cv_utf8_seq_len(U("\xbf"), 1), 0);
    assert_int_equal(cv_utf8_seq_len(U("\xe2\x41\xac"), 3), 0);
    assert_int_equal(cv_utf8_seq_len(U("\xe2\x82\xc0"), 3), 0);
    assert_int_equal(cv_utf8_seq_len(U("\xe2\x82\xac"), 2), 0);
    assert_int_equal(cv_utf8_seq_len(U("\xc3\xa9"), 1), 0);
    assert_int_equal(cv_utf8_seq_len(U("\xf0\x9f\x98\x80"), 3), 0);
}

static void test_seq_len_matches_reference(void **state)
{
    static const unsigned char edges[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0,
                                          0xBF, 0xC0, 0xC2, 0xE0, 0xF0, 0xF4, 0xFF};
    unsigned char b[4];
    unsigned a, c, d, n, i, j, k;
    size_t got, want, mismatches = 0, valid = 0;

    (void)state;
    /* Every string of 1, 2 and 3 bytes, given with its exact length. */
    for (a = 0; a < 256; a++) {
        b[0] = (unsigned char)a;
        if (cv_utf8_seq_len(b, 1) != ref_seq_len(b, 1))
            mismatches++;
        for (c = 0; c < 256; c++) {
            b[1] = (unsigned char)c;
            if (cv_utf8_seq_len(b, 2) != ref_seq_len(b, 2))
                mismatches++;
            for (d = 0; d < 256; d++) {
                b[2] = (unsigned char)d;
                got = cv_utf8_seq_len(b, 3);
                want = ref_seq_len(b, 3);
                mismatches += got != want;
                valid += got == 3;
            }
        }
    }
    assert_int_equal(mismatches, 0);
    /* 3-byte code points: U+0800..U+FFFF minus 2048 surrogates. */
    assert_int_equal(valid, 0x10000 - 0x800 - 0x800);
    /* 4 bytes: every lead with continuation edge values. */
    for (a = 0xE0; a < 256; a++)
        for (i = 0; i < sizeof(edges); i++)
            for (j = 0; j < sizeof(edges); j++)
                for (k = 0; k < sizeof(edges); k++)
                    for (n = 0; n <= 4; n++) {
                        b[0] = (unsigned char)a;
                        b[1] = edges[i];
                        b[2] = edges[j];
                        b[3] = edges[k];
                        if (cv_utf8_seq_len(b, n) != ref_seq_len(b, n))
                            mismatches++;
                    }
    assert_int_equal(mismatches, 0);
}

static void test_valid_and_count(void **state)
{
    static const char fr[] = "Expérience : développeur à Montréal — « C, SQL » 😀";
    size_t n = 99;

    (void)state;
    assert_true(cv_utf8_valid(NULL, 0));
    assert_true(cv_utf8_count(NULL, 0, &n));
    assert_int_equal(n, 0);
    assert_true(cv_utf8_valid(U(fr), strlen(fr)));
    assert_true(cv_utf8_count(U(fr), strlen(fr), &n));
    assert_int_equal(n, 50);
    assert_true(cv_utf8_count(U("Zo\xc3\xa9 \xf0\x9f\x98\x80"), 9, &n));
    assert_int_equal(n, 5);
    /* a NUL inside counts like any code point */
    assert_true(cv_utf8_count(U("a\0b"), 3, &n));
    assert_int_equal(n, 3);

    /* Latin-1, a cut sequence at the end, overlong '/', a surrogate */
    n = 77;
    assert_false(cv_utf8_valid(U("J\xe9r\xf4me"), 6));
    assert_false(cv_utf8_count(U("J\xe9r\xf4me"), 6, &n));
    assert_int_equal(n, 77);   /* unchanged on failure */
    assert_false(cv_utf8_valid(U("caf\xc3"), 4));
    assert_true(cv_utf8_valid(U("caf\xc3\xa9"), 5));
    assert_false(cv_utf8_valid(U("\xc0\xaf"), 2));
    assert_false(cv_utf8_valid(U("a\xed\xa0\x80z"), 5));
    assert_false(cv_utf8_count(U("\xf4\x90\x80\x80"), 4, &n));
    assert_int_equal(n, 77);
}

static void test_truncate(void **state)
{
    /* "Jérôme" = J é r ô m e: 6 code points, 8 bytes */
    static const char name[] = "J\xc3\xa9r\xc3\xb4me";
    static const char emoji[] = "\xf0\x9f\x98\x80\xf0\x9f\x98\x81";
    const size_t len = sizeof(name) - 1;

    (void)state;
    assert_int_equal(cv_utf8_truncate(U(name), len, SIZE_MAX, SIZE_MAX), len);
    assert_int_equal(cv_utf8_truncate(NULL, 0, 3, 3), 0);
    /* by code points: exactly the count keeps all, one less drops "e" */
    assert_int_equal(cv_utf8_truncate(U(name), len, 6, SIZE_MAX), len);
    assert_int_equal(cv_utf8_truncate(U(name), len, 7, SIZE_MAX), len);
    assert_int_equal(cv_utf8_truncate(U(name), len, 5, SIZE_MAX), len - 1);
    assert_int_equal(cv_utf8_truncate(U(name), len, 2, SIZE_MAX), 3);   /* "Jé" */
    assert_int_equal(cv_utf8_truncate(U(name), len, 0, SIZE_MAX), 0);
    /* by bytes: never inside é (bytes 1..2) */
    assert_int_equal(cv_utf8_truncate(U(name), len, SIZE_MAX, 3), 3);
    assert_int_equal(cv_utf8_truncate(U(name), len, SIZE_MAX, 2), 1);
    assert_int_equal(cv_utf8_truncate(U(name), len, SIZE_MAX, 1), 1);
    assert_int_equal(cv_utf8_truncate(U(name), len, SIZE_MAX, 0), 0);
    assert_int_equal(cv_utf8_truncate(U(name), len, SIZE_MAX, len), len);
    assert_int_equal(cv_utf8_truncate(U(name), len, SIZE_MAX, len - 1), len - 1);
    /* both limits: the tighter wins */
    assert_int_equal(cv_utf8_truncate(U(name), len, 4, 4), 4);          /* "Jér" */
    assert_int_equal(cv_utf8_truncate(U(name), len, 4, 5), 4);
    assert_int_equal(cv_utf8_truncate(U(name), len, 4, 6), 6);          /* "Jérô" */
    /* 4-byte sequences */
    assert_int_equal(cv_utf8_truncate(U(emoji), 8, SIZE_MAX, 7), 4);
    assert_int_equal(cv_utf8_truncate(U(emoji), 8, SIZE_MAX, 3), 0);
    assert_int_equal(cv_utf8_truncate(U(emoji), 8, 1, SIZE_MAX), 4);
    /* an invalid byte is one code point of one byte */
    assert_int_equal(cv_utf8_truncate(U("a\xff" "b"), 3, 2, SIZE_MAX), 2);
    assert_int_equal(cv_utf8_truncate(U("\xc3"), 1, SIZE_MAX, SIZE_MAX), 1);
}

/* Feed s in pieces of `chunk` bytes; the final verdict. */
static bool stream_in_chunks(const unsigned char *s, size_t n, size_t chunk)
{
    struct cv_utf8_stream v;
    size_t i, k;

    cv_utf8_stream_init(&v);
    for (i = 0; i < n; i += k) {
        k = n - i < chunk ? n - i : chunk;
        (void)cv_utf8_stream_feed(&v, s + i, k);
    }
    return cv_utf8_stream_finish(&v);
}

static void test_stream_splits(void **state)
{
    static const char *const samples[] = {
        "Curriculum vitae",
        "Expérience : développeur à Montréal — « C, SQL » 😀 €",
        "\xef\xbb\xbfNom : Zoé",                     /* BOM */
        "J\xe9r\xf4me",                              /* Latin-1 */
        "caf\xc3",                                   /* cut at the end */
        "ab\xe0\x80\x80",                            /* overlong */
        "x\xed\xa0\x80y",                            /* surrogate */
        "\xf4\x90\x80\x80",                          /* past U+10FFFF */
        "\xe2\x82",                                  /* only a start */
        "ok\x80",                                    /* stray continuation */
    };
    size_t i, cut, chunk;

    (void)state;
    for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        const unsigned char *s = U(samples[i]);
        size_t n = strlen(samples[i]);
        bool want = cv_utf8_valid(s, n);

        /* two pieces, cut at every position */
        for (cut = 0; cut <= n; cut++) {
            struct cv_utf8_stream v;

            cv_utf8_stream_init(&v);
            (void)cv_utf8_stream_feed(&v, s, cut);
            (void)cv_utf8_stream_feed(&v, s + cut, n - cut);
            assert_int_equal(cv_utf8_stream_finish(&v), want);
        }
        for (chunk = 1; chunk <= 9; chunk++)
            assert_int_equal(stream_in_chunks(s, n, chunk), want);
    }
    /* the samples do hold both answers */
    assert_true(cv_utf8_valid(U(samples[1]), strlen(samples[1])));
    assert_false(cv_utf8_valid(U(samples[3]), strlen(samples[3])));
}

static void test_stream_feed_results(void **state)
{
    struct cv_utf8_stream v;

    (void)state;
    /* € split 1 + 2: fine at every step */
    cv_utf8_stream_init(&v);
    assert_true(cv_utf8_stream_feed(&v, "\xe2", 1));
    assert_false(cv_utf8_stream_finish(&v));        /* incomplete so far */
    assert_true(cv_utf8_stream_feed(&v, "\x82", 1));
    assert_true(cv_utf8_stream_feed(&v, "\xac ok", 4));
    assert_true(cv_utf8_stream_finish(&v));
    assert_true(cv_utf8_stream_feed(&v, NULL, 0));

    /* an overlong start is refused as soon as its second byte arrives */
    cv_utf8_stream_init(&v);
    assert_true(cv_utf8_stream_feed(&v, "\xe0", 1));
    assert_false(cv_utf8_stream_feed(&v, "\x80", 1));
    /* sticky: valid input afterwards does not help */
    assert_false(cv_utf8_stream_feed(&v, "abc", 3));
    assert_false(cv_utf8_stream_finish(&v));

    /* past U+10FFFF, split 1 + 1 */
    cv_utf8_stream_init(&v);
    assert_true(cv_utf8_stream_feed(&v, "\xf4", 1));
    assert_false(cv_utf8_stream_feed(&v, "\x90", 1));

    /* a split sequence broken by ASCII */
    cv_utf8_stream_init(&v);
    assert_true(cv_utf8_stream_feed(&v, "a\xc3", 2));
    assert_false(cv_utf8_stream_feed(&v, "A", 1));

    /* a bad lead byte at once */
    cv_utf8_stream_init(&v);
    assert_false(cv_utf8_stream_feed(&v, "\xff", 1));

    /* 😀 in four single bytes */
    cv_utf8_stream_init(&v);
    assert_true(cv_utf8_stream_feed(&v, "\xf0", 1));
    assert_true(cv_utf8_stream_feed(&v, "\x9f", 1));
    assert_true(cv_utf8_stream_feed(&v, "\x98", 1));
    assert_false(cv_utf8_stream_finish(&v));
    assert_true(cv_utf8_stream_feed(&v, "\x80", 1));
    assert_true(cv_utf8_stream_finish(&v));
}

/* Random bytes biased toward UTF-8 structure: the stream agrees with the
 * whole-buffer check for every chunk size. */
static void test_stream_random(void **state)
{
    static const unsigned char pool[] = {'a', ' ', 0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0,
                                         0xBF, 0xC2, 0xC3, 0xDF, 0xE0, 0xE2, 0xED, 0xEF,
                                         0xF0, 0xF4, 0xF5, 0xC0, 0xFF};
    unsigned char buf[24];
    uint32_t seed = 12345;
    size_t round, i, chunk, valid = 0;

    (void)state;
    for (round = 0; round < 20000; round++) {
        size_t n = round % sizeof(buf);

        for (i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = pool[(seed >> 16) % sizeof(pool)];
        }
        bool want = cv_utf8_valid(buf, n);
        valid += want;
        for (chunk = 1; chunk <= 5; chunk++)
            assert_int_equal(stream_in_chunks(buf, n, chunk), want);
    }
    /* both outcomes were exercised */
    assert_true(valid > 100);
    assert_true(valid < 19000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seq_len_boundaries),
        cmocka_unit_test(test_seq_len_matches_reference),
        cmocka_unit_test(test_valid_and_count),
        cmocka_unit_test(test_truncate),
        cmocka_unit_test(test_stream_splits),
        cmocka_unit_test(test_stream_feed_results),
        cmocka_unit_test(test_stream_random),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
