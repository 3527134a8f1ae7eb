/*
 * heuristic_messages.h - every text the offline analyzer writes, one table
 * per language (src/, pure data): heuristic_messages_en.c,
 * heuristic_messages_fr.c. Private to the heuristic analyzer (heuristic*.c)
 * and its tests; hz_ is its prefix.
 *
 * What a reader must know first: a message is a template in which
 * "{name}" stands for a measure of the CV (heuristic_rules.h lists the
 * names), so each language puts the figures where its grammar wants them.
 * A third language is one more table and one more line in hz_languages;
 * every language must give every message, with the same placeholders as
 * English (the unit test checks both). Read-only, thread safe.
 */
#ifndef CV_HEURISTIC_MESSAGES_H
#define CV_HEURISTIC_MESSAGES_H

#include <stddef.h>

#include "cv_sections.h"
#include "text_tokens.h"

enum hz_msg {
    HZ_MSG_NONE = 0,            /* no text: atsScore rules */

    /* Words that texts are built from. */
    HZ_MSG_AND,                 /* the last separator of a list: "a, b and c" */
    HZ_MSG_EMAIL,
    HZ_MSG_PHONE,
    HZ_MSG_SECTION_SUMMARY,     /* section names, also the rewrite's headings */
    HZ_MSG_SECTION_EXPERIENCE,
    HZ_MSG_SECTION_EDUCATION,
    HZ_MSG_SECTION_SKILLS,
    HZ_MSG_SECTION_LANGUAGES,
    HZ_MSG_SECTION_CERTIFICATIONS,
    HZ_MSG_SECTION_PROJECTS,
    HZ_MSG_SECTION_INTERESTS,
    HZ_MSG_SECTION_OTHER,

    /* strengths */
    HZ_MSG_S_ALL_SECTIONS,
    HZ_MSG_S_CORE_SECTIONS,
    HZ_MSG_S_QUANTIFIED,
    HZ_MSG_S_VERBS,
    HZ_MSG_S_JD_KEYWORDS,
    HZ_MSG_S_SKILLS_NAMED,
    HZ_MSG_S_CONTACT,
    HZ_MSG_S_DATED,
    HZ_MSG_S_LENGTH,
    HZ_MSG_S_ATS,

    /* weaknesses */
    HZ_MSG_W_NO_CONTACT,
    HZ_MSG_W_SECTIONS,
    HZ_MSG_W_JD_KEYWORDS_POOR,
    HZ_MSG_W_JD_KEYWORDS_MISSING,
    HZ_MSG_W_ROLE_SKILLS,
    HZ_MSG_W_TABLE,
    HZ_MSG_W_SYMBOLS,
    HZ_MSG_W_PERSONAL,
    HZ_MSG_W_NO_QUANTIFIED,
    HZ_MSG_W_FEW_QUANTIFIED,
    HZ_MSG_W_VERBS,
    HZ_MSG_W_PARAGRAPHS,
    HZ_MSG_W_GAP,
    HZ_MSG_W_NO_DATES,
    HZ_MSG_W_SHORT,
    HZ_MSG_W_LONG,
    HZ_MSG_W_COLUMNS,
    HZ_MSG_W_LONG_LINES,
    HZ_MSG_W_CAPS,
    HZ_MSG_W_PAGES,

    /* suggestions */
    HZ_MSG_DO_CONTACT,
    HZ_MSG_DO_EXPERIENCE,
    HZ_MSG_DO_SKILLS_MISSING,
    HZ_MSG_DO_KEYWORDS_MISSING,
    HZ_MSG_DO_SKILLS_FOUND,
    HZ_MSG_DO_SKILLS,
    HZ_MSG_DO_QUANTIFY,
    HZ_MSG_DO_GAP,
    HZ_MSG_DO_ONE_COLUMN,
    HZ_MSG_DO_SYMBOLS,
    HZ_MSG_DO_VERBS,
    HZ_MSG_DO_BULLETS,
    HZ_MSG_DO_PERSONAL,
    HZ_MSG_DO_SUMMARY,
    HZ_MSG_DO_EDUCATION,
    HZ_MSG_DO_DATES,
    HZ_MSG_DO_EXPAND,
    HZ_MSG_DO_SHORTEN,
    HZ_MSG_DO_LONG_LINES,
    HZ_MSG_DO_CAPS,
    HZ_MSG_DO_PAGES,
    HZ_MSG_DO_LINKEDIN,
    HZ_MSG_DO_TAILOR,
    HZ_MSG_DO_JOB_OFFER,
    HZ_MSG_DO_TARGET_ROLE,

    /* the summary: its frame, then what drives the score up and down */
    HZ_MSG_SUM_SCORE,
    HZ_MSG_SUM_STRENGTHS,
    HZ_MSG_SUM_TO_IMPROVE,
    HZ_MSG_SUM_NO_ISSUE,
    HZ_MSG_UP_JD_KEYWORDS,
    HZ_MSG_UP_ALL_SECTIONS,
    HZ_MSG_UP_QUANTIFIED,
    HZ_MSG_UP_VERBS,
    HZ_MSG_UP_ATS,
    HZ_MSG_DOWN_NO_CONTACT,
    HZ_MSG_DOWN_SECTIONS,
    HZ_MSG_DOWN_ATS,
    HZ_MSG_DOWN_JD_KEYWORDS,
    HZ_MSG_DOWN_GAP,
    HZ_MSG_DOWN_FEW_QUANTIFIED,
    HZ_MSG_DOWN_SHORT,
    HZ_MSG_DOWN_LONG,

    /* the Markdown rewrite: a generated summary line, notes */
    HZ_MSG_MD_ROLE_AND_SKILLS,
    HZ_MSG_MD_SKILLS,
    HZ_MSG_MD_ROLE,
    HZ_MSG_MD_NO_SUMMARY,
    HZ_MSG_MD_NO_EXPERIENCE,
    HZ_MSG_MD_NO_EDUCATION,
    HZ_MSG_MD_NO_SKILLS,
    HZ_MSG_MD_MISSING_KEYWORDS,
    HZ_MSG_MD_TOO_LONG,

    HZ_MSG_COUNT
};

struct hz_language {
    const char *code;                 /* ISO 639-1, lower case: "en" */
    const char *msg[HZ_MSG_COUNT];    /* UTF-8 templates; msg[HZ_MSG_NONE] unused */
};

extern const struct hz_language hz_language_en;
extern const struct hz_language hz_language_fr;

/* Every language, for the unit tests and for hz_language_by_code. */
extern const struct hz_language *const hz_languages[];
extern const size_t hz_languages_count;

/* The language whose code the first two letters of code name, in either
 * case ("fr", "FR-ca", "en_US"); NULL for NULL, "" or an unknown code. */
const struct hz_language *hz_language_by_code(const char *code);

/* The language text_tokens_guess_lang found. */
const struct hz_language *hz_language_of(enum text_lang lang);

/* The template of message id in lang (never NULL for a complete table). */
const char *hz_msg(const struct hz_language *lang, enum hz_msg id);

/* The name of section kind in lang ("Skills", "Compétences"); unknown
 * kinds and CV_SECTION_OTHER: "Additional information". */
const char *hz_section_name(enum cv_section_kind kind, const struct hz_language *lang);

#endif
