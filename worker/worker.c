/*
 * worker.c - the cv-worker process (see worker.h).
 */
#include "worker.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis_events.h"
#include "analysis_service.h"
#include "buf.h"
#include "clock.h"
#include "cv_limits.h"
#include "db.h"
#include "extract.h"
#include "job.h"
#include "log.h"
#include "notifier.h"
#include "notify.h"
#include "queue.h"
#include "runtime.h"
#include "timefmt.h"
#include "worker_metrics.h"

/* Where releases before memfd working copies put them, under UPLOAD_DIR. */
#define WORKER_LEGACY_WORK_DIR ".work"

/* The main thread checks MongoDB and Redis every this many polls while they
 * answer (every poll while they do not). */
#define WORKER_DEPS_CHECK_EVERY_POLLS 5
/* How often a job thread looks for jobs of dead workers. */
#define WORKER_RECLAIM_EVERY_MS 5000

struct worker_shared {
    const struct cv_config *cfg;
    struct cv_runtime rt;
    atomic_bool *stop;
    atomic_int *concurrency;   /* job threads wanted; thread i runs while i < it */
    char host[64];
};

/* One slot per possible job thread (CV_CONFIG_WORKER_CONCURRENCY_MAX);
 * `started` and `tid` belong to the main thread, `done` is set by the job
 * thread as it exits. */
struct worker_thread {
    pthread_t tid;
    unsigned index;
    bool started;
    atomic_bool done;
    struct worker_shared *shared;
};

/*
 * The heartbeat of a job in progress: a thread of its own (with its own
 * Redis connection) renews the lease and resets the job's idle time
 * WORKER_HEARTBEATS_PER_LEASE times per JOB_VISIBILITY_TIMEOUT, so a long
 * job (a slow LLM) is never taken over while its worker is alive, and a
 * dead worker's job is, once a whole period and one beat went by without
 * a beat (six beats missed). Waits
 * are on CLOCK_MONOTONIC: a wall-clock step neither skips nor floods beats.
 */
#define WORKER_HEARTBEATS_PER_LEASE 5
/* Shortest interval between beats, whatever JOB_VISIBILITY_TIMEOUT says. */
#define WORKER_HEARTBEAT_MIN_MS 200

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

/* Milliseconds between two beats of a job's heartbeat. */
static long heartbeat_every_ms(const struct cv_config *cfg)
{
    long every_ms = cfg->job_visibility_timeout_s * 1000 / WORKER_HEARTBEATS_PER_LEASE;

    return every_ms < WORKER_HEARTBEAT_MIN_MS ? WORKER_HEARTBEAT_MIN_MS : every_ms;
}

/* How long a job must have gone without a beat before another consumer
 * takes it over: the lease, renewed at the same beat just before the idle
 * time is reset, has then surely expired too, so the taker does not find
 * the dead worker's lease still held and leave the job for another period. */
static long takeover_idle_ms(const struct cv_config *cfg)
{
    return cfg->job_visibility_timeout_s * 1000 + heartbeat_every_ms(cfg);
}

static void *heartbeat_main(void *arg)
{
    struct heartbeat *hb = arg;
    long lease_ms = hb->cfg->job_visibility_timeout_s * 1000;
    long every_ms = heartbeat_every_ms(hb->cfg);
    struct cv_redis redis;
    struct timespec next;

    cv_redis_init(&redis, hb->cfg);
    cv_clock_now(&next);
    pthread_mutex_lock(&hb->mu);
    while (!hb->stop) {
        struct cv_error err;
        bool held = true;

        cv_ts_add_ms(&next, every_ms);
        while (!hb->stop && pthread_cond_timedwait(&hb->cv, &hb->mu, &next) != ETIMEDOUT)
            ;
        if (hb->stop)
            break;
        pthread_mutex_unlock(&hb->mu);
        cv_error_clear(&err);
        if (cv_queue_heartbeat(&redis, hb->job, hb->owner, lease_ms, &held, &err) != CV_OK)
            cv_log_error_detail(CV_LOG_WARN, NULL, err.message, "job heartbeat failed");
        else if (!held)
            cv_log(CV_LOG_WARN, NULL, "lease of analysis %s lost", hb->job->analysis_id);
        pthread_mutex_lock(&hb->mu);
        /* A beat that ran late is not followed by a burst of catch-up beats. */
        cv_clock_now(&next);
    }
    pthread_mutex_unlock(&hb->mu);
    cv_redis_close(&redis);
    return NULL;
}

static void heartbeat_start(struct heartbeat *hb, const struct cv_config *cfg,
                            const struct queue_job *job, const char *owner)
{
    pthread_condattr_t attr;

    memset(hb, 0, sizeof(*hb));
    pthread_mutex_init(&hb->mu, NULL);
    pthread_condattr_init(&attr);
    (void)pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&hb->cv, &attr);
    pthread_condattr_destroy(&attr);
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
    if (outcome == JOB_COMPLETED || outcome == JOB_FAILED || outcome == JOB_RETRIED)
        analysis_events_publish_id(&slot->ctx, job->analysis_id);
    if (outcome == JOB_COMPLETED || outcome == JOB_FAILED || outcome == JOB_DROPPED)
        notifier_schedule(&slot->ctx, job->analysis_id);   /* before the ack: a crash redelivers */
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
    /* Checked between jobs: a thread beyond the wanted number finishes its
     * job first. */
    while (!atomic_load(sh->stop) && (int)wt->index < atomic_load(sh->concurrency)) {
        struct queue_job job;
        struct cv_error err;
        bool got = false;

        cv_error_clear(&err);
        slot.ctx.request_id = NULL;
        cv_clock_now(&now);
        if (cv_ts_diff_ms(&last_reclaim, &now) >= WORKER_RECLAIM_EVERY_MS) {
            last_reclaim = now;
            if (cv_queue_claim_stale(&conns.redis, slot.consumer, takeover_idle_ms(sh->cfg),
                                     &job, &got, &err) == CV_OK && got)
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
    atomic_store(&wt->done, true);
    return NULL;
}

/* Join the job threads that left (beyond the wanted number), then start
 * the missing ones below it; log when the number running changed. Returns
 * how many run. */
static int worker_scale(struct worker_shared *sh, struct worker_thread *threads, int running)
{
    int i, want = atomic_load(sh->concurrency), before = running;

    for (i = 0; i < CV_CONFIG_WORKER_CONCURRENCY_MAX; i++) {
        if (threads[i].started && atomic_load(&threads[i].done)) {
            pthread_join(threads[i].tid, NULL);
            threads[i].started = false;
            running--;
        }
    }
    for (i = 0; i < want && i < CV_CONFIG_WORKER_CONCURRENCY_MAX; i++) {
        if (threads[i].started)
            continue;
        threads[i].index = (unsigned)i;
        threads[i].shared = sh;
        atomic_store(&threads[i].done, false);
        if (pthread_create(&threads[i].tid, NULL, worker_thread_main, &threads[i]) != 0) {
            cv_log(CV_LOG_ERROR, NULL, "cannot start job thread %d; running %d", i, running);
            break;
        }
        threads[i].started = true;
        running++;
    }
    if (running != before && before > 0)
        cv_log(CV_LOG_INFO, NULL, "job threads: %d -> %d", before, running);
    return running;
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

/*
 * Working copies of documents are memfds now, which die with the process.
 * Releases before them fetched each document into UPLOAD_DIR/.work, where
 * a killed worker left it: remove what they stranded, then the directory.
 */
static void worker_remove_stranded_copies(const struct cv_config *cfg)
{
    char dir[PATH_MAX];
    struct dirent *e;
    size_t removed = 0;
    DIR *d;
    int n, dfd;

    if (cfg->upload_dir == NULL)
        return;
    n = snprintf(dir, sizeof(dir), "%s/" WORKER_LEGACY_WORK_DIR, cfg->upload_dir);
    if (n < 0 || (size_t)n >= sizeof(dir) || (d = opendir(dir)) == NULL)
        return;
    dfd = dirfd(d);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (unlinkat(dfd, e->d_name, 0) == 0)
            removed++;
    }
    closedir(d);
    (void)rmdir(dir);
    if (removed > 0)
        cv_log(CV_LOG_WARN, NULL, "removed %zu working copies a stopped worker left in %s",
               removed, dir);
}

int worker_run(const struct cv_config *cfg, atomic_bool *stop, atomic_int *concurrency)
{
    struct worker_shared shared;
    struct worker_thread *threads;
    struct notifier_thread *notifier;
    struct cv_thread_conns conns;
    struct cv_ctx ctx;
    struct cv_error err;
    char program[PATH_MAX];
    bool deps_ok = true;   /* so that a first failure is logged */
    unsigned tick = 0;
    int i, started = 0;

    memset(&shared, 0, sizeof(shared));
    shared.cfg = cfg;
    shared.stop = stop;
    shared.concurrency = concurrency;
    if (gethostname(shared.host, sizeof(shared.host) - 1) != 0)
        (void)snprintf(shared.host, sizeof(shared.host), "worker");
    if (extract_set_program(cfg->extract_program, &err) != CV_OK ||
        extract_program(program, sizeof(program), &err) != CV_OK) {
        cv_log_error_detail(CV_LOG_ERROR, NULL, err.message,
                            "EXTRACT_PROGRAM: the text extractor cannot be run");
        return 1;
    }
    worker_remove_stranded_copies(cfg);
    cv_error_clear(&err);
    /* The job threads (as many as a reload may ask for: the pool creates
     * clients on demand), the e-mail notifier and this one, which checks
     * dependencies. */
    if (cv_runtime_open(&shared.rt, cfg, CV_CONFIG_WORKER_CONCURRENCY_MAX + 2, &err) != CV_OK) {
        cv_log_error_detail(CV_LOG_ERROR, NULL, err.message, "MongoDB pool");
        return 1;
    }
    cv_runtime_thread_open(&shared.rt, &conns);
    ctx = cv_runtime_ctx(&shared.rt, &conns, NULL);
    deps_ok = worker_check_deps(&ctx, false);
    threads = calloc(CV_CONFIG_WORKER_CONCURRENCY_MAX, sizeof(*threads));
    if (threads != NULL)
        started = worker_scale(&shared, threads, 0);
    notifier = notifier_start(&shared.rt, stop);
    cv_log(CV_LOG_INFO, NULL, "cv-worker running %d job threads%s", started,
           notifier != NULL ? " and the e-mail notifier" : "");
    if (started > 0)
        cv_notify_ready("running %d job threads", started);
    while (!atomic_load(stop) && started > 0) {
        cv_notify_watchdog();   /* this loop turning is what proves liveness */
        cv_nap_ms(CV_WORKER_POLL_MS);   /* a signal cuts it short */
        started = worker_scale(&shared, threads, started);
        tick++;
        if (tick % WORKER_DEPS_CHECK_EVERY_POLLS == 0 || !deps_ok)
            deps_ok = worker_check_deps(&ctx, deps_ok);
        if (deps_ok)
            worker_housekeeping(&ctx, tick);
    }
    cv_notify_stopping();
    cv_log(CV_LOG_INFO, NULL, "cv-worker stopping: finishing jobs in flight");
    for (i = 0; threads != NULL && i < CV_CONFIG_WORKER_CONCURRENCY_MAX; i++) {
        if (threads[i].started)
            pthread_join(threads[i].tid, NULL);
    }
    notifier_join(notifier);
    free(threads);
    cv_runtime_thread_close(&shared.rt, &conns);
    cv_runtime_close(&shared.rt);
    return started > 0 ? 0 : 1;
}
