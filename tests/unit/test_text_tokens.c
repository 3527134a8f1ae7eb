/*
 * test_text_tokens.c - folding (accents, ligature letters, symbols, cuts
 * on a full buffer), tokens with their original spans, the token limit on
 * both sides, stopwords and language, phrase matching with its plural and
 * "CI/CD" variants, keywords of a job description, skills and roles, and
 * the whitespace-collapsing copy with both sides of its cut.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text_tokens.h"

static void fold_eq(const char *in, const char *want)
{
    char out[256];
    size_t n = text_tokens_fold(in, strlen(in), out, sizeof(out));

    assert_int_equal(n, strlen(out));
    assert_string_equal(out, want);
    assert_true(n <= strlen(in));
}

static void test_tables_sorted(void **state)
{
    (void)state;
    assert_true(text_tokens_tables_ok());
}

static void test_fold(void **state)
{
    char out[4];

    (void)state;
    fold_eq("Élève à l'École", "eleve a l'ecole");
    fold_eq("ÇA ça Œuvre Straße Ærø", "ca ca oeuvre strasse aero");
    fold_eq("Łódź Šťastný İstanbul", "lodz stastny istanbul");
    fold_eq("de\xCC\x81veloppement", "developpement");                  /* combining accent */
    fold_eq("aujourd\xE2\x80\x99hui 2019 \xE2\x80\x93 2020", "aujourd'hui 2019 - 2020");
    fold_eq("\xE2\x82\xAC" "20k \xC2\xA3" "5", "$20k $5");
    fold_eq("\xE2\x98\x85 \xF0\x9F\x93\x9E a\xFF" "b", "    a b");            /* ★ 📞, bad byte */
    fold_eq("\xCE\xA9\xCE\xBC\xCE\xAD\xCE\xB3\xCE\xB1", "\xCE\xA9\xCE\xBC\xCE\xAD\xCE\xB3\xCE\xB1");
    fold_eq("a\tb\r\nc", "a b \nc");
    /* A full buffer stops on a whole output character. */
    assert_int_equal(text_tokens_fold("abc", 3, out, 3), 2);
    assert_string_equal(out, "ab");
    assert_int_equal(text_tokens_fold("\xC5\x93x", 3, out, 2), 0);       /* "oe" needs 2 */
    assert_string_equal(out, "");
    assert_int_equal(text_tokens_fold("\xC5\x93x", 3, out, 3), 2);
    assert_string_equal(out, "oe");
    assert_int_equal(text_tokens_fold("abc", 3, out, 0), 0);
}

static void test_tokens(void **state)
{
    static const char text[] = "C++, C#, .NET, Node.js and CI/CD; l'équipe full-stack "
                               "2019/2020 Paris/Lyon e.g. x";
    static const char *const want[] = { "c++", "c#", ".net", "node.js", "and", "ci/cd", "l",
                                        "equipe", "full", "stack", "2019", "2020", "paris",
                                        "lyon", "e.g", "x" };
    struct text_tokens_doc doc;
    size_t i;

    (void)state;
    assert_int_equal(text_tokens_doc_init(&doc, text, strlen(text), TEXT_TOKENS_MAX_TOKENS, NULL),
                     CV_OK);
    assert_int_equal(doc.ntokens, sizeof(want) / sizeof(want[0]));
    for (i = 0; i < doc.ntokens; i++) {
        assert_int_equal(doc.tokens[i].len, strlen(want[i]));
        assert_memory_equal(doc.folded + doc.tokens[i].off, want[i], doc.tokens[i].len);
    }
    /* Original spans keep the author's spelling and bytes. */
    assert_memory_equal(text + doc.tokens[2].orig_off, ".NET", 4);
    assert_int_equal(doc.tokens[7].orig_len, strlen("équipe"));
    assert_memory_equal(text + doc.tokens[7].orig_off, "équipe", strlen("équipe"));
    assert_false(doc.truncated);
    text_tokens_doc_free(&doc);
    text_tokens_doc_free(&doc);   /* safe twice */
}

static void test_token_limit_both_sides(void **state)
{
    static const char text[] = "one two three four five";
    struct text_tokens_doc doc;

    (void)state;
    assert_int_equal(text_tokens_doc_init(&doc, text, strlen(text), 5, NULL), CV_OK);
    assert_int_equal(doc.ntokens, 5);
    assert_false(doc.truncated);
    text_tokens_doc_free(&doc);
    assert_int_equal(text_tokens_doc_init(&doc, text, strlen(text), 4, NULL), CV_OK);
    assert_int_equal(doc.ntokens, 4);
    assert_true(doc.truncated);
    text_tokens_doc_free(&doc);
    /* Empty text: no token, nothing to free but the buffers. */
    assert_int_equal(text_tokens_doc_init(&doc, "", 0, 10, NULL), CV_OK);
    assert_int_equal(doc.ntokens, 0);
    text_tokens_doc_free(&doc);
}

static void test_stopwords_and_language(void **state)
{
    static const char en[] = "I have led the team of engineers and we shipped it on time";
    static const char fr[] = "J'ai dirigé l'équipe et nous avons livré le projet dans les délais";
    struct text_tokens_doc doc;

    (void)state;
    assert_true(text_tokens_is_stopword("the", 3));
    assert_true(text_tokens_is_stopword("les", 3));
    assert_true(text_tokens_is_stopword("a", 1));
    assert_false(text_tokens_is_stopword("python", 6));
    assert_false(text_tokens_is_stopword("go", 2));
    assert_false(text_tokens_is_stopword("th", 2));
    assert_int_equal(text_tokens_doc_init(&doc, en, strlen(en), 100, NULL), CV_OK);
    assert_int_equal(text_tokens_guess_lang(&doc), TEXT_LANG_EN);
    text_tokens_doc_free(&doc);
    assert_int_equal(text_tokens_doc_init(&doc, fr, strlen(fr), 100, NULL), CV_OK);
    assert_int_equal(text_tokens_guess_lang(&doc), TEXT_LANG_FR);
    text_tokens_doc_free(&doc);
    assert_int_equal(text_tokens_doc_init(&doc, "Python SQL", 10, 100, NULL), CV_OK);
    assert_int_equal(text_tokens_guess_lang(&doc), TEXT_LANG_EN);   /* a tie */
    text_tokens_doc_free(&doc);
}

static bool has(const char *text, const char *folded, bool cased)
{
    struct text_tokens_doc doc;
    struct text_keyword kw;
    bool r;

    memset(&kw, 0, sizeof(kw));
    (void)snprintf(kw.folded, sizeof(kw.folded), "%s", folded);
    kw.cased = cased;
    assert_int_equal(text_tokens_doc_init(&doc, text, strlen(text), 1000, NULL), CV_OK);
    r = text_tokens_doc_has(&doc, &kw);
    text_tokens_doc_free(&doc);
    return r;
}

static void test_doc_has(void **state)
{
    (void)state;
    assert_true(has("Built CI-CD pipelines", "ci/cd", false));
    assert_true(has("Built CI / CD pipelines", "ci/cd", false));
    assert_true(has("Built CICD pipelines", "ci/cd", false));
    assert_true(has("Backend in NodeJS", "node.js", false));
    assert_true(has("Backend in Node.js", "node.js", false));
    assert_true(has("Designed REST APIs", "api", false));
    assert_true(has("Designed a REST API", "apis", false));
    assert_true(has("Gestion De Projet agile", "gestion de projet", false));
    assert_true(has("Développement web", "developpement", false));
    assert_false(has("Gestion du projet", "gestion de projet", false));
    assert_false(has("Gestion de", "gestion de projet", false));
    /* A cased keyword needs its capital. */
    assert_true(has("Services in Go and Rust", "go", true));
    assert_false(has("Ready to go to market", "go", true));
    assert_false(has("Python", "", false));
}

static void test_job_description_keywords(void **state)
{
    static const char jd[] =
        "Experience with React Native and React, GraphQL, AWS S3 and EC2. Team player!\n"
        "Our team uses Python daily; python skills required. Apply at jobs@acme.com or "
        "www.acme.com. Kubernetes, kubernetes.";
    static const char *const want[] = { "React Native", "React", "GraphQL", "AWS", "S3", "EC2",
                                        "Python", "Kubernetes" };
    struct text_keyword kw[16];
    struct text_tokens_doc doc;
    size_t n, i;

    (void)state;
    assert_int_equal(text_tokens_doc_init(&doc, jd, strlen(jd), 1000, NULL), CV_OK);
    assert_int_equal(text_tokens_jd_keywords(&doc, kw, 16, &n, NULL), CV_OK);
    assert_int_equal(n, sizeof(want) / sizeof(want[0]));
    for (i = 0; i < n; i++)
        assert_string_equal(kw[i].display, want[i]);
    assert_string_equal(kw[0].folded, "react native");
    /* max is respected, in order. */
    assert_int_equal(text_tokens_jd_keywords(&doc, kw, 3, &n, NULL), CV_OK);
    assert_int_equal(n, 3);
    assert_string_equal(kw[2].display, "GraphQL");
    assert_int_equal(text_tokens_jd_keywords(&doc, kw, 0, &n, NULL), CV_OK);
    assert_int_equal(n, 0);
    text_tokens_doc_free(&doc);

    /* A word written twice is a keyword; once, it is not. */
    assert_int_equal(text_tokens_doc_init(&doc, "logistique, suivi logistique, transport", 40,
                                          100, NULL), CV_OK);
    assert_int_equal(text_tokens_jd_keywords(&doc, kw, 16, &n, NULL), CV_OK);
    assert_int_equal(n, 1);
    assert_string_equal(kw[0].display, "logistique");
    text_tokens_doc_free(&doc);
}

static void test_skills_and_roles(void **state)
{
    static const char cv[] = "Worked with postgresql, Docker and docker-compose; Spring Boot.";
    struct text_keyword kw[16];
    struct text_tokens_doc doc;
    size_t n;

    (void)state;
    assert_int_equal(text_tokens_doc_init(&doc, cv, strlen(cv), 100, NULL), CV_OK);
    n = text_tokens_doc_skills(&doc, kw, 16);
    assert_int_equal(n, 3);
    assert_string_equal(kw[0].display, "PostgreSQL");
    assert_string_equal(kw[1].display, "Docker");
    assert_string_equal(kw[2].display, "Spring Boot");
    assert_int_equal(text_tokens_doc_skills(&doc, kw, 1), 1);
    text_tokens_doc_free(&doc);

    assert_int_equal(text_tokens_doc_init(&doc, "Senior Data Engineer", 20, 100, NULL), CV_OK);
    n = text_tokens_role_skills(&doc, kw, 16);
    assert_int_equal(n, 6);
    assert_string_equal(kw[0].display, "Python");
    assert_string_equal(kw[2].display, "Spark");
    assert_true(kw[2].cased);
    assert_int_equal(text_tokens_role_skills(&doc, kw, 2), 2);
    text_tokens_doc_free(&doc);

    assert_int_equal(text_tokens_doc_init(&doc, "Boulanger", 9, 100, NULL), CV_OK);
    assert_int_equal(text_tokens_role_skills(&doc, kw, 16), 0);
    text_tokens_doc_free(&doc);
}

/* Letters kept, '-' dropped, anything else a separator. */
static enum text_squeeze letters_only(const unsigned char *c, size_t len, const char *out,
                                      size_t out_len)
{
    (void)out;
    (void)out_len;
    if (len == 1 && c[0] == '-')
        return TEXT_SQUEEZE_DROP;
    return len > 1 || (c[0] >= 'a' && c[0] <= 'z') ? TEXT_SQUEEZE_KEEP : TEXT_SQUEEZE_SPACE;
}

static void squeeze_eq(size_t size, const char *in, bool mark_cut, const char *want)
{
    char out[64];
    size_t n;

    assert_true(size <= sizeof(out));
    n = text_tokens_squeeze(out, size, in, strlen(in), letters_only, mark_cut);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void test_squeeze(void **state)
{
    (void)state;
    squeeze_eq(64, "  ab \t\n cd  ", false, "ab cd");            /* runs as one, none at ends */
    squeeze_eq(64, "a-b--c", false, "abc");                       /* dropped, not a separator */
    squeeze_eq(64, "a\xFF\xC3" "b", false, "ab");                /* invalid bytes dropped */
    squeeze_eq(64, "\xC3\xA9t\xC3\xA9", false, "\xC3\xA9t\xC3\xA9"); /* "été" whole */
    /* size 6 holds 5 bytes: "ab cd" fits exactly, one more letter is cut */
    squeeze_eq(6, "ab cd", false, "ab cd");
    squeeze_eq(6, "ab cde", false, "ab cd");
    squeeze_eq(6, "ab cd ", false, "ab cd");                      /* a trailing space cuts nothing */
    /* mark_cut keeps 3 bytes for "…": 8 bytes hold "ab" + " " + "c" + "…" */
    squeeze_eq(9, "ab cd", true, "ab cd");
    squeeze_eq(8, "ab cd", true, "ab c\xE2\x80\xA6");
    /* never inside a character: "é" needs 2 bytes, 1 is left */
    squeeze_eq(3, "a\xC3\xA9", false, "a");
    squeeze_eq(1, "abc", true, "");
    squeeze_eq(4, "abcd", true, "abc");                            /* no room to mark the cut */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_sorted),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_token_limit_both_sides),
        cmocka_unit_test(test_stopwords_and_language),
        cmocka_unit_test(test_doc_has),
        cmocka_unit_test(test_job_description_keywords),
        cmocka_unit_test(test_skills_and_roles),
        cmocka_unit_test(test_squeeze),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
