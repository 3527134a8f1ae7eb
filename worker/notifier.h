/*
 * notifier.h (worker/) - the e-mail a user who opted in gets when an
 * analysis completes or fails, sent by cv-worker over SMTP (libcurl) from
 * a thread of its own, so a slow or broken mail server never holds a job.
 *
 * At most once per analysis: a finished job schedules its analysis in a
 * Redis sorted set (ZADD NX, so a job delivered twice schedules once);
 * the notifier takes each due entry with ZREM (one process wins) and
 * claims the send with SET cv:notify:sent:ID NX before talking to the
 * server. A crash after the claim loses that e-mail rather than sending it
 * twice. A failed send releases the claim and is scheduled again with
 * backoff, up to NOTIFY_MAX_ATTEMPTS, then dropped with a log line.
 * Whether the user opted in is read at send time (user_settings_repo.h).
 * Off entirely when SMTP_URL is not set.
 */
#ifndef CV_NOTIFIER_H
#define CV_NOTIFIER_H

#include <stdatomic.h>
#include <stdbool.h>

#include "analysis.h"
#include "buf.h"
#include "config.h"
#include "ctx.h"
#include "redis_conn.h"
#include "runtime.h"

#define NOTIFY_SENT_TTL_S (30L * 86400)                /* the claim (redis_keys.h) */
#define NOTIFY_MAX_ATTEMPTS 5
#define NOTIFY_BACKOFF_BASE_MS 2000L                /* doubled per failed send */
#define NOTIFY_BACKOFF_MAX_MS (10L * 60 * 1000)
#define NOTIFY_BATCH 10                             /* due entries taken per round */
#define NOTIFY_POLL_MS 1000L
#define NOTIFY_SMTP_TIMEOUT_MS 30000L
#define NOTIFY_SMTP_CONNECT_TIMEOUT_MS 10000L
#define NOTIFY_MESSAGE_MAX_BYTES (16 * 1024)

/* Schedule the e-mail of analysis_id (a job reached an end: completed,
 * failed, or found already finished). No-op when SMTP is off. A Redis
 * failure is logged: the analysis is never held by it. */
void notifier_schedule(struct cv_ctx *ctx, const char *analysis_id);

/* One round: send what is due. Used by the notifier thread; exposed for
 * tests. CV_ERR_UNAVAILABLE when Redis fails (the round ends). */
enum cv_status notifier_round(struct cv_ctx *ctx, struct cv_error *err) CV_WARN_UNUSED;

/* The two bodies of the message about a (completed or failed) for a user
 * named name, linking to frontend_url: plain text into text, HTML (with
 * every outside string escaped) into html. CV_ERR_TOO_LARGE past
 * NOTIFY_MESSAGE_MAX_BYTES each. Pure. */
enum cv_status notifier_compose(const struct analysis *a, const char *name,
                                const char *frontend_url, struct cv_buf *text,
                                struct cv_buf *html) CV_WARN_UNUSED;

/* The notifier thread, started by worker_run when SMTP_URL is set; it
 * returns once *stop is set (a send in flight is bounded by
 * NOTIFY_SMTP_TIMEOUT_MS). */
struct notifier_thread;
struct notifier_thread *notifier_start(struct cv_runtime *rt, atomic_bool *stop);
void notifier_join(struct notifier_thread *n);

#endif
