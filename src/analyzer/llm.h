/*
 * llm.h - the LLM analyzer (src/): a client for any OpenAI-compatible
 * chat-completions server (OpenAI, Azure's v1 API, Ollama, vLLM, llama.cpp)
 * that turns a CV's text into the API.md `result` object through a strict
 * JSON-schema structured output, and on request into an optimized CV in
 * Markdown; plus the cache key and cache encoding of its answers.
 *
 * What a reader must know first: every call is bounded (time, bytes, one
 * retry of an invalid answer), and the only statuses a caller should retry
 * are CV_ERR_UNAVAILABLE and CV_ERR_TIMEOUT. The caller has called
 * curl_global_init. All functions are thread safe: each call makes its own
 * curl handle and keeps no pointer to what it was given.
 */
#ifndef CV_LLM_H
#define CV_LLM_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "config.h"
#include "cv_status.h"

/*
 * The version of the prompts in llm.c (system prompts, user message framing,
 * schema). Part of the cache key and stored nowhere else: bump it whenever
 * anything that shapes the model's answer changes, so no stale answer is
 * served from the cache.
 */
#define LLM_PROMPT_VERSION "2025-06-cv-analysis-2"

/*
 * Limits.
 */
/* One chat-completions call, connect included: a slow local model writes
 * a result of a few hundred tokens well inside a minute. */
#define LLM_TIMEOUT_MS 60000
/* The optimize call writes a whole CV (a few thousand tokens). */
#define LLM_OPTIMIZE_TIMEOUT_MS 120000
#define LLM_CONNECT_TIMEOUT_MS 10000
/* CV text sent, cut on a code point boundary: about 15k tokens, within
 * every current model's context with room for the answer. */
#define LLM_CV_TEXT_MAX_BYTES 60000
/* Job description sent (API.md allows 20 000 code points; 4 bytes each at
 * worst) and target role (200 code points). */
#define LLM_JOB_DESCRIPTION_MAX_BYTES 80000
#define LLM_TARGET_ROLE_MAX_BYTES 800
/* language: a BCP 47 tag such as "fr" or "pt-BR" ([A-Za-z0-9-] only). */
#define LLM_LANGUAGE_MAX_BYTES 35
/* A response body read from the server; more is an invalid answer. */
#define LLM_RESPONSE_MAX_BYTES (1024 * 1024)
/* The optimized CV in Markdown (the content, after fences are removed). */
#define LLM_MARKDOWN_MAX_BYTES (64 * 1024)
/* Calls per step when the answer is invalid: the first and one retry. */
#define LLM_INVALID_ANSWER_MAX_CALLS 2
/* Retry-After honoured up to this; a longer wait is the queue's business. */
#define LLM_RETRY_AFTER_MAX_S 600
/* A request URL ({OPENAI_BASE_URL}/chat/completions). */
#define LLM_URL_MAX_BYTES 2048
/* An encoded cache entry (llm_answer_to_json): a maximal result and
 * markdown, escaped, fit with room to spare. */
#define LLM_CACHE_JSON_MAX_BYTES (1024 * 1024)
/* The model name kept in an answer, NUL included. */
#define LLM_MODEL_MAX_BYTES 128

/* What to analyse. Pointers are borrowed for the call. NULL or "" means
 * "not given" for every optional string. */
struct llm_request {
    const char *text;               /* the CV's extracted text, UTF-8 */
    size_t text_len;                /* bytes at text; cut at LLM_CV_TEXT_MAX_BYTES */
    const char *job_description;    /* optional, UTF-8, NUL-terminated */
    const char *target_role;        /* optional, UTF-8, NUL-terminated */
    const char *language;           /* optional BCP 47 tag; NULL: the CV's own */
    bool optimize;                  /* also write the optimized CV */
    const char *request_id;         /* for log lines only; may be NULL */
};

/* What the analyzer answered. Owned by the struct: release with
 * llm_answer_free. A zeroed struct is empty and may be freed. */
struct llm_answer {
    json_object *result;            /* passed analysis_result_validate */
    char *optimized_markdown;       /* NULL unless optimize; malloc'd */
    long prompt_tokens;             /* summed over every call made, retries */
    long completion_tokens;         /*   included (they are billed too) */
    char model[LLM_MODEL_MAX_BYTES]; /* as the server reports it, else the
                                        configured one */
};

/* Release what a holds and leave it empty. a may be NULL. */
void llm_answer_free(struct llm_answer *a);

/*
 * Analyse in->text with cfg->openai_model at cfg->openai_base_url, using
 * cfg->openai_api_key as a bearer token. One chat-completions call with the
 * result's JSON schema (strict); when in->optimize and the result is valid,
 * a second call for the Markdown CV. On CV_OK *out holds both; on failure
 * *out is left empty. *retry_after_s (may be NULL) is set on every return:
 * the server's Retry-After in seconds, capped at LLM_RETRY_AFTER_MAX_S, 0
 * when absent; err->retry_after_s holds the same.
 *
 * Returns:
 * - CV_OK.
 * - CV_ERR_UNAVAILABLE (transient): HTTP 429 or 5xx, a connection error,
 *   a 200 whose body is not a chat completion, and also every other
 *   non-200 status (400, 401, 403, 404...). Those mean a wrong key, URL or
 *   model, or a server that does not support structured outputs: the same
 *   request succeeds once an operator fixes the configuration, and the
 *   job's retries are bounded. The message (for the log) has the status
 *   and the server's error message.
 * - CV_ERR_TIMEOUT (transient): a call ran past its bound.
 * - CV_ERR_INVALID (permanent): the model answered twice in a row with
 *   something unusable (not JSON, a refusal, a result that fails
 *   analysis_result_validate, an empty or oversized Markdown); the message
 *   is "the analyzer returned an invalid answer: <first problem>". Also
 *   when in itself is unusable (no text, text/job description/target role
 *   not UTF-8, a malformed language tag), before any call.
 * - CV_ERR_CONFIG: no API key, base URL or model, or an over-long URL.
 * - CV_ERR_NOMEM, CV_ERR_INTERNAL.
 * An UNAVAILABLE or TIMEOUT in the optimize call fails the whole analysis,
 * which the caller retries whole.
 */
enum cv_status llm_analyze(const struct cv_config *cfg, const struct llm_request *in,
                           struct llm_answer *out, long *retry_after_s,
                           struct cv_error *err) CV_WARN_UNUSED;

/*
 * Time bounds of one llm_analyze_ex; llm_analyze uses LLM_TIMEOUT_MS,
 * LLM_OPTIMIZE_TIMEOUT_MS and LLM_CONNECT_TIMEOUT_MS. Each field is clamped
 * to 1..its production bound, so they can only be shortened (tests use a
 * short one to see a timeout).
 */
struct llm_timeouts {
    long analyze_ms;
    long optimize_ms;
    long connect_ms;
};

/* llm_analyze with the given time bounds; timeouts NULL: the production
 * ones. */
enum cv_status llm_analyze_ex(const struct cv_config *cfg, const struct llm_request *in,
                              const struct llm_timeouts *timeouts, struct llm_answer *out,
                              long *retry_after_s, struct cv_error *err) CV_WARN_UNUSED;

/*
 * The cache key of a request: SHA-256, in lower-case hex, of a tagged,
 * length-prefixed encoding of the text, job description, target role,
 * language, optimize flag, base URL (without trailing '/'), model and
 * LLM_PROMPT_VERSION, so a change in any of them gives another key and no
 * two different field splits collide. NULL and "" are the same (both mean
 * "not given" and produce the same prompt). The full text is hashed, not
 * the cut that is sent. out_hex gets 64 digits and a NUL.
 */
void llm_cache_key(const struct cv_config *cfg, const struct llm_request *in,
                   char out_hex[65]);

/*
 * Encode an answer for the cache: {"v":1,"result":{...},"optimizedMarkdown":
 * "..."|null,"promptTokens":n,"completionTokens":n,"model":"..."}.
 * Returns a malloc'd NUL-terminated string (free it), NULL when memory runs
 * out or a has no result.
 */
char *llm_answer_to_json(const struct llm_answer *a);

/*
 * Decode a cache entry made by llm_answer_to_json (s non-NULL, NUL-terminated, at most
 * LLM_CACHE_JSON_MAX_BYTES). The result is validated again and every field
 * checked as an answer would be. On CV_OK *a holds the answer (release with
 * llm_answer_free); otherwise *a is left empty and the status is
 * CV_ERR_INVALID (treat the entry as a miss) or CV_ERR_NOMEM.
 */
enum cv_status llm_answer_from_json(const char *s, struct llm_answer *a,
                                    struct cv_error *err) CV_WARN_UNUSED;

#endif
