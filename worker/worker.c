/*
 * worker.c - the cv-worker process (see worker.h).
 */
#include "worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis_service.h"
#include "buf.h"
#include "clock.h"
#include "cv_limits.h"
#include "db.h"
#include "job.h"
#include "log.h"
#include "notify.h"
#include "queue.h"
#include "runtime.h"
#include "timefmt.h"
#include "worker_metrics.h"

/* The main thread checks MongoDB and Redis every this many polls while they
 * answer (every poll while they do not). */
#define WORKER_DEPS_CHECK_EVERY_POLLS 5
/* How often a job thread looks for jobs of dead workers. */
#define WORKER_RECLAIM_EVERY_MS 5000

struct worker_shared {
    const struct cv_config *cfg;
    struct cv_runtime rt;
    atomic_bool *stop;
    char host[64];
    char tmp_dir[PATH_MAX];
};

struct worker_thread {
    pthread_t tid;
    unsigned index;
    struct worker_shared *shared;
};

/*
 * The heartbeat of a job in progress: a thread of its own (with its own
 * Redis connection) renews the lease and resets the job's idle time every
 * third of JOB_VISIBILITY_TIMEOUT, so a long job (a slow LLM) is never
 * taken over while its worker is alive; a dead worker's job is, once its
 * heartbeats stop.
 */
struct heartbeat {
    pthread_t tid;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    bool running;
    const struct cv_config *cfg;
    const struct queue_job *job;
    const char *owner;
};

static void *heartbeat_main(void *arg)
{
    struct heartbeat *hb = arg;
    long lease_ms = hb->cfg->job_visibility_timeout_s * 1000;
    long every_ms = lease_ms / 3 > 200 ? lease_ms / 3 : 200;
    struct cv_redis redis;

    cv_redis_init(&redis, hb->cfg);
    pthread_mutex_lock(&hb->mu);
    while (!hb->stop) {
        struct timespec until;
        struct cv_error err;
        bool held = true;

        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += every_ms / 1000;
        until.tv_nsec += (every_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        if (pthread_cond_timedwait(&hb->cv, &hb->mu, &until) == 0 || hb->stop)
            continue;
        pthread_mutex_unlock(&hb->mu);
        cv_error_clear(&err);
        if (cv_queue_heartbeat(&redis, hb->job, hb->owner, lease_ms, &held, &err) != CV_OK)
            cv_log_error_detail(CV_LOG_WARN, NULL, err.message, "job heartbeat failed");
        else if (!held)
            cv_log(CV_LOG_WARN, NULL, "lease of analysis %s lost", hb->job->analysis_id);
        pthread_mutex_lock(&hb->mu);
    }
    pthread_mutex_unlock(&hb->mu);
    cv_redis_close(&redis);
    return NULL;
}

static void heartbeat_start(struct heartbeat *hb, const struct cv_config *cfg,
                            const struct queue_job *job, const char *owner)
{
    memset(hb, 0, sizeof(*hb));
    pthread_mutex_init(&hb->mu, NULL);
    pthread_cond_init(&hb->cv, NULL);
    hb->cfg = cfg;
    hb->job = job;
    hb->owner = owner;
    /* Without a heartbeat the job still runs; it may then be taken over
     * after the visibility timeout, which the lease and $set make safe. */
    hb->running = pthread_create(&hb->tid, NULL, heartbeat_main, hb) == 0;
}

static void heartbeat_stop(struct heartbeat *hb)
{
    pthread_mutex_lock(&hb->mu);
    hb->stop = true;
    pthread_cond_signal(&hb->cv);
    pthread_mutex_unlock(&hb->mu);
    if (hb->running)
        pthread_join(hb->tid, NULL);
    pthread_cond_destroy(&hb->cv);
    pthread_mutex_destroy(&hb->mu);
}

/* Run one job and settle it with the stream. */
static void worker_handle(struct job_slot *slot, const struct queue_job *job)
{
    struct timespec t0;
    struct heartbeat hb;
    struct cv_error err;
    enum job_outcome outcome;
    double seconds;

    cv_clock_now(&t0);
    heartbeat_start(&hb, slot->ctx.cfg, job, slot->consumer);
    outcome = job_run(slot, job);
    heartbeat_stop(&hb);
    seconds = cv_ts_elapsed_s(&t0);
    if (outcome == JOB_BUSY || outcome == JOB_INTERRUPTED) {
        /* Left pending: another worker, or this one later, takes it over. */
        cv_log(CV_LOG_INFO, slot->ctx.request_id, "job %s for analysis %s left pending (%s)",
               job->entry_id, job->analysis_id, job_outcome_name(outcome));
        cv_nap_ms(CV_WORKER_POLL_MS);
        return;
    }
    cv_error_clear(&err);
    /* A retry lives on in the delayed set; any other outcome ends the job. */
    if ((outcome == JOB_RETRIED ? cv_queue_ack(slot->ctx.redis, job, &err)
                                : cv_queue_settle(slot->ctx.redis, job, &err)) != CV_OK)
        cv_log_error_detail(CV_LOG_WARN, slot->ctx.request_id, err.message,
                            "XACK of %s failed; the job will be redelivered and dropped",
                            job->entry_id);
    worker_metrics_job(slot->ctx.redis, job_outcome_name(outcome), seconds);
}

static void *worker_thread_main(void *arg)
{
    struct worker_thread *wt = arg;
    struct worker_shared *sh = wt->shared;
    struct cv_thread_conns conns;
    struct job_slot slot;
    struct timespec last_reclaim = { 0, 0 }, now;

    memset(&slot, 0, sizeof(slot));
    cv_runtime_thread_open(&sh->rt, &conns);
    slot.ctx = cv_runtime_ctx(&sh->rt, &conns, NULL);
    (void)snprintf(slot.consumer, sizeof(slot.consumer), "%s-%ld-%u", sh->host, (long)getpid(),
                   wt->index);
    (void)snprintf(slot.tmp_dir, sizeof(slot.tmp_dir), "%s", sh->tmp_dir);
    while (!atomic_load(sh->stop)) {
        struct queue_job job;
        struct cv_error err;
        bool got = false;

        cv_error_clear(&err);
        slot.ctx.request_id = NULL;
        cv_clock_now(&now);
        if (cv_ts_diff_ms(&last_reclaim, &now) >= WORKER_RECLAIM_EVERY_MS) {
            last_reclaim = now;
            if (cv_queue_claim_stale(&conns.redis, slot.consumer,
                                     sh->cfg->job_visibility_timeout_s * 1000, &job, &got,
                                     &err) == CV_OK && got)
                cv_log(CV_LOG_WARN, job.request_id[0] ? job.request_id : NULL,
                       "took over job %s of a worker that stopped answering", job.entry_id);
        }
        if (!got && cv_queue_read(&conns.redis, slot.consumer, CV_WORKER_POLL_MS, &job, &got,
                                  &err) != CV_OK) {
            cv_nap_ms(CV_WORKER_POLL_MS);   /* Redis is down: the main thread reports it */
            continue;
        }
        if (got)
            worker_handle(&slot, &job);
    }
    cv_runtime_thread_close(&sh->rt, &conns);
    return NULL;
}

/* Check both dependencies; log only when their state changes. */
static bool worker_check_deps(struct cv_ctx *ctx, bool was_ok)
{
    struct cv_error err;
    bool ok;

    cv_error_clear(&err);
    ok = cv_db_ping(ctx->mongo, ctx->cfg->mongodb_db, &err) == CV_OK &&
         cv_queue_ensure_group(ctx->redis, &err) == CV_OK;
    if (ok && !was_ok)
        cv_log(CV_LOG_INFO, NULL, "connected to MongoDB and Redis; waiting for jobs on %s",
               CV_KEY_JOBS);
    else if (!ok && was_ok)
        cv_log_error_detail(CV_LOG_WARN, NULL, err.message, "a dependency is unavailable");
    return ok;
}

static void worker_housekeeping(struct cv_ctx *ctx, unsigned tick)
{
    struct cv_error err;
    size_t n = 0;

    cv_error_clear(&err);
    if (cv_queue_release_due(ctx->redis, cv_time_now_ms(), &n, &err) != CV_OK)
        cv_log_error_detail(CV_LOG_WARN, NULL, err.message, "moving due retries failed");
    else if (n > 0)
        cv_log(CV_LOG_INFO, NULL, "%zu delayed jobs are due and queued again", n);
    if (tick % CV_WORKER_SWEEP_EVERY_POLLS != 0)
        return;
    cv_error_clear(&err);
    if (analysis_requeue_stranded(ctx, cv_time_now_ms() - CV_WORKER_STRANDED_AFTER_MS, &n, &err) !=
        CV_OK)
        cv_log_error_detail(CV_LOG_WARN, NULL, err.message, "sweep failed; will retry");
    else if (n > 0)
        cv_log(CV_LOG_INFO, NULL, "sweep queued %zu stranded analyses", n);
}

int worker_run(const struct cv_config *cfg, atomic_bool *stop)
{
    struct worker_shared shared;
    struct worker_thread *threads;
    struct cv_thread_conns conns;
    struct cv_ctx ctx;
    struct cv_error err;
    bool deps_ok = true;   /* so that a first failure is logged */
    unsigned tick = 0;
    int i, started = 0;

    memset(&shared, 0, sizeof(shared));
    shared.cfg = cfg;
    shared.stop = stop;
    if (gethostname(shared.host, sizeof(shared.host) - 1) != 0)
        (void)snprintf(shared.host, sizeof(shared.host), "worker");
    if (!cv_fmt(shared.tmp_dir, sizeof(shared.tmp_dir), "%s/.work", cfg->upload_dir) ||
        (mkdir(shared.tmp_dir, 0700) != 0 && errno != EEXIST)) {
        const char *t = getenv("TMPDIR");
        (void)snprintf(shared.tmp_dir, sizeof(shared.tmp_dir), "%s", t ? t : "/tmp");
    }
    cv_error_clear(&err);
    /* The job threads and this one, which checks dependencies. */
    if (cv_runtime_open(&shared.rt, cfg, (unsigned)cfg->worker_concurrency + 1, &err) != CV_OK) {
        cv_log_error_detail(CV_LOG_ERROR, NULL, err.message, "MongoDB pool");
        return 1;
    }
    cv_runtime_thread_open(&shared.rt, &conns);
    ctx = cv_runtime_ctx(&shared.rt, &conns, NULL);
    deps_ok = worker_check_deps(&ctx, false);
    threads = calloc((size_t)cfg->worker_concurrency, sizeof(*threads));
    for (i = 0; threads != NULL && i < cfg->worker_concurrency; i++) {
        threads[i].index = (unsigned)i;
        threads[i].shared = &shared;
        if (pthread_create(&threads[i].tid, NULL, worker_thread_main, &threads[i]) != 0)
            break;
        started++;
    }
    cv_log(CV_LOG_INFO, NULL, "cv-worker running %d job threads", started);
    if (started > 0)
        cv_notify_ready("running %d job threads", started);
    while (!atomic_load(stop) && started > 0) {
        cv_notify_watchdog();   /* this loop turning is what proves liveness */
        cv_nap_ms(CV_WORKER_POLL_MS);   /* a signal cuts it short */
        tick++;
        if (tick % WORKER_DEPS_CHECK_EVERY_POLLS == 0 || !deps_ok)
            deps_ok = worker_check_deps(&ctx, deps_ok);
        if (deps_ok)
            worker_housekeeping(&ctx, tick);
    }
    cv_notify_stopping();
    cv_log(CV_LOG_INFO, NULL, "cv-worker stopping: finishing jobs in flight");
    for (i = 0; i < started; i++)
        pthread_join(threads[i].tid, NULL);
    free(threads);
    cv_runtime_thread_close(&shared.rt, &conns);
    cv_runtime_close(&shared.rt);
    return started > 0 ? 0 : 1;
}
