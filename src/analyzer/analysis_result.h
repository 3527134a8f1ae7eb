/*
 * analysis_result.h - the `result` object of an analysis (API.md), shared by
 * both analyzers (src/, pure): its JSON Schema, which the LLM analyzer sends
 * as a strict structured output, and the validation every result passes
 * before it is stored, whichever analyzer produced it.
 *
 * What a reader must know first: the validator is stricter than the schema
 * (it also checks string lengths, UTF-8 and NUL bytes, which OpenAI's
 * strict mode cannot express), so an answer that obeys the schema may still
 * be refused. Both functions are thread safe and keep no pointer.
 */
#ifndef CV_ANALYSIS_RESULT_H
#define CV_ANALYSIS_RESULT_H

#include <json-c/json.h>

#include "cv_status.h"

/*
 * Limits. They bound what one analysis stores and shows; an analyzer that
 * needs more is rambling, not analysing.
 */
/* strengths, weaknesses, suggestions: a screenful each. */
#define ANALYSIS_RESULT_LIST_MAX_ITEMS 20
/* keywords.found and keywords.missing: a long job description names a few
 * dozen skills. */
#define ANALYSIS_RESULT_KEYWORDS_MAX_ITEMS 50
/* One item of any list, in bytes (1..max): a sentence or two. */
#define ANALYSIS_RESULT_ITEM_MAX_BYTES 1000
/* summary, in bytes (1..max): a paragraph. */
#define ANALYSIS_RESULT_SUMMARY_MAX_BYTES 2000
/* score and atsScore range, inclusive. */
#define ANALYSIS_RESULT_SCORE_MIN 0
#define ANALYSIS_RESULT_SCORE_MAX 100

/*
 * A new JSON Schema of `result`, in the subset of draft 2020-12 that
 * OpenAI's strict structured outputs accept (and vLLM, llama.cpp and Ollama
 * follow): every object has type, properties, required = all its keys and
 * additionalProperties false; lists are string arrays with maxItems;
 * scores are integers with minimum and maximum. No string length keywords,
 * which strict mode refuses; analysis_result_validate checks them.
 * Returns NULL only when memory runs out; release with json_object_put.
 */
json_object *analysis_result_schema(void);

/*
 * Check that result is exactly an API.md `result`:
 * - an object with exactly the keys score, summary, strengths, weaknesses,
 *   suggestions, keywords {found, missing}, sections {contact, summary,
 *   experience, education, skills} and atsScore - none missing, none extra;
 * - score and atsScore of json type int in 0..100. A number written with a
 *   fraction or an exponent is refused even when integral (72.0): the
 *   schema asks for an integer, the stored value must render as one, and
 *   this function does not rewrite its input; a refused LLM answer costs
 *   one retry;
 * - summary a string of 1..ANALYSIS_RESULT_SUMMARY_MAX_BYTES bytes; list
 *   items strings of 1..ANALYSIS_RESULT_ITEM_MAX_BYTES bytes; every string
 *   valid UTF-8 without NUL; lists of at most ANALYSIS_RESULT_LIST_MAX_ITEMS
 *   (keywords: ANALYSIS_RESULT_KEYWORDS_MAX_ITEMS) items, empty allowed;
 * - sections values json booleans (not 0/1, not "true").
 * Keys are checked in API.md order, then unknown keys, list items in order.
 * Returns CV_OK, or CV_ERR_INVALID with err->message naming the first
 * offending path and the rule, e.g. "result.keywords.missing[3]: must be
 * a string" (safe to show a client; unknown key names are cut and reduced
 * to [A-Za-z0-9_]). result may be NULL (refused). err may be NULL.
 */
enum cv_status analysis_result_validate(json_object *result,
                                        struct cv_error *err) CV_WARN_UNUSED;

#endif
