/*
 * sentry.c - Sentry envelopes over libcurl (see sentry.h).
 *
 * An envelope is three JSON lines: the envelope header (event_id, dsn,
 * sent_at), the item header ({"type":"event"}), and the event. The event
 * is built with json-c, so every string is escaped.
 */
#include "sentry.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <sodium.h>

#include "cv_limits.h"
#include "timefmt.h"
#include "version.h"

struct sentry_event {
    char body[CV_SENTRY_EVENT_MAX_BYTES];
    size_t len;
};

static struct {
    bool enabled;
    bool background;
    struct cv_sentry_dsn dsn;
    char dsn_text[512];
    char environment[32];
    char component[16];
    char host[64];
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t tid;
    bool thread_running;
    bool stopping;
    struct sentry_event queue[CV_SENTRY_QUEUE_MAX];
    size_t head, count;
    unsigned long dropped;
} S;

bool cv_sentry_parse_dsn(const char *dsn, struct cv_sentry_dsn *out)
{
    const char *scheme_end, *at, *host, *slash, *project;
    size_t key_len;
    int n;

    if (dsn == NULL)
        return false;
    scheme_end = strstr(dsn, "://");
    if (scheme_end == NULL || !((scheme_end - dsn == 4 && strncmp(dsn, "http", 4) == 0) ||
                                (scheme_end - dsn == 5 && strncmp(dsn, "https", 5) == 0)))
        return false;
    at = strchr(scheme_end + 3, '@');
    project = strrchr(dsn, '/');
    if (at == NULL || project == NULL || project < at)
        return false;
    key_len = (size_t)(at - (scheme_end + 3));
    /* The public key, optionally followed by :secret (older DSNs). */
    if (memchr(scheme_end + 3, ':', key_len) != NULL)
        key_len = (size_t)((const char *)memchr(scheme_end + 3, ':', key_len) - (scheme_end + 3));
    host = at + 1;
    slash = strchr(host, '/');
    if (key_len == 0 || key_len >= sizeof(out->public_key) || slash == NULL || slash == host ||
        project[1] == '\0' || strspn(project + 1, "0123456789") != strlen(project + 1))
        return false;
    memcpy(out->public_key, scheme_end + 3, key_len);
    out->public_key[key_len] = '\0';
    /* scheme://host[:port][/path]/api/<project>/envelope/ */
    n = snprintf(out->envelope_url, sizeof(out->envelope_url), "%.*s%.*s/api/%s/envelope/",
                 (int)(scheme_end + 3 - dsn), dsn, (int)(project - host), host, project + 1);
    return n > 0 && (size_t)n < sizeof(out->envelope_url);
}

static void random_hex(char out[33])
{
    unsigned char b[16];
    size_t i;

    randombytes_buf(b, sizeof(b));
    for (i = 0; i < sizeof(b); i++)
        (void)snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static const char *level_name(enum cv_log_level level)
{
    return level >= CV_LOG_ERROR ? "error" : level == CV_LOG_WARN ? "warning" : "info";
}

/* The envelope of one event into ev; false if it does not fit. */
static bool build_envelope(struct sentry_event *ev, enum cv_log_level level,
                           const char *request_id, const char *message)
{
    json_object *event = json_object_new_object(), *msg = json_object_new_object(),
                *tags = json_object_new_object();
    char id[33], release[64];
    int64_t now_ms = cv_time_now_ms();
    const char *text;
    int n;

    random_hex(id);
    (void)snprintf(release, sizeof(release), "cv-analyzer@%s", CV_VERSION);
    json_object_object_add(event, "event_id", json_object_new_string(id));
    json_object_object_add(event, "timestamp", json_object_new_double((double)now_ms / 1000.0));
    json_object_object_add(event, "platform", json_object_new_string("c"));
    json_object_object_add(event, "level", json_object_new_string(level_name(level)));
    json_object_object_add(event, "logger", json_object_new_string(S.component));
    json_object_object_add(event, "release", json_object_new_string(release));
    json_object_object_add(event, "environment", json_object_new_string(S.environment));
    json_object_object_add(event, "server_name", json_object_new_string(S.host));
    json_object_object_add(msg, "formatted", json_object_new_string(message));
    json_object_object_add(event, "message", msg);
    json_object_object_add(tags, "component", json_object_new_string(S.component));
    if (request_id != NULL && request_id[0] != '\0')
        json_object_object_add(tags, "request_id", json_object_new_string(request_id));
    json_object_object_add(event, "tags", tags);
    text = json_object_to_json_string_ext(event, JSON_C_TO_STRING_PLAIN);
    n = snprintf(ev->body, sizeof(ev->body),
                 "{\"event_id\":\"%s\",\"dsn\":\"%s\"}\n{\"type\":\"event\"}\n%s\n", id,
                 S.dsn_text, text);
    json_object_put(event);
    if (n < 0 || (size_t)n >= sizeof(ev->body))
        return false;
    ev->len = (size_t)n;
    return true;
}

static size_t discard(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    (void)ptr;
    (void)userdata;
    return size * nmemb;
}

/* POST one envelope; failures are logged, never retried. */
static void send_envelope(const struct sentry_event *ev)
{
    struct curl_slist *headers = NULL;
    char auth[256];
    long code = 0;
    CURLcode rc;
    CURL *curl = curl_easy_init();

    if (curl == NULL)
        return;
    (void)snprintf(auth, sizeof(auth), "X-Sentry-Auth: Sentry sentry_version=7, "
                   "sentry_client=cv-analyzer/%s, sentry_key=%s", CV_VERSION,
                   S.dsn.public_key);
    headers = curl_slist_append(headers, "Content-Type: application/x-sentry-envelope");
    headers = curl_slist_append(headers, auth);
    curl_easy_setopt(curl, CURLOPT_URL, S.dsn.envelope_url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, ev->body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)ev->len);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)CV_SENTRY_TIMEOUT_MS);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    rc = curl_easy_perform(curl);
    if (rc == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK || code < 200 || code >= 300)
        cv_log(CV_LOG_WARN, NULL, "Sentry did not take an event (%s, HTTP %ld)",
               rc != CURLE_OK ? curl_easy_strerror(rc) : "answered", code);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
}

static void *sentry_thread(void *arg)
{
    struct sentry_event ev;

    (void)arg;
    pthread_mutex_lock(&S.mu);
    for (;;) {
        while (S.count == 0 && !S.stopping)
            pthread_cond_wait(&S.cv, &S.mu);
        if (S.count == 0)
            break;
        ev = S.queue[S.head];
        S.head = (S.head + 1) % CV_SENTRY_QUEUE_MAX;
        S.count--;
        pthread_mutex_unlock(&S.mu);
        send_envelope(&ev);
        pthread_mutex_lock(&S.mu);
    }
    pthread_mutex_unlock(&S.mu);
    return NULL;
}

enum cv_status cv_sentry_start(const struct cv_config *cfg, const char *component,
                               bool background, struct cv_error *err)
{
    memset(&S, 0, sizeof(S));
    if (cfg->sentry_dsn == NULL)
        return CV_OK;
    if (sodium_init() < 0)   /* event ids; idempotent */
        return cv_error_set(err, CV_ERR_INTERNAL, "libsodium initialisation failed");
    if (!cv_sentry_parse_dsn(cfg->sentry_dsn, &S.dsn) ||
        strlen(cfg->sentry_dsn) >= sizeof(S.dsn_text))
        return cv_error_set(err, CV_ERR_CONFIG, "SENTRY_DSN is not a Sentry DSN");
    (void)snprintf(S.dsn_text, sizeof(S.dsn_text), "%s", cfg->sentry_dsn);
    (void)snprintf(S.environment, sizeof(S.environment), "%s",
                   cfg->sentry_environment != NULL ? cfg->sentry_environment
                                                   : cv_app_env_name(cfg->app_env));
    (void)snprintf(S.component, sizeof(S.component), "%s", component);
    if (gethostname(S.host, sizeof(S.host) - 1) != 0)
        (void)snprintf(S.host, sizeof(S.host), "unknown");
    pthread_mutex_init(&S.mu, NULL);
    pthread_cond_init(&S.cv, NULL);
    S.background = background;
    if (background) {
        if (pthread_create(&S.tid, NULL, sentry_thread, NULL) != 0)
            return cv_error_set(err, CV_ERR_INTERNAL, "cannot start the Sentry thread");
        S.thread_running = true;
    }
    S.enabled = true;
    return CV_OK;
}

void cv_sentry_capture(enum cv_log_level level, const char *request_id, const char *fmt, ...)
{
    struct sentry_event ev;
    char message[CV_SENTRY_MESSAGE_MAX_BYTES];
    va_list ap;

    if (!S.enabled)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    if (!build_envelope(&ev, level, request_id, message))
        return;
    if (!S.background) {
        send_envelope(&ev);
        return;
    }
    pthread_mutex_lock(&S.mu);
    if (S.count < CV_SENTRY_QUEUE_MAX && !S.stopping) {
        S.queue[(S.head + S.count) % CV_SENTRY_QUEUE_MAX] = ev;
        S.count++;
        pthread_cond_signal(&S.cv);
    } else {
        S.dropped++;
    }
    pthread_mutex_unlock(&S.mu);
}

void cv_sentry_stop(void)
{
    unsigned long dropped;

    if (!S.enabled)
        return;
    pthread_mutex_lock(&S.mu);
    S.stopping = true;
    dropped = S.dropped;
    pthread_cond_signal(&S.cv);
    pthread_mutex_unlock(&S.mu);
    if (S.thread_running)
        pthread_join(S.tid, NULL);
    if (dropped > 0)
        cv_log(CV_LOG_WARN, NULL, "%lu Sentry events dropped (queue full)", dropped);
    S.enabled = false;
}
