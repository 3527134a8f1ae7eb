/*
 * heuristic_run.h - one run of the offline analyzer, shared between its
 * files (src/, private to heuristic*.c; hz_ is its prefix): heuristic.c
 * measures the CV into a struct hz_run, heuristic_markdown.c writes the
 * Markdown rewrite from it.
 *
 * What a reader must know first: a run belongs to one call of
 * heuristic_analyze, on one thread, and points into that call's input.
 */
#ifndef CV_HEURISTIC_RUN_H
#define CV_HEURISTIC_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "cv_sections.h"
#include "cv_status.h"
#include "heuristic.h"
#include "heuristic_rules.h"
#include "text_tokens.h"

struct hz_run {
    const struct heuristic_input *in;
    const char *text;                    /* in->text cut to HEURISTIC_TEXT_MAX_BYTES */
    size_t text_len;
    struct text_tokens_doc cv, jd, role;
    struct cv_layout layout;
    struct hz_facts f;
    struct hz_list strengths, weaknesses, suggestions;
    char summary[HEURISTIC_SUMMARY_MAX_BYTES];
};

/* Copy s[0..n) into dst (size > 0 bytes) as one line of valid UTF-8:
 * invalid bytes dropped, runs of spaces and controls as one space, cut on
 * a whole character, with "..." (U+2026) when cut and mark_cut. */
void hz_clean(char *dst, size_t size, const char *s, size_t n, bool mark_cut);

/* Is line l layout debris - a page number or a drawn table rule - that the
 * rewrite drops? */
bool hz_layout_debris(const struct cv_line *l);

/*
 * The Markdown rewrite of r (heuristic.h describes it) into *out, a
 * malloc'd NUL-terminated text the caller frees. CV_ERR_NOMEM when memory
 * runs out (err set, *out untouched). Reads r only.
 */
enum cv_status hz_markdown(const struct hz_run *r, char **out,
                           struct cv_error *err) CV_WARN_UNUSED;

#endif
