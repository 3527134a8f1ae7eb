/*
 * job.c - one analysis job (see job.h).
 */
#include "job.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "analysis.h"
#include "analysis_events.h"
#include "analysis_repo.h"
#include "analysis_result.h"
#include "extract.h"
#include "heuristic.h"
#include "llm.h"
#include "llm_cache.h"
#include "log.h"
#include "sentry.h"
#include "timefmt.h"
#include "worker_metrics.h"

#define HEURISTIC_MODEL "heuristic-1"

const char *job_outcome_name(enum job_outcome o)
{
    switch (o) {
    case JOB_COMPLETED: return "completed";
    case JOB_FAILED: return "failed";
    case JOB_RETRIED: return "retried";
    case JOB_DROPPED: return "dropped";
    case JOB_BUSY: return "busy";
    case JOB_INTERRUPTED: return "interrupted";
    }
    return "unknown";
}

/* What the analyzer produced. */
struct job_answer {
    json_object *result;
    char *optimized;
    json_object *analyzer;      /* {provider, model, promptTokens, completionTokens} */
};

static void job_answer_free(struct job_answer *a)
{
    json_object_put(a->result);
    json_object_put(a->analyzer);
    free(a->optimized);
    memset(a, 0, sizeof(*a));
}

static json_object *analyzer_json(const char *provider, const char *model, long prompt,
                                  long completion)
{
    json_object *o = json_object_new_object();

    if (o == NULL)
        return NULL;
    json_object_object_add(o, "provider", json_object_new_string(provider));
    json_object_object_add(o, "model", json_object_new_string(model));
    json_object_object_add(o, "promptTokens", json_object_new_int64(prompt));
    json_object_object_add(o, "completionTokens", json_object_new_int64(completion));
    return o;
}

static bool is_transient(enum cv_status st)
{
    return st == CV_ERR_UNAVAILABLE || st == CV_ERR_TIMEOUT || st == CV_ERR_IO ||
           st == CV_ERR_NOMEM;
}

/* The LLM, through the Redis cache of identical requests (the entry is
 * referenced by the analysis, so deleting the analysis deletes it). */
static enum cv_status analyze_llm(struct job_slot *slot, const char *analysis_id,
                                  const struct llm_request *req, struct job_answer *out,
                                  long *retry_after_s, struct cv_error *err)
{
    const struct cv_config *cfg = slot->ctx.cfg;
    struct llm_answer ans;
    struct cv_error cache_err;
    char key[65];
    char *json = NULL;
    enum cv_status st;
    bool cached = false, found = false;

    memset(&ans, 0, sizeof(ans));
    llm_cache_key(cfg, req, key);
    cv_error_clear(&cache_err);
    if (llm_cache_get(slot->ctx.redis, key, analysis_id, JOB_LLM_CACHE_TTL_S, &json, &found,
                      &cache_err) == CV_OK && found &&
        llm_answer_from_json(json, &ans, &cache_err) == CV_OK)
        cached = true;
    free(json);
    if (!cached) {
        st = llm_analyze(cfg, req, &ans, retry_after_s, err);
        if (st != CV_OK) {
            llm_answer_free(&ans);
            return st;
        }
        json = llm_answer_to_json(&ans);
        if (json != NULL && llm_cache_put(slot->ctx.redis, key, analysis_id, json,
                                          JOB_LLM_CACHE_TTL_S, &cache_err) != CV_OK)
            cv_log_error_detail(CV_LOG_WARN, slot->ctx.request_id, cache_err.message,
                                "LLM answer not cached");
        free(json);
        worker_metrics_tokens(slot->ctx.redis, ans.model, ans.prompt_tokens,
                              ans.completion_tokens);
    }
    cv_log(CV_LOG_INFO, slot->ctx.request_id, "LLM answer %s (model %s, %ld+%ld tokens)",
           cached ? "from the cache" : "received", ans.model, ans.prompt_tokens,
           ans.completion_tokens);
    out->result = ans.result;
    ans.result = NULL;
    out->optimized = ans.optimized_markdown;
    ans.optimized_markdown = NULL;
    /* A cached answer cost nothing this time. */
    out->analyzer = analyzer_json("openai", ans.model, cached ? 0 : ans.prompt_tokens,
                                  cached ? 0 : ans.completion_tokens);
    llm_answer_free(&ans);
    return out->analyzer != NULL ? CV_OK : cv_error_set(err, CV_ERR_NOMEM, "out of memory");
}

static int current_year(void)
{
    time_t now = time(NULL);
    struct tm tm;

    return gmtime_r(&now, &tm) != NULL ? tm.tm_year + 1900 : 0;
}

static enum cv_status analyze(struct job_slot *slot, const struct analysis *a, const char *text,
                              size_t len, struct job_answer *out, long *retry_after_s,
                              struct cv_error *err)
{
    const char *lang = a->options.language[0] != '\0' ? a->options.language : NULL;
    enum cv_status st;

    if (slot->ctx.cfg->openai_api_key != NULL) {
        struct llm_request req = { text, len, a->options.job_description,
                                   a->options.target_role, lang, a->options.optimize,
                                   slot->ctx.request_id };
        st = analyze_llm(slot, a->id, &req, out, retry_after_s, err);
    } else {
        struct heuristic_input in = {
            .text = text, .text_len = len,
            .job_description = a->options.job_description,
            .jd_len = a->options.job_description ? strlen(a->options.job_description) : 0,
            .target_role = a->options.target_role,
            .role_len = a->options.target_role ? strlen(a->options.target_role) : 0,
            .language = lang, .optimize = a->options.optimize,
            .reference_year = current_year(),
        };
        st = heuristic_analyze(&in, &out->result, a->options.optimize ? &out->optimized : NULL,
                               err);
        if (st == CV_OK) {
            out->analyzer = analyzer_json("heuristic", HEURISTIC_MODEL, 0, 0);
            if (out->analyzer == NULL)
                st = cv_error_set(err, CV_ERR_NOMEM, "out of memory");
        }
    }
    if (st == CV_OK)
        st = analysis_result_validate(out->result, err);
    return st;
}

static enum extract_format format_of(const char *mime)
{
    if (strcmp(mime, "application/pdf") == 0)
        return EXTRACT_PDF;
    if (strncmp(mime, "text/plain", 10) == 0)
        return EXTRACT_TEXT;
    return EXTRACT_DOCX;
}

/* Retry later, or give up when the attempts are spent. */
static enum job_outcome transient(struct job_slot *slot, const struct queue_job *job, int attempts,
                                  long retry_after_s, const char *reason)
{
    struct cv_ctx *ctx = &slot->ctx;
    struct cv_error err;
    char why[ANALYSIS_ERROR_MAX_BYTES];
    int64_t delay_ms;

    cv_error_clear(&err);
    if (attempts >= ctx->cfg->max_attempts) {
        (void)snprintf(why, sizeof(why), "the analysis failed %d times; last error: %s",
                       attempts, reason);
        if (analysis_repo_fail(ctx, job->analysis_id, why, &err) != CV_OK)
            return JOB_INTERRUPTED;
        if (cv_queue_dead_letter(ctx->redis, job, reason, &err) != CV_OK)
            cv_log_error_detail(CV_LOG_WARN, ctx->request_id, err.message, "dead letter not recorded");
        cv_log(CV_LOG_WARN, ctx->request_id, "analysis %s failed for good: %s", job->analysis_id,
               reason);
        cv_sentry_capture(CV_LOG_ERROR, ctx->request_id, "analysis %s failed for an internal "
                          "reason after %d attempts: %s", job->analysis_id, attempts, reason);
        return JOB_FAILED;
    }
    delay_ms = JOB_BACKOFF_BASE_MS;
    for (int i = 1; i < attempts && delay_ms < JOB_BACKOFF_MAX_MS; i++)
        delay_ms *= 2;
    if (delay_ms > JOB_BACKOFF_MAX_MS)
        delay_ms = JOB_BACKOFF_MAX_MS;
    delay_ms += (int64_t)randombytes_uniform(JOB_BACKOFF_JITTER_MS);
    if (retry_after_s * 1000 > delay_ms)
        delay_ms = retry_after_s * 1000;
    if (analysis_repo_wait_retry(ctx, job->analysis_id, &err) != CV_OK ||
        cv_queue_delay(ctx->redis, job, cv_time_now_ms() + delay_ms, &err) != CV_OK)
        return JOB_INTERRUPTED;
    cv_log(CV_LOG_WARN, ctx->request_id, "analysis %s attempt %d failed (%s); retry in %lld ms",
           job->analysis_id, attempts, reason, (long long)delay_ms);
    return JOB_RETRIED;
}

static enum job_outcome permanent(struct job_slot *slot, const struct queue_job *job,
                                  const char *reason)
{
    struct cv_error err;

    cv_error_clear(&err);
    if (analysis_repo_fail(&slot->ctx, job->analysis_id, reason, &err) != CV_OK)
        return JOB_INTERRUPTED;
    cv_log(CV_LOG_INFO, slot->ctx.request_id, "analysis %s failed: %s", job->analysis_id, reason);
    return JOB_FAILED;
}

/* The job once the lease is held. */
static enum job_outcome job_leased(struct job_slot *slot, const struct queue_job *job)
{
    struct cv_ctx *ctx = &slot->ctx;
    struct extract_limits limits;
    struct extract_result text;
    struct job_answer answer;
    struct analysis a;
    struct cv_error err;
    enum job_outcome outcome;
    enum cv_status st;
    long retry_after_s = 0;
    int attempts, doc_fd = -1;

    cv_error_clear(&err);
    st = analysis_repo_get(ctx, job->analysis_id, NULL, false, &a, &err);
    if (st == CV_ERR_NOT_FOUND)
        return JOB_DROPPED;
    if (st != CV_OK)
        return JOB_INTERRUPTED;
    if (a.status == ANALYSIS_COMPLETED || a.status == ANALYSIS_FAILED) {
        analysis_free(&a);
        return JOB_DROPPED;
    }
    attempts = a.attempts + 1;
    if (analysis_repo_start(ctx, a.id, attempts, &err) != CV_OK) {
        analysis_free(&a);
        return JOB_INTERRUPTED;
    }
    analysis_events_publish_id(ctx, a.id);
    memset(&text, 0, sizeof(text));
    memset(&answer, 0, sizeof(answer));
    /* The working copy is a memfd: memory with no name, gone with the job
     * or with the process, so a crash never strands a copy of a CV. */
    doc_fd = memfd_create("cv-document", MFD_CLOEXEC);
    st = doc_fd >= 0 ? storage_fetch(ctx->cfg, storage_locate(ctx->cfg, a.file_storage, a.file_key),
                                     a.file_key, doc_fd, &err)
                     : cv_error_set(&err, CV_ERR_IO, "memfd_create failed");
    if (st == CV_ERR_NOT_FOUND) {
        outcome = permanent(slot, job, "the uploaded file is missing");
        goto done;
    }
    if (st != CV_OK) {
        outcome = transient(slot, job, attempts, 0, "file storage unavailable");
        goto done;
    }
    extract_limits_default(&limits);
    st = extract_text_fd(doc_fd, format_of(a.mime_type), &limits, &text, &err);
    (void)close(doc_fd);
    doc_fd = -1;
    if (st != CV_OK) {
        outcome = is_transient(st) && st != CV_ERR_TIMEOUT
                      ? transient(slot, job, attempts, 0, err.message)
                      : permanent(slot, job, err.message);
        goto done;
    }
    st = analyze(slot, &a, text.text, text.len, &answer, &retry_after_s, &err);
    if (st != CV_OK) {
        outcome = is_transient(st) ? transient(slot, job, attempts, retry_after_s, err.message)
                                   : permanent(slot, job, err.message);
        goto done;
    }
    if (text.len > JOB_TEXT_STORED_MAX_BYTES)
        text.text[JOB_TEXT_STORED_MAX_BYTES] = '\0';   /* extract caps below this already */
    st = analysis_repo_complete(ctx, a.id, answer.result, answer.optimized, text.text,
                                answer.analyzer, &err);
    if (st == CV_ERR_NOT_FOUND) {
        /* Deleted while it ran: the deletion may have forgotten the LLM
         * cache entry before this job wrote it. */
        cv_error_clear(&err);
        if (llm_cache_forget(ctx->redis, a.id, &err) != CV_OK)
            cv_log_error_detail(CV_LOG_WARN, ctx->request_id, err.message,
                                "LLM cache entry of deleted analysis %s kept", a.id);
        outcome = JOB_DROPPED;
        goto done;
    }
    if (st != CV_OK) {
        outcome = transient(slot, job, attempts, 0, "database unavailable");
        goto done;
    }
    cv_log(CV_LOG_INFO, ctx->request_id, "analysis %s completed", a.id);
    outcome = JOB_COMPLETED;
done:
    if (doc_fd >= 0)
        (void)close(doc_fd);
    job_answer_free(&answer);
    extract_result_free(&text);
    analysis_free(&a);
    return outcome;
}

enum job_outcome job_run(struct job_slot *slot, const struct queue_job *job)
{
    long lease_ms = slot->ctx.cfg->job_visibility_timeout_s * 1000;
    struct cv_error err;
    enum job_outcome outcome;
    bool acquired;

    slot->ctx.request_id = job->request_id[0] != '\0' ? job->request_id : NULL;
    if (strlen(job->analysis_id) != USER_ID_HEX_LEN)
        return JOB_DROPPED;
    cv_error_clear(&err);
    if (cv_queue_lock(slot->ctx.redis, job->analysis_id, slot->consumer, lease_ms, &acquired,
                      &err) != CV_OK)
        return JOB_INTERRUPTED;
    if (!acquired)
        return JOB_BUSY;
    outcome = job_leased(slot, job);
    cv_queue_unlock(slot->ctx.redis, job->analysis_id, slot->consumer);
    return outcome;
}
