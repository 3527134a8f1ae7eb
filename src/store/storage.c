/*
 * storage.c - CV file storage, local directory or S3 (see storage.h).
 */
#include "storage.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cv_limits.h"
#include "s3.h"

#define STORAGE_INCOMING ".incoming"
#define STORAGE_S3_PREFIX "cv/"
/* An object name: the prefix and a key. */
#define STORAGE_OBJECT_MAX (sizeof(STORAGE_S3_PREFIX) + STORAGE_KEY_MAX)
#define STORAGE_COPY_CHUNK_BYTES (64 * 1024)

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

enum cv_status cv_storage_check(const struct cv_config *cfg, struct cv_error *err)
{
    return storage_check_kind(cfg, cfg->storage, err);
}

bool storage_s3_configured(const struct cv_config *cfg)
{
    return cfg->s3_bucket != NULL && cfg->s3_bucket[0] != '\0' &&
           cfg->s3_access_key_id != NULL && cfg->s3_access_key_id[0] != '\0' &&
           cfg->s3_secret_access_key != NULL && cfg->s3_secret_access_key[0] != '\0';
}

enum cv_status storage_check_kind(const struct cv_config *cfg, enum cv_storage_kind kind,
                                  struct cv_error *err)
{
    if (kind == CV_STORAGE_LOCAL)
        return storage_check_local(cfg, err);
    if (!storage_s3_configured(cfg))
        return cv_error_set(err, CV_ERR_CONFIG, "S3 is not configured (S3_BUCKET, "
                                                "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY)");
    return s3_head_bucket(cfg, err);
}

const char *storage_kind_name(enum cv_storage_kind kind)
{
    return kind == CV_STORAGE_S3 ? "s3" : "local";
}

bool storage_kind_parse(const char *name, enum cv_storage_kind *out)
{
    if (strcmp(name, "local") == 0)
        *out = CV_STORAGE_LOCAL;
    else if (strcmp(name, "s3") == 0)
        *out = CV_STORAGE_S3;
    else
        return false;
    return true;
}

/* The bucket object of a storage key. */
static enum cv_status s3_object(char out[STORAGE_OBJECT_MAX], const char *key,
                                struct cv_error *err)
{
    if (!cv_fmt(out, STORAGE_OBJECT_MAX, "%s%s", STORAGE_S3_PREFIX, key))
        return cv_error_set(err, CV_ERR_INTERNAL, "storage key too long: %.64s", key);
    return CV_OK;
}

void storage_new_key(const char *ext, char key[STORAGE_KEY_MAX])
{
    unsigned char raw[16];
    char hex[33];

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
    (void)snprintf(key, STORAGE_KEY_MAX, "%s%s%.8s", hex, ext[0] ? "." : "", ext);
}

int storage_key_valid(const char *key)
{
    size_t i;

    for (i = 0; i < 32; i++) {
        char c = key[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return 0;
    }
    if (key[32] == '\0')
        return 1;
    if (key[32] != '.')
        return 0;
    for (i = 33; key[i] != '\0'; i++) {
        if (i > 40 || !((key[i] >= 'a' && key[i] <= 'z') || (key[i] >= '0' && key[i] <= '9')))
            return 0;
    }
    return i > 33;
}

static enum cv_status path_join(char *out, size_t size, const char *dir, const char *name,
                                struct cv_error *err)
{
    int n = snprintf(out, size, "%s/%s", dir, name);

    if (n < 0 || (size_t)n >= size)
        return cv_error_set(err, CV_ERR_CONFIG, "path under %s too long", dir);
    return CV_OK;
}

enum cv_storage_kind storage_locate(const struct cv_config *cfg, const char *recorded,
                                    const char *key)
{
    enum cv_storage_kind kind;
    char path[PATH_MAX];
    struct cv_error err;
    struct stat st;

    if (storage_kind_parse(recorded, &kind))
        return kind;
    if (storage_key_valid(key) &&
        path_join(path, sizeof(path), cfg->upload_dir, key, &err) == CV_OK && stat(path, &st) == 0)
        return CV_STORAGE_LOCAL;
    return storage_s3_configured(cfg) ? CV_STORAGE_S3 : CV_STORAGE_LOCAL;
}

enum cv_status storage_writer_open(const struct cv_config *cfg, struct storage_writer *w,
                                   uint64_t max_size, struct cv_error *err)
{
    char dir[PATH_MAX], name[STORAGE_KEY_MAX];
    enum cv_status st;

    w->fd = -1;
    w->size = 0;
    w->max_size = max_size;
    w->tmp_path[0] = '\0';
    crypto_hash_sha256_init(&w->sha);
    st = path_join(dir, sizeof(dir), cfg->upload_dir, STORAGE_INCOMING, err);
    if (st != CV_OK)
        return st;
    if (mkdir(dir, 0750) != 0 && errno != EEXIST)
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "mkdir %s: %s", dir, strerror(errno));
    storage_new_key("part", name);
    st = path_join(w->tmp_path, sizeof(w->tmp_path), dir, name, err);
    if (st != CV_OK)
        return st;
    /* read-write: storage_writer_fill reads the bytes back to hash them */
    w->fd = open(w->tmp_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (w->fd < 0) {
        w->tmp_path[0] = '\0';
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "open %s: %s", dir, strerror(errno));
    }
    return CV_OK;
}

enum cv_status storage_writer_write(struct storage_writer *w, const void *data, size_t len,
                                    struct cv_error *err)
{
    const char *p = data;

    if (len > w->max_size - w->size)
        return cv_error_set(err, CV_ERR_TOO_LARGE, "the file is larger than %llu bytes",
                            (unsigned long long)w->max_size);
    crypto_hash_sha256_update(&w->sha, data, len);
    w->size += len;
    while (len > 0) {
        ssize_t n = write(w->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return cv_error_set(err, CV_ERR_UNAVAILABLE, "write %s: %s", w->tmp_path,
                                strerror(errno));
        p += n;
        len -= (size_t)n;
    }
    return CV_OK;
}

void storage_writer_sha256_hex(struct storage_writer *w, char out[65])
{
    crypto_hash_sha256_state copy = w->sha;
    unsigned char digest[crypto_hash_sha256_BYTES];

    crypto_hash_sha256_final(&copy, digest);
    sodium_bin2hex(out, 65, digest, sizeof(digest));
}

enum cv_status storage_writer_commit(const struct cv_config *cfg, struct storage_writer *w,
                                     const char *key, const char *content_type,
                                     struct cv_error *err)
{
    return storage_writer_commit_to(cfg, cfg->storage, w, key, content_type, err);
}

enum cv_status storage_writer_commit_to(const struct cv_config *cfg, enum cv_storage_kind where,
                                        struct storage_writer *w, const char *key,
                                        const char *content_type, struct cv_error *err)
{
    char dest[PATH_MAX], sha[65];
    enum cv_status st;

    if (fsync(w->fd) != 0)
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "fsync: %s", strerror(errno));
    if (where == CV_STORAGE_S3) {
        char object[STORAGE_OBJECT_MAX];
        storage_writer_sha256_hex(w, sha);
        st = s3_object(object, key, err);
        if (st == CV_OK)
            st = s3_put_file(cfg, object, w->tmp_path, w->size, sha, content_type, err);
        if (st != CV_OK)
            return st;
        storage_writer_abort(w);   /* the bucket has it: drop the spool file */
        return CV_OK;
    }
    st = path_join(dest, sizeof(dest), cfg->upload_dir, key, err);
    if (st != CV_OK)
        return st;
    if (rename(w->tmp_path, dest) != 0)
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "rename into %s: %s", cfg->upload_dir,
                            strerror(errno));
    w->tmp_path[0] = '\0';
    close(w->fd);
    w->fd = -1;
    {   /* make the rename itself durable */
        int dfd = open(cfg->upload_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            (void)fsync(dfd);
            close(dfd);
        }
    }
    return CV_OK;
}

void storage_writer_abort(struct storage_writer *w)
{
    if (w->fd >= 0)
        close(w->fd);
    w->fd = -1;
    if (w->tmp_path[0] != '\0')
        (void)unlink(w->tmp_path);
    w->tmp_path[0] = '\0';
}

enum cv_status storage_delete(const struct cv_config *cfg, enum cv_storage_kind where,
                              const char *key, struct cv_error *err)
{
    char path[PATH_MAX];
    enum cv_status st;

    if (!storage_key_valid(key))
        return cv_error_set(err, CV_ERR_INTERNAL, "refusing storage key %.64s", key);
    if (where == CV_STORAGE_S3) {
        char object[STORAGE_OBJECT_MAX];
        st = s3_object(object, key, err);
        return st != CV_OK ? st : s3_delete(cfg, object, err);
    }
    st = path_join(path, sizeof(path), cfg->upload_dir, key, err);
    if (st != CV_OK)
        return st;
    if (unlink(path) != 0 && errno != ENOENT)
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "unlink %s: %s", path, strerror(errno));
    return CV_OK;
}

static enum cv_status copy_file(const char *src, int out, struct cv_error *err)
{
    char buf[STORAGE_COPY_CHUNK_BYTES];
    enum cv_status st = CV_OK;
    int in;

    in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return errno == ENOENT ? cv_error_set(err, CV_ERR_NOT_FOUND, "stored file is missing")
                               : cv_error_set(err, CV_ERR_UNAVAILABLE, "open %s: %s", src,
                                              strerror(errno));
    for (;;) {
        ssize_t n = read(in, buf, sizeof(buf)), w = 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n < 0)
                st = cv_error_set(err, CV_ERR_UNAVAILABLE, "read %s: %s", src, strerror(errno));
            break;
        }
        while (w < n) {
            ssize_t k = write(out, buf + w, (size_t)(n - w));
            if (k < 0 && errno == EINTR)
                continue;
            if (k < 0) {
                st = cv_error_set(err, CV_ERR_IO, "write of %s: %s", src, strerror(errno));
                break;
            }
            w += k;
        }
        if (st != CV_OK)
            break;
    }
    close(in);
    return st;
}

enum cv_status storage_fetch(const struct cv_config *cfg, enum cv_storage_kind where,
                             const char *key, int dest_fd, struct cv_error *err)
{
    char path[PATH_MAX];
    enum cv_status st;

    if (!storage_key_valid(key))
        return cv_error_set(err, CV_ERR_NOT_FOUND, "invalid storage key");
    if (where == CV_STORAGE_S3) {
        char object[STORAGE_OBJECT_MAX];
        st = s3_object(object, key, err);
        return st != CV_OK ? st : s3_get_fd(cfg, object, dest_fd, err);
    }
    st = path_join(path, sizeof(path), cfg->upload_dir, key, err);
    if (st != CV_OK)
        return st;
    return copy_file(path, dest_fd, err);
}

enum cv_status storage_presign_get(const struct cv_config *cfg, const char *key,
                                   const char *download_name, char **url, struct cv_error *err)
{
    char object[STORAGE_OBJECT_MAX];
    enum cv_status st;

    if (!storage_s3_configured(cfg) || !storage_key_valid(key))
        return cv_error_set(err, CV_ERR_INTERNAL, "presign needs S3 configured and a valid key");
    st = s3_object(object, key, err);
    if (st != CV_OK)
        return st;
    return s3_presign_get(cfg, object, download_name, STORAGE_PRESIGN_TTL_S,
                          (int64_t)time(NULL), url, err);
}

enum cv_status storage_writer_fill(const struct cv_config *cfg, enum cv_storage_kind where,
                                   const char *key, struct storage_writer *w,
                                   struct cv_error *err)
{
    unsigned char buf[STORAGE_COPY_CHUNK_BYTES];
    enum cv_status st;

    st = storage_fetch(cfg, where, key, w->fd, err);
    if (st != CV_OK)
        return st;
    /* Count and hash what landed, as an upload's bytes are. */
    if (lseek(w->fd, 0, SEEK_SET) != 0)
        return cv_error_set(err, CV_ERR_IO, "lseek %s: %s", w->tmp_path, strerror(errno));
    w->size = 0;
    crypto_hash_sha256_init(&w->sha);
    for (;;) {
        ssize_t n = read(w->fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return cv_error_set(err, CV_ERR_IO, "read %s: %s", w->tmp_path, strerror(errno));
        if (n == 0)
            return CV_OK;
        if ((uint64_t)n > w->max_size - w->size)
            return cv_error_set(err, CV_ERR_TOO_LARGE, "%s is larger than %llu bytes", key,
                                (unsigned long long)w->max_size);
        crypto_hash_sha256_update(&w->sha, buf, (unsigned long long)n);
        w->size += (uint64_t)n;
    }
}
