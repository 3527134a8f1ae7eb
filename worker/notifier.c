/*
 * notifier.c (worker/) - e-mail when an analysis ends (see notifier.h).
 */
#include "notifier.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "analysis_repo.h"
#include "clock.h"
#include "log.h"
#include "redis_keys.h"
#include "timefmt.h"
#include "user_repo.h"
#include "user_settings_repo.h"

/* ---- Scheduling (job threads) ---------------------------------------------- */

void notifier_schedule(struct cv_ctx *ctx, const char *analysis_id)
{
    struct cv_error err;
    redisReply *rep;

    if (ctx->cfg->smtp_url == NULL)
        return;
    cv_error_clear(&err);
    if (cv_redis_command(ctx->redis, true, &rep, &err, "ZADD %s NX %lld %s", CV_KEY_NOTIFY_DUE,
                         (long long)cv_time_now_ms(), analysis_id) != CV_OK) {
        cv_log_error_detail(CV_LOG_WARN, ctx->request_id, err.message,
                            "e-mail of analysis %s not scheduled", analysis_id);
        return;
    }
    if (rep->type == REDIS_REPLY_ERROR)
        cv_log(CV_LOG_WARN, ctx->request_id, "e-mail of analysis %s not scheduled: %s",
               analysis_id, rep->str);
    freeReplyObject(rep);
}

/* ---- The message ------------------------------------------------------------- */

static enum cv_status html_escaped(struct cv_buf *b, const char *s)
{
    enum cv_status st = CV_OK;

    for (; *s != '\0' && st == CV_OK; s++) {
        switch (*s) {
        case '<': st = cv_buf_puts(b, "&lt;"); break;
        case '>': st = cv_buf_puts(b, "&gt;"); break;
        case '&': st = cv_buf_puts(b, "&amp;"); break;
        case '"': st = cv_buf_puts(b, "&quot;"); break;
        case '\'': st = cv_buf_puts(b, "&#39;"); break;
        default: st = cv_buf_append(b, s, 1); break;
        }
    }
    return st;
}

static int result_score(const struct analysis *a)
{
    json_object *score;

    if (a->result != NULL && json_object_object_get_ex(a->result, "score", &score))
        return json_object_get_int(score);
    return -1;
}

enum cv_status notifier_compose(const struct analysis *a, const char *name,
                                const char *frontend_url, struct cv_buf *text,
                                struct cv_buf *html)
{
    bool done = a->status == ANALYSIS_COMPLETED;
    int score = result_score(a);
    enum cv_status st;

    /* Plain text: the strings go as they are (no markup to break). */
    st = cv_buf_printf(text, "Hello %s,\r\n\r\n", name);
    if (st == CV_OK && done)
        st = cv_buf_printf(text, "The analysis of your CV \"%s\" is ready: score %d/100.\r\n",
                           a->file_name, score);
    else if (st == CV_OK)
        st = cv_buf_printf(text, "The analysis of your CV \"%s\" failed: %s\r\n", a->file_name,
                           a->error);
    if (st == CV_OK)
        st = cv_buf_printf(text, "\r\nSee it at %s/analyses/%s\r\n\r\n-- \r\nCV Analyzer\r\n",
                           frontend_url, a->id);

    if (st == CV_OK)
        st = cv_buf_puts(html, "<!DOCTYPE html>\r\n<html><body>\r\n<p>Hello ");
    if (st == CV_OK)
        st = html_escaped(html, name);
    if (st == CV_OK)
        st = cv_buf_puts(html, ",</p>\r\n<p>The analysis of your CV <strong>");
    if (st == CV_OK)
        st = html_escaped(html, a->file_name);
    if (st == CV_OK && done)
        st = cv_buf_printf(html, "</strong> is ready: score <strong>%d</strong>/100.</p>\r\n",
                           score);
    else if (st == CV_OK) {
        st = cv_buf_puts(html, "</strong> failed: ");
        if (st == CV_OK)
            st = html_escaped(html, a->error);
        if (st == CV_OK)
            st = cv_buf_puts(html, "</p>\r\n");
    }
    if (st == CV_OK)
        st = cv_buf_puts(html, "<p><a href=\"");
    if (st == CV_OK)
        st = html_escaped(html, frontend_url);
    if (st == CV_OK)
        st = cv_buf_printf(html, "/analyses/%s\">See the analysis</a></p>\r\n"
                           "<p>CV Analyzer</p>\r\n</body></html>\r\n", a->id);
    return st;
}

/* ---- Sending ------------------------------------------------------------------- */

/* Send one message to `to` over SMTP. CV_OK once the server accepted it;
 * CV_ERR_UNAVAILABLE with curl's reason otherwise. */
static enum cv_status smtp_send(const struct cv_config *cfg, const struct analysis *a,
                                const char *to, const char *text, const char *html,
                                struct cv_error *err)
{
    char header[512], date[64], host[64];
    struct curl_slist *rcpt = NULL, *headers = NULL, *alt_headers = NULL;
    curl_mime *mime = NULL, *alt = NULL;
    curl_mimepart *part;
    enum cv_status st = CV_OK;
    time_t now = time(NULL);
    struct tm tm;
    CURLcode rc;
    CURL *curl;

    curl = curl_easy_init();
    if (curl == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "curl_easy_init failed");
    if (gethostname(host, sizeof(host) - 1) != 0)
        (void)snprintf(host, sizeof(host), "cv-worker");
    host[sizeof(host) - 1] = '\0';
    gmtime_r(&now, &tm);
    (void)strftime(date, sizeof(date), "Date: %a, %d %b %Y %H:%M:%S +0000", &tm);
    headers = curl_slist_append(headers, date);
    (void)snprintf(header, sizeof(header), "From: CV Analyzer <%s>", cfg->smtp_from);
    headers = curl_slist_append(headers, header);
    (void)snprintf(header, sizeof(header), "To: <%s>", to);
    headers = curl_slist_append(headers, header);
    headers = curl_slist_append(headers, a->status == ANALYSIS_COMPLETED
                                             ? "Subject: Your CV analysis is ready"
                                             : "Subject: Your CV analysis failed");
    /* One Message-ID per analysis: receivers can drop a duplicate too. */
    (void)snprintf(header, sizeof(header), "Message-ID: <analysis-%s@%s>", a->id, host);
    headers = curl_slist_append(headers, header);
    rcpt = curl_slist_append(rcpt, to);

    mime = curl_mime_init(curl);
    alt = curl_mime_init(curl);
    part = curl_mime_addpart(alt);
    curl_mime_data(part, text, CURL_ZERO_TERMINATED);
    curl_mime_type(part, "text/plain; charset=utf-8");
    curl_mime_encoder(part, "quoted-printable");
    part = curl_mime_addpart(alt);
    curl_mime_data(part, html, CURL_ZERO_TERMINATED);
    curl_mime_type(part, "text/html; charset=utf-8");
    curl_mime_encoder(part, "quoted-printable");
    part = curl_mime_addpart(mime);
    curl_mime_subparts(part, alt);   /* alt now belongs to mime */
    curl_mime_type(part, "multipart/alternative");
    alt_headers = curl_slist_append(NULL, "Content-Disposition: inline");
    curl_mime_headers(part, alt_headers, 1);

    curl_easy_setopt(curl, CURLOPT_URL, cfg->smtp_url);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, cfg->smtp_from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, NOTIFY_SMTP_TIMEOUT_MS);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, NOTIFY_SMTP_CONNECT_TIMEOUT_MS);
    if (strncmp(cfg->smtp_url, "smtp://", 7) == 0)
        curl_easy_setopt(curl, CURLOPT_USE_SSL,
                         cfg->smtp_starttls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
    if (cfg->smtp_user != NULL) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->smtp_user);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, cfg->smtp_password != NULL
                                                     ? cfg->smtp_password : "");
    }
    rc = curl_easy_perform(curl);
    if (rc != CURLE_OK)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "SMTP: %s", curl_easy_strerror(rc));
    curl_easy_cleanup(curl);
    curl_mime_free(mime);
    curl_slist_free_all(headers);
    curl_slist_free_all(rcpt);
    return st;
}

/* ---- Rounds (the notifier thread) ------------------------------------------- */

/* The integer of a reply (0 for nil or another type), freed. */
static long long reply_int(redisReply *rep)
{
    long long v = rep->type == REDIS_REPLY_INTEGER ? rep->integer : 0;

    if (rep->type == REDIS_REPLY_STATUS)
        v = 1;   /* SET ... NX answered OK */
    freeReplyObject(rep);
    return v;
}

/* Release the claim and schedule a later try (true), or give up. */
static bool send_failed(struct cv_ctx *ctx, const char *id, long long attempts,
                        const char *why)
{
    struct cv_error err;
    redisReply *rep;
    long delay = NOTIFY_BACKOFF_BASE_MS;
    long long i;

    cv_error_clear(&err);
    if (attempts >= NOTIFY_MAX_ATTEMPTS) {
        cv_log(CV_LOG_WARN, NULL, "e-mail of analysis %s dropped after %lld attempts: %s", id,
               attempts, why);
        return false;
    }
    for (i = 1; i < attempts && delay < NOTIFY_BACKOFF_MAX_MS; i++)
        delay *= 2;
    if (delay > NOTIFY_BACKOFF_MAX_MS)
        delay = NOTIFY_BACKOFF_MAX_MS;
    cv_log(CV_LOG_WARN, NULL, "e-mail of analysis %s failed (attempt %lld): %s; retry in %ld ms",
           id, attempts, why, delay);
    if (cv_redis_command(ctx->redis, true, &rep, &err, "DEL %s%s", CV_KEY_NOTIFY_SENT_PREFIX, id) ==
        CV_OK)
        freeReplyObject(rep);
    if (err.status == CV_OK &&
        cv_redis_command(ctx->redis, true, &rep, &err, "ZADD %s %lld %s", CV_KEY_NOTIFY_DUE,
                         (long long)(cv_time_now_ms() + delay), id) == CV_OK)
        freeReplyObject(rep);
    if (err.status == CV_OK)
        return true;
    cv_log_error_detail(CV_LOG_WARN, NULL, err.message,
                        "e-mail of analysis %s not rescheduled: dropped", id);
    return false;
}

/* Decide and send the e-mail of one analysis whose claim we hold; true
 * when it was scheduled again. */
static bool notify_one(struct cv_ctx *ctx, const char *id, long long attempts)
{
    struct cv_buf text, html;
    struct user_settings settings = { .notify_email = false };   /* off unless read */
    struct cv_user user;
    struct analysis a;
    struct cv_error err;
    enum cv_status st;
    bool again = false;

    cv_error_clear(&err);
    st = analysis_repo_get(ctx, id, NULL, false, &a, &err);
    if (st == CV_ERR_NOT_FOUND)
        return false;   /* deleted meanwhile: nothing to tell */
    if (st != CV_OK)
        return send_failed(ctx, id, attempts, err.message);
    if (a.status != ANALYSIS_COMPLETED && a.status != ANALYSIS_FAILED) {
        analysis_free(&a);
        return false;
    }
    st = user_repo_find_by_id(ctx, a.user_id, &user, &err);
    if (st == CV_OK)
        st = user_settings_get(ctx, a.user_id, &settings, &err);
    if (st != CV_OK || !settings.notify_email) {
        if (st != CV_OK && st != CV_ERR_NOT_FOUND)
            again = send_failed(ctx, id, attempts, err.message);
        analysis_free(&a);
        return again;
    }
    cv_buf_init(&text, NOTIFY_MESSAGE_MAX_BYTES);
    cv_buf_init(&html, NOTIFY_MESSAGE_MAX_BYTES);
    st = notifier_compose(&a, user.name, ctx->cfg->frontend_url, &text, &html);
    if (st != CV_OK)
        cv_log(CV_LOG_WARN, NULL, "e-mail of analysis %s not composed (over %d bytes): dropped",
               id, NOTIFY_MESSAGE_MAX_BYTES);
    else if (smtp_send(ctx->cfg, &a, user.email, text.data, html.data, &err) != CV_OK)
        again = send_failed(ctx, id, attempts, err.message);
    else
        cv_log(CV_LOG_INFO, a.request_id[0] != '\0' ? a.request_id : NULL,
               "e-mail about analysis %s (%s) sent to user %s", id,
               analysis_status_name(a.status), a.user_id);
    cv_buf_free(&text);
    cv_buf_free(&html);
    analysis_free(&a);
    return again;
}

/* Take one due entry: ZREM decides which process owns it, then the
 * claim (SET NX) makes sure it is sent at most once. */
static enum cv_status take_one(struct cv_ctx *ctx, const char *id, struct cv_error *err)
{
    long long attempts;
    redisReply *rep;
    enum cv_status st;

    st = cv_redis_command(ctx->redis, false, &rep, err, "ZREM %s %s", CV_KEY_NOTIFY_DUE, id);
    if (st != CV_OK)
        return st;
    if (reply_int(rep) != 1)
        return CV_OK;   /* another notifier took it */
    st = cv_redis_command(ctx->redis, false, &rep, err, "SET %s%s 1 NX EX %ld",
                          CV_KEY_NOTIFY_SENT_PREFIX, id, NOTIFY_SENT_TTL_S);
    if (st != CV_OK)
        return st;
    if (reply_int(rep) != 1)
        return CV_OK;   /* claimed before: sent, or lost to a crash; never twice */
    st = cv_redis_command(ctx->redis, false, &rep, err, "HINCRBY %s %s 1", CV_KEY_NOTIFY_ATTEMPTS,
                          id);
    if (st != CV_OK)
        return st;
    attempts = reply_int(rep);
    if (!notify_one(ctx, id, attempts) &&
        cv_redis_command(ctx->redis, true, &rep, err, "HDEL %s %s", CV_KEY_NOTIFY_ATTEMPTS, id) ==
            CV_OK)
        freeReplyObject(rep);
    return CV_OK;
}

enum cv_status notifier_round(struct cv_ctx *ctx, struct cv_error *err)
{
    char ids[NOTIFY_BATCH][USER_ID_HEX_LEN + 1];
    redisReply *rep;
    enum cv_status st;
    size_t n = 0, i;

    st = cv_redis_command(ctx->redis, true, &rep, err, "ZRANGEBYSCORE %s -inf %lld LIMIT 0 %d",
                          CV_KEY_NOTIFY_DUE, (long long)cv_time_now_ms(), NOTIFY_BATCH);
    if (st != CV_OK)
        return st;
    if (rep->type == REDIS_REPLY_ARRAY)
        for (i = 0; i < rep->elements && n < NOTIFY_BATCH; i++)
            if (rep->element[i]->type == REDIS_REPLY_STRING &&
                rep->element[i]->len == USER_ID_HEX_LEN)
                memcpy(ids[n++], rep->element[i]->str, USER_ID_HEX_LEN + 1);
    freeReplyObject(rep);
    for (i = 0; i < n && st == CV_OK; i++)
        st = take_one(ctx, ids[i], err);
    return st;
}

/* ---- The thread ------------------------------------------------------------- */

struct notifier_thread {
    pthread_t tid;
    struct cv_runtime *rt;
    atomic_bool *stop;
};

static void *notifier_main(void *arg)
{
    struct notifier_thread *n = arg;
    struct cv_thread_conns conns;
    struct cv_ctx ctx;

    cv_runtime_thread_open(n->rt, &conns);
    ctx = cv_runtime_ctx(n->rt, &conns, NULL);
    while (!atomic_load(n->stop)) {
        struct cv_error err;

        cv_error_clear(&err);
        if (notifier_round(&ctx, &err) != CV_OK)
            cv_log_error_detail(CV_LOG_DEBUG, NULL, err.message, "notifier round");
        cv_nap_ms(NOTIFY_POLL_MS);   /* a signal cuts it short */
    }
    cv_runtime_thread_close(n->rt, &conns);
    return NULL;
}

struct notifier_thread *notifier_start(struct cv_runtime *rt, atomic_bool *stop)
{
    struct notifier_thread *n;

    if (rt->cfg->smtp_url == NULL)
        return NULL;
    n = calloc(1, sizeof(*n));
    if (n == NULL)
        return NULL;
    n->rt = rt;
    n->stop = stop;
    if (pthread_create(&n->tid, NULL, notifier_main, n) != 0) {
        free(n);
        return NULL;
    }
    return n;
}

void notifier_join(struct notifier_thread *n)
{
    if (n == NULL)
        return;
    pthread_join(n->tid, NULL);
    free(n);
}
