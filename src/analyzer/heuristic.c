/*
 * heuristic.c - the offline CV analyzer (see heuristic.h).
 *
 * Read top to bottom: the measures of a CV (header, quantified lines,
 * action verbs, dates and gaps, ATS problems), the keywords, then the score
 * and the texts built from the same measures, the JSON result, and the
 * Markdown rewrite. Every number a text quotes comes from struct hz_facts,
 * so the score, the texts and the tests agree.
 */
#include "heuristic.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cv_json.h"
#include "cv_sections.h"
#include "text_tokens.h"
#include "utf8.h"

/* ---- Internal bounds and thresholds ---- */

/* Lines at the top taken as name, title and contact details. */
#define HZ_HEADER_MAX_LINES 6
/* Bytes of a line folded to judge it (its start says enough). */
#define HZ_LINE_FOLD_MAX_BYTES 512
/* Candidate keywords read from a job description. */
#define HZ_JD_MAX_CANDIDATES 60
/* Keyword names quoted in one sentence. */
#define HZ_NAMES_IN_TEXT 5
#define HZ_NAMES_MAX_BYTES 400
/* A line of the CV quoted as an example. */
#define HZ_EXAMPLE_MAX_BYTES 90
/* Dated ranges read, and gaps reported. */
#define HZ_MAX_RANGES 64
#define HZ_MAX_GAPS 3
/* Drivers named in the summary, each way. */
#define HZ_MAX_DRIVERS 3
/* The target role as quoted in texts. */
#define HZ_ROLE_SHOWN_MAX_BYTES 80

#define HZ_QUANTIFIED_GOOD 3         /* quantified lines that make a strength */
#define HZ_QUANTIFIED_FULL 5         /* ... that earn the full points */
#define HZ_WORDS_SHORT 150
#define HZ_WORDS_IDEAL_MIN 300
#define HZ_WORDS_IDEAL_MAX 900
#define HZ_WORDS_LONG 1200
#define HZ_GAP_MONTHS 12             /* a longer gap between positions is reported */
#define HZ_KEYWORD_GOOD_PCT 60
#define HZ_VERB_GOOD_PCT 50
#define HZ_ATS_GOOD 90
#define HZ_ATS_POOR 70
#define HZ_LONG_LINE_CODE_POINTS 500
#define HZ_SYMBOLS_MAX 5             /* more decorative symbols is a problem */
#define HZ_TABLE_ROWS 3
#define HZ_COLUMN_LINES 3
#define HZ_CAPS_LINES 3

/* atsScore penalties, in points. */
#define HZ_PEN_NO_CONTACT 10
#define HZ_PEN_NO_EXPERIENCE 10
#define HZ_PEN_NO_EDUCATION 8
#define HZ_PEN_NO_SKILLS 8
#define HZ_PEN_TABLE 15
#define HZ_PEN_COLUMNS 10
#define HZ_PEN_SYMBOLS 10
#define HZ_PEN_LONG_LINES 5
#define HZ_PEN_PERSONAL 5
#define HZ_PEN_CAPS 5
#define HZ_PEN_PAGES 5

/* Score weights, in points; keywords count only with a job description. */
#define HZ_W_CONTACT 5
#define HZ_W_SUMMARY 4
#define HZ_W_EXPERIENCE 7
#define HZ_W_EDUCATION 5
#define HZ_W_SKILLS 4
#define HZ_W_QUANTIFIED 15
#define HZ_W_VERBS 10
#define HZ_W_LENGTH 10
#define HZ_W_DATES 5
#define HZ_W_ATS 15
#define HZ_W_KEYWORDS 20

/* Text in the output language: both are literals, so printf formats are
 * still checked. */
#define HZ_T(lang, en, fr) ((lang) == TEXT_LANG_FR ? (fr) : (en))

/* ---- State of one run ---- */

struct hz_gap {
    int from_year, to_year, months;
};

struct hz_ats {
    bool table, columns, symbols, long_lines, personal, caps, pages;
    size_t nsymbols;
    int score;
};

struct hz_facts {
    enum text_lang lang;
    bool has_jd, has_role;
    bool sec[CV_SECTION_KIND_COUNT];     /* headings present */
    struct cv_contact contact;
    bool has_contact;                    /* an email or a phone number */
    size_t name_line;                    /* SIZE_MAX when none */
    size_t header_end;                   /* first line after the header */
    size_t words;
    size_t quantified;
    size_t example_line;                 /* a quantified line (a bullet when there is
                                            one), SIZE_MAX when none */
    size_t candidates, verb_lines;       /* lines judged for action verbs */
    bool bullets;                        /* the candidates are bullet points */
    size_t nranges;
    int first_year, last_year;
    struct hz_gap gaps[HZ_MAX_GAPS];
    size_t ngaps;
    struct hz_ats ats;
    struct text_keyword found[HEURISTIC_MAX_KEYWORDS];
    struct text_keyword missing[HEURISTIC_MAX_KEYWORDS];
    size_t nfound, nmissing;
    size_t kw_found, kw_total;           /* over all job-description candidates */
    char role[HZ_ROLE_SHOWN_MAX_BYTES + 1];
    int score;
};

struct hz_list {
    size_t n, max;
    char items[HEURISTIC_MAX_SUGGESTIONS][HEURISTIC_ITEM_MAX_BYTES];
};

struct hz_run {
    const struct heuristic_input *in;
    const char *text;
    size_t text_len;
    struct text_tokens_doc cv, jd, role;
    struct cv_layout layout;
    struct hz_facts f;
    struct hz_list strengths, weaknesses, suggestions;
    char summary[HEURISTIC_SUMMARY_MAX_BYTES];
};

/* ---- Small text helpers ---- */

/* Cut s[0..*len) so it does not end inside a UTF-8 sequence. */
static void hz_fix_tail(const char *s, size_t *len)
{
    size_t n = *len, k = n;

    while (k > 0 && n - k < CV_UTF8_SEQ_MAX_BYTES && ((unsigned char)s[k - 1] & 0xC0) == 0x80)
        k--;
    if (k > 0 && (unsigned char)s[k - 1] >= 0xC0 &&
        cv_utf8_seq_len((const unsigned char *)s + k - 1, n - (k - 1)) == 0)
        *len = k - 1;
}

/* Copy s[0..n) into dst (size bytes) as one line of valid UTF-8: invalid
 * bytes dropped, controls as spaces, runs of spaces as one, cut on a whole
 * character, with "…" when cut and mark_cut. */
static void hz_clean(char *dst, size_t size, const char *s, size_t n, bool mark_cut)
{
    static const char ellipsis[] = "\xE2\x80\xA6";
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, o = 0, room = size - 1;
    bool space = false;

    if (mark_cut && room > sizeof(ellipsis) - 1)
        room -= sizeof(ellipsis) - 1;
    while (i < n) {
        size_t sl = cv_utf8_seq_len(u + i, n - i);

        if (sl == 0) {
            i++;
            continue;
        }
        if (sl == 1 && (u[i] < 0x20 || u[i] == 0x7F || u[i] == ' ')) {
            space = o > 0;
            i++;
            continue;
        }
        if (o + sl + (space ? 1 : 0) > room) {
            if (mark_cut) {
                memcpy(dst + o, ellipsis, sizeof(ellipsis) - 1);
                o += sizeof(ellipsis) - 1;
            }
            break;
        }
        if (space)
            dst[o++] = ' ';
        memcpy(dst + o, u + i, sl);
        o += sl;
        space = false;
        i += sl;
    }
    dst[o] = '\0';
}

static void hz_list_init(struct hz_list *l, size_t max)
{
    l->n = 0;
    l->max = max;
}

/* Add a formatted item; dropped once the list is full, cut (on a whole
 * character) when longer than HEURISTIC_ITEM_MAX_BYTES. */
static void hz_addf(struct hz_list *l, const char *fmt, ...) CV_PRINTF(2, 3);

static void hz_addf(struct hz_list *l, const char *fmt, ...)
{
    va_list ap;
    int w;
    size_t len;

    if (l->n >= l->max)
        return;
    va_start(ap, fmt);
    w = vsnprintf(l->items[l->n], HEURISTIC_ITEM_MAX_BYTES, fmt, ap);
    va_end(ap);
    if (w < 0)
        return;
    len = (size_t)w < HEURISTIC_ITEM_MAX_BYTES ? (size_t)w : HEURISTIC_ITEM_MAX_BYTES - 1;
    hz_fix_tail(l->items[l->n], &len);
    l->items[l->n][len] = '\0';
    l->n++;
}

/* "A, B, C" from the first max_names keywords; whole names only. */
static void hz_names_upto(char *dst, size_t size, const struct text_keyword *k, size_t n,
                          size_t max_names)
{
    size_t o = 0, i;

    dst[0] = '\0';
    for (i = 0; i < n && i < max_names; i++) {
        int w = snprintf(dst + o, size - o, "%s%s", i > 0 ? ", " : "", k[i].display);

        if (w < 0 || (size_t)w >= size - o) {
            dst[o] = '\0';
            break;
        }
        o += (size_t)w;
    }
}

/* The names quoted in one sentence. */
static void hz_names(char *dst, size_t size, const struct text_keyword *k, size_t n)
{
    hz_names_upto(dst, size, k, n, HZ_NAMES_IN_TEXT);
}

/* "a, b and c" ("a, b et c") from n phrases; whole phrases only. */
static void hz_join(char *dst, size_t size, const char *const *parts, size_t n, enum text_lang lang)
{
    size_t i, o = 0;

    dst[0] = '\0';
    for (i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : i + 1 < n ? ", " : HZ_T(lang, " and ", " et ");
        int w = snprintf(dst + o, size - o, "%s%s", sep, parts[i]);

        if (w < 0 || (size_t)w >= size - o) {
            dst[o] = '\0';
            break;
        }
        o += (size_t)w;
    }
}

static bool hz_alpha(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}

static bool hz_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Fold one line (its first HZ_LINE_FOLD_MAX_BYTES) into f. */
static size_t hz_fold_line(const struct cv_str *t, char f[HZ_LINE_FOLD_MAX_BYTES + 1])
{
    size_t n = t->len < HZ_LINE_FOLD_MAX_BYTES ? t->len : HZ_LINE_FOLD_MAX_BYTES;

    return text_tokens_fold(t->ptr, n, f, HZ_LINE_FOLD_MAX_BYTES + 1);
}

static bool hz_line_has_contact(const struct cv_str *t)
{
    struct cv_contact c = { false, false, false, false };

    cv_sections_scan_contact(t->ptr, t->len, &c);
    return c.email || c.phone || c.linkedin || c.github;
}

/* Words of s[0..n): runs of non-spaces holding a letter or a digit. */
static size_t hz_count_words(const char *s, size_t n)
{
    size_t i, words = 0;
    bool in = false, counted = false;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            in = false;
            continue;
        }
        if (!in) {
            in = true;
            counted = false;
        }
        if (!counted && (hz_alpha((unsigned char)(c | 0x20)) || hz_digit(c) || c >= 0xC0)) {
            words++;
            counted = true;
        }
    }
    return words;
}

/* ---- Header ---- */

/* Could line t be a person's name: short, a few words, no digit or '@'? */
static bool hz_plausible_name(const struct cv_str *t)
{
    size_t i, letters = 0;

    if (t->len == 0 || t->len > 60 || hz_count_words(t->ptr, t->len) > 6)
        return false;
    for (i = 0; i < t->len; i++) {
        unsigned char c = (unsigned char)t->ptr[i];

        if (hz_digit(c) || c == '@' || c == '|' || c == ':')
            return false;
        letters += ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0xC0;
    }
    return letters >= 2;
}

/* The header: the first non-empty line as the name when it looks like one
 * (a decoration before it aside: "★ JANE DOE"), then short lines and
 * contact lines, until a heading, a dated or long line, or
 * HZ_HEADER_MAX_LINES lines. */
static void hz_find_header(struct hz_run *r)
{
    const struct cv_layout *lay = &r->layout;
    struct cv_str name;
    size_t i = 0, first, limit;

    r->f.name_line = SIZE_MAX;
    while (i < lay->nlines && lay->lines[i].text.len == 0)
        i++;
    r->f.header_end = i;
    if (i == lay->nlines || lay->lines[i].heading)
        return;
    name = (struct cv_str){ lay->lines[i].text.ptr + lay->lines[i].bullet_len,
                            lay->lines[i].text.len - lay->lines[i].bullet_len };
    if (hz_plausible_name(&name))
        r->f.name_line = i;
    else if (!hz_line_has_contact(&lay->lines[i].text))
        return;
    first = i;
    limit = first + HZ_HEADER_MAX_LINES;
    for (i = first + 1; i < lay->nlines && i < limit; i++) {
        const struct cv_line *l = &lay->lines[i];

        if (l->heading)
            break;
        if (l->text.len == 0 || hz_line_has_contact(&l->text))
            continue;
        if (l->text.len > 80 || l->bullet_len > 0 ||
            hz_count_words(l->text.ptr, l->text.len) > 10 ||
            l->text.ptr[l->text.len - 1] == '.' ||
            cv_sections_latest_year(l->text.ptr, l->text.len) != 0)
            break;
    }
    r->f.header_end = i;
}

/* Lines that describe work: experience, projects, summary, other known
 * sections and the untitled body, not headings nor contact lines. */
static bool hz_body_line(const struct hz_run *r, size_t i)
{
    const struct cv_line *l = &r->layout.lines[i];

    switch (l->section) {
    case CV_SECTION_NONE:
        if (i < r->f.header_end)
            return false;
        break;
    case CV_SECTION_EXPERIENCE:
    case CV_SECTION_PROJECTS:
    case CV_SECTION_SUMMARY:
    case CV_SECTION_OTHER:
        break;
    default:
        return false;
    }
    return !l->heading && l->text.len > 0 && !hz_line_has_contact(&l->text);
}

/* ---- Line readers: page numbers, figures ---- */

/* Is folded phrase p at f[i] with no letter just before or after it? */
static bool hz_word_at(const char *f, size_t n, size_t i, const char *p)
{
    size_t m = strlen(p);

    return i + m <= n && memcmp(f + i, p, m) == 0 &&
           (i == 0 || !hz_alpha((unsigned char)f[i - 1])) &&
           (i + m == n || !hz_alpha((unsigned char)f[i + m]));
}

/* Is folded line f[0..n) only a page number ("Page 1 of 2", "2/3",
 * "page 1 sur 2")? */
static bool hz_page_number_line(const char *f, size_t n)
{
    size_t i = 0, numbers = 0;
    bool page = false;

    while (i < n) {
        if (f[i] == ' ' || f[i] == '/' || f[i] == '-' || f[i] == '|') {
            i++;
        } else if (hz_digit((unsigned char)f[i])) {
            size_t j = i;

            while (j < n && hz_digit((unsigned char)f[j]))
                j++;
            if (j - i > 3)
                return false;
            numbers++;
            i = j;
        } else if (hz_word_at(f, n, i, "page")) {
            page = true;
            i += 4;
        } else if (hz_word_at(f, n, i, "of")) {
            i += 2;
        } else if (hz_word_at(f, n, i, "sur")) {
            i += 3;
        } else {
            return false;
        }
    }
    return (page && numbers >= 1 && numbers <= 2) ||
           (numbers == 2 && memchr(f, '/', n) != NULL);
}

/* Is the letter run at f[i..) one of the units that make a figure ("3x",
 * "10k", "5m", "2 md", "eur")? */
static bool hz_unit_at(const char *f, size_t n, size_t i)
{
    static const char *const units[] = { "b", "bn", "eur", "euros", "k", "m", "md", "mds", "usd",
                                         "x" };
    size_t j = i, k;

    while (j < n && hz_alpha((unsigned char)f[j]))
        j++;
    for (k = 0; k < sizeof(units) / sizeof(units[0]); k++)
        if (strlen(units[k]) == j - i && memcmp(units[k], f + i, j - i) == 0)
            return true;
    return false;
}

/* Does folded line f[0..n) hold a figure that is not a date: a percentage,
 * an amount, a multiple, or a count ("team of 8")? */
static bool hz_quantified_line(const char *f, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t start = i, end, j, digits = 0;
        unsigned char prev;
        int value = 0;

        if (!hz_digit((unsigned char)f[i])) {
            i++;
            continue;
        }
        while (i < n && (hz_digit((unsigned char)f[i]) ||
                         ((f[i] == ',' || f[i] == '.') && i + 1 < n &&
                          hz_digit((unsigned char)f[i + 1])))) {
            if (hz_digit((unsigned char)f[i])) {
                digits++;
                value = digits <= 4 ? value * 10 + (f[i] - '0') : 0;
            }
            i++;
        }
        end = i;
        prev = start > 0 ? (unsigned char)f[start - 1] : ' ';
        if (hz_alpha(prev) &&
            !(prev == 'x' && (start < 2 || !hz_alpha((unsigned char)f[start - 2]))))
            continue;                                    /* "s3", "ec2", "mp3" */
        if (end - start == 4 && value >= CV_SECTIONS_YEAR_MIN && value <= CV_SECTIONS_YEAR_MAX)
            continue;                                    /* a year */
        if ((prev == '/' || prev == '-' || prev == '.') && start >= 2 &&
            hz_digit((unsigned char)f[start - 2]))
            continue;                                    /* 03/2018, 2018-03 */
        if (end + 1 < n && (f[end] == '/' || f[end] == '.' || f[end] == '-') &&
            hz_digit((unsigned char)f[end + 1]) && end - start <= 2)
            continue;                                    /* 03/2018 */
        for (j = end; j < n && f[j] == ' '; j++)
            ;
        if (j < n && (f[j] == '%' || f[j] == '$'))
            return true;
        for (j = start; j > 0 && f[j - 1] == ' '; j--)
            ;
        if (j > 0 && f[j - 1] == '$')
            return true;
        if (end < n && hz_alpha((unsigned char)f[end])) {
            if (hz_unit_at(f, n, end))
                return true;
            continue;                                    /* "2nd", "24h" */
        }
        return true;                                     /* "team of 8", "15 engineers" */
    }
    return false;
}

/* ---- Action verbs ---- */

/* Verbs (and French nouns of action) that open a strong bullet, folded. */
static const char *const hz_verbs[] = {
    /* English */
    "accelerated", "achieved", "administered", "analysed", "analyzed", "architected",
    "automated", "boosted", "build", "built", "championed", "coached", "configured",
    "consolidated", "coordinated", "create", "created", "cut", "decreased", "deliver",
    "delivered", "deployed", "design", "designed", "develop", "developed", "devised",
    "directed", "doubled", "drive", "drove", "engineered", "established", "expanded",
    "generated", "grew", "implement", "implemented", "improve", "improved", "increased",
    "initiated", "integrated", "introduced", "launched", "lead", "led", "maintained", "manage",
    "managed", "mentored", "migrated", "modernised", "modernized", "negotiated", "optimised",
    "optimized", "orchestrated", "organised", "organized", "oversaw", "owned", "pioneered",
    "planned", "produced", "reduced", "refactored", "reorganized", "resolved", "restructured",
    "revamped", "saved", "scaled", "secured", "shipped", "simplified", "spearheaded",
    "streamlined", "supervised", "trained", "transformed", "tripled", "wrote",
    /* French */
    "accompagne", "administre", "amelioration", "ameliore", "analyse", "animation", "anime",
    "augmente", "automatisation", "automatise", "concu", "conception", "conduit", "construit",
    "coordonne", "creation", "cree", "deploiement", "deploye", "developpe", "developpement",
    "diminue", "dirige", "elaboration", "elabore", "encadre", "encadrement", "etabli", "forme",
    "gere", "gestion", "implemente", "industrialise", "lance", "livre", "mene", "migration",
    "migre", "negocie", "optimisation", "optimise", "organise", "pilotage", "pilote",
    "realisation", "realise", "redige", "reduit", "refonte", "securise", "structure",
    "supervise",
};

/* Words skipped before the verb ("I led", "J'ai développé"). */
static const char *const hz_verb_lead[] = { "ai", "avons", "have", "i", "j'ai", "nous",
                                            "successfully", "we" };

static bool hz_in(const char *w, size_t n, const char *const *list, size_t count)
{
    size_t k;

    for (k = 0; k < count; k++)
        if (strlen(list[k]) == n && memcmp(list[k], w, n) == 0)
            return true;
    return false;
}

#define HZ_IN(w, n, list) hz_in((w), (n), (list), sizeof(list) / sizeof((list)[0]))

/* Does folded text f[0..n) (a line without its bullet) open with an action
 * verb? French participles may carry -e, -s or -es ("développée"). */
static bool hz_starts_with_verb(const char *f, size_t n)
{
    size_t i = 0, skipped = 0;

    for (;;) {
        size_t j, wl;

        while (i < n && !hz_alpha((unsigned char)f[i]))
            i++;
        for (j = i; j < n && (hz_alpha((unsigned char)f[j]) || f[j] == '\''); j++)
            ;
        wl = j - i;
        if (wl == 0)
            return false;
        if (skipped < 2 && HZ_IN(f + i, wl, hz_verb_lead)) {
            skipped++;
            i = j;
            continue;
        }
        if ((wl == 3 && memcmp(f + i, "mis", 3) == 0) || (wl == 4 && memcmp(f + i, "mise", 4) == 0))
            return n - j >= 9 && memcmp(f + j, " en place", 9) == 0;
        if (HZ_IN(f + i, wl, hz_verbs))
            return true;
        if (wl > 3 && (f[i + wl - 1] == 'e' || f[i + wl - 1] == 's') &&
            HZ_IN(f + i, wl - 1, hz_verbs))
            return true;
        return wl > 4 && memcmp(f + i + wl - 2, "es", 2) == 0 && HZ_IN(f + i, wl - 2, hz_verbs);
    }
}

/* ---- Measures ---- */

/* Quantified lines and action verbs over the body lines. */
static void hz_measure_lines(struct hz_run *r)
{
    const struct cv_layout *lay = &r->layout;
    char f[HZ_LINE_FOLD_MAX_BYTES + 1];
    size_t i, bullets = 0, bullet_verbs = 0, plain = 0, plain_verbs = 0;

    r->f.example_line = SIZE_MAX;
    for (i = 0; i < lay->nlines; i++) {
        const struct cv_line *l = &lay->lines[i];
        struct cv_str rest;
        size_t n;
        bool verb;

        if (!hz_body_line(r, i))
            continue;
        rest = (struct cv_str){ l->text.ptr + l->bullet_len, l->text.len - l->bullet_len };
        n = hz_fold_line(&rest, f);
        if (hz_count_words(rest.ptr, rest.len) >= 3 && !hz_page_number_line(f, n) &&
            hz_quantified_line(f, n)) {
            r->f.quantified++;
            if (r->f.example_line == SIZE_MAX ||
                (lay->lines[r->f.example_line].bullet_len == 0 && l->bullet_len > 0))
                r->f.example_line = i;      /* the first, or the first bullet */
        }
        verb = hz_starts_with_verb(f, n);
        if (l->bullet_len > 0) {
            bullets++;
            bullet_verbs += verb;
        } else if (hz_count_words(rest.ptr, rest.len) >= 5) {
            plain++;
            plain_verbs += verb;
        }
    }
    r->f.bullets = bullets > 0;
    r->f.candidates = bullets > 0 ? bullets : plain;
    r->f.verb_lines = bullets > 0 ? bullet_verbs : plain_verbs;
}

static int hz_range_cmp(const void *a, const void *b)
{
    const struct cv_date_range *x = a, *y = b;

    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return 0;
}

/* Dated ranges of the experience (or, without that heading, of the
 * untitled body), their span and the gaps between them. */
static void hz_measure_dates(struct hz_run *r)
{
    struct cv_date_range ranges[HZ_MAX_RANGES];
    const struct cv_layout *lay = &r->layout;
    enum cv_section_kind kind = r->f.sec[CV_SECTION_EXPERIENCE] ? CV_SECTION_EXPERIENCE
                                                                : CV_SECTION_NONE;
    int year = r->in->reference_year > 0 ? r->in->reference_year
                                         : cv_sections_latest_year(r->text, r->text_len);
    int present = CV_SECTIONS_MONTH(year > 0 ? year : CV_SECTIONS_YEAR_MAX, 12), cover;
    size_t i, n = 0;

    for (i = 0; i < lay->nlines && n < HZ_MAX_RANGES; i++)
        if (lay->lines[i].section == kind)
            n += cv_sections_date_ranges(lay->lines[i].text.ptr, lay->lines[i].text.len, present,
                                         ranges + n, HZ_MAX_RANGES - n);
    r->f.nranges = n;
    if (n == 0)
        return;
    qsort(ranges, n, sizeof(ranges[0]), hz_range_cmp);
    cover = ranges[0].end;
    r->f.first_year = ranges[0].start / 12;
    for (i = 1; i < n; i++) {
        int gap = ranges[i].start - cover - 1;

        if (gap > HZ_GAP_MONTHS && r->f.ngaps < HZ_MAX_GAPS)
            r->f.gaps[r->f.ngaps++] = (struct hz_gap){ cover / 12, ranges[i].start / 12, gap };
        if (ranges[i].end > cover)
            cover = ranges[i].end;
    }
    r->f.last_year = cover / 12;
}

/* Personal data an ATS and a recruiter do not need, in the folded CV. */
static bool hz_personal_data(const char *f, size_t n)
{
    static const char *const phrases[] = {
        "birth date", "born on", "date de naissance", "date of birth", "marital status",
        "nationalite", "nationality", "photo", "situation familiale", "etat civil",
    };
    size_t i, k;

    for (i = 0; i < n; i++) {
        if (!hz_alpha((unsigned char)f[i]) || (i > 0 && hz_alpha((unsigned char)f[i - 1])))
            continue;
        for (k = 0; k < sizeof(phrases) / sizeof(phrases[0]); k++)
            if (hz_word_at(f, n, i, phrases[k]))
                return true;
        /* "né le 12/03/1990", "née le", "né(e) le" */
        if (hz_word_at(f, n, i, "ne") || hz_word_at(f, n, i, "nee")) {
            size_t j = i + 2;

            while (j < n && (f[j] == 'e' || f[j] == '(' || f[j] == ')'))
                j++;
            if (n - j >= 5 && memcmp(f + j, " le ", 4) == 0 && hz_digit((unsigned char)f[j + 4]))
                return true;
        }
    }
    return false;
}

/* A line in capitals: 4 words or more, 12 letters or more, no lower case. */
static bool hz_caps_line(const struct cv_str *t)
{
    const unsigned char *u = (const unsigned char *)t->ptr;
    size_t i, upper = 0;

    if (hz_count_words(t->ptr, t->len) < 4)
        return false;
    for (i = 0; i < t->len; i++) {
        if (hz_alpha(u[i]) || (u[i] == 0xC3 && i + 1 < t->len && u[i + 1] >= 0xA0))
            return false;
        upper += u[i] >= 'A' && u[i] <= 'Z';
    }
    return upper >= 12;
}

/* Decorative symbols: arrows, shapes, dingbats, icon fonts, emoji. */
static size_t hz_count_symbols(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, count = 0;

    while (i < n) {
        size_t sl = cv_utf8_seq_len(u + i, n - i);
        uint32_t cp;

        if (sl < 3) {
            i += sl > 0 ? sl : 1;
            continue;
        }
        cp = sl == 3 ? ((u[i] & 0x0Fu) << 12 | (u[i + 1] & 0x3Fu) << 6 | (u[i + 2] & 0x3Fu))
                     : ((u[i] & 0x07u) << 18 | (u[i + 1] & 0x3Fu) << 12 | (u[i + 2] & 0x3Fu) << 6 |
                        (u[i + 3] & 0x3Fu));
        if ((cp >= 0x2190 && cp <= 0x21FF) || (cp >= 0x2300 && cp <= 0x23FF) ||
            (cp >= 0x2500 && cp <= 0x27BF) || (cp >= 0x2900 && cp <= 0x2BFF) ||
            (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0x1F000 && cp <= 0x1FAFF))
            count++;
        i += sl;
    }
    return count;
}

/* A row of a drawn table: "+----+----+" or "|----|----|". */
static bool hz_table_rule(const struct cv_str *t)
{
    size_t i, dashes = 0;
    bool joint = false;

    if (t->len < 5)
        return false;
    for (i = 0; i < t->len; i++) {
        char c = t->ptr[i];

        if (c == '-' || c == '=')
            dashes++;
        else if (c == '|' || c == '+')
            joint = true;
        else if (c != ' ' && c != ':')
            return false;
    }
    return joint && dashes >= 3;
}

/* ATS problems and the atsScore. */
static void hz_measure_ats(struct hz_run *r)
{
    const struct cv_layout *lay = &r->layout;
    struct hz_ats *a = &r->f.ats;
    char f[HZ_LINE_FOLD_MAX_BYTES + 1];
    size_t i, table_rows = 0, column_lines = 0, caps = 0;
    int score = 100;

    for (i = 0; i < lay->nlines; i++) {
        const struct cv_line *l = &lay->lines[i];
        size_t pipes = 0, k, cps = l->text.len;

        for (k = 0; k < l->text.len; k++)
            pipes += l->text.ptr[k] == '|';
        /* "| a | b |": a contact line "mail | phone | url" is no table */
        if (pipes >= 2 && (l->text.ptr[0] == '|' || l->text.ptr[l->text.len - 1] == '|'))
            table_rows++;
        if (hz_table_rule(&l->text))
            a->table = true;
        if (memchr(l->text.ptr, '\t', l->text.len) != NULL ||
            memmem(l->text.ptr, l->text.len, "    ", 4) != NULL)
            column_lines++;
        if (!cv_utf8_count((const unsigned char *)l->text.ptr, l->text.len, &cps))
            cps = l->text.len;
        if (cps > HZ_LONG_LINE_CODE_POINTS)
            a->long_lines = true;
        if (!l->heading && hz_caps_line(&l->text))
            caps++;
        if (l->text.len > 0 && l->text.len <= 40) {
            size_t n = hz_fold_line(&l->text, f);

            if (hz_page_number_line(f, n))
                a->pages = true;
        }
    }
    a->table = a->table || table_rows >= HZ_TABLE_ROWS;
    a->columns = column_lines >= HZ_COLUMN_LINES;
    a->caps = caps >= HZ_CAPS_LINES;
    a->nsymbols = hz_count_symbols(r->text, r->text_len);
    a->symbols = a->nsymbols > HZ_SYMBOLS_MAX;
    a->personal = hz_personal_data(r->cv.folded, r->cv.folded_len);

    score -= r->f.has_contact ? 0 : HZ_PEN_NO_CONTACT;
    score -= r->f.sec[CV_SECTION_EXPERIENCE] ? 0 : HZ_PEN_NO_EXPERIENCE;
    score -= r->f.sec[CV_SECTION_EDUCATION] ? 0 : HZ_PEN_NO_EDUCATION;
    score -= r->f.sec[CV_SECTION_SKILLS] ? 0 : HZ_PEN_NO_SKILLS;
    score -= a->table ? HZ_PEN_TABLE : 0;
    score -= a->columns ? HZ_PEN_COLUMNS : 0;
    score -= a->symbols ? HZ_PEN_SYMBOLS : 0;
    score -= a->long_lines ? HZ_PEN_LONG_LINES : 0;
    score -= a->personal ? HZ_PEN_PERSONAL : 0;
    score -= a->caps ? HZ_PEN_CAPS : 0;
    score -= a->pages ? HZ_PEN_PAGES : 0;
    a->score = score < 0 ? 0 : score > 100 ? 100 : score;
}

/* ---- Keywords ---- */

/* found/missing: the job description's keywords when there is one, else
 * the CV's known skills and those its target role implies. */
static enum cv_status hz_keywords(struct hz_run *r, struct cv_error *err)
{
    struct text_keyword cand[HZ_JD_MAX_CANDIDATES];
    size_t n = 0, i;
    enum cv_status st;

    if (r->f.has_jd) {
        st = text_tokens_jd_keywords(&r->jd, cand, HZ_JD_MAX_CANDIDATES, &n, err);
        if (st != CV_OK)
            return st;
        for (i = 0; i < n; i++) {
            if (text_tokens_doc_has(&r->cv, &cand[i])) {
                r->f.kw_found++;
                if (r->f.nfound < HEURISTIC_MAX_KEYWORDS)
                    r->f.found[r->f.nfound++] = cand[i];
            } else if (r->f.nmissing < HEURISTIC_MAX_KEYWORDS) {
                r->f.missing[r->f.nmissing++] = cand[i];
            }
        }
        r->f.kw_total = n;
        return CV_OK;
    }
    r->f.nfound = text_tokens_doc_skills(&r->cv, r->f.found, HEURISTIC_MAX_KEYWORDS);
    if (r->f.has_role) {
        n = text_tokens_role_skills(&r->role, cand, HZ_JD_MAX_CANDIDATES);
        for (i = 0; i < n && r->f.nmissing < HEURISTIC_MAX_KEYWORDS; i++)
            if (!text_tokens_doc_has(&r->cv, &cand[i]))
                r->f.missing[r->f.nmissing++] = cand[i];
    }
    return CV_OK;
}

/* ---- Score ---- */

static int hz_length_points(size_t words)
{
    if (words < HZ_WORDS_SHORT)
        return (int)(words * 4 / HZ_WORDS_SHORT);
    if (words < HZ_WORDS_IDEAL_MIN)
        return 7;
    if (words <= HZ_WORDS_IDEAL_MAX)
        return HZ_W_LENGTH;
    return words <= HZ_WORDS_LONG ? 8 : 5;
}

/* A weighted sum of the measures (heuristic.h lists the weights), scaled
 * to 0..100 over the weights that apply: 100 with a job description, 80
 * without, since keyword coverage then means nothing. */
static void hz_score(struct hz_run *r)
{
    struct hz_facts *f = &r->f;
    size_t q = f->quantified < HZ_QUANTIFIED_FULL ? f->quantified : HZ_QUANTIFIED_FULL;
    size_t c3 = f->candidates < 3 ? f->candidates : 3;
    int earned = 0, total = 0;

    total += HZ_W_CONTACT + HZ_W_SUMMARY + HZ_W_EXPERIENCE + HZ_W_EDUCATION + HZ_W_SKILLS;
    earned += f->has_contact ? HZ_W_CONTACT : 0;
    earned += f->sec[CV_SECTION_SUMMARY] ? HZ_W_SUMMARY : 0;
    earned += f->sec[CV_SECTION_EXPERIENCE] ? HZ_W_EXPERIENCE : 0;
    earned += f->sec[CV_SECTION_EDUCATION] ? HZ_W_EDUCATION : 0;
    earned += f->sec[CV_SECTION_SKILLS] ? HZ_W_SKILLS : 0;
    total += HZ_W_QUANTIFIED;
    earned += (int)(q * HZ_W_QUANTIFIED / HZ_QUANTIFIED_FULL);
    total += HZ_W_VERBS;
    if (f->candidates > 0)
        earned += (int)(HZ_W_VERBS * f->verb_lines * c3 / (f->candidates * 3));
    total += HZ_W_LENGTH;
    earned += hz_length_points(f->words);
    total += HZ_W_DATES;
    earned += f->nranges > 0 ? HZ_W_DATES : 0;
    total += HZ_W_ATS;
    earned += f->ats.score * HZ_W_ATS / 100;
    if (f->has_jd && f->kw_total > 0) {
        total += HZ_W_KEYWORDS;
        earned += (int)(HZ_W_KEYWORDS * f->kw_found / f->kw_total);
    }
    f->score = (earned * 100 + total / 2) / total;
    if (f->score > 100)
        f->score = 100;
}

/* ---- Texts ---- */

static const char *hz_section_name(enum cv_section_kind k, enum text_lang lang)
{
    switch (k) {
    case CV_SECTION_SUMMARY:
        return HZ_T(lang, "Summary", "Profil");
    case CV_SECTION_EXPERIENCE:
        return HZ_T(lang, "Experience", "Expérience professionnelle");
    case CV_SECTION_EDUCATION:
        return HZ_T(lang, "Education", "Formation");
    case CV_SECTION_SKILLS:
        return HZ_T(lang, "Skills", "Compétences");
    case CV_SECTION_LANGUAGES:
        return HZ_T(lang, "Languages", "Langues");
    case CV_SECTION_CERTIFICATIONS:
        return "Certifications";
    case CV_SECTION_PROJECTS:
        return HZ_T(lang, "Projects", "Projets");
    case CV_SECTION_INTERESTS:
        return HZ_T(lang, "Interests", "Centres d'intérêt");
    default:
        return HZ_T(lang, "Additional information", "Informations complémentaires");
    }
}

/* "Summary, Skills": the standard sections without a heading. */
static size_t hz_missing_sections(const struct hz_facts *f, char *dst, size_t size)
{
    static const enum cv_section_kind std[] = { CV_SECTION_SUMMARY, CV_SECTION_EXPERIENCE,
                                                CV_SECTION_EDUCATION, CV_SECTION_SKILLS };
    size_t k, o = 0, count = 0;

    dst[0] = '\0';
    for (k = 0; k < sizeof(std) / sizeof(std[0]); k++) {
        int w;

        if (f->sec[std[k]])
            continue;
        w = snprintf(dst + o, size - o, "%s%s", count > 0 ? ", " : "",
                     hz_section_name(std[k], f->lang));
        if (w < 0 || (size_t)w >= size - o)
            break;
        o += (size_t)w;
        count++;
    }
    return count;
}

static bool hz_all_sections(const struct hz_facts *f)
{
    return f->has_contact && f->sec[CV_SECTION_SUMMARY] && f->sec[CV_SECTION_EXPERIENCE] &&
           f->sec[CV_SECTION_EDUCATION] && f->sec[CV_SECTION_SKILLS];
}

static bool hz_verbs_good(const struct hz_facts *f)
{
    return f->candidates >= 3 && f->verb_lines * 100 >= f->candidates * HZ_VERB_GOOD_PCT;
}

static bool hz_keywords_good(const struct hz_facts *f)
{
    return f->kw_total > 0 && f->kw_found * 100 >= f->kw_total * HZ_KEYWORD_GOOD_PCT;
}

static bool hz_ats_clean(const struct hz_ats *a)
{
    return !a->table && !a->columns && !a->symbols && !a->long_lines && !a->personal && !a->caps &&
           !a->pages;
}

/* Add a fixed text in the output language. */
static void hz_add(struct hz_list *l, enum text_lang lang, const char *en, const char *fr)
{
    hz_addf(l, "%s", HZ_T(lang, en, fr));
}

static void hz_strengths(struct hz_run *r)
{
    struct hz_facts *f = &r->f;
    enum text_lang L = f->lang;
    struct hz_list *l = &r->strengths;
    char names[HZ_NAMES_MAX_BYTES], example[HZ_EXAMPLE_MAX_BYTES + 4];

    if (hz_all_sections(f))
        hz_add(l, L,
               "Clear structure: contact details, summary, experience, education and skills "
               "sections are all present",
               "Structure claire : coordonnées, profil, expérience, formation et compétences "
               "sont toutes présentes");
    else if (f->sec[CV_SECTION_EXPERIENCE] && f->sec[CV_SECTION_EDUCATION] &&
             f->sec[CV_SECTION_SKILLS])
        hz_add(l, L,
               "Standard Experience, Education and Skills sections make the CV easy to scan",
               "Les sections Expérience, Formation et Compétences rendent le CV facile à lire");
    if (f->quantified >= HZ_QUANTIFIED_GOOD && f->example_line != SIZE_MAX) {
        const struct cv_line *ex = &r->layout.lines[f->example_line];

        hz_clean(example, sizeof(example), ex->text.ptr + ex->bullet_len,
                 ex->text.len - ex->bullet_len, true);
        hz_addf(l, HZ_T(L, "%zu achievements are backed by figures (e.g. \"%s\")",
                        "%zu réalisations sont chiffrées (ex. « %s »)"),
                f->quantified, example);
    }
    if (hz_verbs_good(f))
        hz_addf(l, HZ_T(L, "%zu of %zu bullet points start with an action verb",
                        "%zu puces sur %zu commencent par un verbe d'action"),
                f->verb_lines, f->candidates);
    if (f->has_jd && hz_keywords_good(f)) {
        hz_names(names, sizeof(names), f->found, f->nfound);
        hz_addf(l, HZ_T(L, "Matches %zu of %zu job-description keywords (%s)",
                        "Contient %zu mots-clés de l'offre sur %zu (%s)"),
                f->kw_found, f->kw_total, names);
    } else if (!f->has_jd && f->nfound >= HZ_NAMES_IN_TEXT) {
        hz_names(names, sizeof(names), f->found, f->nfound);
        hz_addf(l, HZ_T(L, "Names %zu recognisable skills (%s)",
                        "Cite %zu compétences identifiables (%s)"),
                f->nfound, names);
    }
    if (f->has_contact) {
        const char *parts[4];
        size_t n = 0;

        if (f->contact.email)
            parts[n++] = HZ_T(L, "email", "e-mail");
        if (f->contact.phone)
            parts[n++] = HZ_T(L, "phone", "téléphone");
        if (f->contact.linkedin)
            parts[n++] = "LinkedIn";
        if (f->contact.github)
            parts[n++] = "GitHub";
        hz_join(names, sizeof(names), parts, n, L);
        hz_addf(l, HZ_T(L, "Contact details are easy to find (%s)",
                        "Coordonnées faciles à trouver (%s)"),
                names);
    }
    if (f->nranges >= 2 && f->ngaps == 0)
        hz_addf(l, HZ_T(L, "Positions are dated (%d-%d) with no gap of more than a year",
                        "Parcours daté (%d-%d) sans interruption de plus d'un an"),
                f->first_year, f->last_year);
    if (f->words >= HZ_WORDS_IDEAL_MIN && f->words <= HZ_WORDS_IDEAL_MAX)
        hz_addf(l, HZ_T(L, "Appropriate length (%zu words)", "Longueur adaptée (%zu mots)"),
                f->words);
    if (f->ats.score >= HZ_ATS_GOOD && hz_ats_clean(&f->ats))
        hz_add(l, L,
               "ATS-friendly layout: no tables, columns, decorative symbols or personal data",
               "Mise en page compatible ATS : ni tableaux, ni colonnes, ni symboles décoratifs, "
               "ni données personnelles");
}

/* Weaknesses, most serious first (the list keeps the first ones). */
static void hz_weaknesses(struct hz_run *r)
{
    struct hz_facts *f = &r->f;
    enum text_lang L = f->lang;
    struct hz_list *l = &r->weaknesses;
    char names[HZ_NAMES_MAX_BYTES];
    size_t k;

    if (!f->has_contact)
        hz_add(l, L, "No email address or phone number found",
               "Aucune adresse e-mail ni numéro de téléphone trouvé");
    if (hz_missing_sections(f, names, sizeof(names)) > 0)
        hz_addf(l, HZ_T(L, "Missing standard sections: %s", "Sections standard manquantes : %s"),
                names);
    hz_names(names, sizeof(names), f->missing, f->nmissing);
    if (f->has_jd && f->kw_total > 0 && !hz_keywords_good(f))
        hz_addf(l, HZ_T(L, "Only %zu of %zu job-description keywords appear; missing: %s",
                        "Seulement %zu mots-clés de l'offre sur %zu ; manquants : %s"),
                f->kw_found, f->kw_total, names);
    else if (f->has_jd && f->nmissing > 0)
        hz_addf(l, HZ_T(L, "Job-description keywords not found in the CV: %s",
                        "Mots-clés de l'offre absents du CV : %s"),
                names);
    else if (!f->has_jd && f->nmissing > 0)
        hz_addf(l, HZ_T(L, "Skills usually expected for the role of %s are not mentioned: %s",
                        "Compétences attendues pour le poste de %s non mentionnées : %s"),
                f->role, names);
    if (f->ats.table)
        hz_add(l, L, "Tables drawn with '|' are often scrambled by ATS parsers",
               "Les tableaux dessinés avec « | » sont souvent mal lus par les ATS");
    if (f->ats.symbols)
        hz_addf(l, HZ_T(L, "%zu decorative symbols or emoji (such as ★ or ➤) can confuse ATS",
                        "%zu symboles décoratifs ou emoji (comme ★ ou ➤) peuvent gêner les ATS"),
                f->ats.nsymbols);
    if (f->ats.personal)
        hz_add(l, L,
               "Contains personal data (date of birth, photo, marital status or nationality)",
               "Contient des données personnelles (date de naissance, photo, situation "
               "familiale ou nationalité)");
    if (f->quantified == 0)
        hz_add(l, L, "No quantified achievements: results are not backed by figures",
               "Aucune réalisation chiffrée : les résultats ne sont étayés par aucun chiffre");
    else if (f->quantified < HZ_QUANTIFIED_GOOD)
        hz_addf(l, HZ_T(L, "Only %zu achievement(s) backed by figures",
                        "Seulement %zu réalisation(s) chiffrée(s)"),
                f->quantified);
    if (f->bullets && f->candidates >= 3 && !hz_verbs_good(f))
        hz_addf(l, HZ_T(L, "Only %zu of %zu bullet points start with an action verb",
                        "Seulement %zu puces sur %zu commencent par un verbe d'action"),
                f->verb_lines, f->candidates);
    else if (!f->bullets && f->candidates > 0)
        hz_add(l, L, "Experience is written as paragraphs, without bullet points",
               "Expérience rédigée en paragraphes, sans puces");
    for (k = 0; k < f->ngaps && k < 2; k++)
        hz_addf(l, HZ_T(L, "Unexplained gap of %d months between %d and %d",
                        "Interruption de %d mois non expliquée entre %d et %d"),
                f->gaps[k].months, f->gaps[k].from_year, f->gaps[k].to_year);
    if (f->nranges == 0)
        hz_add(l, L, "No dates found for your positions", "Aucune date trouvée pour vos postes");
    if (f->words < HZ_WORDS_SHORT)
        hz_addf(l, HZ_T(L, "Too short (%zu words) to show your experience",
                        "Trop court (%zu mots) pour montrer votre expérience"),
                f->words);
    else if (f->words > HZ_WORDS_LONG)
        hz_addf(l, HZ_T(L, "Too long (%zu words) for a CV", "Trop long (%zu mots) pour un CV"),
                f->words);
    if (f->ats.columns)
        hz_add(l, L, "Text laid out in columns (tabs or runs of spaces) may be read out of order",
               "Texte en colonnes (tabulations ou espaces) risquant d'être lu dans le désordre");
    if (f->ats.long_lines)
        hz_add(l, L, "Very long lines or paragraphs are hard to scan",
               "Lignes ou paragraphes très longs, difficiles à parcourir");
    if (f->ats.caps)
        hz_add(l, L, "Several lines are written in ALL CAPS",
               "Plusieurs lignes sont écrites en MAJUSCULES");
    if (f->ats.pages)
        hz_add(l, L, "Page numbers or headers/footers (\"Page 1 of 2\") are mixed into the text",
               "Numéros de page ou en-têtes/pieds de page (« Page 1 sur 2 ») mêlés au texte");
}

/* Suggestions, most useful first (the list keeps the first ones). */
static void hz_suggestions(struct hz_run *r)
{
    struct hz_facts *f = &r->f;
    enum text_lang L = f->lang;
    struct hz_list *l = &r->suggestions;
    char names[HZ_NAMES_MAX_BYTES];
    size_t k;

    if (!f->has_contact)
        hz_add(l, L, "Add your email address and phone number at the top of the CV",
               "Ajoutez votre adresse e-mail et votre numéro de téléphone en haut du CV");
    if (!f->sec[CV_SECTION_EXPERIENCE])
        hz_add(l, L,
               "Add an Experience section: one entry per position with employer, title, "
               "dates and 3-5 bullet points",
               "Ajoutez une section Expérience professionnelle : un bloc par poste avec "
               "employeur, intitulé, dates et 3 à 5 puces");
    if (f->nmissing > 0) {
        hz_names(names, sizeof(names), f->missing, f->nmissing);
        if (!f->sec[CV_SECTION_SKILLS])
            hz_addf(l, HZ_T(L, "Add a Skills section listing: %s (only those you really have)",
                            "Ajoutez une section Compétences listant : %s (seulement celles que "
                            "vous maîtrisez)"),
                    names);
        else
            hz_addf(l, HZ_T(L, "If you have them, add these keywords to your Skills section and "
                               "experience bullets: %s",
                            "Si vous les maîtrisez, ajoutez ces mots-clés à vos compétences et à "
                            "vos expériences : %s"),
                    names);
    } else if (!f->sec[CV_SECTION_SKILLS] && f->nfound > 0) {
        hz_names(names, sizeof(names), f->found, f->nfound);
        hz_addf(l, HZ_T(L, "Add a Skills section listing your main tools (e.g. %s)",
                        "Ajoutez une section Compétences listant vos principaux outils (ex. %s)"),
                names);
    } else if (!f->sec[CV_SECTION_SKILLS]) {
        hz_add(l, L, "Add a Skills section listing your main tools and technologies",
               "Ajoutez une section Compétences listant vos principaux outils");
    }
    if (f->quantified < HZ_QUANTIFIED_GOOD)
        hz_add(l, L,
               "Quantify results in your experience bullets, e.g. 'reduced deploy time by 40%' "
               "or 'led a team of 8'",
               "Chiffrez vos résultats dans vos expériences, ex. « réduit les coûts de 20 % » "
               "ou « encadré une équipe de 8 personnes »");
    for (k = 0; k < f->ngaps && k < 2; k++)
        hz_addf(l, HZ_T(L, "Explain the gap between %d and %d (studies, freelance work, career "
                           "break or personal project)",
                        "Expliquez l'interruption entre %d et %d (formation, freelance, pause de "
                        "carrière ou projet personnel)"),
                f->gaps[k].from_year, f->gaps[k].to_year);
    if (f->ats.table || f->ats.columns)
        hz_add(l, L, "Replace tables and columns with plain single-column text",
               "Remplacez tableaux et colonnes par du texte simple sur une colonne");
    if (f->ats.symbols)
        hz_add(l, L, "Replace decorative symbols and emoji with plain \"-\" bullets",
               "Remplacez symboles décoratifs et emoji par de simples puces « - »");
    if (f->bullets && f->candidates >= 3 && !hz_verbs_good(f))
        hz_add(l, L,
               "Start each bullet with an action verb such as led, built, designed, reduced "
               "or delivered",
               "Commencez chaque puce par un verbe d'action : dirigé, conçu, développé, "
               "piloté, réduit, mis en place");
    else if (!f->bullets)
        hz_add(l, L, "Describe each position in 3-5 bullet points starting with \"- \"",
               "Présentez chaque poste en 3 à 5 puces commençant par « - »");
    if (f->ats.personal)
        hz_add(l, L,
               "Remove personal data such as date of birth, photo, marital status or nationality",
               "Retirez les données personnelles : date de naissance, photo, situation "
               "familiale, nationalité");
    if (!f->sec[CV_SECTION_SUMMARY])
        hz_add(l, L,
               "Add a Summary at the top: 2-3 lines on your role, years of experience and key "
               "skills",
               "Ajoutez un Profil en tête : 2 à 3 lignes sur votre métier, vos années "
               "d'expérience et vos compétences clés");
    if (!f->sec[CV_SECTION_EDUCATION])
        hz_add(l, L, "Add an Education section with degrees, schools and years",
               "Ajoutez une section Formation avec diplômes, établissements et années");
    if (f->nranges == 0)
        hz_add(l, L, "Add start and end dates (month and year) to every position",
               "Indiquez les dates de début et de fin (mois et année) de chaque poste");
    if (f->words < HZ_WORDS_SHORT)
        hz_add(l, L,
               "Expand the CV to at least 300 words: describe responsibilities and results for "
               "each position",
               "Étoffez le CV (au moins 300 mots) : décrivez missions et résultats pour chaque "
               "poste");
    else if (f->words > HZ_WORDS_LONG)
        hz_add(l, L,
               "Shorten the CV to 1-2 pages (under 1,000 words): keep the last 10-15 years "
               "and the most relevant roles",
               "Réduisez le CV à 1 ou 2 pages (moins de 1 000 mots) : gardez les 10 à 15 "
               "dernières années et les postes les plus pertinents");
    if (f->ats.long_lines)
        hz_add(l, L, "Break long paragraphs into short bullet points",
               "Découpez les longs paragraphes en puces courtes");
    if (f->ats.caps)
        hz_add(l, L, "Write body text in sentence case rather than ALL CAPS",
               "Écrivez le texte en minuscules plutôt qu'en MAJUSCULES");
    if (f->ats.pages)
        hz_add(l, L, "Remove page numbers and headers/footers such as \"Page 1 of 2\"",
               "Supprimez numéros de page et en-têtes/pieds de page (« Page 1 sur 2 »)");
    if (f->has_contact && !f->contact.linkedin)
        hz_add(l, L, "Add the URL of your LinkedIn profile next to your contact details",
               "Ajoutez l'URL de votre profil LinkedIn à vos coordonnées");
}

/* One or two sentences naming what drives the score: its main strengths,
 * then its main problems, most serious first. */
static void hz_summary(struct hz_run *r)
{
    struct hz_facts *f = &r->f;
    enum text_lang L = f->lang;
    struct hz_list pos, neg;
    const char *pp[HZ_MAX_DRIVERS], *np[HZ_MAX_DRIVERS];
    char pos_text[HEURISTIC_SUMMARY_MAX_BYTES], neg_text[HEURISTIC_SUMMARY_MAX_BYTES];
    char names[HZ_NAMES_MAX_BYTES];
    size_t k, len;
    int w;

    hz_list_init(&pos, HZ_MAX_DRIVERS);
    hz_list_init(&neg, HZ_MAX_DRIVERS);
    if (f->has_jd && hz_keywords_good(f))
        hz_addf(&pos, HZ_T(L, "%zu of %zu job keywords found", "%zu mots-clés de l'offre sur %zu"),
                f->kw_found, f->kw_total);
    if (hz_all_sections(f))
        hz_addf(&pos, "%s", HZ_T(L, "all standard sections", "toutes les sections standard"));
    if (f->quantified >= HZ_QUANTIFIED_GOOD)
        hz_addf(&pos, HZ_T(L, "%zu quantified achievements", "%zu réalisations chiffrées"),
                f->quantified);
    if (hz_verbs_good(f))
        hz_addf(&pos, "%s", HZ_T(L, "action-oriented bullet points", "des puces orientées action"));
    if (f->ats.score >= HZ_ATS_GOOD)
        hz_addf(&pos, "%s", HZ_T(L, "an ATS-friendly layout", "une mise en page compatible ATS"));

    if (!f->has_contact)
        hz_addf(&neg, "%s", HZ_T(L, "no contact details", "pas de coordonnées"));
    if (hz_missing_sections(f, names, sizeof(names)) > 0)
        hz_addf(&neg, HZ_T(L, "missing sections (%s)", "des sections manquantes (%s)"), names);
    if (f->ats.score < HZ_ATS_POOR)
        hz_addf(&neg, HZ_T(L, "ATS issues (ATS score %d/100)",
                           "des problèmes ATS (score ATS %d/100)"),
                f->ats.score);
    if (f->has_jd && f->kw_total > 0 && !hz_keywords_good(f))
        hz_addf(&neg, HZ_T(L, "only %zu of %zu job keywords found",
                           "seulement %zu mots-clés de l'offre sur %zu"),
                f->kw_found, f->kw_total);
    if (f->ngaps > 0)
        hz_addf(&neg, HZ_T(L, "a gap between %d and %d", "une interruption entre %d et %d"),
                f->gaps[0].from_year, f->gaps[0].to_year);
    if (f->quantified < HZ_QUANTIFIED_GOOD)
        hz_addf(&neg, "%s", HZ_T(L, "few quantified results", "peu de résultats chiffrés"));
    if (f->words < HZ_WORDS_SHORT)
        hz_addf(&neg, HZ_T(L, "a very short CV (%zu words)", "un CV très court (%zu mots)"),
                f->words);
    else if (f->words > HZ_WORDS_LONG)
        hz_addf(&neg, HZ_T(L, "a very long CV (%zu words)", "un CV très long (%zu mots)"),
                f->words);

    for (k = 0; k < pos.n; k++)
        pp[k] = pos.items[k];
    for (k = 0; k < neg.n; k++)
        np[k] = neg.items[k];
    hz_join(pos_text, sizeof(pos_text), pp, pos.n, L);
    hz_join(neg_text, sizeof(neg_text), np, neg.n, L);
    w = snprintf(r->summary, sizeof(r->summary), "%s%d/100.%s%s%s%s%s",
                 HZ_T(L, "Score ", "Score de "), f->score,
                 pos.n > 0 ? HZ_T(L, " Strengths: ", " Points forts : ") : "", pos_text,
                 pos.n > 0 ? "." : "",
                 neg.n > 0 ? HZ_T(L, " To improve: ", " À améliorer : ")
                           : HZ_T(L, " No major issue found", " Aucun problème majeur détecté"),
                 neg_text);
    if (w < 0) {
        r->summary[0] = '\0';
        return;
    }
    /* Cut on a whole character when too long, and end with a full stop. */
    len = (size_t)w < sizeof(r->summary) - 1 ? (size_t)w : sizeof(r->summary) - 2;
    hz_fix_tail(r->summary, &len);
    r->summary[len++] = '.';
    r->summary[len] = '\0';
}

/* ---- JSON ---- */

static json_object *hz_json_list(const struct hz_list *l)
{
    json_object *a = json_object_new_array();
    size_t i;

    for (i = 0; a != NULL && i < l->n; i++) {
        json_object *s = json_object_new_string(l->items[i]);

        if (s == NULL || json_object_array_add(a, s) != 0) {
            json_object_put(s);
            json_object_put(a);
            return NULL;
        }
    }
    return a;
}

static json_object *hz_json_keywords(const struct text_keyword *k, size_t n)
{
    json_object *a = json_object_new_array();
    size_t i;

    for (i = 0; a != NULL && i < n; i++) {
        json_object *s = json_object_new_string(k[i].display);

        if (s == NULL || json_object_array_add(a, s) != 0) {
            json_object_put(s);
            json_object_put(a);
            return NULL;
        }
    }
    return a;
}

static json_object *hz_json(const struct hz_run *r)
{
    const struct hz_facts *f = &r->f;
    json_object *o = json_object_new_object(), *kw = json_object_new_object(),
                *sec = json_object_new_object();
    bool ok = o != NULL && kw != NULL && sec != NULL;

    ok = ok && cv_json_add(kw, "found", hz_json_keywords(f->found, f->nfound));
    ok = ok && cv_json_add(kw, "missing", hz_json_keywords(f->missing, f->nmissing));
    ok = ok && cv_json_add(sec, "contact", json_object_new_boolean(f->has_contact));
    ok = ok && cv_json_add(sec, "summary", json_object_new_boolean(f->sec[CV_SECTION_SUMMARY]));
    ok = ok &&
         cv_json_add(sec, "experience", json_object_new_boolean(f->sec[CV_SECTION_EXPERIENCE]));
    ok = ok && cv_json_add(sec, "education", json_object_new_boolean(f->sec[CV_SECTION_EDUCATION]));
    ok = ok && cv_json_add(sec, "skills", json_object_new_boolean(f->sec[CV_SECTION_SKILLS]));
    ok = ok && cv_json_add(o, "score", json_object_new_int(f->score));
    ok = ok && cv_json_add(o, "summary", json_object_new_string(r->summary));
    ok = ok && cv_json_add(o, "strengths", hz_json_list(&r->strengths));
    ok = ok && cv_json_add(o, "weaknesses", hz_json_list(&r->weaknesses));
    ok = ok && cv_json_add(o, "suggestions", hz_json_list(&r->suggestions));
    if (ok) {
        ok = cv_json_add(o, "keywords", kw);
        kw = NULL;
    }
    if (ok) {
        ok = cv_json_add(o, "sections", sec);
        sec = NULL;
    }
    ok = ok && cv_json_add(o, "atsScore", json_object_new_int(f->ats.score));
    json_object_put(kw);
    json_object_put(sec);
    if (!ok) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

/* ---- Markdown ---- */

enum hz_md_prev {
    HZ_MD_START,
    HZ_MD_BLANK,
    HZ_MD_TEXT,
    HZ_MD_BULLET,
};

struct hz_md {
    struct cv_buf buf;
    enum cv_status st;      /* CV_ERR_NOMEM once memory ran out */
    bool full;              /* HEURISTIC_MARKDOWN_MAX_BYTES reached: lines dropped */
    enum hz_md_prev prev;
    size_t section_lines;   /* lines written since the last heading */
};

static void hz_md_raw(struct hz_md *md, const char *s, size_t n)
{
    if (md->st != CV_OK)
        return;
    if (cv_buf_append(&md->buf, s, n) != CV_OK)
        md->st = CV_ERR_NOMEM;   /* the reserve makes TOO_LARGE impossible */
}

static void hz_md_puts(struct hz_md *md, const char *s)
{
    hz_md_raw(md, s, strlen(s));
}

/* Append s[0..n) as text: invalid UTF-8 as U+FFFD, controls as spaces. */
static void hz_md_text(struct hz_md *md, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, run = 0;

    while (i < n) {
        size_t sl = cv_utf8_seq_len(u + i, n - i);

        if (sl == 0 || (sl == 1 && (u[i] < 0x20 || u[i] == 0x7F))) {
            hz_md_raw(md, s + run, i - run);
            hz_md_puts(md, sl == 0 ? "\xEF\xBF\xBD" : " ");
            i++;
            run = i;
            continue;
        }
        i += sl;
    }
    hz_md_raw(md, s + run, n - run);
}

/* Room for a line of n bytes (written at worst 3 bytes per byte)? When
 * not, the rewrite is full and later lines are dropped. */
static bool hz_md_room(struct hz_md *md, size_t n)
{
    if (!md->full && md->buf.len + 3 * n + 16 > HEURISTIC_MARKDOWN_MAX_BYTES)
        md->full = true;
    return !md->full && md->st == CV_OK;
}

static void hz_md_heading(struct hz_md *md, const char *title, size_t n)
{
    if (!hz_md_room(md, n))
        return;
    if (md->prev != HZ_MD_START)
        hz_md_puts(md, "\n");
    hz_md_puts(md, "## ");
    hz_md_text(md, title, n);
    hz_md_puts(md, "\n\n");
    md->prev = HZ_MD_BLANK;
    md->section_lines = 0;
}

/* A line of the CV: bullets become "- ", other lines paragraphs. */
static void hz_md_line(struct hz_md *md, const char *s, size_t n, size_t bullet_len)
{
    bool bullet = bullet_len > 0;

    if (n == bullet_len || !hz_md_room(md, n))
        return;
    if ((bullet && md->prev == HZ_MD_TEXT) || (!bullet && (md->prev == HZ_MD_TEXT ||
                                                           md->prev == HZ_MD_BULLET)))
        hz_md_puts(md, "\n");
    if (bullet)
        hz_md_puts(md, "- ");
    else if (s[0] == '#' || (n >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && s[1] == ' '))
        hz_md_puts(md, "\\");   /* keep it text, not a heading or a list */
    hz_md_text(md, s + bullet_len, n - bullet_len);
    hz_md_puts(md, "\n");
    md->prev = bullet ? HZ_MD_BULLET : HZ_MD_TEXT;
    md->section_lines++;
}

/* An HTML comment for the candidate, written even when the rewrite is
 * full (HEURISTIC_MARKDOWN_NOTES_MAX_BYTES holds it). */
static void hz_md_note(struct hz_md *md, const char *text)
{
    if (md->prev == HZ_MD_TEXT || md->prev == HZ_MD_BULLET)
        hz_md_puts(md, "\n");
    hz_md_puts(md, "<!-- ");
    hz_md_puts(md, text);
    hz_md_puts(md, " -->\n");
    md->prev = HZ_MD_TEXT;
}

/* An HTML comment in the flow of the rewrite (dropped once it is full). */
static void hz_md_comment(struct hz_md *md, const char *text)
{
    if (!hz_md_room(md, strlen(text)))
        return;
    hz_md_note(md, text);
}

/* Where an untitled body line goes: Experience when the CV has no such
 * heading, else Summary when it has none, else Additional information. */
static enum cv_section_kind hz_md_untitled_dest(const struct hz_facts *f)
{
    if (!f->sec[CV_SECTION_EXPERIENCE])
        return CV_SECTION_EXPERIENCE;
    if (!f->sec[CV_SECTION_SUMMARY])
        return CV_SECTION_SUMMARY;
    return CV_SECTION_NONE;
}

/* Layout debris the rewrite drops: page numbers and drawn table rules. */
static bool hz_md_debris(const struct cv_line *l)
{
    char f[HZ_LINE_FOLD_MAX_BYTES + 1];
    size_t n;

    if (hz_table_rule(&l->text))
        return true;
    if (l->text.len > 40)
        return false;
    n = hz_fold_line(&l->text, f);
    return hz_page_number_line(f, n);
}

/* Write the lines of kind (headed sections of that kind, plus untitled
 * body lines when they go there), debris aside. */
static void hz_md_section_lines(struct hz_md *md, const struct hz_run *r, enum cv_section_kind kind)
{
    const struct cv_layout *lay = &r->layout;
    bool untitled = hz_md_untitled_dest(&r->f) == kind;
    size_t i;

    for (i = 0; i < lay->nlines; i++) {
        const struct cv_line *l = &lay->lines[i];

        if (l->heading) {
            if (l->section == kind && l->inline_text.len > 0)
                hz_md_line(md, l->inline_text.ptr, l->inline_text.len, 0);
            continue;
        }
        if (hz_md_debris(l))
            continue;
        if (l->section == kind ||
            (untitled && l->section == CV_SECTION_NONE && i >= r->f.header_end))
            hz_md_line(md, l->text.ptr, l->text.len, l->bullet_len);
    }
}

/* A standard section: its heading in the output language, its lines, and
 * when it has none and en is not NULL, a note (en or fr) asking for it. */
static void hz_md_standard(struct hz_md *md, const struct hz_run *r, enum cv_section_kind kind,
                           const char *en, const char *fr)
{
    const char *title = hz_section_name(kind, r->f.lang);

    hz_md_heading(md, title, strlen(title));
    hz_md_section_lines(md, r, kind);
    if (md->section_lines == 0 && en != NULL)
        hz_md_comment(md, HZ_T(r->f.lang, en, fr));
}

/* Found keywords the Skills section does not name yet. */
static enum cv_status hz_md_extra_skills(const struct hz_run *r, struct text_keyword *out,
                                         size_t *count, struct cv_error *err)
{
    struct cv_buf skills;
    struct text_tokens_doc doc;
    size_t i;
    enum cv_status st = CV_OK;

    *count = 0;
    cv_buf_init(&skills, HEURISTIC_TEXT_MAX_BYTES + CV_SECTIONS_MAX_LINES);
    for (i = 0; i < r->layout.nlines && st == CV_OK; i++) {
        const struct cv_line *l = &r->layout.lines[i];
        const struct cv_str *t = l->heading ? &l->inline_text : &l->text;

        if (l->section == CV_SECTION_SKILLS && t->len > 0) {
            st = cv_buf_append(&skills, t->ptr, t->len);
            if (st == CV_OK)
                st = cv_buf_append(&skills, "\n", 1);
        }
    }
    if (st != CV_OK) {
        cv_buf_free(&skills);
        return cv_error_set(err, CV_ERR_NOMEM, "out of memory writing the Markdown rewrite");
    }
    st = text_tokens_doc_init(&doc, skills.data != NULL ? skills.data : "", skills.len,
                              TEXT_TOKENS_MAX_TOKENS, err);
    if (st == CV_OK) {
        for (i = 0; i < r->f.nfound; i++)
            if (!text_tokens_doc_has(&doc, &r->f.found[i]))
                out[(*count)++] = r->f.found[i];
        text_tokens_doc_free(&doc);
    }
    cv_buf_free(&skills);
    return st;
}

static void hz_md_header(struct hz_md *md, const struct hz_run *r)
{
    const struct cv_layout *lay = &r->layout;
    size_t i, parts = 0;

    if (r->f.name_line != SIZE_MAX) {
        const struct cv_line *l = &lay->lines[r->f.name_line];

        hz_md_puts(md, "# ");
        hz_md_text(md, l->text.ptr + l->bullet_len, l->text.len - l->bullet_len);
        hz_md_puts(md, "\n");
    }
    for (i = 0; i < lay->nlines; i++) {
        const struct cv_line *l = &lay->lines[i];
        bool header = (i < r->f.header_end && i != r->f.name_line) ||
                      (l->section == CV_SECTION_CONTACT && !l->heading);

        if (!header || l->text.len == 0 || !hz_md_room(md, l->text.len))
            continue;
        hz_md_puts(md, parts > 0 ? " | " : r->f.name_line != SIZE_MAX ? "\n" : "");
        hz_md_text(md, l->text.ptr + l->bullet_len, l->text.len - l->bullet_len);
        parts++;
    }
    if (parts > 0)
        hz_md_puts(md, "\n");
    md->prev = r->f.name_line != SIZE_MAX || parts > 0 ? HZ_MD_TEXT : HZ_MD_START;
}

/* A one-line summary from the target role and skills found in the CV
 * (never more than the CV says), or a note asking for one. */
static void hz_md_generated_summary(struct hz_md *md, const struct hz_run *r)
{
    enum text_lang L = r->f.lang;
    char names[HZ_NAMES_MAX_BYTES], line[HZ_ROLE_SHOWN_MAX_BYTES + HZ_NAMES_MAX_BYTES + 64];
    int w;

    hz_names(names, sizeof(names), r->f.found, r->f.nfound);
    if (r->f.role[0] != '\0' && names[0] != '\0')
        w = snprintf(line, sizeof(line),
                     HZ_T(L, "%s with experience in %s.", "%s - expérience en %s."), r->f.role,
                     names);
    else if (names[0] != '\0')
        w = snprintf(line, sizeof(line), HZ_T(L, "Experience in %s.", "Expérience en %s."), names);
    else if (r->f.role[0] != '\0')
        w = snprintf(line, sizeof(line), "%s.", r->f.role);
    else
        w = -1;
    if (w < 0 || (size_t)w >= sizeof(line)) {
        hz_md_comment(md, HZ_T(L, "Add 2-3 lines on your role, experience and key skills.",
                               "Ajoutez 2 à 3 lignes sur votre métier, votre expérience et vos "
                               "compétences clés."));
        return;
    }
    hz_md_line(md, line, (size_t)w, 0);
}

static enum cv_status hz_markdown(const struct hz_run *r, char **out, struct cv_error *err)
{
    static const enum cv_section_kind rest[] = { CV_SECTION_PROJECTS, CV_SECTION_CERTIFICATIONS,
                                                 CV_SECTION_LANGUAGES, CV_SECTION_INTERESTS };
    const struct cv_layout *lay = &r->layout;
    enum text_lang L = r->f.lang;
    struct text_keyword extra[HEURISTIC_MAX_KEYWORDS];
    struct hz_md md;
    char names[HZ_NAMES_MAX_BYTES], note[HZ_NAMES_MAX_BYTES + 128];
    size_t nextra = 0, i, k;
    enum cv_status st;

    memset(&md, 0, sizeof(md));
    cv_buf_init(&md.buf, HEURISTIC_MARKDOWN_MAX_BYTES + HEURISTIC_MARKDOWN_NOTES_MAX_BYTES);
    md.prev = HZ_MD_START;
    st = hz_md_extra_skills(r, extra, &nextra, err);
    if (st != CV_OK)
        goto fail;

    hz_md_header(&md, r);

    hz_md_standard(&md, r, CV_SECTION_SUMMARY, NULL, NULL);
    if (md.section_lines == 0)
        hz_md_generated_summary(&md, r);
    hz_md_standard(&md, r, CV_SECTION_EXPERIENCE,
                   "No experience found: add each position with employer, title, dates and "
                   "results.",
                   "Aucune expérience trouvée : ajoutez chaque poste avec employeur, intitulé, "
                   "dates et résultats.");
    hz_md_standard(&md, r, CV_SECTION_EDUCATION,
                   "No education found: add your degrees, schools and years.",
                   "Aucune formation trouvée : ajoutez vos diplômes, établissements et années.");
    hz_md_standard(&md, r, CV_SECTION_SKILLS, NULL, NULL);
    if (nextra > 0) {
        hz_names_upto(names, sizeof(names), extra, nextra, HEURISTIC_MAX_KEYWORDS);
        hz_md_line(&md, names, strlen(names), 0);
    }
    if (md.section_lines == 0)
        hz_md_comment(&md, HZ_T(L, "No skills found: list your main tools and technologies.",
                                "Aucune compétence trouvée : listez vos principaux outils."));
    for (k = 0; k < sizeof(rest) / sizeof(rest[0]); k++)
        if (r->f.sec[rest[k]])
            hz_md_standard(&md, r, rest[k], NULL, NULL);
    /* Other known sections keep their own heading, in the CV's order. */
    for (i = 0; i < lay->nlines; i++) {
        const struct cv_line *l = &lay->lines[i];
        char head[CV_SECTIONS_HEADING_MAX_BYTES + 1];
        size_t n;

        if (l->section != CV_SECTION_OTHER)
            continue;
        if (l->heading) {
            hz_clean(head, sizeof(head), l->text.ptr, l->text.len, false);
            n = strlen(head);
            while (n > 0 && (head[n - 1] == ':' || head[n - 1] == ' '))
                n--;
            for (k = 0; k < n && (head[k] == '#' || head[k] == ' '); k++)
                ;
            hz_md_heading(&md, head + k, n - k);
            continue;
        }
        if (!hz_md_debris(l))
            hz_md_line(&md, l->text.ptr, l->text.len, l->bullet_len);
    }
    if (hz_md_untitled_dest(&r->f) == CV_SECTION_NONE) {
        bool any = false;

        for (i = r->f.header_end; i < lay->nlines && !any; i++)
            any = lay->lines[i].section == CV_SECTION_NONE && lay->lines[i].text.len > 0;
        if (any)
            hz_md_standard(&md, r, CV_SECTION_NONE, NULL, NULL);
    }

    /* Notes for the candidate, never shown as CV text. */
    if (r->f.nmissing > 0) {
        hz_names(names, sizeof(names), r->f.missing, r->f.nmissing);
        if (snprintf(note, sizeof(note), HZ_T(L, "Missing keywords to consider (add only those you "
                                                 "really have): %s",
                                              "Mots-clés manquants à envisager (n'ajoutez que ceux "
                                              "que vous maîtrisez) : %s"),
                     names) < (int)sizeof(note))
            hz_md_note(&md, note);
    }
    if (md.full || lay->truncated || r->text_len < r->in->text_len)
        hz_md_note(&md, HZ_T(L, "The CV was too long: its end is not included.",
                                "Le CV était trop long : sa fin n'est pas reprise."));
    if (md.st != CV_OK) {
        st = cv_error_set(err, CV_ERR_NOMEM, "out of memory writing the Markdown rewrite");
        goto fail;
    }
    if (md.buf.data == NULL)
        hz_md_puts(&md, "");
    *out = cv_buf_take(&md.buf);
    if (*out == NULL) {
        st = cv_error_set(err, CV_ERR_NOMEM, "out of memory writing the Markdown rewrite");
        goto fail;
    }
    return CV_OK;
fail:
    cv_buf_free(&md.buf);
    return st;
}

/* ---- Entry point ---- */

/* n cut to max bytes on a whole character. */
static size_t hz_cap(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    return cv_utf8_truncate((const unsigned char *)s, n, SIZE_MAX, max);
}

/* Run every measure and build the texts, in the order the texts need. */
static enum cv_status hz_analyse(struct hz_run *r, struct cv_error *err)
{
    const struct heuristic_input *in = r->in;
    enum cv_status st;
    size_t k;

    st = cv_sections_parse(r->text, r->text_len, &r->layout, err);
    if (st != CV_OK)
        return st;
    if (in->language != NULL && (in->language[0] == 'f' || in->language[0] == 'F') &&
        (in->language[1] == 'r' || in->language[1] == 'R'))
        r->f.lang = TEXT_LANG_FR;
    else if (in->language != NULL && (in->language[0] == 'e' || in->language[0] == 'E') &&
             (in->language[1] == 'n' || in->language[1] == 'N'))
        r->f.lang = TEXT_LANG_EN;
    else
        r->f.lang = text_tokens_guess_lang(&r->cv);
    for (k = 0; k < CV_SECTION_KIND_COUNT; k++)
        r->f.sec[k] = r->layout.present[k];
    cv_sections_scan_contact(r->text, r->text_len, &r->f.contact);
    r->f.has_contact = r->f.contact.email || r->f.contact.phone;
    r->f.words = hz_count_words(r->text, r->text_len);
    hz_find_header(r);
    hz_measure_lines(r);
    hz_measure_dates(r);
    hz_measure_ats(r);
    st = hz_keywords(r, err);
    if (st != CV_OK)
        return st;
    hz_score(r);
    hz_list_init(&r->strengths, HEURISTIC_MAX_STRENGTHS);
    hz_list_init(&r->weaknesses, HEURISTIC_MAX_WEAKNESSES);
    hz_list_init(&r->suggestions, HEURISTIC_MAX_SUGGESTIONS);
    hz_strengths(r);
    hz_weaknesses(r);
    hz_suggestions(r);
    hz_summary(r);
    return CV_OK;
}

enum cv_status heuristic_analyze(const struct heuristic_input *in, json_object **result,
                                 char **optimized_markdown, struct cv_error *err)
{
    struct hz_run *r;
    enum cv_status st;
    size_t jd_len, role_len;

    if (result != NULL)
        *result = NULL;
    if (optimized_markdown != NULL)
        *optimized_markdown = NULL;
    if (in == NULL || result == NULL || (in->optimize && optimized_markdown == NULL) ||
        (in->text == NULL && in->text_len > 0) || (in->job_description == NULL && in->jd_len > 0) ||
        (in->target_role == NULL && in->role_len > 0))
        return cv_error_set(err, CV_ERR_INTERNAL, "heuristic_analyze: invalid arguments");
    r = calloc(1, sizeof(*r));
    if (r == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "out of memory starting the analysis");
    r->in = in;
    r->text = in->text != NULL ? in->text : "";
    r->text_len = hz_cap(r->text, in->text_len, HEURISTIC_TEXT_MAX_BYTES);
    st = text_tokens_doc_init(&r->cv, r->text, r->text_len, TEXT_TOKENS_MAX_TOKENS, err);
    if (st != CV_OK)
        goto done;
    if (r->cv.ntokens == 0) {
        st = cv_error_set(err, CV_ERR_DOCUMENT, "no extractable text");
        goto done;
    }
    jd_len = hz_cap(in->job_description, in->jd_len, HEURISTIC_JD_MAX_BYTES);
    if (jd_len > 0) {
        st = text_tokens_doc_init(&r->jd, in->job_description, jd_len, TEXT_TOKENS_MAX_TOKENS, err);
        if (st != CV_OK)
            goto done;
        r->f.has_jd = r->jd.ntokens > 0;
    }
    role_len = hz_cap(in->target_role, in->role_len, HEURISTIC_ROLE_MAX_BYTES);
    if (role_len > 0) {
        st = text_tokens_doc_init(&r->role, in->target_role, role_len, TEXT_TOKENS_MAX_TOKENS, err);
        if (st != CV_OK)
            goto done;
        r->f.has_role = r->role.ntokens > 0;
        if (r->f.has_role)
            hz_clean(r->f.role, sizeof(r->f.role), in->target_role, role_len, true);
    }
    st = hz_analyse(r, err);
    if (st != CV_OK)
        goto done;
    *result = hz_json(r);
    if (*result == NULL) {
        st = cv_error_set(err, CV_ERR_NOMEM, "out of memory building the analysis result");
        goto done;
    }
    if (in->optimize) {
        st = hz_markdown(r, optimized_markdown, err);
        if (st != CV_OK) {
            json_object_put(*result);
            *result = NULL;
        }
    }
done:
    text_tokens_doc_free(&r->cv);
    text_tokens_doc_free(&r->jd);
    text_tokens_doc_free(&r->role);
    cv_sections_free(&r->layout);
    free(r);
    return st;
}
