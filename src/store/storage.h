/*
 * storage.h - where CV files live: a local directory (STORAGE=local) or an
 * S3-compatible bucket (STORAGE=s3), behind one small interface.
 *
 * An upload is written first to a temporary file in UPLOAD_DIR/.incoming
 * (hashed with SHA-256 and counted as it is written), then committed under
 * a random key: renamed into UPLOAD_DIR after fsync (local, mode 0640), or
 * PUT to the bucket and the temporary file removed (s3). Abort removes the
 * temporary file: a refused upload leaves nothing behind.
 *
 * Where a file is: each analysis record names its backend (fileStorage,
 * storage_locate); uploads go to the configured STORAGE, reads and
 * deletes to the record's backend, so files of both backends are served
 * while `cv-admin storage migrate` moves them (file_migration.h).
 *
 * Thread safe: no state is kept between calls; a writer belongs to one
 * thread.
 */
#ifndef CV_STORAGE_H
#define CV_STORAGE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "config.h"
#include "cv_status.h"

#define STORAGE_KEY_MAX 64              /* 32 hex + "." + extension */
#define STORAGE_PRESIGN_TTL_S 300       /* a download link lives 5 minutes */
#define STORAGE_KIND_NAME_MAX 8         /* "local", "s3" and a NUL */

struct storage_writer {
    int fd;                             /* -1 when closed */
    char tmp_path[PATH_MAX];
    uint64_t size;                      /* bytes written so far */
    uint64_t max_size;                  /* CV_ERR_TOO_LARGE past this */
    crypto_hash_sha256_state sha;
};

/*
 * Can files be stored now? local: UPLOAD_DIR is a directory this process
 * may write into. s3: a signed HEAD of the bucket answers 200.
 * CV_ERR_UNAVAILABLE with the reason in err otherwise.
 */
enum cv_status cv_storage_check(const struct cv_config *cfg, struct cv_error *err) CV_WARN_UNUSED;

/* cv_storage_check of one backend, whatever STORAGE says; for s3,
 * CV_ERR_CONFIG first when S3 is not configured (storage_s3_configured). */
enum cv_status storage_check_kind(const struct cv_config *cfg, enum cv_storage_kind kind,
                                  struct cv_error *err) CV_WARN_UNUSED;

/* Are S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY all set? */
bool storage_s3_configured(const struct cv_config *cfg);

/* "local" or "s3" (the record's fileStorage), and back: false for any
 * other name. */
const char *storage_kind_name(enum cv_storage_kind kind);
bool storage_kind_parse(const char *name, enum cv_storage_kind *out);

/*
 * The backend holding the file of a record whose fileStorage is recorded
 * ("local", "s3"). Records written before the field existed have ""
 * there: their file is local when UPLOAD_DIR holds key, else in the
 * bucket when S3 is configured, else local (a file then missing is
 * reported as missing by the reader).
 */
enum cv_storage_kind storage_locate(const struct cv_config *cfg, const char *recorded,
                                    const char *key);

/* A new random key ending in ".ext" (ext without the dot; may be ""). */
void storage_new_key(const char *ext, char key[STORAGE_KEY_MAX]);

/* Open a temporary file for an upload of at most max_size bytes.
 * CV_ERR_UNAVAILABLE when UPLOAD_DIR cannot be written. */
enum cv_status storage_writer_open(const struct cv_config *cfg, struct storage_writer *w,
                                   uint64_t max_size, struct cv_error *err) CV_WARN_UNUSED;

/* Append bytes. CV_ERR_TOO_LARGE past max_size, CV_ERR_UNAVAILABLE when
 * the disk fails. */
enum cv_status storage_writer_write(struct storage_writer *w, const void *data, size_t len,
                                    struct cv_error *err) CV_WARN_UNUSED;

/* SHA-256 of what was written, as 64 hex digits and a NUL. */
void storage_writer_sha256_hex(struct storage_writer *w, char out[65]);

/* Store the written bytes under key (see the header comment). On success
 * the writer is closed; on failure it is still open and the caller
 * aborts it. CV_ERR_UNAVAILABLE when the disk or the bucket fails. */
enum cv_status storage_writer_commit(const struct cv_config *cfg, struct storage_writer *w,
                                     const char *key, const char *content_type,
                                     struct cv_error *err) CV_WARN_UNUSED;

/* storage_writer_commit into the given backend instead of STORAGE. */
enum cv_status storage_writer_commit_to(const struct cv_config *cfg, enum cv_storage_kind where,
                                        struct storage_writer *w, const char *key,
                                        const char *content_type,
                                        struct cv_error *err) CV_WARN_UNUSED;

/* Fill an open, empty writer with the object key of backend where: its
 * size and SHA-256 are counted as for an upload (max_size applies), so
 * the bytes can be checked, then committed elsewhere. CV_ERR_NOT_FOUND
 * when the object does not exist; the caller aborts the writer on any
 * failure. */
enum cv_status storage_writer_fill(const struct cv_config *cfg, enum cv_storage_kind where,
                                   const char *key, struct storage_writer *w,
                                   struct cv_error *err) CV_WARN_UNUSED;

/* Close and remove the temporary file, if any. Safe to call twice. */
void storage_writer_abort(struct storage_writer *w);

/* Delete the object from backend where; a missing one is not an error. */
enum cv_status storage_delete(const struct cv_config *cfg, enum cv_storage_kind where,
                              const char *key, struct cv_error *err) CV_WARN_UNUSED;

/* Copy the object of backend where into dest_fd, an empty file open for writing that the
 * caller keeps (worker side: a memfd, so that no copy of a CV is ever left
 * on a disk by a crash). CV_ERR_NOT_FOUND when it does not exist; on any
 * failure dest_fd may hold part of the object. */
enum cv_status storage_fetch(const struct cv_config *cfg, enum cv_storage_kind where,
                             const char *key, int dest_fd, struct cv_error *err) CV_WARN_UNUSED;

/* S3 configured: a presigned GET URL valid STORAGE_PRESIGN_TTL_S seconds that
 * makes the bucket answer with Content-Disposition: attachment and the
 * given file name. *url is malloc'd (free() it). */
enum cv_status storage_presign_get(const struct cv_config *cfg, const char *key,
                                   const char *download_name, char **url,
                                   struct cv_error *err) CV_WARN_UNUSED;

/* Is key one this module made ([0-9a-f]{32} and an optional .ext)? Keys
 * from the database are checked before they touch a path. */
int storage_key_valid(const char *key);

#endif
