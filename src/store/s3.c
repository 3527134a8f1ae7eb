/*
 * s3.c - minimal S3 client (see s3.h).
 */
#include "s3.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "buf.h"
#include "cv_limits.h"

/* scheme://host[:port] of the service and whether the bucket goes in the
 * host (virtual-host style). */
static enum cv_status s3_base(const struct cv_config *cfg, char *scheme, size_t ssize,
                              char *host, size_t hsize, struct cv_error *err)
{
    const char *ep = cfg->s3_endpoint, *h;
    int n;

    if (ep == NULL) {
        n = snprintf(scheme, ssize, "https");
        if (n >= 0 && (size_t)n < ssize)
            n = cfg->s3_force_path_style
                    ? snprintf(host, hsize, "s3.%s.amazonaws.com", cfg->s3_region)
                    : snprintf(host, hsize, "%s.s3.%s.amazonaws.com", cfg->s3_bucket,
                               cfg->s3_region);
    } else {
        h = strstr(ep, "://");
        if (h == NULL)
            return cv_error_set(err, CV_ERR_CONFIG, "S3_ENDPOINT has no scheme");
        n = snprintf(scheme, ssize, "%.*s", (int)(h - ep), ep);
        h += 3;
        if (n >= 0 && (size_t)n < ssize) {
            size_t hl = strcspn(h, "/");
            n = cfg->s3_force_path_style ? snprintf(host, hsize, "%.*s", (int)hl, h)
                                         : snprintf(host, hsize, "%s.%.*s", cfg->s3_bucket,
                                                    (int)hl, h);
        }
    }
    if (n < 0 || (size_t)n >= hsize)
        return cv_error_set(err, CV_ERR_CONFIG, "S3 host name too long");
    return CV_OK;
}

/* The path of key: /bucket/key (path style) or /key. key "" is the bucket. */
static enum cv_status s3_path(const struct cv_config *cfg, const char *key, char *out,
                              size_t size, struct cv_error *err)
{
    int n = cfg->s3_force_path_style ? snprintf(out, size, "/%s/%s", cfg->s3_bucket, key)
                                     : snprintf(out, size, "/%s", key);

    if (n < 0 || (size_t)n >= size)
        return cv_error_set(err, CV_ERR_CONFIG, "S3 object path too long");
    return CV_OK;
}

static enum cv_status s3_url(const struct cv_config *cfg, const char *key, char *url,
                             struct cv_error *err)
{
    char scheme[16], host[512], path[1024];
    enum cv_status st;
    int n;

    st = s3_base(cfg, scheme, sizeof(scheme), host, sizeof(host), err);
    if (st == CV_OK)
        st = s3_path(cfg, key, path, sizeof(path), err);
    if (st != CV_OK)
        return st;
    n = snprintf(url, S3_URL_MAX, "%s://%s%s", scheme, host, path);
    if (n < 0 || n >= S3_URL_MAX)
        return cv_error_set(err, CV_ERR_CONFIG, "S3 URL too long");
    return CV_OK;
}

/* Responses without a download target are discarded. */
static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return size * n;
}

/* One signed request: method, URL, optional upload file or download file.
 * Returns the HTTP status in *code. */
static enum cv_status s3_request(const struct cv_config *cfg, const char *method,
                                 const char *url, FILE *upload, uint64_t upload_size,
                                 struct curl_slist *headers, FILE *download, long *code,
                                 struct cv_error *err)
{
    char sigv4[128], userpwd[512];
    enum cv_status st = CV_OK;
    CURLcode rc;
    CURL *curl;
    int n;

    *code = 0;
    n = snprintf(sigv4, sizeof(sigv4), "aws:amz:%s:s3", cfg->s3_region);
    if (n < 0 || (size_t)n >= sizeof(sigv4))
        return cv_error_set(err, CV_ERR_CONFIG, "S3_REGION too long");
    n = snprintf(userpwd, sizeof(userpwd), "%s:%s", cfg->s3_access_key_id,
                 cfg->s3_secret_access_key);
    if (n < 0 || (size_t)n >= sizeof(userpwd))
        return cv_error_set(err, CV_ERR_CONFIG, "S3 credentials too long");
    curl = curl_easy_init();
    if (curl == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "curl_easy_init failed");
    (void)curl_easy_setopt(curl, CURLOPT_URL, url);
    (void)curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4);
    (void)curl_easy_setopt(curl, CURLOPT_USERPWD, userpwd);
    (void)curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    (void)curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    (void)curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)CV_STORAGE_TIMEOUT_MS);
    (void)curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                           upload || download ? (long)S3_TRANSFER_TIMEOUT_MS
                                              : (long)CV_STORAGE_TIMEOUT_MS);
    if (headers != NULL)
        (void)curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (strcmp(method, "HEAD") == 0) {
        (void)curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (strcmp(method, "PUT") == 0) {
        (void)curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        (void)curl_easy_setopt(curl, CURLOPT_READDATA, upload);
        (void)curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)upload_size);
    } else if (strcmp(method, "DELETE") == 0) {
        (void)curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "DELETE");
    }
    if (download != NULL)
        (void)curl_easy_setopt(curl, CURLOPT_WRITEDATA, download);
    else
        (void)curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    rc = curl_easy_perform(curl);
    if (rc != CURLE_OK)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "S3 %s: %s", method, curl_easy_strerror(rc));
    else
        (void)curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, code);
    curl_easy_cleanup(curl);
    sodium_memzero(userpwd, sizeof(userpwd));
    return st;
}

static enum cv_status s3_simple(const struct cv_config *cfg, const char *method, const char *key,
                                long *code, struct cv_error *err)
{
    char url[S3_URL_MAX];
    enum cv_status st = s3_url(cfg, key, url, err);

    if (st != CV_OK)
        return st;
    return s3_request(cfg, method, url, NULL, 0, NULL, NULL, code, err);
}

enum cv_status s3_head_bucket(const struct cv_config *cfg, struct cv_error *err)
{
    enum cv_status st;
    long code;

    st = s3_simple(cfg, "HEAD", "", &code, err);
    if (st == CV_OK && code != 200)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "S3 HEAD bucket %s: HTTP %ld", cfg->s3_bucket,
                          code);
    return st;
}

enum cv_status s3_put_file(const struct cv_config *cfg, const char *key, const char *path,
                           uint64_t size, const char *sha256_hex, const char *content_type,
                           struct cv_error *err)
{
    char url[S3_URL_MAX], h_sha[128], h_type[256];
    struct curl_slist *headers = NULL, *tmp;
    enum cv_status st;
    FILE *f;
    long code;

    st = s3_url(cfg, key, url, err);
    if (st != CV_OK)
        return st;
    if (!cv_fmt(h_sha, sizeof(h_sha), "x-amz-content-sha256: %s", sha256_hex) ||
        !cv_fmt(h_type, sizeof(h_type), "Content-Type: %s", content_type))
        return cv_error_set(err, CV_ERR_INTERNAL, "S3 PUT headers too long");
    tmp = curl_slist_append(headers, h_sha);
    if (tmp != NULL)
        headers = curl_slist_append(tmp, h_type);
    if (tmp == NULL || headers == NULL) {
        curl_slist_free_all(tmp);
        return cv_error_set(err, CV_ERR_NOMEM, "curl_slist_append failed");
    }
    f = fopen(path, "rbe");
    if (f == NULL) {
        curl_slist_free_all(headers);
        return cv_error_set(err, CV_ERR_IO, "%s: %s", path, strerror(errno));
    }
    st = s3_request(cfg, "PUT", url, f, size, headers, NULL, &code, err);
    fclose(f);
    curl_slist_free_all(headers);
    if (st == CV_OK && code != 200)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "S3 PUT %s: HTTP %ld", key, code);
    return st;
}

enum cv_status s3_get_fd(const struct cv_config *cfg, const char *key, int dest_fd,
                         struct cv_error *err)
{
    char url[S3_URL_MAX];
    enum cv_status st;
    FILE *f;
    int fd;
    long code;

    st = s3_url(cfg, key, url, err);
    if (st != CV_OK)
        return st;
    fd = fcntl(dest_fd, F_DUPFD_CLOEXEC, 0);
    f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (f == NULL) {
        st = cv_error_set(err, CV_ERR_IO, "S3 GET %s: %s", key, strerror(errno));
        if (fd >= 0)
            (void)close(fd);
        return st;
    }
    st = s3_request(cfg, "GET", url, NULL, 0, NULL, f, &code, err);
    if (fclose(f) != 0 && st == CV_OK)
        st = cv_error_set(err, CV_ERR_IO, "S3 GET %s: %s", key, strerror(errno));
    if (st == CV_OK && code == 404)
        st = cv_error_set(err, CV_ERR_NOT_FOUND, "S3 object %s is missing", key);
    else if (st == CV_OK && code != 200)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "S3 GET %s: HTTP %ld", key, code);
    return st;
}

enum cv_status s3_delete(const struct cv_config *cfg, const char *key, struct cv_error *err)
{
    enum cv_status st;
    long code;

    st = s3_simple(cfg, "DELETE", key, &code, err);
    if (st == CV_OK && code != 204 && code != 200 && code != 404)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "S3 DELETE %s: HTTP %ld", key, code);
    return st;
}

/* ---- SigV4 query presigning ---- */

/* RFC 3986 encoding as SigV4 wants it ('/' kept only when keep_slash). */
static enum cv_status uri_encode(struct cv_buf *b, const char *s, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    enum cv_status st = CV_OK;

    for (; st == CV_OK && *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
            st = cv_buf_append(b, s, 1);
        } else {
            char e[3] = { '%', hex[c >> 4], hex[c & 15] };
            st = cv_buf_append(b, e, 3);
        }
    }
    return st;
}

static void hmac(const unsigned char *key, size_t klen, const char *msg, unsigned char out[32])
{
    crypto_auth_hmacsha256_state s;

    crypto_auth_hmacsha256_init(&s, key, klen);
    crypto_auth_hmacsha256_update(&s, (const unsigned char *)msg, strlen(msg));
    crypto_auth_hmacsha256_final(&s, out);
}

enum cv_status s3_presign_get(const struct cv_config *cfg, const char *key,
                              const char *download_name, long ttl_s, int64_t now_s,
                              char **url, struct cv_error *err)
{
    char scheme[16], host[512], path[1024], date[9], amzdate[17], scope[128];
    char disposition[600], hash_hex[65], sig_hex[65], ksecret[256];
    unsigned char k[32], digest[32];
    struct cv_buf query, canon, sts, out;
    time_t t = (time_t)now_s;
    struct tm tm;
    enum cv_status st;

    *url = NULL;
    st = s3_base(cfg, scheme, sizeof(scheme), host, sizeof(host), err);
    if (st == CV_OK)
        st = s3_path(cfg, key, path, sizeof(path), err);
    if (st != CV_OK)
        return st;
    if (gmtime_r(&t, &tm) == NULL || strftime(date, sizeof(date), "%Y%m%d", &tm) == 0 ||
        strftime(amzdate, sizeof(amzdate), "%Y%m%dT%H%M%SZ", &tm) == 0)
        return cv_error_set(err, CV_ERR_INTERNAL, "presign: bad time %lld", (long long)now_s);
    if (!cv_fmt(scope, sizeof(scope), "%s/%s/s3/aws4_request", date, cfg->s3_region) ||
        !cv_fmt(disposition, sizeof(disposition), "attachment; filename=\"%s\"", download_name))
        return cv_error_set(err, CV_ERR_INTERNAL, "presign: region or file name too long");
    cv_buf_init(&query, 4096);
    cv_buf_init(&canon, 8192);
    cv_buf_init(&sts, 1024);
    cv_buf_init(&out, S3_URL_MAX + 4096);
    /* Canonical query: parameters sorted by name. */
    st = cv_buf_printf(&query, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=");
    if (st == CV_OK) {
        char cred[400];
        st = cv_fmt(cred, sizeof(cred), "%s/%s", cfg->s3_access_key_id, scope)
                 ? uri_encode(&query, cred, 0)
                 : cv_error_set(err, CV_ERR_INTERNAL, "presign: access key id too long");
    }
    if (st == CV_OK)
        st = cv_buf_printf(&query, "&X-Amz-Date=%s&X-Amz-Expires=%ld&X-Amz-SignedHeaders=host"
                           "&response-content-disposition=", amzdate, ttl_s);
    if (st == CV_OK)
        st = uri_encode(&query, disposition, 0);
    if (st == CV_OK)
        st = cv_buf_printf(&canon, "GET\n%s\n%s\nhost:%s\n\nhost\nUNSIGNED-PAYLOAD", path,
                           query.data, host);
    if (st == CV_OK) {
        crypto_hash_sha256(digest, (const unsigned char *)canon.data, canon.len);
        sodium_bin2hex(hash_hex, sizeof(hash_hex), digest, sizeof(digest));
        st = cv_buf_printf(&sts, "AWS4-HMAC-SHA256\n%s\n%s\n%s", amzdate, scope, hash_hex);
    }
    if (st == CV_OK) {
        int n = snprintf(ksecret, sizeof(ksecret), "AWS4%s", cfg->s3_secret_access_key);
        if (n < 0 || (size_t)n >= sizeof(ksecret))
            st = cv_error_set(err, CV_ERR_CONFIG, "S3_SECRET_ACCESS_KEY too long");
    }
    if (st == CV_OK) {
        hmac((const unsigned char *)ksecret, strlen(ksecret), date, k);
        hmac(k, sizeof(k), cfg->s3_region, k);
        hmac(k, sizeof(k), "s3", k);
        hmac(k, sizeof(k), "aws4_request", k);
        hmac(k, sizeof(k), sts.data, digest);
        sodium_bin2hex(sig_hex, sizeof(sig_hex), digest, sizeof(digest));
        st = cv_buf_printf(&out, "%s://%s%s?%s&X-Amz-Signature=%s", scheme, host, path,
                           query.data, sig_hex);
    }
    sodium_memzero(ksecret, sizeof(ksecret));
    sodium_memzero(k, sizeof(k));
    if (st == CV_OK)
        *url = cv_buf_take(&out);
    else if (err != NULL && err->status == CV_OK)
        cv_error_set(err, st, "presigning failed");
    cv_buf_free(&query);
    cv_buf_free(&canon);
    cv_buf_free(&sts);
    cv_buf_free(&out);
    return st;
}
