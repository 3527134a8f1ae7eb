/*
 * test_heuristic_rules.c - the offline analyzer's rules table and message
 * tables: every message in every language with the same placeholders as
 * English, language codes, every rule well formed and reachable by facts
 * that can hold together, texts in table order up to the list's limit,
 * one text per gap, atsScore penalties, placeholders and the cut of a
 * rendered text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heuristic_messages.h"
#include "heuristic_rules.h"

#define BIT(name) HZ_FACT_BIT(name)

/* How many times placeholder ph ("{words}") stands in t. */
static size_t count_of(const char *t, const char *ph)
{
    size_t n = 0;

    while ((t = strstr(t, ph)) != NULL) {
        n++;
        t += strlen(ph);
    }
    return n;
}

/* Do t and en quote the same placeholders, as often, in any order? */
static bool same_placeholders(const char *t, const char *en)
{
    const char *p = en;

    if (count_of(t, "{") != count_of(en, "{"))
        return false;
    while ((p = strchr(p, '{')) != NULL) {
        const char *close = strchr(p, '}');
        char ph[64];
        size_t n = (size_t)(close - p) + 1;

        assert_true(n < sizeof(ph));
        memcpy(ph, p, n);
        ph[n] = '\0';
        if (count_of(t, ph) != count_of(en, ph))
            return false;
        p = close + 1;
    }
    return true;
}

static void test_every_message_in_every_language(void **state)
{
    size_t l, id;

    (void)state;
    assert_true(hz_languages_count >= 2);
    for (l = 0; l < hz_languages_count; l++) {
        const struct hz_language *lang = hz_languages[l];

        for (id = HZ_MSG_NONE + 1; id < HZ_MSG_COUNT; id++) {
            const char *t = lang->msg[id], *en = hz_language_en.msg[id];

            if (t == NULL || t[0] == '\0')
                fail_msg("language %s: message %zu is missing", lang->code, id);
            if (!hz_template_ok(t))
                fail_msg("language %s: message %zu has an unknown placeholder: %s", lang->code,
                         id, t);
            if (!same_placeholders(t, en))
                fail_msg("language %s: message %zu does not quote what English does: %s",
                         lang->code, id, t);
        }
    }
    assert_false(hz_template_ok("{nope}"));
    assert_false(hz_template_ok("{words"));
    assert_true(hz_template_ok("no placeholder"));
}

static void test_language_codes(void **state)
{
    size_t l, k;

    (void)state;
    for (l = 0; l < hz_languages_count; l++) {
        const char *c = hz_languages[l]->code;

        assert_int_equal(strlen(c), 2);
        assert_true(c[0] >= 'a' && c[0] <= 'z' && c[1] >= 'a' && c[1] <= 'z');
        for (k = 0; k < l; k++)
            assert_string_not_equal(c, hz_languages[k]->code);
        assert_ptr_equal(hz_language_by_code(c), hz_languages[l]);
    }
    assert_ptr_equal(hz_language_by_code("FR-ca"), &hz_language_fr);
    assert_ptr_equal(hz_language_by_code("en_US"), &hz_language_en);
    assert_null(hz_language_by_code("de"));
    assert_null(hz_language_by_code("f"));
    assert_null(hz_language_by_code(""));
    assert_null(hz_language_by_code(NULL));
    assert_ptr_equal(hz_language_of(TEXT_LANG_FR), &hz_language_fr);
    assert_ptr_equal(hz_language_of(TEXT_LANG_EN), &hz_language_en);
}

static void test_every_rule_well_formed(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < hz_rules_count; i++) {
        const struct hz_rule *r = &hz_rules[i];

        if (r->list == HZ_LIST_ATS) {
            if (r->weight <= 0 || r->msg != HZ_MSG_NONE)
                fail_msg("rule %zu: an atsScore rule needs a weight and no text", i);
            /* The atsScore is weighed before these facts are known. */
            if (((r->all | r->any | r->none) & (BIT(ATS_GOOD) | BIT(ATS_POOR))) != 0)
                fail_msg("rule %zu: an atsScore rule cannot depend on the atsScore", i);
        } else if (r->weight != 0 || r->msg == HZ_MSG_NONE || r->msg >= HZ_MSG_COUNT) {
            fail_msg("rule %zu: a text rule needs a message and no weight", i);
        }
        if (r->per_gap && (r->all & BIT(GAP)) == 0)
            fail_msg("rule %zu: one text per gap, but it does not ask for a gap", i);
        /* A list's rules stand together, so the table reads list by list. */
        if (i > 0 && r->list != hz_rules[i - 1].list) {
            size_t k;

            for (k = 0; k + 1 < i; k++)
                if (hz_rules[k].list == r->list)
                    fail_msg("rule %zu: its list started earlier, at rule %zu", i, k);
        }
    }
}

/* Facts that follow from others, as heuristic.c measures them. */
static uint64_t implied(uint64_t b)
{
    const uint64_t sections = BIT(SUMMARY) | BIT(EXPERIENCE) | BIT(EDUCATION) | BIT(SKILLS);

    b |= (b & BIT(COMPLETE)) != 0 ? sections | BIT(CONTACT) : 0;
    b &= ~(BIT(SECTION_MISSING) | BIT(COMPLETE));          /* derived, below */
    b |= (b & sections) != sections ? BIT(SECTION_MISSING) : 0;
    b |= (b & (sections | BIT(CONTACT))) == (sections | BIT(CONTACT)) ? BIT(COMPLETE) : 0;
    b |= (b & BIT(VERBS_GOOD)) != 0 ? BIT(CANDIDATES_3) : 0;
    b |= (b & BIT(CANDIDATES_3)) != 0 ? BIT(CANDIDATES) : 0;
    b |= (b & BIT(QUANTIFIED_GOOD)) != 0 ? BIT(QUANTIFIED) : 0;
    b |= (b & BIT(FOUND_MANY)) != 0 ? BIT(FOUND) : 0;
    b |= (b & BIT(DATED_2)) != 0 ? BIT(DATED) : 0;
    b |= (b & BIT(KEYWORDS_GOOD)) != 0 ? BIT(JD_KEYWORDS) : 0;
    b |= (b & BIT(JD_KEYWORDS)) != 0 ? BIT(JD) : 0;
    b |= (b & (BIT(JD) | BIT(MISSING))) == (BIT(JD) | BIT(MISSING)) ? BIT(JD_KEYWORDS) : 0;
    return b;
}

/* Facts that exclude each other. */
static bool consistent(uint64_t b)
{
    static const uint64_t pairs[][2] = {
        { BIT(SHORT), BIT(LONG) },
        { BIT(SHORT), BIT(LENGTH_IDEAL) },
        { BIT(LONG), BIT(LENGTH_IDEAL) },
        { BIT(ATS_GOOD), BIT(ATS_POOR) },
    };
    size_t k;

    for (k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++)
        if ((b & pairs[k][0]) != 0 && (b & pairs[k][1]) != 0)
            return false;
    return true;
}

static void test_every_rule_reachable(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < hz_rules_count; i++) {
        const struct hz_rule *r = &hz_rules[i];
        uint64_t b = r->all | (r->any & (~r->any + 1));    /* the lowest of `any` */

        b = implied(b);
        if (!consistent(b) || !hz_rule_holds(r, b))
            fail_msg("rule %zu (list %d, message %d) can never hold", i, (int)r->list,
                     (int)r->msg);
    }
}

static struct hz_facts facts(uint64_t bits)
{
    struct hz_facts f;

    memset(&f, 0, sizeof(f));
    f.lang = &hz_language_en;
    f.bits = implied(bits);
    return f;
}

static void test_texts_in_table_order(void **state)
{
    /* No contact, no section, a short CV full of ATS problems: many rules hold. */
    struct hz_facts f = facts(BIT(SHORT) | BIT(TABLE) | BIT(SYMBOLS) | BIT(PERSONAL) |
                              BIT(CAPS) | BIT(PAGES));
    struct hz_list l;
    size_t i, n = 0, seen = 0;

    (void)state;
    f.words = 42;
    hz_list_init(&l, HEURISTIC_MAX_SUGGESTIONS);
    hz_rules_texts(HZ_LIST_SUGGESTIONS, &f, &l);
    for (i = 0; i < hz_rules_count; i++)
        n += hz_rules[i].list == HZ_LIST_SUGGESTIONS && hz_rule_holds(&hz_rules[i], f.bits);
    assert_true(n > HEURISTIC_MAX_SUGGESTIONS);               /* so the limit is met */
    assert_int_equal(l.n, HEURISTIC_MAX_SUGGESTIONS);
    for (i = 0; i < hz_rules_count && seen < l.n; i++) {
        char want[HEURISTIC_ITEM_MAX_BYTES];

        if (hz_rules[i].list != HZ_LIST_SUGGESTIONS || !hz_rule_holds(&hz_rules[i], f.bits))
            continue;
        (void)hz_render(want, sizeof(want), &f, hz_rules[i].msg, 0);
        assert_string_equal(l.items[seen], want);
        seen++;
    }
    assert_string_equal(l.items[0], "Add your email address and phone number at the top of the CV");

    hz_list_init(&l, 2);
    hz_rules_texts(HZ_LIST_WEAKNESSES, &f, &l);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.items[1], "Missing standard sections: Summary, Experience, Education, "
                                    "Skills");
}

static void test_one_text_per_gap(void **state)
{
    struct hz_facts f = facts(BIT(CONTACT) | BIT(GAP) | BIT(DATED_2) | BIT(QUANTIFIED_GOOD) |
                              BIT(LENGTH_IDEAL) | BIT(SUMMARY) | BIT(EXPERIENCE) |
                              BIT(EDUCATION) | BIT(SKILLS) | BIT(BULLETS) | BIT(VERBS_GOOD) |
                              BIT(LINKEDIN));
    struct hz_list l;

    (void)state;
    f.ngaps = 3;
    f.gaps[0] = (struct hz_gap){ 2010, 2012, 20 };
    f.gaps[1] = (struct hz_gap){ 2014, 2016, 18 };
    f.gaps[2] = (struct hz_gap){ 2018, 2020, 14 };
    f.lang = &hz_language_fr;
    hz_list_init(&l, HEURISTIC_MAX_WEAKNESSES);
    hz_rules_texts(HZ_LIST_WEAKNESSES, &f, &l);
    assert_int_equal(l.n, HZ_GAPS_NAMED);
    assert_string_equal(l.items[0], "Interruption de 20 mois non expliquée entre 2010 et 2012");
    assert_string_equal(l.items[1], "Interruption de 18 mois non expliquée entre 2014 et 2016");
}

static void test_ats_weights(void **state)
{
    uint64_t all_sections = BIT(CONTACT) | BIT(EXPERIENCE) | BIT(EDUCATION) | BIT(SKILLS);
    uint64_t problems = BIT(TABLE) | BIT(COLUMNS) | BIT(SYMBOLS) | BIT(LONG_LINES) |
                        BIT(PERSONAL) | BIT(CAPS) | BIT(PAGES);

    (void)state;
    assert_int_equal(hz_rules_weight(HZ_LIST_ATS, all_sections), 0);
    assert_int_equal(hz_rules_weight(HZ_LIST_ATS, 0), 10 + 10 + 8 + 8);
    assert_int_equal(hz_rules_weight(HZ_LIST_ATS, all_sections | BIT(TABLE)), 15);
    assert_int_equal(hz_rules_weight(HZ_LIST_ATS, problems),
                     10 + 10 + 8 + 8 + 15 + 10 + 10 + 5 + 5 + 5 + 5);
    /* Text rules weigh nothing. */
    assert_int_equal(hz_rules_weight(HZ_LIST_WEAKNESSES, problems), 0);
}

static void test_render(void **state)
{
    struct hz_facts f = facts(0);
    char out[HEURISTIC_ITEM_MAX_BYTES], small[8];
    size_t n;

    (void)state;
    f.nfound = 2;
    (void)snprintf(f.found[0].display, sizeof(f.found[0].display), "Python");
    (void)snprintf(f.found[1].display, sizeof(f.found[1].display), "SQL");
    f.kw_found = 2;
    f.kw_total = 7;
    f.contact.email = f.contact.phone = f.contact.github = true;
    f.sec[CV_SECTION_SUMMARY] = f.sec[CV_SECTION_EXPERIENCE] = true;

    n = hz_render(out, sizeof(out), &f, HZ_MSG_S_JD_KEYWORDS, 0);
    assert_string_equal(out, "Matches 2 of 7 job-description keywords (Python, SQL)");
    assert_int_equal(n, strlen(out));
    (void)hz_render(out, sizeof(out), &f, HZ_MSG_S_CONTACT, 0);
    assert_string_equal(out, "Contact details are easy to find (email, phone and GitHub)");
    (void)hz_render(out, sizeof(out), &f, HZ_MSG_W_SECTIONS, 0);
    assert_string_equal(out, "Missing standard sections: Education, Skills");
    f.lang = &hz_language_fr;
    (void)hz_render(out, sizeof(out), &f, HZ_MSG_S_CONTACT, 0);
    assert_string_equal(out, "Coordonnées faciles à trouver (e-mail, téléphone et GitHub)");

    /* Cut like snprintf: the whole length returned, a prefix written. */
    f.lang = &hz_language_en;
    n = hz_render(small, sizeof(small), &f, HZ_MSG_S_JD_KEYWORDS, 0);
    assert_int_equal(n, strlen("Matches 2 of 7 job-description keywords (Python, SQL)"));
    assert_string_equal(small, "Matches");
    (void)hz_render(small, 1, &f, HZ_MSG_S_JD_KEYWORDS, 0);
    assert_string_equal(small, "");
}

static void test_summary(void **state)
{
    struct hz_facts f = facts(BIT(CONTACT) | BIT(SUMMARY) | BIT(EXPERIENCE) | BIT(EDUCATION) |
                              BIT(SKILLS) | BIT(QUANTIFIED_GOOD) | BIT(ATS_GOOD) |
                              BIT(LENGTH_IDEAL));
    char out[HEURISTIC_SUMMARY_MAX_BYTES];

    (void)state;
    f.score = 88;
    f.quantified = 4;
    hz_rules_summary(&f, out, sizeof(out));
    assert_string_equal(out, "Score 88/100. Strengths: all standard sections, 4 quantified "
                             "achievements and an ATS-friendly layout. No major issue found.");
    f = facts(BIT(SHORT));
    f.score = 12;
    f.words = 40;
    f.lang = &hz_language_fr;
    hz_rules_summary(&f, out, sizeof(out));
    assert_string_equal(out, "Score de 12/100. À améliorer : pas de coordonnées, des sections "
                             "manquantes (Profil, Expérience professionnelle, Formation, "
                             "Compétences) et peu de résultats chiffrés.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_message_in_every_language),
        cmocka_unit_test(test_language_codes),
        cmocka_unit_test(test_every_rule_well_formed),
        cmocka_unit_test(test_every_rule_reachable),
        cmocka_unit_test(test_texts_in_table_order),
        cmocka_unit_test(test_one_text_per_gap),
        cmocka_unit_test(test_ats_weights),
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_summary),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
