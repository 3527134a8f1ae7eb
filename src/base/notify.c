/*
 * notify.c - sd_notify(3) messages to systemd (see notify.h).
 */
#include "notify.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "cv_limits.h"

static pthread_mutex_t watchdog_mu = PTHREAD_MUTEX_INITIALIZER;
static struct timespec watchdog_last;

void cv_notify_ready(const char *status_fmt, ...)
{
    char status[CV_NOTIFY_STATUS_MAX];
    va_list ap;

    va_start(ap, status_fmt);
    (void)vsnprintf(status, sizeof(status), status_fmt, ap);
    va_end(ap);
    (void)sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void cv_notify_reloading(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    /* MONOTONIC_USEC is read by systemd 253 and later, ignored before. */
    (void)sd_notifyf(0, "RELOADING=1\nSTATUS=reloading the configuration\nMONOTONIC_USEC=%llu",
                     (unsigned long long)now.tv_sec * 1000000ULL +
                         (unsigned long long)now.tv_nsec / 1000ULL);
}

void cv_notify_stopping(void)
{
    (void)sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}

void cv_notify_watchdog(void)
{
    struct timespec now;
    uint64_t usec = 0;
    long long since_us;

    if (sd_watchdog_enabled(0, &usec) <= 0)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    pthread_mutex_lock(&watchdog_mu);
    since_us = (long long)(now.tv_sec - watchdog_last.tv_sec) * 1000000LL +
               (now.tv_nsec - watchdog_last.tv_nsec) / 1000LL;
    if (since_us >= (long long)(usec / 2)) {
        watchdog_last = now;
        (void)sd_notify(0, "WATCHDOG=1");
    }
    pthread_mutex_unlock(&watchdog_mu);
}
