/*
 * cv_sections.c - lines, headings, bullets, contact details and dated
 * ranges of a CV's text (see cv_sections.h).
 *
 * Headings and dates are read on folded text (text_tokens_fold: no case,
 * no accents), so "EXPÉRIENCES PROFESSIONNELLES", "Expériences
 * professionnelles" and "experiences professionnelles" are one heading.
 */
#include "cv_sections.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text_tokens.h"
#include "utf8.h"

#define CS_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Headings ---- */

struct cs_heading {
    const char *text;             /* folded, letters and single spaces */
    enum cv_section_kind kind;
};

static const struct cs_heading cs_headings[] = {
    /* contact */
    { "contact", CV_SECTION_CONTACT },
    { "contact details", CV_SECTION_CONTACT },
    { "contact information", CV_SECTION_CONTACT },
    { "coordonnees", CV_SECTION_CONTACT },
    { "informations personnelles", CV_SECTION_CONTACT },
    { "personal details", CV_SECTION_CONTACT },
    { "personal information", CV_SECTION_CONTACT },
    /* summary */
    { "summary", CV_SECTION_SUMMARY },
    { "professional summary", CV_SECTION_SUMMARY },
    { "career summary", CV_SECTION_SUMMARY },
    { "executive summary", CV_SECTION_SUMMARY },
    { "profile", CV_SECTION_SUMMARY },
    { "professional profile", CV_SECTION_SUMMARY },
    { "about", CV_SECTION_SUMMARY },
    { "about me", CV_SECTION_SUMMARY },
    { "objective", CV_SECTION_SUMMARY },
    { "career objective", CV_SECTION_SUMMARY },
    { "personal statement", CV_SECTION_SUMMARY },
    { "profil", CV_SECTION_SUMMARY },
    { "profil professionnel", CV_SECTION_SUMMARY },
    { "resume", CV_SECTION_SUMMARY },
    { "a propos", CV_SECTION_SUMMARY },
    { "a propos de moi", CV_SECTION_SUMMARY },
    { "synthese", CV_SECTION_SUMMARY },
    { "objectif", CV_SECTION_SUMMARY },
    { "objectif professionnel", CV_SECTION_SUMMARY },
    { "presentation", CV_SECTION_SUMMARY },
    /* experience */
    { "experience", CV_SECTION_EXPERIENCE },
    { "experiences", CV_SECTION_EXPERIENCE },
    { "work experience", CV_SECTION_EXPERIENCE },
    { "professional experience", CV_SECTION_EXPERIENCE },
    { "relevant experience", CV_SECTION_EXPERIENCE },
    { "employment", CV_SECTION_EXPERIENCE },
    { "employment history", CV_SECTION_EXPERIENCE },
    { "work history", CV_SECTION_EXPERIENCE },
    { "career history", CV_SECTION_EXPERIENCE },
    { "experience professionnelle", CV_SECTION_EXPERIENCE },
    { "experiences professionnelles", CV_SECTION_EXPERIENCE },
    { "parcours professionnel", CV_SECTION_EXPERIENCE },
    { "parcours", CV_SECTION_EXPERIENCE },
    { "emplois", CV_SECTION_EXPERIENCE },
    { "historique professionnel", CV_SECTION_EXPERIENCE },
    /* education */
    { "education", CV_SECTION_EDUCATION },
    { "academic background", CV_SECTION_EDUCATION },
    { "academic qualifications", CV_SECTION_EDUCATION },
    { "qualifications", CV_SECTION_EDUCATION },
    { "degrees", CV_SECTION_EDUCATION },
    { "formation", CV_SECTION_EDUCATION },
    { "formations", CV_SECTION_EDUCATION },
    { "formation academique", CV_SECTION_EDUCATION },
    { "parcours academique", CV_SECTION_EDUCATION },
    { "cursus", CV_SECTION_EDUCATION },
    { "etudes", CV_SECTION_EDUCATION },
    { "diplomes", CV_SECTION_EDUCATION },
    /* skills */
    { "skills", CV_SECTION_SKILLS },
    { "technical skills", CV_SECTION_SKILLS },
    { "key skills", CV_SECTION_SKILLS },
    { "core skills", CV_SECTION_SKILLS },
    { "hard skills", CV_SECTION_SKILLS },
    { "soft skills", CV_SECTION_SKILLS },
    { "it skills", CV_SECTION_SKILLS },
    { "computer skills", CV_SECTION_SKILLS },
    { "core competencies", CV_SECTION_SKILLS },
    { "competencies", CV_SECTION_SKILLS },
    { "technologies", CV_SECTION_SKILLS },
    { "tech stack", CV_SECTION_SKILLS },
    { "tools", CV_SECTION_SKILLS },
    { "competences", CV_SECTION_SKILLS },
    { "competences techniques", CV_SECTION_SKILLS },
    { "competences cles", CV_SECTION_SKILLS },
    { "competences informatiques", CV_SECTION_SKILLS },
    { "savoir faire", CV_SECTION_SKILLS },
    { "outils", CV_SECTION_SKILLS },
    { "informatique", CV_SECTION_SKILLS },
    /* languages */
    { "languages", CV_SECTION_LANGUAGES },
    { "language skills", CV_SECTION_LANGUAGES },
    { "langues", CV_SECTION_LANGUAGES },
    { "competences linguistiques", CV_SECTION_LANGUAGES },
    /* certifications */
    { "certifications", CV_SECTION_CERTIFICATIONS },
    { "certification", CV_SECTION_CERTIFICATIONS },
    { "certificates", CV_SECTION_CERTIFICATIONS },
    { "licenses and certifications", CV_SECTION_CERTIFICATIONS },
    /* projects */
    { "projects", CV_SECTION_PROJECTS },
    { "personal projects", CV_SECTION_PROJECTS },
    { "key projects", CV_SECTION_PROJECTS },
    { "selected projects", CV_SECTION_PROJECTS },
    { "side projects", CV_SECTION_PROJECTS },
    { "open source", CV_SECTION_PROJECTS },
    { "projets", CV_SECTION_PROJECTS },
    { "projets personnels", CV_SECTION_PROJECTS },
    { "realisations", CV_SECTION_PROJECTS },
    /* interests */
    { "interests", CV_SECTION_INTERESTS },
    { "hobbies", CV_SECTION_INTERESTS },
    { "hobbies and interests", CV_SECTION_INTERESTS },
    { "centres d interet", CV_SECTION_INTERESTS },
    { "centres d interets", CV_SECTION_INTERESTS },
    { "centre d interet", CV_SECTION_INTERESTS },
    { "loisirs", CV_SECTION_INTERESTS },
    { "passions", CV_SECTION_INTERESTS },
    /* other known sections, kept apart */
    { "publications", CV_SECTION_OTHER },
    { "awards", CV_SECTION_OTHER },
    { "honors", CV_SECTION_OTHER },
    { "honours", CV_SECTION_OTHER },
    { "volunteering", CV_SECTION_OTHER },
    { "volunteer experience", CV_SECTION_OTHER },
    { "benevolat", CV_SECTION_OTHER },
    { "references", CV_SECTION_OTHER },
    { "distinctions", CV_SECTION_OTHER },
    { "prix", CV_SECTION_OTHER },
    { "associations", CV_SECTION_OTHER },
    { "engagements", CV_SECTION_OTHER },
    { "activities", CV_SECTION_OTHER },
    { "activites", CV_SECTION_OTHER },
    { "additional information", CV_SECTION_OTHER },
    { "informations complementaires", CV_SECTION_OTHER },
    { "divers", CV_SECTION_OTHER },
};

/* Words that may join a known heading to more capitalised words
 * ("Education and Certifications", "Compétences & Outils"). */
static const char *const cs_connectors[] = { "and", "d", "de", "des", "du", "et", "la", "le",
                                             "les", "of" };

/* Words of a heading candidate at most; more is a sentence. */
#define CS_HEAD_MAX_WORDS 8

/* A heading candidate: folded letters and single spaces, and per word
 * whether the original word started with a capital. */
struct cs_head {
    char text[CV_SECTIONS_HEADING_MAX_BYTES + 1];
    size_t len;
    size_t nwords;
    size_t word_start[CS_HEAD_MAX_WORDS];
    bool cap[CS_HEAD_MAX_WORDS];
};

/* Is the UTF-8 character at s (sl bytes) a capital: A-Z, À..Þ, or an
 * upper-case letter of Latin Extended-A (whose case alternates by code
 * point, with the parity shifting at U+0138 and U+0178)? */
static bool cs_capital(const unsigned char *s, size_t sl)
{
    uint32_t cp;

    if (sl == 1)
        return s[0] >= 'A' && s[0] <= 'Z';
    if (sl != 2)
        return false;
    if (s[0] == 0xC3)
        return s[1] >= 0x80 && s[1] <= 0x9E && s[1] != 0x97;
    if (s[0] != 0xC4 && s[0] != 0xC5)
        return false;
    cp = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3Fu);
    if (cp < 0x138 || (cp >= 0x14A && cp <= 0x177))
        return (cp & 1) == 0;
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
        return (cp & 1) == 1;
    return cp == 0x178;
}

/* Fold line[0..len) into *h; false when it is too long or has too many
 * words to be a heading. */
static bool cs_head_build(const char *line, size_t len, struct cs_head *h)
{
    const unsigned char *u = (const unsigned char *)line;
    size_t i = 0;
    bool in_word = false;

    memset(h, 0, sizeof(*h));
    if (len > CV_SECTIONS_HEADING_MAX_BYTES)
        return false;
    while (i < len) {
        size_t sl = cv_utf8_seq_len(u + i, len - i), fl, k;
        char f[8];

        if (sl == 0)
            sl = 1;
        fl = text_tokens_fold(line + i, sl, f, sizeof(f));
        for (k = 0; k < fl; k++) {
            unsigned char c = (unsigned char)f[k];

            if ((c >= 'a' && c <= 'z') || c >= 0x80) {
                if (!in_word) {
                    if (h->nwords == CS_HEAD_MAX_WORDS)
                        return false;
                    if (h->len > 0)
                        h->text[h->len++] = ' ';
                    h->word_start[h->nwords] = h->len;
                    h->cap[h->nwords] = cs_capital(u + i, sl);
                    h->nwords++;
                    in_word = true;
                }
                h->text[h->len++] = (char)c;
            } else {
                in_word = false;
            }
        }
        i += sl;
    }
    h->text[h->len] = '\0';
    return h->nwords > 0;
}

static bool cs_is_connector(const char *w, size_t n)
{
    size_t k;

    for (k = 0; k < CS_COUNT(cs_connectors); k++)
        if (strlen(cs_connectors[k]) == n && memcmp(cs_connectors[k], w, n) == 0)
            return true;
    return false;
}

/* The kind of a heading candidate: exact match, or a known heading
 * followed by capitalised words and connectors only. */
static enum cv_section_kind cs_head_kind(const struct cs_head *h)
{
    enum cv_section_kind best = CV_SECTION_NONE;
    size_t k, best_len = 0;

    for (k = 0; k < CS_COUNT(cs_headings); k++) {
        size_t el = strlen(cs_headings[k].text), w;
        bool ok = true;

        if (el > h->len || memcmp(h->text, cs_headings[k].text, el) != 0)
            continue;
        if (el == h->len)
            return cs_headings[k].kind;
        if (h->text[el] != ' ' || el <= best_len)
            continue;
        for (w = 0; w < h->nwords; w++) {
            size_t ws = h->word_start[w];
            size_t we = w + 1 < h->nwords ? h->word_start[w + 1] - 1 : h->len;

            if (ws > el && !h->cap[w] && !cs_is_connector(h->text + ws, we - ws))
                ok = false;
        }
        if (ok) {
            best = cs_headings[k].kind;
            best_len = el;
        }
    }
    return best;
}

static bool cs_list_kind(enum cv_section_kind k)
{
    return k == CV_SECTION_SKILLS || k == CV_SECTION_LANGUAGES ||
           k == CV_SECTION_CERTIFICATIONS || k == CV_SECTION_INTERESTS;
}

enum cv_section_kind cv_sections_heading_kind(const char *line, size_t len,
                                              struct cv_str *inline_text)
{
    struct cs_head h;
    const char *colon;
    enum cv_section_kind kind;
    size_t head_len = len, rest;

    if (inline_text != NULL)
        *inline_text = (struct cv_str){ NULL, 0 };
    if (len == 0 || cv_sections_bullet_len(line, len) > 0)
        return CV_SECTION_NONE;
    /* Only a colon within a heading's length can end one. */
    colon = memchr(line, ':', len < CV_SECTIONS_HEADING_MAX_BYTES + 1 ? len
                                  : CV_SECTIONS_HEADING_MAX_BYTES + 1);
    if (colon != NULL)
        head_len = (size_t)(colon - line);
    if (!cs_head_build(line, head_len, &h))
        return CV_SECTION_NONE;
    kind = cs_head_kind(&h);
    if (kind == CV_SECTION_NONE || colon == NULL)
        return kind;
    rest = head_len + 1;
    while (rest < len && (line[rest] == ' ' || line[rest] == '\t'))
        rest++;
    if (rest == len)
        return kind;                     /* "Skills:" */
    if (!cs_list_kind(kind))
        return CV_SECTION_NONE;          /* "Experience: 5 years in sales" is a sentence */
    if (inline_text != NULL)
        *inline_text = (struct cv_str){ line + rest, len - rest };
    return kind;
}

const char *cv_sections_kind_name(enum cv_section_kind kind)
{
    static const char *const names[CV_SECTION_KIND_COUNT] = {
        "none", "contact", "summary", "experience", "education", "skills",
        "languages", "certifications", "projects", "interests", "other",
    };

    if ((int)kind < 0 || kind >= CV_SECTION_KIND_COUNT)
        return "unknown";
    return names[kind];
}

/* ---- Bullets ---- */

/* Bullet symbols that may stand without a following space. */
static bool cs_bullet_symbol(uint32_t cp)
{
    static const uint32_t symbols[] = {
        0x00B7, 0x2022, 0x2023, 0x2043, 0x2192, 0x2219, 0x25A0, 0x25A1, 0x25AA, 0x25AB,
        0x25B6, 0x25BA, 0x25C6, 0x25C7, 0x25CB, 0x25CF, 0x25E6, 0x2605, 0x2606, 0x2713,
        0x2714, 0x2756, 0x2794, 0x27A2, 0x27A4, 0xF076, 0xF0A7, 0xF0B7, 0xF0D8,
    };
    size_t k;

    for (k = 0; k < CS_COUNT(symbols); k++)
        if (symbols[k] == cp)
            return true;
    return false;
}

size_t cv_sections_bullet_len(const char *line, size_t len)
{
    const unsigned char *u = (const unsigned char *)line;
    size_t sl, i;
    uint32_t cp;

    if (len == 0)
        return 0;
    sl = cv_utf8_seq_len(u, len);
    if (sl == 0)
        return 0;
    if (sl == 1) {
        if (strchr("-*+>", line[0]) == NULL || line[0] == '\0' || len < 2 || line[1] != ' ')
            return 0;
    } else {
        cp = sl == 2 ? ((u[0] & 0x1Fu) << 6 | (u[1] & 0x3Fu))
           : sl == 3 ? ((u[0] & 0x0Fu) << 12 | (u[1] & 0x3Fu) << 6 | (u[2] & 0x3Fu))
                     : 0;
        if (cp == 0x2013 || cp == 0x2014) {          /* "– " needs its space */
            if (len <= sl || line[sl] != ' ')
                return 0;
        } else if (!cs_bullet_symbol(cp)) {
            return 0;
        }
    }
    for (i = sl; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
        ;
    return i;
}

/* ---- Layout ---- */

static bool cs_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

enum cv_status cv_sections_parse(const char *text, size_t len, struct cv_layout *layout,
                                 struct cv_error *err)
{
    size_t i, count = 1, n = 0, start = 0;
    enum cv_section_kind current = CV_SECTION_NONE;

    memset(layout, 0, sizeof(*layout));
    if (text == NULL) {
        text = "";
        len = 0;
    }
    for (i = 0; i < len; i++)
        count += text[i] == '\n';
    if (count > CV_SECTIONS_MAX_LINES) {
        count = CV_SECTIONS_MAX_LINES;
        layout->truncated = true;
    }
    layout->lines = calloc(count, sizeof(*layout->lines));
    if (layout->lines == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "out of memory splitting the CV into lines");
    while (start <= len && n < count) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl != NULL ? (size_t)(nl - text) : len, a = start, b = end;
        struct cv_line *l = &layout->lines[n++];
        enum cv_section_kind kind;

        while (a < b && cs_space(text[a]))
            a++;
        while (b > a && cs_space(text[b - 1]))
            b--;
        l->text = (struct cv_str){ text + a, b - a };
        l->bullet_len = cv_sections_bullet_len(l->text.ptr, l->text.len);
        kind = cv_sections_heading_kind(l->text.ptr, l->text.len, &l->inline_text);
        if (kind != CV_SECTION_NONE && l->inline_text.len > 0 && cs_list_kind(current)) {
            kind = CV_SECTION_NONE;      /* "Languages: Python, Go" under Skills is a label */
            l->inline_text = (struct cv_str){ NULL, 0 };
        }
        if (kind != CV_SECTION_NONE) {
            l->heading = true;
            current = kind;
            layout->present[kind] = true;
            layout->nheadings++;
        }
        l->section = current;
        start = end + 1;
    }
    layout->nlines = n;
    return CV_OK;
}

void cv_sections_free(struct cv_layout *layout)
{
    free(layout->lines);
    memset(layout, 0, sizeof(*layout));
}

/* ---- Contact details ---- */

static bool cs_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool cs_alnum(unsigned char c)
{
    return cs_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Is there an address around the '@' at s[at]? */
static bool cs_email_at(const unsigned char *s, size_t n, size_t at)
{
    size_t l = at, r = at + 1, dot = 0, k;

    while (l > 0 && (cs_alnum(s[l - 1]) || (s[l - 1] != '\0' && strchr("._%+-", s[l - 1]))))
        l--;
    while (r < n && (cs_alnum(s[r]) || s[r] == '.' || s[r] == '-'))
        r++;
    while (r > at + 1 && s[r - 1] == '.')
        r--;
    if (l == at || r == at + 1 || s[at + 1] == '.')
        return false;
    for (k = at + 1; k < r; k++)
        if (s[k] == '.')
            dot = k;
    if (dot == 0 || r - dot - 1 < 2)
        return false;
    for (k = dot + 1; k < r; k++)
        if (!((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z')))
            return false;
    return true;
}

/* Digits a phone number has, at least and at most (E.164 allows 15). */
#define CS_PHONE_MIN_DIGITS 9
#define CS_PHONE_MAX_DIGITS 15

/* Read a phone-like run starting at s[i]; *end gets where it stops.
 * True when it is a phone number. */
static bool cs_phone_at(const unsigned char *s, size_t n, size_t i, size_t *end)
{
    size_t j = i, digits = 0, group = 0, last_digit = i;
    bool plus = s[i] == '+', paren = false, year_group = false;
    int value = 0;

    if (plus)
        j++;
    for (; j < n; j++) {
        unsigned char c = s[j];

        if (cs_digit(c)) {
            digits++;
            group++;
            value = group <= 4 ? value * 10 + (c - '0') : 0;
            last_digit = j;
            continue;
        }
        if (group == 4 && value >= CV_SECTIONS_YEAR_MIN && value <= CV_SECTIONS_YEAR_MAX)
            year_group = true;
        group = 0;
        value = 0;
        if (c == '(' || c == ')')
            paren = true;
        else if (c != ' ' && c != '.' && c != '-')
            break;
    }
    if (group == 4 && value >= CV_SECTIONS_YEAR_MIN && value <= CV_SECTIONS_YEAR_MAX)
        year_group = true;
    *end = j > i ? j : i + 1;
    if (digits < CS_PHONE_MIN_DIGITS || digits > CS_PHONE_MAX_DIGITS)
        return false;
    if (last_digit + 1 < n && (cs_alnum(s[last_digit + 1]) || s[last_digit + 1] == '/'))
        return false;
    return plus || paren || !year_group;
}

static bool cs_has_ci(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle), i, k;

    for (i = 0; i + m <= n; i++) {
        for (k = 0; k < m; k++) {
            char c = s[i + k];

            if (c >= 'A' && c <= 'Z')
                c = (char)(c + ('a' - 'A'));
            if (c != needle[k])
                break;
        }
        if (k == m)
            return true;
    }
    return false;
}

void cv_sections_scan_contact(const char *s, size_t n, struct cv_contact *c)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, end;

    for (i = 0; i < n && !c->email; i++)
        if (u[i] == '@' && cs_email_at(u, n, i))
            c->email = true;
    for (i = 0; i < n && !c->phone;) {
        bool starts = (u[i] == '+' || u[i] == '(' || cs_digit(u[i])) &&
                      (i == 0 || !(cs_alnum(u[i - 1]) || u[i - 1] == '/' || u[i - 1] == '.'));

        if (!starts) {
            i++;
            continue;
        }
        if (cs_phone_at(u, n, i, &end))
            c->phone = true;
        i = end;
    }
    if (!c->linkedin && cs_has_ci(s, n, "linkedin.com/"))
        c->linkedin = true;
    if (!c->github && cs_has_ci(s, n, "github.com/"))
        c->github = true;
}

/* ---- Dates ---- */

/* Items a line is read into, at most; a dated line has a handful. */
#define CS_DATE_MAX_ITEMS 96

enum cs_item_kind {
    CS_DATE,
    CS_PRESENT,
    CS_SEP,
    CS_SINCE,
    CS_OTHER,
};

struct cs_item {
    enum cs_item_kind kind;
    int year;
    int month;              /* 1..12, 0 when only the year is known */
};

struct cs_month_name {
    const char *name;
    int month;
};

static const struct cs_month_name cs_months[] = {
    { "jan", 1 }, { "janv", 1 }, { "january", 1 }, { "janvier", 1 },
    { "feb", 2 }, { "fev", 2 }, { "fevr", 2 }, { "february", 2 }, { "fevrier", 2 },
    { "mar", 3 }, { "march", 3 }, { "mars", 3 },
    { "apr", 4 }, { "avr", 4 }, { "april", 4 }, { "avril", 4 },
    { "may", 5 }, { "mai", 5 },
    { "jun", 6 }, { "june", 6 }, { "juin", 6 },
    { "jul", 7 }, { "juil", 7 }, { "july", 7 }, { "juillet", 7 },
    { "aug", 8 }, { "aou", 8 }, { "august", 8 }, { "aout", 8 },
    { "sep", 9 }, { "sept", 9 }, { "september", 9 }, { "septembre", 9 },
    { "oct", 10 }, { "october", 10 }, { "octobre", 10 },
    { "nov", 11 }, { "november", 11 }, { "novembre", 11 },
    { "dec", 12 }, { "december", 12 }, { "decembre", 12 },
};

static const char *const cs_present_words[] = {
    "actuel", "actuellement", "aujourd'hui", "aujourdhui", "cours", "current", "currently",
    "date", "jour", "maintenant", "now", "ongoing", "present", "today",
};
static const char *const cs_sep_words[] = {
    "a", "au", "jusqu'a", "jusqu'au", "jusqu'en", "through", "thru", "till", "to", "until",
};
static const char *const cs_since_words[] = { "depuis", "des", "since" };
/* Words that may sit inside a range without breaking it ("from 2018 to
 * 2020", "de 2016 à 2019", "à ce jour", "en cours"). */
static const char *const cs_skip_words[] = { "ce", "de", "du", "en", "from", "le", "the" };

static bool cs_in_list(const char *w, size_t n, const char *const *list, size_t count)
{
    size_t k;

    for (k = 0; k < count; k++)
        if (strlen(list[k]) == n && memcmp(list[k], w, n) == 0)
            return true;
    return false;
}

/* A four-digit year at f[i] not followed by a digit: its value, else 0. */
static int cs_year_at(const char *f, size_t n, size_t i)
{
    int v = 0;
    size_t k;

    if (i + 4 > n || (i + 4 < n && cs_digit((unsigned char)f[i + 4])))
        return 0;
    for (k = 0; k < 4; k++) {
        if (!cs_digit((unsigned char)f[i + k]))
            return 0;
        v = v * 10 + (f[i + k] - '0');
    }
    return v >= CV_SECTIONS_YEAR_MIN && v <= CV_SECTIONS_YEAR_MAX ? v : 0;
}

/* Read the number starting at f[i] into it; return where reading stops. */
static size_t cs_read_number(const char *f, size_t n, size_t i, struct cs_item *it)
{
    size_t j = i, k;
    int v = 0, y;

    while (j < n && cs_digit((unsigned char)f[j]))
        j++;
    for (k = i; k < j && k < i + 6; k++)
        v = v * 10 + (f[k] - '0');
    it->kind = CS_OTHER;
    if (j - i <= 2 && j + 1 < n && (f[j] == '/' || f[j] == '.' || f[j] == '-') && v >= 1 &&
        v <= 12 && (y = cs_year_at(f, n, j + 1)) != 0) {
        *it = (struct cs_item){ CS_DATE, y, v };          /* 03/2018 */
        return j + 5;
    }
    if (j - i == 4 && (y = cs_year_at(f, n, i)) != 0) {
        *it = (struct cs_item){ CS_DATE, y, 0 };
        if (j + 1 < n && (f[j] == '-' || f[j] == '/' || f[j] == '.') &&
            cs_digit((unsigned char)f[j + 1])) {           /* 2018-03 */
            size_t e = j + 1;
            int m = 0;

            while (e < n && cs_digit((unsigned char)f[e]) && e - (j + 1) < 3)
                m = m * 10 + (f[e++] - '0');
            if (e - (j + 1) <= 2 && (e == n || !cs_digit((unsigned char)f[e])) && m >= 1 &&
                m <= 12) {
                it->month = m;
                return e;
            }
        }
    }
    return j;
}

/* Read the word starting at f[i] into it (nothing when it is a word to
 * skip: it->kind is then CS_OTHER and *skip is set). */
static size_t cs_read_word(const char *f, size_t n, size_t i, struct cs_item *it, bool *skip)
{
    size_t j = i, wl, k;

    *skip = false;
    it->kind = CS_OTHER;
    while (j < n && ((f[j] >= 'a' && f[j] <= 'z') || f[j] == '\''))
        j++;
    wl = j - i;
    while (wl > 0 && f[i + wl - 1] == '\'')
        wl--;
    for (k = 0; k < CS_COUNT(cs_months); k++) {
        size_t e = j;
        int y;

        if (strlen(cs_months[k].name) != wl || memcmp(cs_months[k].name, f + i, wl) != 0)
            continue;
        while (e < n && (f[e] == ' ' || f[e] == '.' || f[e] == ','))
            e++;
        if ((y = cs_year_at(f, n, e)) != 0) {
            *it = (struct cs_item){ CS_DATE, y, cs_months[k].month };
            return e + 4;
        }
        break;
    }
    /* a month glued to the word before it, as a right-aligned date comes
     * out of some documents: "ManchesterSep. 2017", "ToulouseJuin 2018" */
    for (k = 0; k < CS_COUNT(cs_months); k++) {
        size_t ml = strlen(cs_months[k].name), e = j;
        int y;

        if (ml < 3 || ml >= wl || memcmp(cs_months[k].name, f + i + wl - ml, ml) != 0)
            continue;
        while (e < n && (f[e] == ' ' || f[e] == '.' || f[e] == ','))
            e++;
        if ((y = cs_year_at(f, n, e)) != 0) {
            *it = (struct cs_item){ CS_DATE, y, cs_months[k].month };
            return e + 4;
        }
    }
    for (k = 0; k < CS_COUNT(cs_since_words); k++) {
        size_t sl = strlen(cs_since_words[k]);

        if (sl >= 5 && sl < wl && memcmp(cs_since_words[k], f + i + wl - sl, sl) == 0) {
            it->kind = CS_SINCE;      /* glued too: "NantesDepuis mars 2021" */
            return j;
        }
    }
    if (cs_in_list(f + i, wl, cs_present_words, CS_COUNT(cs_present_words)))
        it->kind = CS_PRESENT;
    else if (cs_in_list(f + i, wl, cs_sep_words, CS_COUNT(cs_sep_words)))
        it->kind = CS_SEP;
    else if (cs_in_list(f + i, wl, cs_since_words, CS_COUNT(cs_since_words)))
        it->kind = CS_SINCE;
    else if (cs_in_list(f + i, wl, cs_skip_words, CS_COUNT(cs_skip_words)))
        *skip = true;
    return j;
}

size_t cv_sections_date_ranges(const char *line, size_t len, int present,
                               struct cv_date_range *out, size_t max)
{
    char f[CV_SECTIONS_DATE_LINE_MAX_BYTES + 1];
    struct cs_item items[CS_DATE_MAX_ITEMS];
    size_t n, i = 0, nitems = 0, k, count = 0;

    n = text_tokens_fold(line, len, f, sizeof(f));
    while (i < n && nitems < CS_DATE_MAX_ITEMS) {
        unsigned char c = (unsigned char)f[i];
        struct cs_item it = { CS_OTHER, 0, 0 };
        bool skip = false;

        if (cs_digit(c)) {
            i = cs_read_number(f, n, i, &it);
        } else if ((c >= 'a' && c <= 'z') || c >= 0x80) {
            if (c >= 0x80) {
                while (i < n && (unsigned char)f[i] >= 0x80)
                    i++;
            } else {
                i = cs_read_word(f, n, i, &it, &skip);
            }
        } else if (c == '-' || c == '/') {
            it.kind = CS_SEP;
            i++;
        } else {
            i++;
            continue;                    /* spaces and punctuation */
        }
        if (skip || (it.kind == CS_SEP && nitems > 0 && items[nitems - 1].kind == CS_SEP))
            continue;
        items[nitems++] = it;
    }
    for (k = 0; k < nitems && count < max;) {
        struct cv_date_range r = { 0, 0, false };

        if (items[k].kind == CS_DATE && k + 2 < nitems && items[k + 1].kind == CS_SEP &&
            (items[k + 2].kind == CS_DATE || items[k + 2].kind == CS_PRESENT)) {
            r.start = CV_SECTIONS_MONTH(items[k].year, items[k].month ? items[k].month : 1);
            r.ongoing = items[k + 2].kind == CS_PRESENT;
            r.end = r.ongoing ? present
                              : CV_SECTIONS_MONTH(items[k + 2].year,
                                                  items[k + 2].month ? items[k + 2].month : 12);
            k += 3;
        } else if (items[k].kind == CS_SINCE && k + 1 < nitems && items[k + 1].kind == CS_DATE) {
            r.start = CV_SECTIONS_MONTH(items[k + 1].year,
                                        items[k + 1].month ? items[k + 1].month : 1);
            r.end = present;
            r.ongoing = true;
            k += 2;
        } else {
            k++;
            continue;
        }
        if (r.end >= r.start)
            out[count++] = r;
    }
    return count;
}

size_t cv_sections_line_date_ranges(const struct cv_layout *lay, size_t i, int present,
                                    struct cv_date_range *out, size_t max, size_t *used)
{
    char joined[CV_SECTIONS_DATE_LINE_MAX_BYTES + 1];
    struct cv_date_range next[CS_DATE_MAX_ITEMS], own[CS_DATE_MAX_ITEMS];
    const struct cv_str *a = &lay->lines[i].text, *b;
    size_t n = cv_sections_date_ranges(a->ptr, a->len, present, out, max), nj, nb, room;

    *used = 1;
    if (i + 1 >= lay->nlines || lay->lines[i + 1].heading ||
        lay->lines[i + 1].section != lay->lines[i].section || n >= max)
        return n;
    b = &lay->lines[i + 1].text;
    if (a->len + 1 + b->len > CV_SECTIONS_DATE_LINE_MAX_BYTES)
        return n;
    nb = cv_sections_date_ranges(b->ptr, b->len, present, own, CS_COUNT(own));
    if (nb > 0 && n > 0)
        return n;
    memcpy(joined, a->ptr, a->len);
    joined[a->len] = ' ';
    memcpy(joined + a->len + 1, b->ptr, b->len);
    room = max < CS_COUNT(next) ? max : CS_COUNT(next);
    nj = cv_sections_date_ranges(joined, a->len + 1 + b->len, present, next, room);
    /* Either more ranges than line i alone, or, when only the next line
     * has one, the same ones starting at the month line i ended with. */
    if (nb == 0 ? nj <= n : nj != nb || next[0].start == own[0].start)
        return n;
    memcpy(out, next, nj * sizeof(next[0]));
    *used = 2;
    return nj;
}

int cv_sections_latest_year(const char *s, size_t n)
{
    size_t i = 0;
    int best = 0;

    while (i < n) {
        size_t j = i;

        if (!cs_digit((unsigned char)s[i])) {
            i++;
            continue;
        }
        while (j < n && cs_digit((unsigned char)s[j]))
            j++;
        if (j - i == 4) {
            int y = cs_year_at(s, n, i);

            if (y > best)
                best = y;
        }
        i = j;
    }
    return best;
}
