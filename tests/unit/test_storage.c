/*
 * test_storage.c - the local side of storage.h that a storage migration
 * relies on: backend names, where a record's file is (storage_locate),
 * filling a writer from a stored file with its size and SHA-256, and
 * committing it to a backend named by the caller. The S3 side is tested
 * end to end against a real S3 server (tests/e2e/test_storage_migrate.py).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "storage.h"

#define KEY "0123456789abcdef0123456789abcdef.txt"
#define CONTENT "a CV, as uploaded\n"

struct fixture {
    char dir[64];
    struct cv_config cfg;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    if (f == NULL || sodium_init() < 0)
        return -1;
    (void)snprintf(f->dir, sizeof(f->dir), "/tmp/cv-test-storage.XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    f->cfg.storage = CV_STORAGE_LOCAL;
    f->cfg.upload_dir = f->dir;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];

    (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static void put_file(const struct fixture *f, const char *key, const char *content)
{
    char path[PATH_MAX];
    FILE *fp;

    (void)snprintf(path, sizeof(path), "%s/%s", f->dir, key);
    fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fputs(content, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
}

static void test_kind_names(void **state)
{
    enum cv_storage_kind k;

    (void)state;
    assert_true(storage_kind_parse("local", &k));
    assert_int_equal(k, CV_STORAGE_LOCAL);
    assert_true(storage_kind_parse("s3", &k));
    assert_int_equal(k, CV_STORAGE_S3);
    assert_false(storage_kind_parse("", &k));
    assert_false(storage_kind_parse("S3", &k));
    assert_false(storage_kind_parse("ftp", &k));
    assert_string_equal(storage_kind_name(CV_STORAGE_LOCAL), "local");
    assert_string_equal(storage_kind_name(CV_STORAGE_S3), "s3");
}

static void test_locate(void **state)
{
    struct fixture *f = *state;
    struct cv_config *cfg = &f->cfg;

    /* Recorded: believed as is. */
    assert_int_equal(storage_locate(cfg, "s3", KEY), CV_STORAGE_S3);
    assert_int_equal(storage_locate(cfg, "local", KEY), CV_STORAGE_LOCAL);
    /* Not recorded, no S3: local, present or not. */
    assert_int_equal(storage_locate(cfg, "", KEY), CV_STORAGE_LOCAL);
    assert_false(storage_s3_configured(cfg));
    /* Not recorded, S3 configured: the bucket unless UPLOAD_DIR has it. */
    cfg->s3_bucket = "b";
    cfg->s3_access_key_id = "ak";
    cfg->s3_secret_access_key = "sk";
    assert_true(storage_s3_configured(cfg));
    assert_int_equal(storage_locate(cfg, "", KEY), CV_STORAGE_S3);
    put_file(f, KEY, CONTENT);
    assert_int_equal(storage_locate(cfg, "", KEY), CV_STORAGE_LOCAL);
    cfg->s3_bucket = "";
    assert_false(storage_s3_configured(cfg));
}

static void test_fill_hashes_and_commit_moves(void **state)
{
    struct fixture *f = *state;
    unsigned char digest[crypto_hash_sha256_BYTES];
    char want[65], got[65], path[PATH_MAX];
    struct storage_writer w;
    struct cv_error err;
    struct stat st;

    put_file(f, KEY, CONTENT);
    crypto_hash_sha256(digest, (const unsigned char *)CONTENT, strlen(CONTENT));
    sodium_bin2hex(want, sizeof(want), digest, sizeof(digest));

    assert_int_equal(storage_writer_open(&f->cfg, &w, 1024, &err), CV_OK);
    assert_int_equal(storage_writer_fill(&f->cfg, CV_STORAGE_LOCAL, KEY, &w, &err), CV_OK);
    assert_int_equal(w.size, strlen(CONTENT));
    storage_writer_sha256_hex(&w, got);
    assert_string_equal(got, want);
    /* Committed under another key, into the local backend named. */
    assert_int_equal(storage_writer_commit_to(&f->cfg, CV_STORAGE_LOCAL, &w,
                                              "fedcba9876543210fedcba9876543210.txt", "text/plain",
                                              &err),
                     CV_OK);
    storage_writer_abort(&w);
    (void)snprintf(path, sizeof(path), "%s/fedcba9876543210fedcba9876543210.txt", f->dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, (off_t)strlen(CONTENT));

    /* A missing object, and one over the writer's bound. */
    assert_int_equal(storage_writer_open(&f->cfg, &w, 1024, &err), CV_OK);
    assert_int_equal(storage_writer_fill(&f->cfg, CV_STORAGE_LOCAL,
                                         "00000000000000000000000000000000.txt", &w, &err),
                     CV_ERR_NOT_FOUND);
    storage_writer_abort(&w);
    assert_int_equal(storage_writer_open(&f->cfg, &w, 4, &err), CV_OK);
    assert_int_equal(storage_writer_fill(&f->cfg, CV_STORAGE_LOCAL, KEY, &w, &err),
                     CV_ERR_TOO_LARGE);
    storage_writer_abort(&w);

    /* Deleted where named; deleting again is not an error. */
    assert_int_equal(storage_delete(&f->cfg, CV_STORAGE_LOCAL, KEY, &err), CV_OK);
    assert_int_equal(storage_delete(&f->cfg, CV_STORAGE_LOCAL, KEY, &err), CV_OK);
    (void)snprintf(path, sizeof(path), "%s/%s", f->dir, KEY);
    assert_int_not_equal(stat(path, &st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test_setup_teardown(test_locate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fill_hashes_and_commit_moves, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
