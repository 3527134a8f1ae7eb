/*
 * storage.c - storage readiness (see storage.h). The S3 probe is a HEAD of
 * the bucket signed with libcurl's built-in SigV4.
 */
#include "storage.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cv_limits.h"

static enum cv_status storage_check_local(const struct cv_config *cfg, struct cv_error *err)
{
    struct stat st;

    if (stat(cfg->upload_dir, &st) != 0)
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "UPLOAD_DIR %s: %s", cfg->upload_dir,
                            strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "UPLOAD_DIR %s: not a directory",
                            cfg->upload_dir);
    if (access(cfg->upload_dir, W_OK | X_OK) != 0)
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "UPLOAD_DIR %s: %s", cfg->upload_dir,
                            strerror(errno));
    return CV_OK;
}

/* The bucket's URL: path style on a custom endpoint, virtual host on AWS. */
static int s3_bucket_url(const struct cv_config *cfg, char *url, size_t size)
{
    if (cfg->s3_endpoint != NULL && cfg->s3_force_path_style)
        return snprintf(url, size, "%s/%s/", cfg->s3_endpoint, cfg->s3_bucket);
    if (cfg->s3_endpoint != NULL) {
        const char *host = strstr(cfg->s3_endpoint, "://");
        size_t scheme_len = (size_t)(host - cfg->s3_endpoint);
        return snprintf(url, size, "%.*s://%s.%s/", (int)scheme_len, cfg->s3_endpoint,
                        cfg->s3_bucket, host + 3);
    }
    if (cfg->s3_force_path_style)
        return snprintf(url, size, "https://s3.%s.amazonaws.com/%s/", cfg->s3_region,
                        cfg->s3_bucket);
    return snprintf(url, size, "https://%s.s3.%s.amazonaws.com/", cfg->s3_bucket,
                    cfg->s3_region);
}

static enum cv_status storage_check_s3(const struct cv_config *cfg, struct cv_error *err)
{
    char url[1024], sigv4[128], userpwd[512];
    enum cv_status st = CV_OK;
    long code = 0;
    CURLcode rc;
    CURL *curl;
    int n;

    n = s3_bucket_url(cfg, url, sizeof(url));
    if (n < 0 || (size_t)n >= sizeof(url))
        return cv_error_set(err, CV_ERR_CONFIG, "S3 bucket URL too long");
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
    (void)curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    (void)curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4);
    (void)curl_easy_setopt(curl, CURLOPT_USERPWD, userpwd);
    (void)curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    (void)curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)CV_STORAGE_TIMEOUT_MS);
    (void)curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)CV_STORAGE_TIMEOUT_MS);
    (void)curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    rc = curl_easy_perform(curl);
    if (rc != CURLE_OK)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "S3 HEAD bucket: %s", curl_easy_strerror(rc));
    else if (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK || code != 200)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "S3 HEAD bucket %s: HTTP %ld",
                          cfg->s3_bucket, code);
    curl_easy_cleanup(curl);
    explicit_bzero(userpwd, sizeof(userpwd));
    return st;
}

enum cv_status cv_storage_check(const struct cv_config *cfg, struct cv_error *err)
{
    if (cfg->storage == CV_STORAGE_S3)
        return storage_check_s3(cfg, err);
    return storage_check_local(cfg, err);
}
