/*
 * pool.c (fcgi/) - master/child/thread responder pool (see pool.h).
 *
 * How a stop reaches a thread blocked in accept: libfcgi restarts accept()
 * after signals, so a signal alone cannot wake it. The listening socket
 * carries SO_RCVTIMEO (CV_POOL_ACCEPT_WAKE_MS): accept returns EAGAIN that
 * often, FCGX_Accept_r returns, and the thread sees the stop flag. The
 * socket itself is never shut down, so a socket held by systemd survives.
 */
#include "pool.h"

#include <errno.h>
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
#include "password.h"
#include "runtime.h"

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
                     unsigned slot)
{
    struct child_shared shared;
    struct child_thread *threads;
    struct sigaction sa;
    struct cv_error err;
    sigset_t none;
    int i, started = 0;

    (void)prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() == 1)
        return 1;   /* the master died before the line above */
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
    for (i = 0; i < started; i++)
        pthread_join(threads[i].tid, NULL);
    free(threads);
    cv_runtime_close(&shared.rt);
    cv_log(CV_LOG_INFO, NULL, "responder %u stopped", slot);
    return atomic_load(&child_stop) && started == cfg->api_threads ? 0 : 1;
}

/* ---- master: fork, watch, replace, stop ---- */

struct pool_child {
    pid_t pid;                  /* 0 when the slot is empty */
    struct timespec started;
    struct timespec respawn_at; /* when an empty slot may be refilled */
};

static void master_spawn(struct pool_child *c, unsigned slot, const struct cv_config *cfg,
                         int listen_fd, struct cv_metrics *metrics)
{
    pid_t pid = fork();

    if (pid < 0) {
        cv_log_error_detail(CV_LOG_ERROR, NULL, strerror(errno), "fork failed; will retry");
        cv_clock_now(&c->respawn_at);
        cv_ts_add_ms(&c->respawn_at, CV_POOL_RESPAWN_BACKOFF_MS);
        return;
    }
    if (pid == 0)
        _exit(child_run(cfg, listen_fd, metrics, slot));
    c->pid = pid;
    cv_clock_now(&c->started);
}

/* Reap every exited child; schedule replacements unless stopping. */
static size_t master_reap(struct pool_child *children, size_t n, int stopping)
{
    struct timespec now;
    size_t alive = 0, i;
    int status;
    pid_t pid;

    cv_clock_now(&now);
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (i = 0; i < n; i++) {
            if (children[i].pid != pid)
                continue;
            children[i].pid = 0;
            children[i].respawn_at = now;
            if (!stopping) {
                cv_log(CV_LOG_ERROR, NULL, "responder %zu (pid %ld) died (%s %d); replacing it",
                       i, (long)pid, WIFSIGNALED(status) ? "signal" : "exit",
                       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
                if (cv_ts_diff_ms(&children[i].started, &now) < CV_POOL_CHILD_MIN_LIFE_MS)
                    cv_ts_add_ms(&children[i].respawn_at, CV_POOL_RESPAWN_BACKOFF_MS);
            }
        }
    }
    for (i = 0; i < n; i++)
        alive += children[i].pid != 0;
    return alive;
}

int cv_pool_run(const struct cv_config *cfg, int listen_fd, struct cv_metrics *metrics)
{
    size_t n = (size_t)cfg->api_processes, i, alive;
    struct pool_child *children;
    struct timespec now, deadline = { 0, 0 };
    struct timespec wait = { 0, 200 * 1000000L };
    struct cv_error err;
    sigset_t set;
    int stopping = 0, sig;

    cv_error_clear(&err);
    if (cv_listen_set_accept_timeout(listen_fd, CV_POOL_ACCEPT_WAKE_MS, &err) != CV_OK) {
        cv_log_error_detail(CV_LOG_ERROR, NULL, err.message, "listening socket");
        return 1;
    }
    children = calloc(n, sizeof(*children));
    if (children == NULL)
        return 1;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGHUP);
    (void)sigprocmask(SIG_BLOCK, &set, NULL);
    cv_log(CV_LOG_INFO, NULL, "cv-api master starting %zu responders of %d threads", n,
           cfg->api_threads);
    for (;;) {
        cv_clock_now(&now);
        for (i = 0; i < n && !stopping; i++) {
            if (children[i].pid == 0 && cv_ts_diff_ms(&children[i].respawn_at, &now) >= 0)
                master_spawn(&children[i], (unsigned)i, cfg, listen_fd, metrics);
        }
        sig = sigtimedwait(&set, NULL, &wait);
        if ((sig == SIGTERM || sig == SIGINT) && !stopping) {
            stopping = 1;
            cv_clock_now(&deadline);
            cv_ts_add_ms(&deadline, CV_POOL_STOP_GRACE_MS);
            cv_log(CV_LOG_INFO, NULL, "stopping: finishing requests in flight");
            for (i = 0; i < n; i++) {
                if (children[i].pid != 0)
                    (void)kill(children[i].pid, SIGTERM);
            }
        } else if (sig == SIGHUP) {
            cv_log(CV_LOG_INFO, NULL, "SIGHUP ignored: restart the service to reload");
        }
        alive = master_reap(children, n, stopping);
        if (stopping && alive == 0)
            break;
        cv_clock_now(&now);
        if (stopping && cv_ts_diff_ms(&deadline, &now) > 0) {
            cv_log(CV_LOG_WARN, NULL, "grace period over: killing %zu responders", alive);
            for (i = 0; i < n; i++) {
                if (children[i].pid != 0)
                    (void)kill(children[i].pid, SIGKILL);
            }
            deadline.tv_sec += 3600;   /* kill once */
        }
    }
    free(children);
    cv_log(CV_LOG_INFO, NULL, "cv-api stopped");
    return 0;
}
