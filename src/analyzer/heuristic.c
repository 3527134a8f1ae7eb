/*
 * heuristic.c - the offline CV analyzer (see heuristic.h).
 *
 * Read top to bottom: the measures of a CV (header, quantified lines,
 * action verbs, dates and gaps, ATS problems), the keywords, the judgement
 * of the measures into facts, the score, the JSON result, and the entry
 * point. What the facts make the analyzer say - the atsScore penalties,
 * strengths, weaknesses, suggestions and summary - is the rules table of
 * heuristic_rules.c, in the languages of heuristic_messages_*.c; the
 * Markdown rewrite is heuristic_markdown.c. Every number a text quotes
 * comes from struct hz_facts, so the score, the texts and the tests agree.
 */
#include "heuristic.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cv_json.h"
#include "cv_sections.h"
#include "heuristic_messages.h"
#include "heuristic_rules.h"
#include "heuristic_run.h"
#include "text_tokens.h"
#include "utf8.h"

/* ---- Internal bounds and thresholds ---- */

/* Lines at the top taken as name, title and contact details. */
#define HZ_HEADER_MAX_LINES 6
/* Bytes of a line folded to judge it (its start says enough). */
#define HZ_LINE_FOLD_MAX_BYTES 512
/* Candidate keywords read from a job description. */
#define HZ_JD_MAX_CANDIDATES 60
/* Dated ranges read. */
#define HZ_MAX_RANGES 64

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

/* ---- Small text helpers ---- */

/* One line of s[0..n) for a text: controls and spaces as separators. */
static enum text_squeeze hz_clean_char(const unsigned char *c, size_t len, const char *out,
                                       size_t out_len)
{
    (void)out;
    (void)out_len;
    return len == 1 && (c[0] < 0x20 || c[0] == 0x7F || c[0] == ' ') ? TEXT_SQUEEZE_SPACE
                                                                     : TEXT_SQUEEZE_KEEP;
}

void hz_clean(char *dst, size_t size, const char *s, size_t n, bool mark_cut)
{
    (void)text_tokens_squeeze(dst, size, s, n, hz_clean_char, mark_cut);
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
 * (a decoration before it aside: "★ JANE DOE") - or, when that line holds
 * contact details (a Word page header comes first), the first line after
 * the contact lines - then short lines and contact lines, until a heading, a dated or long line, or
 * HZ_HEADER_MAX_LINES lines. */
static void hz_find_header(struct hz_run *r)
{
    const struct cv_layout *lay = &r->layout;
    struct cv_str name;
    size_t i = 0, first, limit;
    bool name_seen_after = false;   /* the first line after contact lines judged */

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
        /* contact details above the name: a Word page header, read first */
        if (r->f.name_line == SIZE_MAX && !name_seen_after) {
            name = (struct cv_str){ l->text.ptr + l->bullet_len, l->text.len - l->bullet_len };
            name_seen_after = true;
            if (hz_plausible_name(&name)) {
                r->f.name_line = i;
                continue;
            }
        }
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
    if (r->f.example_line != SIZE_MAX) {
        const struct cv_line *ex = &lay->lines[r->f.example_line];

        hz_clean(r->f.example, sizeof(r->f.example), ex->text.ptr + ex->bullet_len,
                 ex->text.len - ex->bullet_len, true);
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
    size_t i, n = 0, used;

    for (i = 0; i < lay->nlines && n < HZ_MAX_RANGES; i += used) {
        used = 1;
        if (lay->lines[i].section == kind)
            n += cv_sections_line_date_ranges(lay, i, present, ranges + n, HZ_MAX_RANGES - n,
                                              &used);
    }
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

bool hz_layout_debris(const struct cv_line *l)
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

/* ATS problems; hz_judge weighs them into the atsScore. */
static void hz_measure_ats(struct hz_run *r)
{
    const struct cv_layout *lay = &r->layout;
    struct hz_ats *a = &r->f.ats;
    char f[HZ_LINE_FOLD_MAX_BYTES + 1];
    size_t i, table_rows = 0, column_lines = 0, caps = 0;

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

/* ---- Judgement ---- */

/* The facts the rules test (heuristic_rules.h), from the measures. */
static uint64_t hz_fact_bits(const struct hz_facts *f)
{
    const bool sections = f->sec[CV_SECTION_SUMMARY] && f->sec[CV_SECTION_EXPERIENCE] &&
                          f->sec[CV_SECTION_EDUCATION] && f->sec[CV_SECTION_SKILLS];
    const bool holds[HZ_FACT_COUNT] = {
        [HZ_FACT_CONTACT] = f->has_contact,
        [HZ_FACT_LINKEDIN] = f->contact.linkedin,
        [HZ_FACT_SUMMARY] = f->sec[CV_SECTION_SUMMARY],
        [HZ_FACT_EXPERIENCE] = f->sec[CV_SECTION_EXPERIENCE],
        [HZ_FACT_EDUCATION] = f->sec[CV_SECTION_EDUCATION],
        [HZ_FACT_SKILLS] = f->sec[CV_SECTION_SKILLS],
        [HZ_FACT_SECTION_MISSING] = !sections,
        [HZ_FACT_COMPLETE] = sections && f->has_contact,
        [HZ_FACT_JD] = f->has_jd,
        [HZ_FACT_ROLE] = f->has_role,
        [HZ_FACT_JD_KEYWORDS] = f->kw_total > 0,
        [HZ_FACT_KEYWORDS_GOOD] = f->kw_total > 0 &&
                                  f->kw_found * 100 >= f->kw_total * HZ_KEYWORD_GOOD_PCT,
        [HZ_FACT_MISSING] = f->nmissing > 0,
        [HZ_FACT_FOUND] = f->nfound > 0,
        [HZ_FACT_FOUND_MANY] = f->nfound >= HZ_NAMES_IN_TEXT,
        [HZ_FACT_QUANTIFIED] = f->quantified > 0,
        [HZ_FACT_QUANTIFIED_GOOD] = f->quantified >= HZ_QUANTIFIED_GOOD,
        [HZ_FACT_BULLETS] = f->bullets,
        [HZ_FACT_CANDIDATES] = f->candidates > 0,
        [HZ_FACT_CANDIDATES_3] = f->candidates >= 3,
        [HZ_FACT_VERBS_GOOD] = f->candidates >= 3 &&
                               f->verb_lines * 100 >= f->candidates * HZ_VERB_GOOD_PCT,
        [HZ_FACT_DATED] = f->nranges > 0,
        [HZ_FACT_DATED_2] = f->nranges >= 2,
        [HZ_FACT_GAP] = f->ngaps > 0,
        [HZ_FACT_SHORT] = f->words < HZ_WORDS_SHORT,
        [HZ_FACT_LONG] = f->words > HZ_WORDS_LONG,
        [HZ_FACT_LENGTH_IDEAL] = f->words >= HZ_WORDS_IDEAL_MIN && f->words <= HZ_WORDS_IDEAL_MAX,
        [HZ_FACT_TABLE] = f->ats.table,
        [HZ_FACT_COLUMNS] = f->ats.columns,
        [HZ_FACT_SYMBOLS] = f->ats.symbols,
        [HZ_FACT_LONG_LINES] = f->ats.long_lines,
        [HZ_FACT_PERSONAL] = f->ats.personal,
        [HZ_FACT_CAPS] = f->ats.caps,
        [HZ_FACT_PAGES] = f->ats.pages,
        [HZ_FACT_ATS_GOOD] = f->ats.score >= HZ_ATS_GOOD,
        [HZ_FACT_ATS_POOR] = f->ats.score < HZ_ATS_POOR,
    };
    uint64_t bits = 0;
    size_t k;

    for (k = 0; k < HZ_FACT_COUNT; k++)
        if (holds[k])
            bits |= UINT64_C(1) << k;
    return bits;
}

/* The facts, the atsScore the rules weigh from them (100 less the points
 * lost; no atsScore rule reads ATS_GOOD or ATS_POOR, still false then),
 * then the facts again with those two. */
static void hz_judge(struct hz_facts *f)
{
    int ats = 100 - hz_rules_weight(HZ_LIST_ATS, hz_fact_bits(f));

    f->ats.score = ats < 0 ? 0 : ats > 100 ? 100 : ats;
    f->bits = hz_fact_bits(f);
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
    r->f.lang = hz_language_by_code(in->language);
    if (r->f.lang == NULL)
        r->f.lang = hz_language_of(text_tokens_guess_lang(&r->cv));
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
    hz_judge(&r->f);
    hz_score(r);
    hz_list_init(&r->strengths, HEURISTIC_MAX_STRENGTHS);
    hz_list_init(&r->weaknesses, HEURISTIC_MAX_WEAKNESSES);
    hz_list_init(&r->suggestions, HEURISTIC_MAX_SUGGESTIONS);
    hz_rules_texts(HZ_LIST_STRENGTHS, &r->f, &r->strengths);
    hz_rules_texts(HZ_LIST_WEAKNESSES, &r->f, &r->weaknesses);
    hz_rules_texts(HZ_LIST_SUGGESTIONS, &r->f, &r->suggestions);
    hz_rules_summary(&r->f, r->summary, sizeof(r->summary));
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
