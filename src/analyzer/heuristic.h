/*
 * heuristic.h - the offline CV analyzer (src/, pure): used by cv-worker
 * when no LLM API key is configured, so the product works with no account
 * anywhere. It reads the CV's structure (cv_sections.h) and words
 * (text_tokens.h) and produces the same `result` object as the LLM
 * analyzer (API.md), with honest scores and concrete suggestions, plus an
 * optional Markdown rewrite of the CV into standard sections.
 *
 * What a reader must know first: it is deterministic - the same input
 * gives byte-identical output; it reads no clock (pass reference_year for
 * "Present"), no environment and no global state, and it never invents an
 * employer, a date or a number. Thread safe.
 */
#ifndef CV_HEURISTIC_H
#define CV_HEURISTIC_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "cv_status.h"

/* ---- Limits ---- */

/* CV text analysed: as EXTRACT_TEXT_MAX_BYTES (a long CV is ~30 KiB); the
 * rest of a longer text is ignored, without error. */
#define HEURISTIC_TEXT_MAX_BYTES (200 * 1024)
/* Job description read: API.md allows 20 000 code points, 4 bytes each. */
#define HEURISTIC_JD_MAX_BYTES (80 * 1024)
/* Target role read: API.md allows 200 code points. */
#define HEURISTIC_ROLE_MAX_BYTES 800
/* Items of each result list: enough to act on, few enough to read. */
#define HEURISTIC_MAX_STRENGTHS 8
#define HEURISTIC_MAX_WEAKNESSES 8
#define HEURISTIC_MAX_SUGGESTIONS 10
/* Keywords in each of keywords.found and keywords.missing. */
#define HEURISTIC_MAX_KEYWORDS 30
/* One strength, weakness or suggestion, and the summary, in bytes; longer
 * texts are cut on a whole character. */
#define HEURISTIC_ITEM_MAX_BYTES 400
#define HEURISTIC_SUMMARY_MAX_BYTES 600
/* The Markdown rewrite: about the CV's own size, so 256 KiB holds a
 * capped CV; past it lines are dropped and a note says so. */
#define HEURISTIC_MARKDOWN_MAX_BYTES (256 * 1024)
/* Notes closing the rewrite (missing keywords, "too long"), written even
 * past HEURISTIC_MARKDOWN_MAX_BYTES: the whole text stays under the sum. */
#define HEURISTIC_MARKDOWN_NOTES_MAX_BYTES 1024

struct heuristic_input {
    const char *text;              /* the CV, UTF-8, normalised (text_normalize.h) */
    size_t text_len;
    const char *job_description;   /* NULL or empty: none */
    size_t jd_len;
    const char *target_role;       /* NULL or empty: none */
    size_t role_len;
    const char *language;          /* "en..." or "fr..." writes the texts in that
                                      language; NULL, "" or any other code: the
                                      CV's own language (English or French) */
    bool optimize;                 /* also write the Markdown rewrite */
    int reference_year;            /* the year "Present" stands for (the worker
                                      passes the current year); 0: the latest
                                      year written in the CV */
};

/*
 * Analyse in->text. On CV_OK, *result is a new json-c object with exactly
 * the keys of API.md's `result`, in this order:
 *   score (int 0..100), summary (string), strengths, weaknesses,
 *   suggestions (arrays of strings, at most 8, 8 and 10), keywords
 *   {found, missing} (arrays of at most 30 strings), sections {contact,
 *   summary, experience, education, skills} (booleans), atsScore (int
 *   0..100)
 * - the caller releases it with json_object_put - and *optimized_markdown
 * is a malloc'd NUL-terminated Markdown text when in->optimize (free()
 * it), NULL otherwise. optimized_markdown may be NULL when !in->optimize.
 * Inputs longer than the limits above are cut, never refused.
 *
 * score weighs, out of 100: sections 25 (contact 5, summary 4, experience
 * 7, education 5, skills 4), quantified achievements 15 (3 per line with a
 * figure, up to 5), action verbs 10 (share of bullets opening with one),
 * length 10 (300-900 words), dated positions 5, atsScore 15 (pro rata) and
 * job-description keyword coverage 20 - the last only when a job
 * description is given; otherwise the other 80 points are scaled to 100.
 * atsScore starts at 100 and loses points per problem: no email or phone,
 * no Experience, Education or Skills heading, drawn tables, text in
 * columns, decorative symbols or emoji, very long lines, personal data,
 * lines in capitals, page numbers. Without a job description, keywords
 * are the known skills found in the CV, and `missing` holds only the
 * skills a known target role implies ("DevOps" -> Kubernetes, ...).
 *
 * The Markdown rewrite keeps the candidate's own lines, in this order:
 * "# name" (the first line when it looks like a name, or the first line
 * after contact lines that open the text) and the contact line, then "## Summary", "## Experience", "## Education", "## Skills"
 * (French headings for a French output), then projects, certifications,
 * languages, interests and other sections. Bullets become "- ", page
 * numbers and drawn table rules are dropped; a missing summary becomes one
 * line from the target role and skills found in the CV, other missing
 * sections an HTML comment asking for them; missing keywords go in a
 * final HTML comment. With a target role, or a job description whose
 * keywords the CV has, that line opens the summary even when the CV has
 * one: the role and those keywords. Nothing
 * is invented: every name, date and figure of the rewrite outside its
 * headings and comments is the CV's (or the target role's), and every
 * line of the CV is kept but page numbers and table rules.
 *
 * Failures (*result and *optimized_markdown are then NULL):
 *   CV_ERR_DOCUMENT  the CV has no letter or digit ("no extractable text")
 *   CV_ERR_NOMEM     memory ran out
 *   CV_ERR_INTERNAL  a NULL argument that may not be NULL (a bug)
 * Keeps no pointer to its input.
 */
enum cv_status heuristic_analyze(const struct heuristic_input *in, json_object **result,
                                 char **optimized_markdown, struct cv_error *err) CV_WARN_UNUSED;

#endif
