/*
 * test_cv_sections.c - headings in English and French (case, accents,
 * punctuation, inline content), bullets, the layout of a CV and its line
 * limit on both sides, contact details (the phone digit limits on both
 * sides, dates that look like phones) and dated ranges in every form the
 * header promises.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cv_sections.h"

static enum cv_section_kind kind_of(const char *line)
{
    return cv_sections_heading_kind(line, strlen(line), NULL);
}

static void test_heading_kinds(void **state)
{
    static const struct {
        const char *line;
        enum cv_section_kind kind;
    } cases[] = {
        { "Experience", CV_SECTION_EXPERIENCE },
        { "WORK EXPERIENCE:", CV_SECTION_EXPERIENCE },
        { "## Professional Experience", CV_SECTION_EXPERIENCE },
        { "Employment History", CV_SECTION_EXPERIENCE },
        { "Expériences professionnelles", CV_SECTION_EXPERIENCE },
        { "EXPÉRIENCE PROFESSIONNELLE", CV_SECTION_EXPERIENCE },
        { "Parcours professionnel", CV_SECTION_EXPERIENCE },
        { "1. Formation", CV_SECTION_EDUCATION },
        { "Études", CV_SECTION_EDUCATION },
        { "Diplômes", CV_SECTION_EDUCATION },
        { "Academic Background", CV_SECTION_EDUCATION },
        { "Education & Certifications", CV_SECTION_EDUCATION },
        { "Technical Skills", CV_SECTION_SKILLS },
        { "Compétences techniques", CV_SECTION_SKILLS },
        { "Skills:", CV_SECTION_SKILLS },
        { "Professional Summary", CV_SECTION_SUMMARY },
        { "About me", CV_SECTION_SUMMARY },
        { "À propos", CV_SECTION_SUMMARY },
        { "Profil", CV_SECTION_SUMMARY },
        { "Résumé", CV_SECTION_SUMMARY },
        { "Languages", CV_SECTION_LANGUAGES },
        { "Langues", CV_SECTION_LANGUAGES },
        { "Certifications", CV_SECTION_CERTIFICATIONS },
        { "Projets personnels", CV_SECTION_PROJECTS },
        { "Centres d\xE2\x80\x99int\xC3\xA9r\xC3\xAAt", CV_SECTION_INTERESTS },
        { "Centres d'intérêt :", CV_SECTION_INTERESTS },
        { "Hobbies", CV_SECTION_INTERESTS },
        { "Coordonnées", CV_SECTION_CONTACT },
        { "Publications", CV_SECTION_OTHER },
        /* not headings */
        { "Experience in retail sales", CV_SECTION_NONE },
        { "Experience: 5 years in retail", CV_SECTION_NONE },
        { "- Skills", CV_SECTION_NONE },
        { "Python developer", CV_SECTION_NONE },
        { "", CV_SECTION_NONE },
        { "Skills Skills Skills Skills Skills Skills Skills Skills Skills Sk", CV_SECTION_NONE },
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (kind_of(cases[i].line) != cases[i].kind)
            fail_msg("\"%s\": got %s, want %s", cases[i].line,
                     cv_sections_kind_name(kind_of(cases[i].line)),
                     cv_sections_kind_name(cases[i].kind));
    }
    assert_string_equal(cv_sections_kind_name(CV_SECTION_EXPERIENCE), "experience");
    assert_string_equal(cv_sections_kind_name(CV_SECTION_KIND_COUNT), "unknown");
}

static void test_heading_length_limit(void **state)
{
    /* 64 bytes ending in a known heading is still judged; 65 is text. */
    char line[CV_SECTIONS_HEADING_MAX_BYTES + 2];

    (void)state;
    memset(line, ' ', sizeof(line));
    memcpy(line + CV_SECTIONS_HEADING_MAX_BYTES - 6, "Skills", 6);
    assert_int_equal(cv_sections_heading_kind(line, CV_SECTIONS_HEADING_MAX_BYTES, NULL),
                     CV_SECTION_SKILLS);
    memcpy(line + CV_SECTIONS_HEADING_MAX_BYTES - 5, "Skills", 6);
    assert_int_equal(cv_sections_heading_kind(line, CV_SECTIONS_HEADING_MAX_BYTES + 1, NULL),
                     CV_SECTION_NONE);
}

static void test_inline_heading(void **state)
{
    static const char line[] = "Compétences : Python, SQL, Power BI";
    struct cv_str in;

    (void)state;
    assert_int_equal(cv_sections_heading_kind(line, strlen(line), &in), CV_SECTION_SKILLS);
    assert_int_equal(in.len, strlen("Python, SQL, Power BI"));
    assert_memory_equal(in.ptr, "Python, SQL, Power BI", in.len);
    assert_int_equal(cv_sections_heading_kind("Skills:", 7, &in), CV_SECTION_SKILLS);
    assert_int_equal(in.len, 0);
}

static void test_bullets(void **state)
{
    static const struct {
        const char *line;
        size_t len;
    } cases[] = {
        { "- Led", 2 }, { "-  Led", 3 }, { "* Led", 2 }, { "+ Led", 2 }, { "> Led", 2 },
        { "\xE2\x80\xA2 Led", 4 }, { "\xE2\x80\xA2Led", 3 }, { "\xE2\x9E\xA4 Led", 4 },
        { "\xEF\x82\xB7 Led", 4 }, { "\xE2\x80\x93 Led", 4 }, { "\xC2\xB7 Led", 3 },
        { "\xE2\x80\x93Led", 0 }, { "*Led", 0 }, { "-30% costs", 0 }, { "Led", 0 }, { "", 0 },
        { "-", 0 },
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (cv_sections_bullet_len(cases[i].line, strlen(cases[i].line)) != cases[i].len)
            fail_msg("bullet of \"%s\": got %zu, want %zu", cases[i].line,
                     cv_sections_bullet_len(cases[i].line, strlen(cases[i].line)), cases[i].len);
}

static void test_layout(void **state)
{
    static const char cv[] =
        "Jane Doe\n"
        "jane@example.com\n"
        "\n"
        "Experience\n"
        "Acme — Engineer\n"
        "- Built things\n"
        "Skills\n"
        "Languages: Python, Go\n"
        "Docker\n"
        "Langues : français, anglais\n"
        "Formation\r\n"
        "  MSc, 2014  ";
    struct cv_layout lay;

    (void)state;
    assert_int_equal(cv_sections_parse(cv, strlen(cv), &lay, NULL), CV_OK);
    assert_int_equal(lay.nlines, 12);
    assert_false(lay.truncated);
    assert_int_equal(lay.lines[0].section, CV_SECTION_NONE);
    assert_int_equal(lay.lines[2].text.len, 0);
    assert_true(lay.lines[3].heading);
    assert_int_equal(lay.lines[4].section, CV_SECTION_EXPERIENCE);
    assert_int_equal(lay.lines[5].bullet_len, 2);
    assert_int_equal(lay.lines[6].section, CV_SECTION_SKILLS);
    /* "Languages: Python, Go" under Skills is a label, not a section. */
    assert_false(lay.lines[7].heading);
    assert_int_equal(lay.lines[7].section, CV_SECTION_SKILLS);
    assert_int_equal(lay.lines[9].section, CV_SECTION_SKILLS);
    assert_true(lay.lines[10].heading);                    /* "Formation\r" */
    assert_int_equal(lay.lines[11].section, CV_SECTION_EDUCATION);
    assert_int_equal(lay.lines[11].text.len, strlen("MSc, 2014"));   /* trimmed */
    assert_true(lay.present[CV_SECTION_EXPERIENCE] && lay.present[CV_SECTION_SKILLS] &&
                lay.present[CV_SECTION_EDUCATION]);
    assert_false(lay.present[CV_SECTION_LANGUAGES] || lay.present[CV_SECTION_SUMMARY]);
    assert_int_equal(lay.nheadings, 3);
    cv_sections_free(&lay);
    cv_sections_free(&lay);   /* safe twice */

    /* An inline list heading outside a list section opens it. */
    assert_int_equal(cv_sections_parse("Jane\nSkills: Python, SQL\nx", 26, &lay, NULL), CV_OK);
    assert_true(lay.lines[1].heading);
    assert_int_equal(lay.lines[1].inline_text.len, strlen("Python, SQL"));
    assert_int_equal(lay.lines[2].section, CV_SECTION_SKILLS);
    cv_sections_free(&lay);
}

static void test_line_limit_both_sides(void **state)
{
    size_t n = CV_SECTIONS_MAX_LINES, i;
    char *text = malloc(2 * n + 2);
    struct cv_layout lay;

    (void)state;
    assert_non_null(text);
    for (i = 0; i < n; i++) {
        text[2 * i] = 'x';
        text[2 * i + 1] = '\n';
    }
    /* n lines: "x\n" n-1 times then "x" */
    assert_int_equal(cv_sections_parse(text, 2 * n - 1, &lay, NULL), CV_OK);
    assert_int_equal(lay.nlines, n);
    assert_false(lay.truncated);
    cv_sections_free(&lay);
    /* n + 1 lines: the last one is dropped. */
    text[2 * n] = 'x';
    assert_int_equal(cv_sections_parse(text, 2 * n + 1, &lay, NULL), CV_OK);
    assert_int_equal(lay.nlines, n);
    assert_true(lay.truncated);
    cv_sections_free(&lay);
    free(text);
}

static struct cv_contact contact_of(const char *s)
{
    struct cv_contact c = { false, false, false, false };

    cv_sections_scan_contact(s, strlen(s), &c);
    return c;
}

static void test_contact(void **state)
{
    struct cv_contact c;

    (void)state;
    assert_true(contact_of("jane.doe+cv@mail.example.co.uk").email);
    assert_true(contact_of("Email: j_d@x.io.").email);
    assert_false(contact_of("a@b").email);
    assert_false(contact_of("a@b.c").email);
    assert_false(contact_of("@example.com").email);
    assert_false(contact_of("a@.com").email);
    assert_false(contact_of("a@b.c0m").email);

    assert_true(contact_of("+33 6 12 34 56 78").phone);
    assert_true(contact_of("Tel (555) 123-4567").phone);
    assert_true(contact_of("06.12.34.56.78").phone);
    assert_true(contact_of("0612345678").phone);
    assert_true(contact_of("+1 415 555 2019").phone);         /* '+': a year-like group is fine */
    assert_true(contact_of("123 456 789").phone);             /* 9 digits: the minimum */
    assert_false(contact_of("12 345 678").phone);             /* 8 */
    assert_true(contact_of("+123 456 789 012 345").phone);    /* 15: the maximum */
    assert_false(contact_of("+123 456 789 012 3456").phone);  /* 16 */
    assert_false(contact_of("2019 - 2023 2024").phone);
    assert_false(contact_of("03.2018 - 06.2021").phone);
    assert_false(contact_of("ID ABC1234567890").phone);

    c = contact_of("linkedin.com/in/jane | GitHub.com/jane");
    assert_true(c.linkedin && c.github);
    assert_false(c.email || c.phone);
    assert_false(contact_of("LinkedIn profile").linkedin);
    /* Calls accumulate; nothing is cleared. */
    cv_sections_scan_contact("nothing here", 12, &c);
    assert_true(c.linkedin && c.github);
}

struct range_case {
    const char *line;
    size_t count;
    int start, end;
    bool ongoing;
};

#define M(y, m) CV_SECTIONS_MONTH(y, m)
#define PRESENT M(2024, 12)

static void test_date_ranges(void **state)
{
    static const struct range_case cases[] = {
        { "2019 - 2023", 1, M(2019, 1), M(2023, 12), false },
        { "2019 \xE2\x80\x93 2023", 1, M(2019, 1), M(2023, 12), false },
        { "Acme, Paris | Jan 2020 - Present", 1, M(2020, 1), PRESENT, true },
        { "03/2018 \xE2\x80\x93 06/2021", 1, M(2018, 3), M(2021, 6), false },
        { "2018-03 to 2019-11", 1, M(2018, 3), M(2019, 11), false },
        { "sept. 2018 - aujourd'hui", 1, M(2018, 9), PRESENT, true },
        { "Sept 2018 \xE2\x80\x93 aujourd\xE2\x80\x99hui", 1, M(2018, 9), PRESENT, true },
        { "Févr. 2016 - Déc. 2017", 1, M(2016, 2), M(2017, 12), false },
        { "de 2016 à 2019", 1, M(2016, 1), M(2019, 12), false },
        { "2018 - aujourd'hui", 1, M(2018, 1), PRESENT, true },
        { "March 2021 - à ce jour", 1, M(2021, 3), PRESENT, true },
        { "since 2020", 1, M(2020, 1), PRESENT, true },
        { "depuis mars 2021", 1, M(2021, 3), PRESENT, true },
        { "Software Engineer, ManchesterSep. 2017 \xE2\x80\x93 Dec. 2022", 1, M(2017, 9),
          M(2022, 12), false },
        { "Groupe, ToulouseJuin 2018 - Janv. 2021", 1, M(2018, 6), M(2021, 1), false },
        { "grammar 2019", 0, 0, 0, false },
        { "Chef de projet, NantesDepuis mars 2021", 1, M(2021, 3), PRESENT, true },
        { "2023 - 2019", 0, 0, 0, false },
        { "Paris, 2019", 0, 0, 0, false },
        { "1969 - 1975", 0, 0, 0, false },
        { "2036 - 2037", 0, 0, 0, false },
        { "Page 1 / 2", 0, 0, 0, false },
        { "", 0, 0, 0, false },
    };
    struct cv_date_range r[4];
    size_t i, n;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        n = cv_sections_date_ranges(cases[i].line, strlen(cases[i].line), PRESENT, r, 4);
        if (n != cases[i].count)
            fail_msg("\"%s\": %zu ranges, want %zu", cases[i].line, n, cases[i].count);
        if (n == 1 && (r[0].start != cases[i].start || r[0].end != cases[i].end ||
                       r[0].ongoing != cases[i].ongoing))
            fail_msg("\"%s\": %d..%d%s", cases[i].line, r[0].start, r[0].end,
                     r[0].ongoing ? " ongoing" : "");
    }
    n = cv_sections_date_ranges("2010 - 2012, 2014 - 2016", 24, PRESENT, r, 4);
    assert_int_equal(n, 2);
    assert_int_equal(r[1].start, M(2014, 1));
    assert_int_equal(cv_sections_date_ranges("2010 - 2012, 2014 - 2016", 24, PRESENT, r, 1), 1);
}

static void test_wrapped_date_ranges(void **state)
{
    static const char text[] =
        "Experience\n"
        "Engineer, Acme, London Jan 2023 -\nPresent\n"
        "Developer, Contoso Sep. 2017 \xE2\x80\x93 Dec.\n2022\n"
        "Analyst 2014 - 2016\n2012 - 2013\n"
        "Lead, Exemplia, Lyon sept.\n2018 - aujourd'hui\n"
        "Tester, Beta\n2010 - 2011\n";
    /* line, ranges, lines used, then the first range (0: not checked) */
    static const struct {
        size_t line, count, used;
        int start, end;
        bool ongoing;
    } cases[] = {
        { 1, 1, 2, M(2023, 1), 0, true },
        { 3, 1, 2, 0, M(2022, 12), false },
        /* the next line has a range of its own: each line reads alone */
        { 5, 1, 1, 0, M(2016, 12), false },
        { 6, 1, 1, 0, 0, false },
        /* a month left at the end of the line, its range on the next */
        { 7, 1, 2, M(2018, 9), 0, true },
        /* no month there: the next line's range reads alone */
        { 9, 0, 1, 0, 0, false },
    };
    struct cv_layout lay;
    struct cv_error err;
    struct cv_date_range r[4];
    size_t used, i;

    (void)state;
    assert_int_equal(cv_sections_parse(text, strlen(text), &lay, &err), CV_OK);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(cv_sections_line_date_ranges(&lay, cases[i].line, PRESENT, r, 4, &used),
                         cases[i].count);
        assert_int_equal(used, cases[i].used);
        if (cases[i].start != 0)
            assert_int_equal(r[0].start, cases[i].start);
        if (cases[i].end != 0)
            assert_int_equal(r[0].end, cases[i].end);
        if (cases[i].count > 0)
            assert_int_equal(r[0].ongoing, cases[i].ongoing);
    }
    cv_sections_free(&lay);
}

static void test_latest_year(void **state)
{
    (void)state;
    assert_int_equal(cv_sections_latest_year("2010 to 2035 and 2036, 1969", 27), 2035);
    assert_int_equal(cv_sections_latest_year("1970", 4), 1970);
    assert_int_equal(cv_sections_latest_year("20190 and 201", 13), 0);
    assert_int_equal(cv_sections_latest_year("", 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heading_kinds),
        cmocka_unit_test(test_heading_length_limit),
        cmocka_unit_test(test_inline_heading),
        cmocka_unit_test(test_bullets),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_line_limit_both_sides),
        cmocka_unit_test(test_contact),
        cmocka_unit_test(test_date_ranges),
        cmocka_unit_test(test_wrapped_date_ranges),
        cmocka_unit_test(test_latest_year),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
