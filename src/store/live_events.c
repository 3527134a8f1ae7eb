/*
 * live_events.c (src/store) - nchan channels and publishing (see
 * live_events.h).
 */
#include "live_events.h"

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#define LIVE_EVENTS_URL_MAX_BYTES 1024
#define LIVE_EVENTS_HEADER_MAX_BYTES 128

void live_events_channel(const struct cv_config *cfg, enum live_channel_kind kind,
                         const char *id, char out[LIVE_EVENTS_CHANNEL_HEX_LEN + 1])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    const char *label = kind == LIVE_CHANNEL_USER ? "cv-events:user:" : "cv-events:analysis:";

    crypto_auth_hmacsha256_init(&st, (const unsigned char *)cfg->jwt_secret, cfg->jwt_secret_len);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)label, strlen(label));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)id, strlen(id));
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(out, LIVE_EVENTS_CHANNEL_HEX_LEN + 1, mac, sizeof(mac));
}

static size_t discard(char *p, size_t size, size_t n, void *user)
{
    (void)p;
    (void)user;
    return size * n;
}

enum cv_status live_events_publish(const struct cv_config *cfg, enum live_channel_kind kind,
                                   const char *channel, const char *event, const char *json,
                                   size_t len, struct cv_error *err)
{
    char url[LIVE_EVENTS_URL_MAX_BYTES], header[LIVE_EVENTS_HEADER_MAX_BYTES];
    struct curl_slist *headers = NULL;
    enum cv_status st = CV_OK;
    long code = 0;
    CURLcode rc;
    CURL *curl;
    int n;

    if (cfg->events_publish_url == NULL)
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "EVENTS_PUBLISH_URL is not set");
    n = snprintf(url, sizeof(url), "%s/%s/%s", cfg->events_publish_url,
                 kind == LIVE_CHANNEL_USER ? "user" : "analysis", channel);
    if (n < 0 || (size_t)n >= sizeof(url))
        return cv_error_set(err, CV_ERR_INTERNAL, "publisher URL too long");
    n = snprintf(header, sizeof(header), "X-EventSource-Event: %s", event);
    if (n < 0 || (size_t)n >= sizeof(header))
        return cv_error_set(err, CV_ERR_INTERNAL, "event name too long");
    curl = curl_easy_init();
    if (curl == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "curl_easy_init failed");
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, header);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)len);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, LIVE_EVENTS_PUBLISH_TIMEOUT_MS);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, LIVE_EVENTS_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    rc = curl_easy_perform(curl);
    if (rc == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "publishing an event: %s",
                          curl_easy_strerror(rc));
    else if (code < 200 || code > 299)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "publishing an event: HTTP %ld", code);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return st;
}
