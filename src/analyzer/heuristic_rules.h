/*
 * heuristic_rules.h - the offline analyzer's judgements as data (src/,
 * pure): one table of rules, each "when these facts hold (and those do
 * not), lose this many atsScore points / write this message", read by a
 * few small functions that fill the strengths, weaknesses, suggestions and
 * summary. Private to the heuristic analyzer (heuristic*.c) and its tests;
 * hz_ is its prefix.
 *
 * What a reader must know first: heuristic.c measures the CV into struct
 * hz_facts and judges the measures into fact bits (enum hz_fact); rules
 * only test bits, so every threshold stays with its measure, and texts
 * only quote hz_facts, so every figure a text gives is the one scored.
 * Each rule's condition is complete on its own (no rule depends on another
 * having fired), and a list's texts come in table order, which is their
 * rank in the result. Pure and thread safe.
 */
#ifndef CV_HEURISTIC_RULES_H
#define CV_HEURISTIC_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cv_sections.h"
#include "heuristic.h"
#include "heuristic_messages.h"
#include "text_tokens.h"

/* Keyword names quoted in one sentence ({found}, {missing}). */
#define HZ_NAMES_IN_TEXT 5
#define HZ_NAMES_MAX_BYTES 400
/* A line of the CV quoted as an example ({example}), "…" aside. */
#define HZ_EXAMPLE_MAX_BYTES 90
/* Gaps between positions kept, and named one text each. */
#define HZ_MAX_GAPS 3
#define HZ_GAPS_NAMED 2
/* The target role as quoted in texts ({role}). */
#define HZ_ROLE_SHOWN_MAX_BYTES 80

/* What heuristic.c concluded from the measures; a rule tests these. */
enum hz_fact {
    HZ_FACT_CONTACT,            /* an email or a phone number */
    HZ_FACT_LINKEDIN,
    HZ_FACT_SUMMARY,            /* headings present */
    HZ_FACT_EXPERIENCE,
    HZ_FACT_EDUCATION,
    HZ_FACT_SKILLS,
    HZ_FACT_SECTION_MISSING,    /* one of the four above is absent */
    HZ_FACT_COMPLETE,           /* contact details and all four sections */
    HZ_FACT_JD,                 /* a job description was given */
    HZ_FACT_ROLE,               /* a target role was given */
    HZ_FACT_JD_KEYWORDS,        /* ... and it has candidate keywords */
    HZ_FACT_KEYWORDS_GOOD,      /* the CV holds enough of them */
    HZ_FACT_MISSING,            /* keywords.missing is not empty */
    HZ_FACT_FOUND,              /* keywords.found is not empty */
    HZ_FACT_FOUND_MANY,         /* ... it names HZ_NAMES_IN_TEXT or more */
    HZ_FACT_QUANTIFIED,         /* a line with a figure */
    HZ_FACT_QUANTIFIED_GOOD,    /* enough of them */
    HZ_FACT_BULLETS,            /* the work is described in bullet points */
    HZ_FACT_CANDIDATES,         /* lines judged for action verbs */
    HZ_FACT_CANDIDATES_3,       /* ... at least three */
    HZ_FACT_VERBS_GOOD,         /* enough of them open with an action verb */
    HZ_FACT_DATED,              /* a dated position */
    HZ_FACT_DATED_2,            /* two or more */
    HZ_FACT_GAP,                /* a long gap between positions */
    HZ_FACT_SHORT,              /* too few words */
    HZ_FACT_LONG,               /* too many */
    HZ_FACT_LENGTH_IDEAL,
    HZ_FACT_TABLE,              /* ATS problems (struct hz_ats) */
    HZ_FACT_COLUMNS,
    HZ_FACT_SYMBOLS,
    HZ_FACT_LONG_LINES,
    HZ_FACT_PERSONAL,
    HZ_FACT_CAPS,
    HZ_FACT_PAGES,
    HZ_FACT_ATS_GOOD,           /* from atsScore: known only once it is weighed */
    HZ_FACT_ATS_POOR,
    HZ_FACT_COUNT
};

#define HZ_FACT_BIT(name) (UINT64_C(1) << HZ_FACT_##name)
_Static_assert(HZ_FACT_COUNT <= 64, "facts are bits of a uint64_t");

struct hz_gap {
    int from_year, to_year, months;
};

struct hz_ats {
    bool table, columns, symbols, long_lines, personal, caps, pages;
    size_t nsymbols;
    int score;
};

/* The measures of one CV; texts quote them through placeholders. */
struct hz_facts {
    const struct hz_language *lang;      /* the output language */
    uint64_t bits;                       /* HZ_FACT_BIT(...) that hold */
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
    char example[HZ_EXAMPLE_MAX_BYTES + 4];   /* that line, cleaned and cut */
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

/* What a rule feeds. */
enum hz_rule_list {
    HZ_LIST_ATS,            /* atsScore points lost (weight), no text */
    HZ_LIST_STRENGTHS,
    HZ_LIST_WEAKNESSES,     /* most serious first */
    HZ_LIST_SUGGESTIONS,    /* most useful first */
    HZ_LIST_UP,             /* the summary: what drives the score up */
    HZ_LIST_DOWN,           /* ... and down, most serious first */
};

struct hz_rule {
    enum hz_rule_list list;
    uint64_t all;           /* facts that must all hold */
    uint64_t any;           /* facts of which one must hold; 0: no such demand */
    uint64_t none;          /* facts that must not hold */
    bool per_gap;           /* one text per gap, for the first HZ_GAPS_NAMED gaps */
    int weight;             /* HZ_LIST_ATS: points lost */
    enum hz_msg msg;        /* other lists: the text */
};

/* The table, in order; exposed for the unit tests. */
extern const struct hz_rule hz_rules[];
extern const size_t hz_rules_count;

/* Does rule r hold on the facts bits? */
bool hz_rule_holds(const struct hz_rule *r, uint64_t bits);

/* The sum of the weights of the rules of list that hold on bits. */
int hz_rules_weight(enum hz_rule_list list, uint64_t bits);

/* A list of texts (strengths, weaknesses, suggestions, summary drivers). */
struct hz_list {
    size_t n, max;
    char items[HEURISTIC_MAX_SUGGESTIONS][HEURISTIC_ITEM_MAX_BYTES];
};

/* An empty list that keeps at most max (<= HEURISTIC_MAX_SUGGESTIONS). */
void hz_list_init(struct hz_list *l, size_t max);

/* Append the texts of the rules of list that hold on f->bits, in table
 * order, in f->lang; once out is full the rest are dropped. Each text is
 * cut on a whole character to HEURISTIC_ITEM_MAX_BYTES. */
void hz_rules_texts(enum hz_rule_list list, const struct hz_facts *f, struct hz_list *out);

/* The summary into dst (size bytes): "Score N/100.", what drives it up
 * (HZ_LIST_UP), then down (HZ_LIST_DOWN) or "no major issue"; cut on a
 * whole character, always ending with a full stop. */
void hz_rules_summary(const struct hz_facts *f, char *dst, size_t size);

/*
 * Render message id of f->lang into dst (size > 0 bytes, NUL-terminated),
 * its placeholders filled from f ({gap_*} from f->gaps[gap]). Returns the
 * length of the whole text, as snprintf does: when it is >= size, dst
 * holds its first size - 1 bytes. Placeholders:
 *   {score} {ats_score} {words} {quantified} {example} {verb_lines}
 *   {candidates} {kw_found} {kw_total} {found} {found_count} {missing}
 *   {contact} {sections} {role} {symbols} {first_year} {last_year}
 *   {gap_months} {gap_from} {gap_to}
 */
size_t hz_render(char *dst, size_t size, const struct hz_facts *f, enum hz_msg id, size_t gap);

/* True when every "{" of template t opens a known placeholder. */
bool hz_template_ok(const char *t);

/* "A, B, C" from the first max_names keywords; whole names only. */
void hz_names_upto(char *dst, size_t size, const struct text_keyword *k, size_t n,
                   size_t max_names);

#endif
