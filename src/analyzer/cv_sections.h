/*
 * cv_sections.h - the structure of a CV's text for the offline analyzer
 * (src/, pure): lines, section headings in English and French, bullets,
 * contact details and dated ranges ("Jan 2020 - Present", "2018 -
 * aujourd'hui", "depuis 2020").
 *
 * What a reader must know first: a heading is a short line that, folded
 * (no case, no accents, no punctuation), is one of the known headings;
 * every later line belongs to that section until the next heading. Lines
 * before the first heading belong to CV_SECTION_NONE (name, contact, and
 * everything of a CV that has no headings). Inside a list section (skills,
 * languages, ...) a "Label: items" line is a label, not a new section, so
 * "Languages: Python, Go" under Skills stays in Skills. Views point into the caller's
 * text, which must outlive the layout. Thread safe; no global state.
 */
#ifndef CV_SECTIONS_H
#define CV_SECTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "cv_status.h"

/* ---- Limits ---- */

/* Lines kept in a layout: a long CV has a few hundred; past this the rest
 * is ignored and the layout marked truncated. */
#define CV_SECTIONS_MAX_LINES 20000
/* A heading line, in bytes: longer lines are text, not headings. */
#define CV_SECTIONS_HEADING_MAX_BYTES 64
/* Bytes of a line the date reader looks at (a dated line is short). */
#define CV_SECTIONS_DATE_LINE_MAX_BYTES 1024
/* Years taken as dates: older or later four-digit numbers are not. */
#define CV_SECTIONS_YEAR_MIN 1970
#define CV_SECTIONS_YEAR_MAX 2035

enum cv_section_kind {
    CV_SECTION_NONE = 0,        /* before the first heading */
    CV_SECTION_CONTACT,
    CV_SECTION_SUMMARY,
    CV_SECTION_EXPERIENCE,
    CV_SECTION_EDUCATION,
    CV_SECTION_SKILLS,
    CV_SECTION_LANGUAGES,
    CV_SECTION_CERTIFICATIONS,
    CV_SECTION_PROJECTS,
    CV_SECTION_INTERESTS,
    CV_SECTION_OTHER,           /* a known heading of another kind ("Publications") */
    CV_SECTION_KIND_COUNT
};

struct cv_line {
    struct cv_str text;             /* trimmed, without '\n', in the caller's text */
    enum cv_section_kind section;   /* a heading belongs to the section it opens */
    bool heading;
    struct cv_str inline_text;      /* "Skills: Python, SQL" gives "Python, SQL";
                                       len 0 when none */
    size_t bullet_len;              /* bytes of a bullet prefix ("- ", "• "), 0 if none */
};

struct cv_layout {
    struct cv_line *lines;          /* owned */
    size_t nlines;
    bool present[CV_SECTION_KIND_COUNT];   /* a heading of that kind was seen */
    size_t nheadings;
    bool truncated;                 /* more than CV_SECTIONS_MAX_LINES lines */
};

/*
 * Split text[0..len) into lines and sections. CV_ERR_NOMEM when memory
 * runs out (layout is then empty and needs no free). Keeps pointers into
 * text. Release with cv_sections_free.
 */
enum cv_status cv_sections_parse(const char *text, size_t len, struct cv_layout *layout,
                                 struct cv_error *err) CV_WARN_UNUSED;

/* Release what layout owns; it becomes empty. Safe on an empty layout. */
void cv_sections_free(struct cv_layout *layout);

/*
 * The kind of heading line[0..len) is, or CV_SECTION_NONE. Accepted: a
 * known heading alone ("EXPÉRIENCE PROFESSIONNELLE", "Work Experience:",
 * "## Skills", "1. Formation"), a known heading followed by capitalised
 * words ("Education & Certifications"), and for list sections (skills,
 * languages, certifications, interests) a heading with its content after a
 * colon ("Compétences : Python, SQL"), whose content goes to *inline_text
 * (len 0 otherwise; inline_text may be NULL).
 */
enum cv_section_kind cv_sections_heading_kind(const char *line, size_t len,
                                              struct cv_str *inline_text);

/* Lower-case English name of a kind ("experience"), for logs and tests. */
const char *cv_sections_kind_name(enum cv_section_kind kind);

/* Bytes of the bullet at the start of line[0..len) with the spaces after
 * it: "-", "*", "+", "•", "◦", "▪", "‣", "●", "■", "►", "➤", "✓", "–" ...
 * followed by a space ("*" and "+" need one, symbols may stand alone);
 * 0 when the line has no bullet. */
size_t cv_sections_bullet_len(const char *line, size_t len);

/* ---- Contact details ---- */

struct cv_contact {
    bool email;
    bool phone;
    bool linkedin;      /* linkedin.com/... */
    bool github;        /* github.com/... */
};

/* Set the fields of *c for what s[0..n) holds; never clears a field, so
 * calls over several lines accumulate. Emails are local@domain.tld;
 * phones are 9 to 15 digits with spaces, dots, dashes or parentheses
 * ("+33 6 12 34 56 78", "(555) 123-4567", "06.12.34.56.78"), not date
 * ranges ("2019 - 2023 2024"). */
void cv_sections_scan_contact(const char *s, size_t n, struct cv_contact *c);

/* ---- Dates ---- */

/* A dated range, in months since year 0 (year * 12 + month - 1). A year
 * alone starts in January and ends in December. */
struct cv_date_range {
    int start;
    int end;
    bool ongoing;       /* ended by "present", "aujourd'hui", "depuis" ... */
};

/* Month index of year y, month m (1..12). */
#define CV_SECTIONS_MONTH(y, m) ((y) * 12 + (m) - 1)

/*
 * Dated ranges of one line, at most max into out; returns the count.
 * Reads "2019 - 2023", "2019 – 2023", "Jan 2020 - Present", "03/2018 –
 * 06/2021", "2018-03 to 2019-11", "sept. 2018 - aujourd'hui", "de 2016 à
 * 2019", "since 2020", "depuis mars 2021", and a month or "since" glued to
 * the word before it ("ManchesterSep. 2017 - Dec. 2022", "NantesDepuis
 * mars 2021"). An open end is `present`
 * (a month index, e.g. CV_SECTIONS_MONTH(2024, 12)). Ranges ending before
 * they start are dropped. Looks at most CV_SECTIONS_DATE_LINE_MAX_BYTES.
 */
size_t cv_sections_date_ranges(const char *line, size_t len, int present,
                               struct cv_date_range *out, size_t max);

/*
 * Dated ranges of layout line i, as cv_sections_date_ranges, reading on
 * into line i + 1 when a range was wrapped there ("Jan 2023 -" then
 * "Present", "Sep. 2017 - Dec." then "2022", "Lyon sept." then "2018 -
 * aujourd'hui"): when the next line, of the same section and not a
 * heading, has no range of its own and the two lines joined hold more
 * ranges than line i alone, or when only the next line has ranges and
 * joined they start at line i's month. *used is then 2 (the caller goes
 * on at line i + 2), else 1. i < lay->nlines.
 */
size_t cv_sections_line_date_ranges(const struct cv_layout *lay, size_t i, int present,
                                    struct cv_date_range *out, size_t max, size_t *used);

/* The latest year between CV_SECTIONS_YEAR_MIN and _MAX written in
 * s[0..n) as four digits, or 0 when there is none. */
int cv_sections_latest_year(const char *s, size_t n);

#endif
