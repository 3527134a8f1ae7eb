/*
 * test_heuristic.c - the offline analyzer on real-looking CVs: a strong
 * English software engineer, a weak short CV with no headings, a French
 * project manager, a data analyst with a three-year gap, and an ATS
 * nightmare. Checks the exact shape of `result`, sections, score order,
 * keywords against job descriptions (accents folded), output language and
 * its override, gap years, determinism, the Markdown rewrite, every
 * failure status and both sides of the input and list limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heuristic.h"
#include "utf8.h"

#define REF_YEAR 2024

static const char cv_strong[] =
    "Jane Doe\n"
    "Senior Software Engineer\n"
    "jane.doe@example.com | +44 7700 900123 | linkedin.com/in/janedoe | github.com/janedoe\n"
    "\n"
    "Summary\n"
    "Senior software engineer with 9 years of experience building reliable backend systems and "
    "data platforms in Python and Go. I enjoy turning slow, fragile services into fast, "
    "well-tested ones and mentoring engineers along the way.\n"
    "\n"
    "Experience\n"
    "Acme Cloud, London — Senior Software Engineer\n"
    "Jan 2020 - Present\n"
    "- Led the migration of 40 services from a monolith to containerised microservices on AWS, "
    "cutting deploy time by 65%\n"
    "- Designed a PostgreSQL partitioning scheme that reduced p99 query latency from 900 ms to "
    "120 ms\n"
    "- Built an internal CI/CD pipeline with GitHub Actions and Docker used by 12 teams\n"
    "- Mentored 5 engineers, two of whom were promoted to senior roles\n"
    "- Improved on-call health: pages per week dropped from 30 to 6\n"
    "\n"
    "Northwind Analytics, Manchester — Software Engineer\n"
    "Sep 2016 - Dec 2019\n"
    "- Developed a Python event-processing service handling 2 million events per day\n"
    "- Reduced cloud costs by £120k per year by rightsizing instances and caching hot queries in "
    "Redis\n"
    "- Launched a self-service reporting API adopted by 300 customers in its first quarter\n"
    "- Wrote integration tests that raised coverage from 45% to 85% across the payment services\n"
    "\n"
    "Brightpath Labs, Leeds — Junior Developer\n"
    "Jul 2014 - Aug 2016\n"
    "- Delivered 3 client web applications in Django and React on time and under budget\n"
    "- Automated weekly data exports, saving the support team 10 hours per week\n"
    "- Maintained the deployment scripts and documented the release process for new joiners\n"
    "\n"
    "Education\n"
    "MSc Computer Science, University of Manchester, 2013 - 2014\n"
    "Dissertation on distributed consensus algorithms and their failure modes in practice.\n"
    "BSc Mathematics, University of Leeds, 2010 - 2013\n"
    "\n"
    "Skills\n"
    "Languages: Python, Go, SQL, JavaScript\n"
    "Infrastructure: AWS, Docker, PostgreSQL, Redis, Linux, Git\n"
    "Practices: CI/CD, code review, Agile, observability, incident management\n"
    "\n"
    "Languages\n"
    "English (native), French (professional working proficiency)\n";

static const char cv_weak[] =
    "John Smith\n"
    "john.smith@mail.com\n"
    "I am a hard working person looking for a job in sales. I worked at a shop for some years "
    "and I was responsible for customers and the till. I am good with people and computers. "
    "I like football and music.\n";

static const char cv_french[] =
    "Marie Dupont\n"
    "Cheffe de projet digital\n"
    "marie.dupont@exemple.fr — 06 12 34 56 78 — Lyon\n"
    "\n"
    "Profil\n"
    "Cheffe de projet avec 8 ans d'expérience dans la transformation numérique des entreprises "
    "de services. Habituée à piloter des équipes pluridisciplinaires et à livrer des projets "
    "dans les délais et les budgets.\n"
    "\n"
    "Expérience professionnelle\n"
    "Société Générale des Eaux — Cheffe de projet digital\n"
    "Mars 2019 - aujourd'hui\n"
    "• Piloté la refonte du site client (1,2 million de visites par mois) avec une équipe de 8 "
    "personnes\n"
    "• Réduit les coûts d'hébergement de 20 % grâce à la migration vers le cloud\n"
    "• Mis en place des rituels agiles (Scrum) pour 3 équipes\n"
    "• Developpement d'applications mobiles en lien avec les équipes métier\n"
    "\n"
    "Agence Lumière — Cheffe de projet junior\n"
    "Sept. 2015 - Févr. 2019\n"
    "• Géré un portefeuille de 12 clients grands comptes\n"
    "• Amélioré le taux de satisfaction client de 15 points\n"
    "• Conçu des tableaux de bord de suivi sous Excel et Power BI\n"
    "\n"
    "Formation\n"
    "Master Management de projet, IAE Lyon, 2013 - 2015\n"
    "Licence Économie, Université Lumière Lyon 2, 2010 - 2013\n"
    "\n"
    "Compétences\n"
    "Gestion de Projet, Scrum, Jira, Excel, Power BI, Anglais courant\n"
    "\n"
    "Langues\n"
    "Français (langue maternelle), Anglais (C1), Espagnol (B1)\n"
    "\n"
    "Centres d'intérêt\n"
    "Randonnée, photographie, bénévolat associatif\n";

static const char cv_gap[] =
    "Alex Martin\n"
    "Data Analyst\n"
    "alex.martin@example.org | (555) 123-4567\n"
    "\n"
    "Summary\n"
    "Data analyst experienced in SQL, Excel and Tableau reporting for retail businesses.\n"
    "\n"
    "Work Experience\n"
    "Retail Insights Ltd — Data Analyst\n"
    "Sep 2018 - Present\n"
    "- Built weekly sales dashboards in Tableau used by 40 store managers\n"
    "- Automated data cleaning in Python, saving 6 hours per week\n"
    "- Analysed promotions and identified a 12% uplift in basket size\n"
    "\n"
    "Corner Shops Group — Junior Analyst\n"
    "Mar 2012 - Jun 2015\n"
    "- Maintained Excel reports for 25 stores\n"
    "- Supported the finance team with monthly stock reconciliations\n"
    "\n"
    "Education\n"
    "BSc Economics, University of Bristol, 2008 - 2011\n"
    "\n"
    "Skills\n"
    "SQL, Excel, Tableau, Python, Power BI\n";

static const char cv_ats_bad[] =
    "★ JOHN DOE ★\n"
    "Date of birth: 12/03/1990 | Marital status: married | Photo attached\n"
    "+-------------+----------------+\n"
    "| Company     | Role           |\n"
    "| Acme        | Sales          |\n"
    "| Globex      | Manager        |\n"
    "➤ RESPONSIBLE FOR ALL SALES IN THE NORTH REGION\n"
    "➤ MANAGED THE KEY ACCOUNTS OF THE COMPANY\n"
    "➤ WORKED WITH THE MARKETING TEAM EVERY WEEK\n"
    "✉ 📞 🏠 ✈ ⚽ 🎵\n"
    "Page 1 of 2\n";

static const char jd_backend[] =
    "We are hiring a Senior Backend Engineer to join our platform team.\n"
    "Requirements: strong Python, Kubernetes and Terraform; PostgreSQL; Docker; CI/CD.\n"
    "Experience with AWS is a plus. You will run Kubernetes clusters in production.\n";

static const char jd_french[] =
    "Nous recherchons un(e) chef de projet digital pour piloter le développement de nos "
    "applications. Missions : gestion de projet, suivi du développement, coordination avec les "
    "équipes techniques. Compétences requises : Scrum, Jira, Power BI, Kubernetes apprécié. "
    "Anglais courant.\n";

/* ---- helpers ---- */

struct run {
    json_object *result;
    char *md;
    const char *json;
};

static struct heuristic_input input(const char *cv, const char *jd, const char *role,
                                    const char *lang, bool optimize)
{
    struct heuristic_input in = {
        .text = cv, .text_len = cv != NULL ? strlen(cv) : 0,
        .job_description = jd, .jd_len = jd != NULL ? strlen(jd) : 0,
        .target_role = role, .role_len = role != NULL ? strlen(role) : 0,
        .language = lang, .optimize = optimize, .reference_year = REF_YEAR,
    };
    return in;
}

static struct run analyze_in(const struct heuristic_input *in)
{
    struct run r = { NULL, NULL, NULL };
    struct cv_error err;
    enum cv_status st;

    cv_error_clear(&err);
    st = heuristic_analyze(in, &r.result, in->optimize ? &r.md : NULL, &err);
    if (st != CV_OK)
        fail_msg("heuristic_analyze: %s (%s)", cv_status_name(st), err.message);
    assert_non_null(r.result);
    r.json = json_object_to_json_string_ext(r.result, JSON_C_TO_STRING_PLAIN);
    return r;
}

static struct run analyze(const char *cv, const char *jd, const char *role, const char *lang,
                          bool optimize)
{
    struct heuristic_input in = input(cv, jd, role, lang, optimize);

    return analyze_in(&in);
}

static void run_free(struct run *r)
{
    json_object_put(r->result);
    free(r->md);
}

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(o, key, &v))
        fail_msg("missing key %s", key);
    return v;
}

static int score_of(const struct run *r)
{
    return json_object_get_int(get(r->result, "score"));
}

static bool section(const struct run *r, const char *name)
{
    return json_object_get_boolean(get(get(r->result, "sections"), name));
}

/* True when list `key` (or keywords.`key`) has an item equal to s. */
static bool list_has(json_object *list, const char *s)
{
    size_t i;

    for (i = 0; i < json_object_array_length(list); i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(list, i)), s) == 0)
            return true;
    return false;
}

/* True when some item of list contains s. */
static bool list_mentions(json_object *list, const char *s)
{
    size_t i;

    for (i = 0; i < json_object_array_length(list); i++)
        if (strstr(json_object_get_string(json_object_array_get_idx(list, i)), s) != NULL)
            return true;
    return false;
}

static json_object *keywords(const struct run *r, const char *which)
{
    return get(get(r->result, "keywords"), which);
}

static void assert_string_list(json_object *a, size_t max)
{
    size_t i;

    assert_true(json_object_is_type(a, json_type_array));
    assert_true(json_object_array_length(a) <= max);
    for (i = 0; i < json_object_array_length(a); i++) {
        json_object *s = json_object_array_get_idx(a, i);
        size_t n;

        assert_true(json_object_is_type(s, json_type_string));
        n = (size_t)json_object_get_string_len(s);
        assert_true(n > 0 && n < HEURISTIC_ITEM_MAX_BYTES);
        assert_int_equal(strlen(json_object_get_string(s)), n);
        assert_true(cv_utf8_valid((const unsigned char *)json_object_get_string(s), n));
    }
}

/* Exactly the keys of API.md, in order, with their types and ranges. */
static void assert_result_shape(const struct run *r)
{
    static const char *const keys[] = { "score", "summary", "strengths", "weaknesses",
                                         "suggestions", "keywords", "sections", "atsScore" };
    static const char *const sec_keys[] = { "contact", "summary", "experience", "education",
                                             "skills" };
    json_object *o = r->result, *kw, *sec;
    size_t i = 0;
    const char *summary;

    assert_true(json_object_is_type(o, json_type_object));
    assert_int_equal(json_object_object_length(o), 8);
    json_object_object_foreach(o, key, val) {
        (void)val;
        assert_string_equal(key, keys[i]);
        i++;
    }
    assert_true(json_object_is_type(get(o, "score"), json_type_int));
    assert_in_range(json_object_get_int(get(o, "score")), 0, 100);
    assert_true(json_object_is_type(get(o, "atsScore"), json_type_int));
    assert_in_range(json_object_get_int(get(o, "atsScore")), 0, 100);
    assert_true(json_object_is_type(get(o, "summary"), json_type_string));
    summary = json_object_get_string(get(o, "summary"));
    assert_true(strlen(summary) > 10 && strlen(summary) < HEURISTIC_SUMMARY_MAX_BYTES);
    assert_true(cv_utf8_valid((const unsigned char *)summary, strlen(summary)));
    assert_string_list(get(o, "strengths"), HEURISTIC_MAX_STRENGTHS);
    assert_string_list(get(o, "weaknesses"), HEURISTIC_MAX_WEAKNESSES);
    assert_string_list(get(o, "suggestions"), HEURISTIC_MAX_SUGGESTIONS);
    kw = get(o, "keywords");
    assert_int_equal(json_object_object_length(kw), 2);
    assert_string_list(get(kw, "found"), HEURISTIC_MAX_KEYWORDS);
    assert_string_list(get(kw, "missing"), HEURISTIC_MAX_KEYWORDS);
    sec = get(o, "sections");
    assert_int_equal(json_object_object_length(sec), 5);
    i = 0;
    json_object_object_foreach(sec, skey, sval) {
        assert_string_equal(skey, sec_keys[i]);
        assert_true(json_object_is_type(sval, json_type_boolean));
        i++;
    }
}

/* Position of needle in hay, or SIZE_MAX. */
static size_t pos_of(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);

    return p != NULL ? (size_t)(p - hay) : SIZE_MAX;
}

/* ---- tests ---- */

static void test_result_shape_on_every_cv(void **state)
{
    const char *cvs[] = { cv_strong, cv_weak, cv_french, cv_gap, cv_ats_bad };
    const char *jds[] = { NULL, jd_backend, jd_french };
    size_t i, j;

    (void)state;
    for (i = 0; i < sizeof(cvs) / sizeof(cvs[0]); i++) {
        for (j = 0; j < sizeof(jds) / sizeof(jds[0]); j++) {
            struct run r = analyze(cvs[i], jds[j], j == 0 ? "Backend Engineer" : NULL, NULL, true);

            assert_result_shape(&r);
            assert_non_null(r.md);
            run_free(&r);
        }
    }
}

static void test_sections_detected(void **state)
{
    struct run s = analyze(cv_strong, NULL, NULL, NULL, false);
    struct run w = analyze(cv_weak, NULL, NULL, NULL, false);
    struct run f = analyze(cv_french, NULL, NULL, NULL, false);
    struct run g = analyze(cv_gap, NULL, NULL, NULL, false);
    struct run a = analyze(cv_ats_bad, NULL, NULL, NULL, false);

    (void)state;
    assert_true(section(&s, "contact") && section(&s, "summary") && section(&s, "experience") &&
                section(&s, "education") && section(&s, "skills"));
    assert_true(section(&w, "contact"));
    assert_false(section(&w, "summary") || section(&w, "experience") || section(&w, "education") ||
                 section(&w, "skills"));
    assert_true(section(&f, "contact") && section(&f, "summary") && section(&f, "experience") &&
                section(&f, "education") && section(&f, "skills"));
    assert_true(section(&g, "contact") && section(&g, "summary") && section(&g, "experience") &&
                section(&g, "education") && section(&g, "skills"));
    /* The ATS nightmare has a birth date but no email or phone number. */
    assert_false(section(&a, "contact") || section(&a, "experience") || section(&a, "skills"));
    run_free(&s);
    run_free(&w);
    run_free(&f);
    run_free(&g);
    run_free(&a);
}

static void test_strong_scores_well_above_weak(void **state)
{
    struct run s = analyze(cv_strong, NULL, NULL, NULL, false);
    struct run sj = analyze(cv_strong, jd_backend, NULL, NULL, false);
    struct run w = analyze(cv_weak, NULL, NULL, NULL, false);
    struct run wj = analyze(cv_weak, jd_backend, NULL, NULL, false);

    (void)state;
    assert_true(score_of(&s) >= 70);
    assert_true(score_of(&sj) >= 70);
    assert_true(score_of(&w) <= 45);
    assert_true(score_of(&wj) <= 45);
    assert_true(score_of(&s) - score_of(&w) >= 30);
    assert_true(json_object_get_int(get(s.result, "atsScore")) >= 90);
    assert_true(json_object_get_int(get(w.result, "atsScore")) < 80);
    /* Strong: strengths outnumber weaknesses, and the reasons are named. */
    assert_true(list_mentions(get(s.result, "strengths"), "backed by figures"));
    assert_true(list_mentions(get(s.result, "strengths"), "action verb"));
    assert_true(list_mentions(get(w.result, "weaknesses"), "Missing standard sections"));
    assert_true(list_mentions(get(w.result, "weaknesses"), "Too short"));
    assert_true(list_mentions(get(w.result, "suggestions"), "Quantify results"));
    assert_true(list_mentions(get(w.result, "suggestions"), "Add an Experience section"));
    assert_non_null(strstr(json_object_get_string(get(w.result, "summary")), "Score "));
    run_free(&s);
    run_free(&sj);
    run_free(&w);
    run_free(&wj);
}

static void test_keywords_against_job_description(void **state)
{
    struct run r = analyze(cv_strong, jd_backend, NULL, NULL, false);
    json_object *found = keywords(&r, "found"), *missing = keywords(&r, "missing");

    (void)state;
    assert_true(list_has(missing, "Kubernetes"));
    assert_true(list_has(missing, "Terraform"));
    assert_true(list_has(found, "Python"));
    assert_true(list_has(found, "PostgreSQL"));
    assert_true(list_has(found, "Docker"));
    assert_true(list_has(found, "CI/CD"));
    assert_true(list_has(found, "AWS"));
    assert_false(list_has(found, "Kubernetes"));
    /* Deduplicated (Kubernetes appears twice), no filler words. */
    assert_int_equal(json_object_array_length(missing), 2);
    assert_false(list_mentions(found, "Experience") || list_mentions(missing, "team"));
    /* Ordered by first appearance in the job description. */
    assert_string_equal(json_object_get_string(json_object_array_get_idx(found, 0)), "Python");
    assert_true(list_mentions(get(r.result, "suggestions"), "Kubernetes, Terraform"));
    assert_true(list_mentions(get(r.result, "weaknesses"), "not found in the CV: Kubernetes"));
    run_free(&r);
}

static void test_keywords_fold_accents(void **state)
{
    struct run r = analyze(cv_french, jd_french, NULL, NULL, false);
    json_object *found = keywords(&r, "found"), *missing = keywords(&r, "missing");

    (void)state;
    /* "gestion de projet" (JD) matches "Gestion de Projet" (CV); shown as the JD spells it. */
    assert_true(list_has(found, "gestion de projet"));
    /* "développement" (JD, twice) matches "Developpement" (CV, no accent). */
    assert_true(list_has(found, "développement"));
    assert_true(list_has(found, "Scrum"));
    assert_true(list_has(found, "Power BI"));
    assert_true(list_has(missing, "Kubernetes"));
    assert_false(list_has(missing, "développement"));
    run_free(&r);
}

static void test_keywords_without_job_description(void **state)
{
    struct run plain = analyze(cv_strong, NULL, NULL, NULL, false);
    struct run role = analyze(cv_strong, NULL, "DevOps Engineer", NULL, false);
    struct run other = analyze(cv_strong, NULL, "Pastry chef", NULL, false);

    (void)state;
    /* The CV's own known skills, canonical names; nothing missing without a role. */
    assert_true(list_has(keywords(&plain, "found"), "Python"));
    assert_true(list_has(keywords(&plain, "found"), "PostgreSQL"));
    assert_int_equal(json_object_array_length(keywords(&plain, "missing")), 0);
    /* A role implies skills: what the CV lacks is missing. */
    assert_true(list_has(keywords(&role, "missing"), "Kubernetes"));
    assert_true(list_has(keywords(&role, "missing"), "Terraform"));
    assert_false(list_has(keywords(&role, "missing"), "Docker"));
    assert_true(list_has(keywords(&role, "found"), "Docker"));
    assert_true(list_mentions(get(role.result, "weaknesses"), "DevOps Engineer"));
    /* A role the table does not know implies nothing. */
    assert_int_equal(json_object_array_length(keywords(&other, "missing")), 0);
    run_free(&plain);
    run_free(&role);
    run_free(&other);
}

static void test_french_cv_gets_french_text(void **state)
{
    struct run f = analyze(cv_french, NULL, NULL, NULL, false);
    struct run fr_forced = analyze(cv_strong, NULL, NULL, "fr-FR", false);
    const char *summary = json_object_get_string(get(f.result, "summary"));

    (void)state;
    assert_non_null(strstr(summary, "Score de "));
    assert_true(strstr(summary, "Points forts") != NULL || strstr(summary, "À améliorer") != NULL);
    assert_true(list_mentions(get(f.result, "suggestions"), "Ajoutez") ||
                list_mentions(get(f.result, "suggestions"), "Chiffrez"));
    assert_true(list_mentions(get(f.result, "strengths"), "réalisations sont chiffrées"));
    assert_non_null(strstr(json_object_get_string(get(fr_forced.result, "summary")), "Score de "));
    run_free(&f);
    run_free(&fr_forced);
}

static void test_language_override_english(void **state)
{
    struct run r = analyze(cv_french, NULL, NULL, "en", false);
    struct run unknown = analyze(cv_french, NULL, NULL, "de", false);
    const char *summary = json_object_get_string(get(r.result, "summary"));

    (void)state;
    assert_non_null(strstr(summary, "Score "));
    assert_null(strstr(summary, "Score de"));
    assert_null(strstr(summary, "Points forts"));
    assert_true(list_mentions(get(r.result, "strengths"), "backed by figures"));
    assert_false(list_mentions(get(r.result, "suggestions"), "Ajoutez"));
    /* A language the analyzer does not write falls back to the CV's own. */
    assert_non_null(strstr(json_object_get_string(get(unknown.result, "summary")), "Score de "));
    run_free(&r);
    run_free(&unknown);
}

static void test_gap_names_the_years(void **state)
{
    struct run g = analyze(cv_gap, NULL, NULL, NULL, false);
    struct run s = analyze(cv_strong, NULL, NULL, NULL, false);
    struct run gf = analyze(cv_gap, NULL, NULL, "fr", false);

    (void)state;
    assert_true(list_mentions(get(g.result, "weaknesses"), "between 2015 and 2018"));
    assert_true(list_mentions(get(g.result, "suggestions"),
                              "Explain the gap between 2015 and 2018"));
    assert_true(list_mentions(get(g.result, "weaknesses"), "38 months"));
    assert_non_null(strstr(json_object_get_string(get(g.result, "summary")), "2015"));
    assert_true(list_mentions(get(gf.result, "suggestions"), "entre 2015 et 2018"));
    /* Consecutive positions with no gap over a year: none reported. */
    assert_false(list_mentions(get(s.result, "weaknesses"), "gap"));
    assert_true(list_mentions(get(s.result, "strengths"), "2014-2024"));
    run_free(&g);
    run_free(&s);
    run_free(&gf);
}

static void test_ats_problems_cost_points(void **state)
{
    struct run a = analyze(cv_ats_bad, NULL, NULL, NULL, false);
    json_object *weak = get(a.result, "weaknesses");

    (void)state;
    assert_true(json_object_get_int(get(a.result, "atsScore")) <= 30);
    assert_true(list_mentions(weak, "Tables"));
    assert_true(list_mentions(weak, "decorative symbols"));
    assert_true(list_mentions(weak, "personal data"));
    /* Lists are capped: this CV has more problems than room. */
    assert_int_equal(json_object_array_length(weak), HEURISTIC_MAX_WEAKNESSES);
    assert_int_equal(json_object_array_length(get(a.result, "suggestions")),
                     HEURISTIC_MAX_SUGGESTIONS);
    assert_true(score_of(&a) <= 30);
    assert_non_null(strstr(json_object_get_string(get(a.result, "summary")), "ATS issues"));
    run_free(&a);
    /* The decoration around the name does not hide it. */
    a = analyze(cv_ats_bad, NULL, NULL, NULL, true);
    assert_int_equal(pos_of(a.md, "# JOHN DOE"), 0);
    run_free(&a);
}

/* The strong CV (atsScore 100) with one layout problem appended. */
static struct run strong_plus(const char *extra)
{
    size_t n = strlen(cv_strong) + strlen(extra) + 1;
    char *cv = malloc(n);
    struct run r;

    assert_non_null(cv);
    (void)snprintf(cv, n, "%s%s", cv_strong, extra);
    r = analyze(cv, NULL, NULL, NULL, false);
    free(cv);
    return r;
}

static int ats_of(const struct run *r)
{
    return json_object_get_int(get(r->result, "atsScore"));
}

static void test_each_ats_problem(void **state)
{
    static const struct {
        const char *extra;
        const char *weakness;   /* NULL: no problem expected */
    } cases[] = {
        { "| a | b | c |\n| d | e | f |\n| g | h | i |\n", "Tables" },
        { "| a | b | c |\n| d | e | f |\n", NULL },                        /* 2 rows */
        { "+-----+-----+\n", "Tables" },
        { "Python    Go\nSQL    Rust\nAWS\tGCP\n", "columns" },
        { "Python    Go\nSQL    Rust\n", NULL },
        { "\xE2\x98\x85\xE2\x98\x85\xE2\x98\x85\xE2\x98\x85\xE2\x98\x85\xF0\x9F\x93\x9E\n",
          "decorative symbols" },                                           /* 6 */
        { "\xE2\x98\x85\xE2\x98\x85\xE2\x98\x85\xE2\x98\x85\xE2\x98\x85\n", NULL }, /* 5 */
        { "Date of birth: 12/03/1990\n", "personal data" },
        { "Née le 3 mai 1990 à Lyon\n", "personal data" },
        { "Nationalité : française\n", "personal data" },
        { "LED THE TEAM FOR MANY YEARS\nBUILT THE WHOLE PLATFORM ALONE\n"
          "SHIPPED EVERY SINGLE RELEASE\n", "ALL CAPS" },
        { "Page 1 of 2\n", "Page numbers" },
        { "Page 2 sur 3\n", "Page numbers" },
        { "1/2\n", "Page numbers" },
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct run r = strong_plus(cases[i].extra);

        if (cases[i].weakness != NULL) {
            if (ats_of(&r) >= 100 || !list_mentions(get(r.result, "weaknesses"), cases[i].weakness))
                fail_msg("case %zu: atsScore %d, no \"%s\"", i, ats_of(&r), cases[i].weakness);
        } else if (ats_of(&r) != 100) {
            fail_msg("case %zu: atsScore %d, want 100", i, ats_of(&r));
        }
        run_free(&r);
    }
}

static void test_long_line_limit(void **state)
{
    /* 500 code points on a line are fine, 501 are a problem ("é" counts once). */
    char line[2 * 501 + 2];
    struct run r;
    size_t i;

    (void)state;
    for (i = 0; i < 500; i++)
        memcpy(line + 2 * i, "\xC3\xA9", 2);
    memcpy(line + 1000, "\n", 2);
    r = strong_plus(line);
    assert_int_equal(ats_of(&r), 100);
    run_free(&r);
    memcpy(line + 1000, "\xC3\xA9\n", 4);
    r = strong_plus(line);
    assert_true(ats_of(&r) < 100);
    assert_true(list_mentions(get(r.result, "weaknesses"), "Very long lines"));
    run_free(&r);
}

static void test_deterministic(void **state)
{
    struct run a = analyze(cv_strong, jd_backend, "Backend Engineer", NULL, true);
    struct run b = analyze(cv_strong, jd_backend, "Backend Engineer", NULL, true);
    struct run c = analyze(cv_french, jd_french, NULL, NULL, true);
    struct run d = analyze(cv_french, jd_french, NULL, NULL, true);

    (void)state;
    assert_string_equal(a.json, b.json);
    assert_string_equal(a.md, b.md);
    assert_string_equal(c.json, d.json);
    assert_string_equal(c.md, d.md);
    run_free(&a);
    run_free(&b);
    run_free(&c);
    run_free(&d);
}

static void test_markdown_rewrite(void **state)
{
    struct heuristic_input in = input(cv_strong, jd_backend, NULL, NULL, false);
    json_object *res = NULL;
    char *md = (char *)"untouched";
    struct cv_error err;
    struct run r, f, w;

    (void)state;
    /* optimize=false: the Markdown stays NULL. */
    assert_int_equal(heuristic_analyze(&in, &res, &md, &err), CV_OK);
    assert_null(md);
    json_object_put(res);

    r = analyze(cv_strong, jd_backend, NULL, NULL, true);
    assert_non_null(r.md);
    assert_true(cv_utf8_valid((const unsigned char *)r.md, strlen(r.md)));
    assert_int_equal(pos_of(r.md, "# Jane Doe\n"), 0);
    assert_true(pos_of(r.md, "jane.doe@example.com") < pos_of(r.md, "## Summary"));
    assert_true(pos_of(r.md, "## Summary") < pos_of(r.md, "## Experience"));
    assert_true(pos_of(r.md, "## Experience") < pos_of(r.md, "## Education"));
    assert_true(pos_of(r.md, "## Education") < pos_of(r.md, "## Skills"));
    assert_true(pos_of(r.md, "## Skills") < pos_of(r.md, "## Languages"));
    assert_true(pos_of(r.md, "## Experience") < pos_of(r.md, "Acme Cloud, London"));
    assert_true(pos_of(r.md, "Northwind Analytics") < pos_of(r.md, "## Education"));
    assert_true(pos_of(r.md, "Brightpath Labs") != SIZE_MAX);
    assert_true(pos_of(r.md, "- Led the migration of 40 services") != SIZE_MAX);
    assert_true(pos_of(r.md, "Missing keywords to consider") > pos_of(r.md, "## Languages"));
    assert_true(pos_of(r.md, "<!-- Missing keywords to consider") != SIZE_MAX);
    assert_true(pos_of(r.md, "Kubernetes, Terraform") > pos_of(r.md, "<!--"));

    /* French: French headings, "•" bullets become "- ", employers kept. */
    f = analyze(cv_french, NULL, NULL, NULL, true);
    assert_true(pos_of(f.md, "## Profil") < pos_of(f.md, "## Expérience professionnelle"));
    assert_true(pos_of(f.md, "## Expérience professionnelle") < pos_of(f.md, "## Formation"));
    assert_true(pos_of(f.md, "## Formation") < pos_of(f.md, "## Compétences"));
    assert_true(pos_of(f.md, "Société Générale des Eaux") != SIZE_MAX);
    assert_true(pos_of(f.md, "- Piloté la refonte") != SIZE_MAX);
    assert_true(pos_of(f.md, "## Centres d'intérêt") != SIZE_MAX);
    assert_int_equal(pos_of(f.md, "•"), SIZE_MAX);

    /* No headings: the body goes under Experience, a summary is made
     * from the role only, the missing sections are marked as such. */
    w = analyze(cv_weak, NULL, "Sales Assistant", NULL, true);
    assert_int_equal(pos_of(w.md, "# John Smith\n"), 0);
    assert_true(pos_of(w.md, "## Summary\n\nSales Assistant.") != SIZE_MAX);
    assert_true(pos_of(w.md, "## Experience") < pos_of(w.md, "I worked at a shop"));
    assert_true(pos_of(w.md, "I worked at a shop") < pos_of(w.md, "## Education"));
    assert_true(pos_of(w.md, "<!-- No education found") != SIZE_MAX);
    run_free(&r);
    run_free(&f);
    run_free(&w);
}

static void test_no_extractable_text(void **state)
{
    const char *inputs[] = { "", "   \n\t \n", "---- ** ----\n| |", "★ ✈ ➤" };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        struct heuristic_input in = input(inputs[i], NULL, NULL, NULL, true);
        json_object *res = (json_object *)&in;
        char *md = (char *)"x";
        struct cv_error err;

        cv_error_clear(&err);
        assert_int_equal(heuristic_analyze(&in, &res, &md, &err), CV_ERR_DOCUMENT);
        assert_string_equal(err.message, "no extractable text");
        assert_null(res);
        assert_null(md);
    }
    /* NULL text of length 0 is empty text too. */
    {
        struct heuristic_input in = input(NULL, NULL, NULL, NULL, false);
        json_object *res = NULL;

        assert_int_equal(heuristic_analyze(&in, &res, NULL, NULL), CV_ERR_DOCUMENT);
    }
}

static void test_invalid_arguments(void **state)
{
    struct heuristic_input in = input(cv_strong, NULL, NULL, NULL, true);
    json_object *res = NULL;
    char *md = NULL;
    struct cv_error err;

    (void)state;
    assert_int_equal(heuristic_analyze(NULL, &res, &md, &err), CV_ERR_INTERNAL);
    assert_int_equal(heuristic_analyze(&in, NULL, &md, &err), CV_ERR_INTERNAL);
    assert_int_equal(heuristic_analyze(&in, &res, NULL, &err), CV_ERR_INTERNAL);   /* optimize */
    in.optimize = false;
    in.text = NULL;
    /* NULL text of length > 0 */
    assert_int_equal(heuristic_analyze(&in, &res, NULL, &err), CV_ERR_INTERNAL);
    in = input(cv_strong, NULL, NULL, NULL, false);
    in.jd_len = 3;
    assert_int_equal(heuristic_analyze(&in, &res, NULL, &err), CV_ERR_INTERNAL);
    in = input(cv_strong, NULL, NULL, NULL, false);
    in.role_len = 3;
    assert_int_equal(heuristic_analyze(&in, &res, NULL, &err), CV_ERR_INTERNAL);
    assert_null(res);
}

/* A text of exactly `size` bytes: filler words, then `tail` at the end. */
static char *filled(size_t size, const char *filler, const char *tail)
{
    size_t fl = strlen(filler), tl = strlen(tail), i;
    char *s = malloc(size + 1);

    assert_non_null(s);
    assert_true(size >= tl);
    for (i = 0; i < size - tl; i++)
        s[i] = filler[i % fl];
    memcpy(s + size - tl, tail, tl);
    s[size] = '\0';
    return s;
}

static void test_cv_limit_both_sides(void **state)
{
    /* The email ends exactly at the limit: read. One byte later: cut to
     * "a@b.c", no address. */
    char *at_max = filled(HEURISTIC_TEXT_MAX_BYTES, "word ", " a@b.co");
    char *past_max = filled(HEURISTIC_TEXT_MAX_BYTES + 1, "word ", " a@b.co");
    struct run a, b;

    (void)state;
    a = analyze(at_max, NULL, NULL, NULL, false);
    b = analyze(past_max, NULL, NULL, NULL, false);
    assert_true(section(&a, "contact"));
    assert_false(section(&b, "contact"));
    run_free(&a);
    run_free(&b);
    free(at_max);
    free(past_max);
}

static void test_huge_input_is_capped(void **state)
{
    size_t size = 1024 * 1024, unit = strlen(cv_strong), i;
    char *huge = malloc(size + 1);
    struct run r;

    (void)state;
    assert_non_null(huge);
    for (i = 0; i + unit <= size; i += unit)
        memcpy(huge + i, cv_strong, unit);
    huge[i] = '\0';
    r = analyze(huge, jd_backend, NULL, NULL, true);
    assert_result_shape(&r);
    assert_true(list_mentions(get(r.result, "weaknesses"), "Too long"));
    assert_true(strlen(r.md) <= HEURISTIC_MARKDOWN_MAX_BYTES + HEURISTIC_MARKDOWN_NOTES_MAX_BYTES);
    assert_true(pos_of(r.md, "its end is not included") != SIZE_MAX);
    run_free(&r);
    free(huge);
}

static void test_markdown_limit(void **state)
{
    /* Invalid bytes are written as U+FFFD (3 bytes each), so a capped
     * text of them outgrows the rewrite's limit: lines are dropped, the
     * note says so, and the text stays valid UTF-8. */
    size_t size = HEURISTIC_TEXT_MAX_BYTES, i;
    char *s = malloc(size + 1);
    struct run r;

    (void)state;
    assert_non_null(s);
    for (i = 0; i < size; i++)
        s[i] = i % 64 == 63 ? '\n' : i % 64 < 4 ? 'a' : (char)0xFF;
    s[size] = '\0';
    r = analyze(s, NULL, NULL, NULL, true);
    assert_true(strlen(r.md) > HEURISTIC_MARKDOWN_MAX_BYTES - 1024);
    assert_true(strlen(r.md) <= HEURISTIC_MARKDOWN_MAX_BYTES + HEURISTIC_MARKDOWN_NOTES_MAX_BYTES);
    assert_true(pos_of(r.md, "its end is not included") != SIZE_MAX);
    assert_true(cv_utf8_valid((const unsigned char *)r.md, strlen(r.md)));
    run_free(&r);
    free(s);
}

static void test_job_description_limit_both_sides(void **state)
{
    /* Past the limit the last byte is cut: "Terrafor" is no skill. */
    char *at_max = filled(HEURISTIC_JD_MAX_BYTES, "the and of ", " Terraform");
    char *past_max = filled(HEURISTIC_JD_MAX_BYTES + 1, "the and of ", " Terraform");
    struct run a, b;

    (void)state;
    a = analyze(cv_strong, at_max, NULL, NULL, false);
    b = analyze(cv_strong, past_max, NULL, NULL, false);
    assert_true(list_has(keywords(&a, "missing"), "Terraform"));
    assert_int_equal(json_object_array_length(keywords(&b, "missing")), 0);
    run_free(&a);
    run_free(&b);
    free(at_max);
    free(past_max);
}

/* A job description naming the first n skills of a list the CV lacks. */
static char *jd_with_skills(size_t n)
{
    static const char *const skills[] = {
        "Kubernetes", "Terraform", "Ansible", "Kafka", "Airflow", "Snowflake", "BigQuery",
        "Hadoop", "Elasticsearch", "RabbitMQ", "Jenkins", "GitLab", "Kotlin", "Scala", "Rust",
        "Swift", "Flutter", "Angular", "Laravel", "TensorFlow", "PyTorch", "NumPy", "Tableau",
        "Salesforce", "MATLAB", "Figma", "Webpack", "Selenium", "Confluence", "Photoshop",
        "SolidWorks", "AutoCAD",
    };
    char *s = malloc(8192);
    size_t o = 0, i;

    assert_non_null(s);
    assert_true(n <= sizeof(skills) / sizeof(skills[0]));
    o += (size_t)snprintf(s, 8192, "Required:");
    for (i = 0; i < n; i++)
        o += (size_t)snprintf(s + o, 8192 - o, " %s,", skills[i]);
    return s;
}

static void test_keyword_list_limit(void **state)
{
    char *jd30 = jd_with_skills(HEURISTIC_MAX_KEYWORDS);
    char *jd31 = jd_with_skills(HEURISTIC_MAX_KEYWORDS + 1);
    struct run a, b;

    (void)state;
    a = analyze(cv_weak, jd30, NULL, NULL, false);
    b = analyze(cv_weak, jd31, NULL, NULL, false);
    assert_int_equal(json_object_array_length(keywords(&a, "missing")), HEURISTIC_MAX_KEYWORDS);
    assert_int_equal(json_object_array_length(keywords(&b, "missing")), HEURISTIC_MAX_KEYWORDS);
    assert_true(list_has(keywords(&b, "missing"), "Photoshop"));       /* the 30th */
    assert_false(list_has(keywords(&b, "missing"), "SolidWorks"));     /* the 31st */
    /* The CV containing them all finds 30 and is full marks on keywords. */
    {
        struct run c = analyze(jd31, jd31, NULL, NULL, false);

        assert_int_equal(json_object_array_length(keywords(&c, "found")), HEURISTIC_MAX_KEYWORDS);
        assert_int_equal(json_object_array_length(keywords(&c, "missing")), 0);
        run_free(&c);
    }
    run_free(&a);
    run_free(&b);
    free(jd30);
    free(jd31);
}

static void test_long_target_role_is_bounded(void **state)
{
    char *role = filled(HEURISTIC_ROLE_MAX_BYTES + 500, "Data Engineer ", "");
    struct run r;

    (void)state;
    r = analyze(cv_weak, NULL, role, NULL, true);
    assert_result_shape(&r);
    assert_true(list_has(keywords(&r, "missing"), "Spark"));
    assert_true(list_mentions(get(r.result, "weaknesses"), "Data Engineer"));
    run_free(&r);
    free(role);
}

/* The strongest CV still gets advice it can act on, with or without a
 * job offer, in its own language. */
/* With a target role and a job offer, the summary opens on the role and
 * the offer's keywords the CV has; the CV's own
 * summary follows, and a keyword it lacks stays in the closing note. */
static void test_markdown_follows_the_offer(void **state)
{
    struct run plain = analyze(cv_strong, NULL, NULL, NULL, true);
    struct run aimed = analyze(cv_strong, jd_backend, "Platform Engineer", NULL, true);
    size_t own = pos_of(aimed.md, "Senior software engineer with 9 years");

    (void)state;
    assert_int_equal(pos_of(plain.md, "Platform Engineer"), SIZE_MAX);
    assert_true(pos_of(aimed.md, "## Summary\n\nPlatform Engineer with experience in ") !=
                SIZE_MAX);
    assert_true(own != SIZE_MAX && pos_of(aimed.md, "Platform Engineer") < own);
    assert_true(pos_of(aimed.md, "Python, PostgreSQL") < own);
    assert_true(pos_of(aimed.md, "Terraform") > pos_of(aimed.md, "<!--"));
    assert_true(pos_of(aimed.md, "Kubernetes") > pos_of(aimed.md, "<!--"));
    run_free(&plain);
    run_free(&aimed);
}

static void test_strong_cv_gets_two_suggestions(void **state)
{
    struct run a = analyze(cv_strong, NULL, NULL, NULL, false);
    struct run b = analyze(cv_strong, jd_backend, NULL, NULL, false);
    struct run c = analyze(cv_strong, NULL, NULL, "fr", false);

    (void)state;
    assert_true(json_object_array_length(get(a.result, "suggestions")) >= 2);
    assert_true(list_mentions(get(a.result, "suggestions"), "Paste the job offer"));
    assert_true(json_object_array_length(get(b.result, "suggestions")) >= 2);
    assert_false(list_mentions(get(b.result, "suggestions"), "Paste the job offer"));
    assert_true(list_mentions(get(c.result, "suggestions"), "Collez l'offre"));
    run_free(&a);
    run_free(&b);
    run_free(&c);
}

/* A Word page header puts the contact line above the name. */
static void test_name_after_contact_header(void **state)
{
    struct run r = analyze("jane.doe@example.com \xc2\xb7 +44 7700 900123\n"
                           "JANE DOE\nSenior Software Engineer\n\nExperience\n"
                           "Acme, London\nJan 2020 - Present\n- Led 4 teams\n",
                           NULL, NULL, NULL, true);

    (void)state;
    assert_non_null(r.md);
    assert_memory_equal(r.md, "# JANE DOE\n", strlen("# JANE DOE\n"));
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_result_shape_on_every_cv),
        cmocka_unit_test(test_sections_detected),
        cmocka_unit_test(test_strong_scores_well_above_weak),
        cmocka_unit_test(test_keywords_against_job_description),
        cmocka_unit_test(test_keywords_fold_accents),
        cmocka_unit_test(test_keywords_without_job_description),
        cmocka_unit_test(test_french_cv_gets_french_text),
        cmocka_unit_test(test_language_override_english),
        cmocka_unit_test(test_gap_names_the_years),
        cmocka_unit_test(test_ats_problems_cost_points),
        cmocka_unit_test(test_each_ats_problem),
        cmocka_unit_test(test_long_line_limit),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_markdown_rewrite),
        cmocka_unit_test(test_markdown_follows_the_offer),
        cmocka_unit_test(test_no_extractable_text),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_cv_limit_both_sides),
        cmocka_unit_test(test_huge_input_is_capped),
        cmocka_unit_test(test_markdown_limit),
        cmocka_unit_test(test_job_description_limit_both_sides),
        cmocka_unit_test(test_keyword_list_limit),
        cmocka_unit_test(test_long_target_role_is_bounded),
        cmocka_unit_test(test_strong_cv_gets_two_suggestions),
        cmocka_unit_test(test_name_after_contact_header),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
