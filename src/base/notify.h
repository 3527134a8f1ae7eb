/*
 * notify.h - telling the service manager (systemd, Type=notify) where the
 * process stands: ready, reloading, stopping, and alive (the watchdog).
 *
 * Without $NOTIFY_SOCKET (not started by systemd: deploy/dev, the tests)
 * every call does nothing. Call from the main (notifying) process only:
 * the units keep NotifyAccess=main, so a child's messages are dropped.
 * Thread safe; errors are ignored (the manager is informed, not asked).
 */
#ifndef CV_NOTIFY_H
#define CV_NOTIFY_H

/* READY=1 with a STATUS= line (printf-style). */
void cv_notify_ready(const char *status_fmt, ...) __attribute__((format(printf, 1, 2)));
/* RELOADING=1: a reload started; follow it with cv_notify_ready. */
void cv_notify_reloading(void);
/* STOPPING=1: the process is shutting down. */
void cv_notify_stopping(void);
/* WATCHDOG=1 if the unit has WatchdogSec= and half of it passed since the
 * last ping; call it from the loop whose progress proves liveness, at
 * least every few seconds. */
void cv_notify_watchdog(void);

#endif
