/*
 * worker_metrics.c - worker counters in Redis (see worker_metrics.h).
 *
 * Keys (redis_keys.h): CV_KEY_METRICS_JOBS {outcome -> count},
 * CV_KEY_METRICS_JOB_SECONDS {le bucket -> count, sum_ms, count},
 * CV_KEY_METRICS_TOKENS {"model|kind" -> count}.
 */
#include "worker_metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "queue.h"
#include "redis_keys.h"

static const char *const bucket_names[] = { "0.5", "1", "2.5", "5", "10", "30", "60", "120" };
static const double bucket_bounds[] = { 0.5, 1, 2.5, 5, 10, 30, 60, 120 };
#define NBUCKETS (sizeof(bucket_bounds) / sizeof(bucket_bounds[0]))

static void hincr(struct cv_redis *redis, const char *key, const char *field, long long by)
{
    struct cv_error err;
    redisReply *rep;

    cv_error_clear(&err);
    if (cv_redis_command(redis, false, &rep, &err, "HINCRBY %s %s %lld", key, field, by) == CV_OK)
        freeReplyObject(rep);
}

void worker_metrics_job(struct cv_redis *redis, const char *outcome, double seconds)
{
    size_t b;

    hincr(redis, CV_KEY_METRICS_JOBS, outcome, 1);
    for (b = 0; b < NBUCKETS && seconds > bucket_bounds[b]; b++)
        ;
    hincr(redis, CV_KEY_METRICS_JOB_SECONDS, b < NBUCKETS ? bucket_names[b] : "+Inf", 1);
    hincr(redis, CV_KEY_METRICS_JOB_SECONDS, "sum_ms", (long long)(seconds * 1000));
    hincr(redis, CV_KEY_METRICS_JOB_SECONDS, "count", 1);
}

void worker_metrics_tokens(struct cv_redis *redis, const char *model, long prompt, long completion)
{
    char field[192];

    (void)snprintf(field, sizeof(field), "%.150s|prompt", model);
    hincr(redis, CV_KEY_METRICS_TOKENS, field, prompt);
    (void)snprintf(field, sizeof(field), "%.150s|completion", model);
    hincr(redis, CV_KEY_METRICS_TOKENS, field, completion);
}

static long long hash_get(const redisReply *h, const char *field)
{
    size_t i;

    for (i = 0; h->type == REDIS_REPLY_ARRAY && i + 1 < h->elements; i += 2) {
        if (h->element[i]->type == REDIS_REPLY_STRING && strcmp(h->element[i]->str, field) == 0)
            return strtoll(h->element[i + 1]->str, NULL, 10);
    }
    return 0;
}

/* A label value: only [A-Za-z0-9._:/-] kept, so the text stays valid. */
static void label_safe(const char *in, size_t len, char *out, size_t size)
{
    size_t i, n = 0;

    for (i = 0; i < len && n + 1 < size; i++) {
        char c = in[i];
        out[n++] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    strchr("._:/-", c) != NULL) ? c : '_';
    }
    out[n] = '\0';
}

enum cv_status worker_metrics_render(struct cv_redis *redis, struct cv_buf *out,
                                     struct cv_error *err)
{
    static const char *const outcomes[] = { "completed", "failed", "retried", "dropped" };
    redisReply *jobs = NULL, *secs = NULL, *tokens = NULL;
    struct queue_stats q;
    enum cv_status st;
    long long cumulative = 0;
    size_t i;

    st = cv_queue_stats(redis, &q, err);
    if (st == CV_OK)
        st = cv_redis_command(redis, true, &jobs, err, "HGETALL %s", CV_KEY_METRICS_JOBS);
    if (st == CV_OK)
        st = cv_redis_command(redis, true, &secs, err, "HGETALL %s", CV_KEY_METRICS_JOB_SECONDS);
    if (st == CV_OK)
        st = cv_redis_command(redis, true, &tokens, err, "HGETALL %s", CV_KEY_METRICS_TOKENS);
    if (st == CV_OK)
        st = cv_buf_printf(out,
            "# HELP cv_queue_depth Entries in the analysis job stream.\n"
            "# TYPE cv_queue_depth gauge\ncv_queue_depth %lld\n"
            "# HELP cv_queue_pending Jobs delivered to a worker and not acknowledged yet.\n"
            "# TYPE cv_queue_pending gauge\ncv_queue_pending %lld\n"
            "# HELP cv_queue_delayed Jobs waiting for a retry.\n"
            "# TYPE cv_queue_delayed gauge\ncv_queue_delayed %lld\n"
            "# HELP cv_queue_dead_letters Jobs that ran out of attempts.\n"
            "# TYPE cv_queue_dead_letters gauge\ncv_queue_dead_letters %lld\n"
            "# HELP cv_worker_jobs_total Jobs handled by the workers, by outcome.\n"
            "# TYPE cv_worker_jobs_total counter\n", q.depth, q.pending, q.delayed, q.dead);
    for (i = 0; st == CV_OK && i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
        st = cv_buf_printf(out, "cv_worker_jobs_total{outcome=\"%s\"} %lld\n", outcomes[i],
                           hash_get(jobs, outcomes[i]));
    if (st == CV_OK)
        st = cv_buf_puts(out, "# HELP cv_worker_job_duration_seconds Time to handle one job.\n"
                              "# TYPE cv_worker_job_duration_seconds histogram\n");
    for (i = 0; st == CV_OK && i < NBUCKETS; i++) {
        cumulative += hash_get(secs, bucket_names[i]);
        st = cv_buf_printf(out, "cv_worker_job_duration_seconds_bucket{le=\"%s\"} %lld\n",
                           bucket_names[i], cumulative);
    }
    if (st == CV_OK)
        st = cv_buf_printf(out, "cv_worker_job_duration_seconds_bucket{le=\"+Inf\"} %lld\n"
                           "cv_worker_job_duration_seconds_sum %.3f\n"
                           "cv_worker_job_duration_seconds_count %lld\n"
                           "# HELP cv_analyzer_tokens_total LLM tokens used, by model and kind.\n"
                           "# TYPE cv_analyzer_tokens_total counter\n",
                           hash_get(secs, "count"), (double)hash_get(secs, "sum_ms") / 1000.0,
                           hash_get(secs, "count"));
    for (i = 0; st == CV_OK && tokens->type == REDIS_REPLY_ARRAY && i + 1 < tokens->elements;
         i += 2) {
        const char *f = tokens->element[i]->str, *bar = strrchr(f, '|');
        char model[160], kind[32];
        if (bar == NULL)
            continue;
        label_safe(f, (size_t)(bar - f), model, sizeof(model));
        label_safe(bar + 1, strlen(bar + 1), kind, sizeof(kind));
        st = cv_buf_printf(out, "cv_analyzer_tokens_total{model=\"%s\",kind=\"%s\"} %s\n", model,
                           kind, tokens->element[i + 1]->str);
    }
    if (jobs != NULL)
        freeReplyObject(jobs);
    if (secs != NULL)
        freeReplyObject(secs);
    if (tokens != NULL)
        freeReplyObject(tokens);
    return st;
}
