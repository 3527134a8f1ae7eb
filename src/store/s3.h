/*
 * s3.h - a minimal S3 client over libcurl for the storage module: HEAD
 * bucket, PUT/GET/DELETE object signed with libcurl's CURLOPT_AWS_SIGV4,
 * and presigned GET URLs (SigV4 query signing, computed here).
 *
 * Path-style (endpoint/bucket/key) when S3_FORCE_PATH_STYLE, else
 * virtual-host (bucket.host/key). Keys are ours (hex, '.', '/', letters),
 * so they need no escaping. Every call is bounded by
 * CV_STORAGE_TIMEOUT_MS (transfers by S3_TRANSFER_TIMEOUT_MS). Thread safe.
 */
#ifndef CV_S3_H
#define CV_S3_H

#include <stdint.h>

#include "config.h"
#include "cv_status.h"

#define S3_TRANSFER_TIMEOUT_MS 120000   /* a 100 MiB object on a slow link */
#define S3_URL_MAX 2048

/* CV_ERR_UNAVAILABLE unless the bucket answers 200. */
enum cv_status s3_head_bucket(const struct cv_config *cfg, struct cv_error *err) CV_WARN_UNUSED;

/* PUT the file at path (size bytes, SHA-256 given in hex) as key. */
enum cv_status s3_put_file(const struct cv_config *cfg, const char *key, const char *path,
                           uint64_t size, const char *sha256_hex, const char *content_type,
                           struct cv_error *err) CV_WARN_UNUSED;

/* GET key into dest_fd (kept by the caller); CV_ERR_NOT_FOUND on 404. */
enum cv_status s3_get_fd(const struct cv_config *cfg, const char *key, int dest_fd,
                         struct cv_error *err) CV_WARN_UNUSED;

/* DELETE key (S3 answers 204 for a missing key too). */
enum cv_status s3_delete(const struct cv_config *cfg, const char *key,
                         struct cv_error *err) CV_WARN_UNUSED;

/* A GET URL for key signed for ttl_s seconds from now_s, with
 * response-content-disposition set to an attachment named download_name. */
enum cv_status s3_presign_get(const struct cv_config *cfg, const char *key,
                              const char *download_name, long ttl_s, int64_t now_s,
                              char **url, struct cv_error *err) CV_WARN_UNUSED;

#endif
