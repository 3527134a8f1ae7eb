/*
 * pool.c (fcgi/) - master/child/thread responder pool (see pool.h).
 *
 * How a stop reaches a thread blocked in accept: libfcgi restarts accept()
 * after signals, so a signal alone cannot wake it. The listening socket
 * carries SO_RCVTIMEO (CV_POOL_ACCEPT_WAKE_MS): accept returns EAGAIN that
 * often, FCGX_Accept_r returns, and the thread sees the stop flag. The
 * socket itself is never shut down, so a socket held by systemd survives.
 *
 * Reload (SIGHUP): the master loads the configuration again through the
 * caller's loader. If it is invalid, every reason is logged and nothing
 * changes. If it is valid, a new generation of children is forked with it
 * beside the old one (both accept on the same socket, so no connection
 * waits for nobody); each new child reports on a pipe once all its threads
 * are up; when the whole generation has, the old children get SIGTERM and
 * finish their requests in flight. A new child that dies first, or a
 * generation not ready within CV_POOL_RELOAD_READY_MS, abandons the reload
 * and the old generation keeps serving.
 */
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "app.h"
#include "clock.h"
#include "cv_limits.h"
#include "listen.h"
#include "log.h"
#include "notify.h"
#include "password.h"
#include "runtime.h"
#include "sentry.h"

/* ---- child: threads accepting requests ---- */

/* Set by the signal handler, read by every responder thread: an atomic,
 * which is both async-signal-safe (lock-free) and ordered across threads,
 * unlike volatile sig_atomic_t, which is only the former. */
static atomic_bool child_stop;
_Static_assert(ATOMIC_BOOL_LOCK_FREE == 2, "a stop flag must be lock-free to be set from a signal");

static void child_on_signal(int sig)
{
    (void)sig;
    atomic_store(&child_stop, true);
}

struct child_shared {
    const struct cv_config *cfg;
    struct cv_metrics *metrics;
    struct cv_runtime rt;
    int listen_fd;
};

struct child_thread {
    pthread_t tid;
    unsigned index;
    struct child_shared *shared;
};

static void *child_thread_main(void *arg)
{
    struct child_thread *ct = arg;
    struct child_shared *sh = ct->shared;
    struct app_thread t;
    FCGX_Request req;

    memset(&t, 0, sizeof(t));
    t.cfg = sh->cfg;
    t.metrics = sh->metrics;
    t.index = ct->index;
    cv_runtime_thread_open(&sh->rt, &t.conns);
    if (FCGX_InitRequest(&req, sh->listen_fd, 0) != 0) {
        cv_log(CV_LOG_ERROR, NULL, "thread %u: FCGX_InitRequest failed", ct->index);
        goto done;
    }
    while (!atomic_load(&child_stop)) {
        int rc = FCGX_Accept_r(&req);

        if (rc < 0) {
            if (rc == -EAGAIN || rc == -EWOULDBLOCK || rc == -EINTR)
                continue;   /* the periodic wake-up: look at child_stop */
            cv_log_error_detail(CV_LOG_ERROR, NULL, strerror(-rc),
                                "thread %u: accept failed; thread exits", ct->index);
            break;
        }
        app_handle(&t, &req);
        FCGX_Finish_r(&req);
    }
    FCGX_Free(&req, 1);
done:
    cv_runtime_thread_close(&sh->rt, &t.conns);
    return NULL;
}

static int child_run(const struct cv_config *cfg, int listen_fd, struct cv_metrics *metrics,
                     unsigned slot, int ready_fd, pid_t master)
{
    struct child_shared shared;
    struct child_thread *threads;
    struct sigaction sa;
    struct cv_error err;
    sigset_t none;
    int i, started = 0;

    (void)prctl(PR_SET_PDEATHSIG, SIGTERM);
    /* The master died before the line above (reparented). Not getppid() ==
     * 1: in a container the master itself is pid 1. */
    if (getppid() != master)
        return 1;
    cv_log_set_level(cfg->log_level);   /* this generation's configuration */
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
    if (FCGX_Init() != 0) {
        cv_log(CV_LOG_ERROR, NULL, "child %u: FCGX_Init failed", slot);
        return 1;
    }
    /* After FCGX_Init, so ours replace any handler libfcgi installed. */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = child_on_signal;
    sigemptyset(&sa.sa_mask);
    (void)sigaction(SIGTERM, &sa, NULL);
    (void)sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    (void)sigaction(SIGPIPE, &sa, NULL);
    (void)sigaction(SIGHUP, &sa, NULL);

    cv_error_clear(&err);
    if (cv_sentry_start(cfg, "api", true, &err) != CV_OK)
        cv_log_error_detail(CV_LOG_WARN, NULL, err.message, "child %u: no Sentry reports", slot);
    if (password_global_init(&err) != CV_OK) {
        cv_log_error_detail(CV_LOG_ERROR, NULL, err.message, "child %u: libsodium", slot);
        return 1;
    }
    shared.cfg = cfg;
    shared.metrics = metrics;
    shared.listen_fd = listen_fd;
    if (cv_runtime_open(&shared.rt, cfg, (unsigned)cfg->api_threads, &err) != CV_OK) {
        cv_log_error_detail(CV_LOG_ERROR, NULL, err.message, "child %u: MongoDB pool", slot);
        return 1;
    }
    threads = calloc((size_t)cfg->api_threads, sizeof(*threads));
    if (threads == NULL) {
        cv_runtime_close(&shared.rt);
        return 1;
    }
    for (i = 0; i < cfg->api_threads; i++) {
        threads[i].index = (unsigned)i;
        threads[i].shared = &shared;
        if (pthread_create(&threads[i].tid, NULL, child_thread_main, &threads[i]) != 0) {
            cv_log(CV_LOG_ERROR, NULL, "child %u: pthread_create failed", slot);
            atomic_store(&child_stop, true);
            break;
        }
        started++;
    }
    cv_log(CV_LOG_INFO, NULL, "responder %u ready with %d threads", slot, started);
    if (started == cfg->api_threads) {
        pid_t self = getpid();

        /* One write under PIPE_BUF: atomic among the children's. */
        if (write(ready_fd, &self, sizeof(self)) != (ssize_t)sizeof(self))
            cv_log_error_detail(CV_LOG_WARN, NULL, strerror(errno), "child %u: ready pipe", slot);
    }
    close(ready_fd);
    for (i = 0; i < started; i++)
        pthread_join(threads[i].tid, NULL);
    free(threads);
    cv_runtime_close(&shared.rt);
    cv_sentry_stop();
    cv_log(CV_LOG_INFO, NULL, "responder %u stopped", slot);
    return atomic_load(&child_stop) && started == cfg->api_threads ? 0 : 1;
}

/* ---- master: fork, watch, replace, reload, stop ---- */

/* The current generation, one being started by a reload, and children of
 * older ones still finishing their requests. A reload waits while the
 * table has no room for a whole generation. */
#define POOL_TABLE_SIZE (3 * CV_POOL_MAX_PROCESSES)

struct pool_child {
    pid_t pid;                  /* 0 when the entry is free */
    unsigned gen;
    unsigned slot;
    bool ready;                 /* reported all its threads up */
    bool retiring;              /* sent SIGTERM: not replaced when it exits */
    struct timespec started;
    struct timespec kill_at;    /* retiring: SIGKILL once this passes */
};

struct pool {
    struct cv_config *cfg;      /* the current generation's (caller-owned) */
    const struct cv_pool_reload *reload;
    struct cv_metrics *metrics;
    int listen_fd;
    int ready_pipe[2];
    struct pool_child table[POOL_TABLE_SIZE];
    struct timespec respawn_at[CV_POOL_MAX_PROCESSES];   /* per slot, current gen */
    unsigned gen;
    bool announced;             /* READY=1 sent for the current generation */
    bool reload_wanted;
    bool pending;               /* a new generation is starting */
    unsigned pending_gen;
    struct cv_config pending_cfg;
    struct timespec pending_deadline;
};

static struct timespec now_plus_ms(long ms)
{
    struct timespec t;

    cv_clock_now(&t);
    cv_ts_add_ms(&t, ms);
    return t;
}

static struct pool_child *pool_find(struct pool *p, unsigned gen, unsigned slot)
{
    size_t i;

    for (i = 0; i < POOL_TABLE_SIZE; i++) {
        if (p->table[i].pid != 0 && p->table[i].gen == gen && p->table[i].slot == slot)
            return &p->table[i];
    }
    return NULL;
}

static size_t pool_free_entries(const struct pool *p)
{
    size_t i, n = 0;

    for (i = 0; i < POOL_TABLE_SIZE; i++)
        n += p->table[i].pid == 0;
    return n;
}

/* Fork one child of generation gen for slot; false if fork failed. */
static bool pool_spawn(struct pool *p, const struct cv_config *cfg, unsigned gen, unsigned slot)
{
    struct pool_child *c = NULL;
    size_t i;
    pid_t pid, master;

    for (i = 0; i < POOL_TABLE_SIZE && c == NULL; i++) {
        if (p->table[i].pid == 0)
            c = &p->table[i];
    }
    if (c == NULL)
        return false;
    master = getpid();
    pid = fork();
    if (pid < 0) {
        cv_log_error_detail(CV_LOG_ERROR, NULL, strerror(errno), "fork failed; will retry");
        return false;
    }
    if (pid == 0) {
        close(p->ready_pipe[0]);
        _exit(child_run(cfg, p->listen_fd, p->metrics, slot, p->ready_pipe[1], master));
    }
    memset(c, 0, sizeof(*c));
    c->pid = pid;
    c->gen = gen;
    c->slot = slot;
    cv_clock_now(&c->started);
    return true;
}

/* Keep every slot of the current generation filled. */
static void pool_fill(struct pool *p)
{
    struct timespec now;
    unsigned s;

    cv_clock_now(&now);
    for (s = 0; s < (unsigned)p->cfg->api_processes; s++) {
        if (pool_find(p, p->gen, s) != NULL || cv_ts_diff_ms(&p->respawn_at[s], &now) < 0)
            continue;
        if (!pool_spawn(p, p->cfg, p->gen, s))
            p->respawn_at[s] = now_plus_ms(CV_POOL_RESPAWN_BACKOFF_MS);
    }
}

/* SIGTERM every child of generation gen; they finish their requests. */
static size_t pool_retire(struct pool *p, unsigned gen)
{
    size_t i, n = 0;

    for (i = 0; i < POOL_TABLE_SIZE; i++) {
        struct pool_child *c = &p->table[i];

        if (c->pid == 0 || c->gen != gen || c->retiring)
            continue;
        c->retiring = true;
        c->kill_at = now_plus_ms(CV_POOL_STOP_GRACE_MS);
        (void)kill(c->pid, SIGTERM);
        n++;
    }
    return n;
}

static void pool_abandon_reload(struct pool *p, const char *why)
{
    (void)pool_retire(p, p->pending_gen);
    cv_config_free(&p->pending_cfg);
    p->pending = false;
    cv_log(CV_LOG_ERROR, NULL, "reload abandoned: %s; the running responders keep serving", why);
    cv_notify_ready("serving with %d responders (reload abandoned)", p->cfg->api_processes);
}

static void pool_start_reload(struct pool *p)
{
    struct cv_config next;
    struct cv_error err;
    unsigned s;

    if (pool_free_entries(p) < (size_t)CV_POOL_MAX_PROCESSES)
        return;   /* older generations still finishing: try again next tick */
    p->reload_wanted = false;
    cv_notify_reloading();
    cv_log(CV_LOG_INFO, NULL, "SIGHUP: reloading the configuration");
    cv_error_clear(&err);
    if (p->reload == NULL || p->reload->load == NULL) {
        cv_log(CV_LOG_WARN, NULL, "no configuration source to reload; nothing changed");
        cv_notify_ready("serving with %d responders", p->cfg->api_processes);
        return;
    }
    memset(&next, 0, sizeof(next));
    if (p->reload->load(&next, &err, p->reload->arg) != CV_OK) {
        cv_config_log_report(&err, "reload refused: invalid configuration");
        cv_log(CV_LOG_ERROR, NULL, "reload refused; the running responders keep serving");
        cv_notify_ready("serving with %d responders (last reload refused)",
                        p->cfg->api_processes);
        return;
    }
    p->pending_cfg = next;
    p->pending = true;
    p->pending_gen = p->gen + 1;
    p->pending_deadline = now_plus_ms(CV_POOL_RELOAD_READY_MS);
    for (s = 0; s < (unsigned)next.api_processes; s++) {
        if (!pool_spawn(p, &p->pending_cfg, p->pending_gen, s)) {
            pool_abandon_reload(p, "fork failed");
            return;
        }
    }
    cv_log(CV_LOG_INFO, NULL, "reload: starting %d responders of %d threads", next.api_processes,
           next.api_threads);
}

static bool pool_generation_ready(const struct pool *p, unsigned gen, int n)
{
    size_t i;
    int ready = 0;

    for (i = 0; i < POOL_TABLE_SIZE; i++) {
        const struct pool_child *c = &p->table[i];

        ready += c->pid != 0 && c->gen == gen && c->ready && !c->retiring;
    }
    return ready >= n;
}

static void pool_commit_reload(struct pool *p)
{
    size_t old;

    old = pool_retire(p, p->gen);
    cv_config_free(p->cfg);
    *p->cfg = p->pending_cfg;
    p->gen = p->pending_gen;
    p->pending = false;
    memset(p->respawn_at, 0, sizeof(p->respawn_at));
    cv_log_set_level(p->cfg->log_level);
    cv_log(CV_LOG_INFO, NULL, "reload complete: %d responders serve the new configuration; "
           "%zu old ones finish their requests", p->cfg->api_processes, old);
    cv_notify_ready("serving with %d responders (reloaded)", p->cfg->api_processes);
}

/* A starting generation: commit it once all of it is ready, abandon it
 * at its deadline. */
static void pool_check_reload(struct pool *p)
{
    struct timespec now;

    if (pool_generation_ready(p, p->pending_gen, p->pending_cfg.api_processes)) {
        pool_commit_reload(p);
        return;
    }
    cv_clock_now(&now);
    if (cv_ts_diff_ms(&p->pending_deadline, &now) > 0)
        pool_abandon_reload(p, "the new responders did not report ready in time");
}

/* Mark children that reported ready on the pipe. */
static void pool_read_ready(struct pool *p)
{
    pid_t pids[16];
    ssize_t got;
    size_t i, k;

    while ((got = read(p->ready_pipe[0], pids, sizeof(pids))) > 0) {
        for (k = 0; k < (size_t)got / sizeof(pid_t); k++) {
            for (i = 0; i < POOL_TABLE_SIZE; i++) {
                if (p->table[i].pid == pids[k])
                    p->table[i].ready = true;
            }
        }
    }
}

/* Reap every exited child: replace the current generation's (unless
 * stopping), abandon a reload whose new child died. Returns the number of
 * children still alive. */
static size_t pool_reap(struct pool *p, bool stopping)
{
    struct timespec now;
    size_t alive = 0, i;
    int status;
    pid_t pid;

    cv_clock_now(&now);
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (i = 0; i < POOL_TABLE_SIZE; i++) {
            struct pool_child *c = &p->table[i];
            bool died_early;

            if (c->pid != pid)
                continue;
            c->pid = 0;
            if (c->retiring || stopping)
                break;
            cv_log(CV_LOG_ERROR, NULL, "responder %u (pid %ld) died (%s %d)%s", c->slot,
                   (long)pid, WIFSIGNALED(status) ? "signal" : "exit",
                   WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
                   p->pending && c->gen == p->pending_gen ? "" : "; replacing it");
            cv_sentry_capture(CV_LOG_ERROR, NULL, "cv-api responder died (%s %d)",
                              WIFSIGNALED(status) ? "signal" : "exit",
                              WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
            if (p->pending && c->gen == p->pending_gen) {
                pool_abandon_reload(p, "a new responder died while starting");
                break;
            }
            died_early = cv_ts_diff_ms(&c->started, &now) < CV_POOL_CHILD_MIN_LIFE_MS;
            p->respawn_at[c->slot] = now;
            if (died_early)
                cv_ts_add_ms(&p->respawn_at[c->slot], CV_POOL_RESPAWN_BACKOFF_MS);
            break;
        }
    }
    for (i = 0; i < POOL_TABLE_SIZE; i++) {
        struct pool_child *c = &p->table[i];

        if (c->pid == 0)
            continue;
        alive++;
        if (c->retiring && cv_ts_diff_ms(&c->kill_at, &now) > 0) {
            cv_log(CV_LOG_WARN, NULL, "responder %u (pid %ld) still busy after the grace "
                   "period: killing it", c->slot, (long)c->pid);
            (void)kill(c->pid, SIGKILL);
            c->kill_at.tv_sec += 3600;   /* kill once */
        }
    }
    return alive;
}

int cv_pool_run(struct cv_config *cfg, int listen_fd, struct cv_metrics *metrics,
                const struct cv_pool_reload *reload)
{
    struct timespec tick = { 0, 0 };
    struct cv_error err;
    struct pool *p;
    sigset_t set;
    bool stopping = false;
    size_t alive;
    int sig;

    cv_error_clear(&err);
    if (cv_listen_set_accept_timeout(listen_fd, CV_POOL_ACCEPT_WAKE_MS, &err) != CV_OK) {
        cv_log_error_detail(CV_LOG_ERROR, NULL, err.message, "listening socket");
        return 1;
    }
    cv_ts_add_ms(&tick, CV_POOL_MASTER_WAKE_MS);
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        return 1;
    if (pipe2(p->ready_pipe, O_CLOEXEC) != 0 ||
        fcntl(p->ready_pipe[0], F_SETFL, O_NONBLOCK) != 0) {
        cv_log_error_detail(CV_LOG_ERROR, NULL, strerror(errno), "ready pipe");
        free(p);
        return 1;
    }
    p->cfg = cfg;
    p->reload = reload;
    p->metrics = metrics;
    p->listen_fd = listen_fd;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGHUP);
    (void)sigprocmask(SIG_BLOCK, &set, NULL);
    cv_log(CV_LOG_INFO, NULL, "cv-api master starting %d responders of %d threads",
           cfg->api_processes, cfg->api_threads);
    for (;;) {
        if (!stopping)
            pool_fill(p);
        sig = sigtimedwait(&set, NULL, &tick);
        if ((sig == SIGTERM || sig == SIGINT) && !stopping) {
            stopping = true;
            cv_notify_stopping();
            cv_log(CV_LOG_INFO, NULL, "stopping: finishing requests in flight");
            if (p->pending)
                pool_abandon_reload(p, "stopping");
            (void)pool_retire(p, p->gen);
        } else if (sig == SIGHUP) {
            p->reload_wanted = true;
        }
        pool_read_ready(p);
        alive = pool_reap(p, stopping);
        cv_notify_watchdog();
        if (stopping && alive == 0)
            break;
        if (stopping)
            continue;
        if (p->reload_wanted && !p->pending)
            pool_start_reload(p);
        if (p->pending)
            pool_check_reload(p);
        if (!p->announced && pool_generation_ready(p, p->gen, cfg->api_processes)) {
            p->announced = true;
            cv_notify_ready("serving with %d responders of %d threads", cfg->api_processes,
                            cfg->api_threads);
        }
    }
    close(p->ready_pipe[0]);
    close(p->ready_pipe[1]);
    free(p);
    cv_log(CV_LOG_INFO, NULL, "cv-api stopped");
    return 0;
}
