/*
 * test_multipart.c - the streaming multipart/form-data parser: a real
 * upload fed whole, in every chunk size from 1 to 64 and in random splits
 * (same events, same bytes); file bytes that look like the delimiter; the
 * streaming and memory bounds; every way a body can break; the header and
 * part caps on both sides; callbacks aborting; and reading the boundary
 * from a Content-Type.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "multipart.h"

#define WEBKIT_BOUNDARY "----WebKitFormBoundary7MA4YWxkTrZu0gW"
#define TEST_BOUNDARY "xYz-42"
#define TRANSCRIPT_MAX_BYTES (1024 * 1024)

/* ---- Recorder ---------------------------------------------------------
 * Writes every event into a transcript: "{name|filename|type}" for a
 * begin (~ for an absent filename or type), the data bytes as they are,
 * "{/}" for an end. Checks the callback contract as it goes. */
struct rec {
    struct cv_buf log;
    bool in_part;
    size_t parts_begun, parts_ended, data_calls, data_bytes;
    bool count_only;                    /* count data bytes, do not log them */
    /* abort controls */
    size_t cv_seen;
    bool refuse_second_cv;              /* begin: CV_ERR_CONFLICT for a 2nd "cv" */
    size_t data_cap_bytes;              /* data: CV_ERR_TOO_LARGE past it (0: none) */
    enum cv_status end_status;          /* end: returned (CV_OK: go on) */
    bool fail_silently;                 /* return a status without filling err */
};

static void rec_init(struct rec *r)
{
    memset(r, 0, sizeof(*r));
    cv_buf_init(&r->log, TRANSCRIPT_MAX_BYTES);
}

static void rec_free(struct rec *r)
{
    cv_buf_free(&r->log);
}

static void log_bytes(struct rec *r, const char *s, size_t n)
{
    assert_int_equal(cv_buf_append(&r->log, s, n), CV_OK);
}

static void log_str(struct rec *r, const char *s)
{
    log_bytes(r, s, strlen(s));
}

static void log_view(struct rec *r, struct cv_str v)
{
    if (v.ptr == NULL) {
        log_str(r, "~");
        return;
    }
    /* NUL-terminated views, holding no NUL */
    assert_int_equal(v.ptr[v.len], '\0');
    assert_int_equal(strlen(v.ptr), v.len);
    log_bytes(r, v.ptr, v.len);
}

static enum cv_status rec_begin(void *ctx, const struct multipart_part *part,
                                struct cv_error *err)
{
    struct rec *r = ctx;

    assert_false(r->in_part);
    assert_non_null(part->name.ptr);
    assert_true(part->name.len >= 1);
    assert_int_equal(part->index, r->parts_begun);
    if (part->filename.ptr == NULL)
        assert_int_equal(part->filename.len, 0);
    r->in_part = true;
    r->parts_begun++;
    log_str(r, "{");
    log_view(r, part->name);
    log_str(r, "|");
    log_view(r, part->filename);
    log_str(r, "|");
    log_view(r, part->content_type);
    log_str(r, "}");
    if (part->name.len == 2 && memcmp(part->name.ptr, "cv", 2) == 0 && ++r->cv_seen == 2 &&
        r->refuse_second_cv) {
        if (r->fail_silently)
            return CV_ERR_CONFLICT;
        cv_error_add_field(err, "cv", "only one file may be sent");
        err->status = CV_ERR_CONFLICT;
        return CV_ERR_CONFLICT;
    }
    return CV_OK;
}

static enum cv_status rec_data(void *ctx, const char *data, size_t len, struct cv_error *err)
{
    struct rec *r = ctx;

    assert_true(r->in_part);
    assert_non_null(data);
    assert_true(len >= 1);
    r->data_calls++;
    r->data_bytes += len;
    if (!r->count_only)
        log_bytes(r, data, len);
    if (r->data_cap_bytes != 0 && r->data_bytes > r->data_cap_bytes)
        return cv_error_set(err, CV_ERR_TOO_LARGE, "file is over %zu bytes", r->data_cap_bytes);
    return CV_OK;
}

static enum cv_status rec_end(void *ctx, struct cv_error *err)
{
    struct rec *r = ctx;

    assert_true(r->in_part);
    r->in_part = false;
    r->parts_ended++;
    log_str(r, "{/}");
    if (r->end_status != CV_OK)
        return cv_error_set(err, r->end_status, "storage failed: disk full");
    return CV_OK;
}

static const struct multipart_callbacks rec_callbacks = { rec_begin, rec_data, rec_end };

static struct cv_str view(const char *s)
{
    struct cv_str v = { s, strlen(s) };

    return v;
}

/* Feed one chunk from its own exactly-sized copy, so that ASan sees any
 * read past len. */
static enum cv_status feed_copy(struct multipart_parser *p, const char *data, size_t len,
                                struct cv_error *err)
{
    char *copy = malloc(len > 0 ? len : 1);
    enum cv_status rc;

    assert_non_null(copy);
    if (len > 0)
        memcpy(copy, data, len);
    rc = multipart_feed(p, copy, len, err);
    free(copy);
    return rc;
}

/* Parse body in chunks of `step` bytes (0: all at once), then finish.
 * Returns the first failure, or CV_OK. */
static enum cv_status run_steps(const char *boundary, const char *body, size_t len,
                                size_t step, struct rec *r, struct cv_error *err)
{
    struct multipart_parser p;
    size_t off = 0;
    enum cv_status rc;

    cv_error_clear(err);
    assert_int_equal(multipart_init(&p, view(boundary), &rec_callbacks, r, err), CV_OK);
    if (step == 0)
        step = len;
    while (off < len) {
        size_t n = len - off < step ? len - off : step;

        rc = feed_copy(&p, body + off, n, err);
        if (rc != CV_OK)
            return rc;
        off += n;
    }
    return multipart_finish(&p, err);
}

/* A small deterministic generator for the random splits. */
static uint32_t lcg_next(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/* Parse body in random chunks (some empty), then finish. */
static enum cv_status run_random(const char *boundary, const char *body, size_t len,
                                 uint32_t seed, struct rec *r, struct cv_error *err)
{
    static const size_t widths[] = { 1, 3, 17, 100, 4096 };
    struct multipart_parser p;
    size_t off = 0;
    enum cv_status rc;

    cv_error_clear(err);
    assert_int_equal(multipart_init(&p, view(boundary), &rec_callbacks, r, err), CV_OK);
    while (off < len) {
        size_t w = widths[lcg_next(&seed) % 5];
        size_t n = lcg_next(&seed) % (w + 1);   /* 0 .. w */

        if (n > len - off)
            n = len - off;
        rc = feed_copy(&p, body + off, n, err);
        if (rc != CV_OK)
            return rc;
        off += n;
    }
    return multipart_finish(&p, err);
}

static void assert_transcript(const struct rec *r, const char *want, size_t want_len)
{
    if (r->log.len != want_len || (want_len > 0 && memcmp(r->log.data, want, want_len) != 0)) {
        print_error("transcript (%zu bytes): %.*s\nwanted (%zu bytes): %.*s\n", r->log.len,
                    (int)r->log.len, r->log.data ? r->log.data : "", want_len, (int)want_len,
                    want);
        fail();
    }
}

/* ---- A real upload ------------------------------------------------------ */

/* The file: PDF-like binary with CR, LF, NUL, "--" and near misses of the
 * delimiter, starting with "--" and a boundary prefix, ending with CR. */
static void build_file(struct cv_buf *f)
{
    static const char bin[] = "\x00\x01\xff\r\r\n\n--\r\n-\r\r\n--";

    assert_int_equal(cv_buf_puts(f, "--" "----WebK" "!"), CV_OK);
    assert_int_equal(cv_buf_puts(f, "%PDF-1.7\r\n%\xe2\xe3\xcf\xd3\r\n"), CV_OK);
    assert_int_equal(cv_buf_append(f, bin, sizeof(bin) - 1), CV_OK);
    /* every strict prefix of the boundary after CRLF "--", then a wrong byte */
    for (size_t k = 0; k < sizeof(WEBKIT_BOUNDARY) - 1; k++) {
        assert_int_equal(cv_buf_puts(f, "\r\n--"), CV_OK);
        assert_int_equal(cv_buf_append(f, WEBKIT_BOUNDARY, k), CV_OK);
        assert_int_equal(cv_buf_puts(f, k % 2 ? "Q" : "\r"), CV_OK);
    }
    /* the whole boundary but its last byte, then CR starting a new try */
    assert_int_equal(cv_buf_puts(f, "\r\n--" "----WebKitFormBoundary7MA4YWxkTrZu0g" "\r\n--"
                                    "----WebKitFormBoundary7MA4YWxkTrZu0gX"), CV_OK);
    /* LF only before "--" boundary is no delimiter */
    assert_int_equal(cv_buf_puts(f, "\n--" WEBKIT_BOUNDARY "\r\n"), CV_OK);
    assert_int_equal(cv_buf_puts(f, "stream\r\n\x00\x00 endstream\r\n%%EOF\r"), CV_OK);
}

#define JOB_TEXT "Senior C developer \xe2\x80\x94 FastCGI, nginx, MongoDB.\r\n\r\nRemote OK -- EU."

static void build_upload(struct cv_buf *body, struct cv_buf *want, const struct cv_buf *file,
                         const char *preamble, const char *epilogue)
{
    assert_int_equal(cv_buf_puts(body, preamble), CV_OK);
    assert_int_equal(cv_buf_puts(body,
        "--" WEBKIT_BOUNDARY "\r\n"
        "Content-Disposition: form-data; name=\"jobDescription\"\r\n"
        "\r\n"
        JOB_TEXT "\r\n"
        "--" WEBKIT_BOUNDARY "\r\n"
        "Content-Disposition: form-data; name=\"targetRole\"\r\n"
        "\r\n"
        "Backend engineer\r\n"
        "--" WEBKIT_BOUNDARY "\r\n"
        "Content-Disposition: form-data; name=\"cv\"; filename=\"resume.pdf\"\r\n"
        "Content-Type: application/pdf\r\n"
        "\r\n"), CV_OK);
    assert_int_equal(cv_buf_append(body, file->data, file->len), CV_OK);
    assert_int_equal(cv_buf_puts(body, "\r\n--" WEBKIT_BOUNDARY "--\r\n"), CV_OK);
    assert_int_equal(cv_buf_puts(body, epilogue), CV_OK);

    assert_int_equal(cv_buf_puts(want,
        "{jobDescription|~|~}" JOB_TEXT "{/}"
        "{targetRole|~|~}Backend engineer{/}"
        "{cv|resume.pdf|application/pdf}"), CV_OK);
    assert_int_equal(cv_buf_append(want, file->data, file->len), CV_OK);
    assert_int_equal(cv_buf_puts(want, "{/}"), CV_OK);
}

static void check_all_splits(const struct cv_buf *body, const struct cv_buf *want)
{
    struct cv_error err;
    struct rec r;
    size_t step;
    uint32_t seed;

    for (step = 0; step <= 64; step++) {
        rec_init(&r);
        assert_int_equal(run_steps(WEBKIT_BOUNDARY, body->data, body->len, step, &r, &err), CV_OK);
        assert_transcript(&r, want->data, want->len);
        assert_int_equal(r.parts_begun, 3);
        assert_int_equal(r.parts_ended, 3);
        rec_free(&r);
    }
    for (seed = 1; seed <= 300; seed++) {
        rec_init(&r);
        assert_int_equal(run_random(WEBKIT_BOUNDARY, body->data, body->len, seed, &r, &err), CV_OK);
        assert_transcript(&r, want->data, want->len);
        rec_free(&r);
    }
}

static void test_upload_every_split(void **state)
{
    struct cv_buf file, body, want;

    (void)state;
    cv_buf_init(&file, 64 * 1024);
    cv_buf_init(&body, 64 * 1024);
    cv_buf_init(&want, 64 * 1024);
    build_file(&file);
    build_upload(&body, &want, &file, "", "");
    check_all_splits(&body, &want);
    cv_buf_free(&file);
    cv_buf_free(&body);
    cv_buf_free(&want);
}

static void test_preamble_and_epilogue_ignored(void **state)
{
    struct cv_buf file, body, want;

    (void)state;
    cv_buf_init(&file, 64 * 1024);
    cv_buf_init(&body, 64 * 1024);
    cv_buf_init(&want, 64 * 1024);
    build_file(&file);
    /* the preamble holds near misses; the epilogue holds a whole delimiter,
     * a part and garbage: all ignored */
    build_upload(&body, &want, &file,
                 "This is a multi-part message in MIME format.\r\n"
                 "--" "----WebKitFormBoundary7MA4YWxkTrZu0g\r\n"
                 "-\r\r\n\r\n--" "----WebKit\r\n",
                 "epilogue\r\n--" WEBKIT_BOUNDARY "\r\n"
                 "Content-Disposition: form-data; name=\"late\"\r\n\r\nx\r\n"
                 "--" WEBKIT_BOUNDARY "junk \x01\x02");
    check_all_splits(&body, &want);
    cv_buf_free(&file);
    cv_buf_free(&body);
    cv_buf_free(&want);
}

/* Part bytes are passed on within the feed that brings them, except a
 * possible start of the delimiter, which is passed on once it fails. */
static void test_streams_without_buffering(void **state)
{
    static const char head[] =
        "--" TEST_BOUNDARY "\r\n"
        "Content-Disposition: form-data; name=\"cv\"; filename=\"cv.txt\"\r\n"
        "\r\n";
    struct multipart_parser p;
    struct cv_error err;
    struct rec r;

    (void)state;
    rec_init(&r);
    assert_int_equal(multipart_init(&p, view(TEST_BOUNDARY), &rec_callbacks, &r, &err), CV_OK);
    assert_int_equal(feed_copy(&p, head, sizeof(head) - 1, &err), CV_OK);
    assert_int_equal(p.state, MULTIPART_STATE_BODY);
    assert_int_equal(feed_copy(&p, "hello world", 11, &err), CV_OK);
    assert_transcript(&r, "{cv|cv.txt|~}hello world", 24);
    /* a possible delimiter start is held back, and nothing else */
    assert_int_equal(feed_copy(&p, "!\r\n--xYz", 8, &err), CV_OK);
    assert_transcript(&r, "{cv|cv.txt|~}hello world!", 25);
    assert_int_equal(feed_copy(&p, "-", 1, &err), CV_OK);
    assert_transcript(&r, "{cv|cv.txt|~}hello world!", 25);
    /* not the delimiter after all: the held bytes come out, in order */
    assert_int_equal(feed_copy(&p, "7", 1, &err), CV_OK);
    assert_transcript(&r, "{cv|cv.txt|~}hello world!\r\n--xYz-7", 34);
    assert_int_equal(feed_copy(&p, "\r\n--" TEST_BOUNDARY "--", 12, &err), CV_OK);
    assert_transcript(&r, "{cv|cv.txt|~}hello world!\r\n--xYz-7{/}", 37);
    assert_int_equal(multipart_finish(&p, &err), CV_OK);
    rec_free(&r);
}

/* Memory does not grow with the body: a 4 MiB file in 16 KiB chunks, with
 * a bounded parser and no allocation. */
static void test_large_file_bounded(void **state)
{
    static const char head[] =
        "--" TEST_BOUNDARY "\r\n"
        "Content-Disposition: form-data; name=\"cv\"; filename=\"big.bin\"\r\n"
        "Content-Type: application/octet-stream\r\n"
        "\r\n";
    static const char tail[] = "\r\n--" TEST_BOUNDARY "--\r\n";
    const size_t file_bytes = 4u * 1024 * 1024, chunk_bytes = 16 * 1024;
    char *chunk = malloc(chunk_bytes);
    struct multipart_parser p;
    struct cv_error err;
    struct rec r;
    size_t sent, i;

    (void)state;
    assert_non_null(chunk);
    assert_true(sizeof(struct multipart_parser) <= MULTIPART_HEADER_MAX_BYTES + 512);
    for (i = 0; i < chunk_bytes; i++)   /* CRs, LFs and dashes throughout */
        chunk[i] = "\r\n--xYz-4\0abc"[i % 13];
    rec_init(&r);
    r.count_only = true;
    assert_int_equal(multipart_init(&p, view(TEST_BOUNDARY), &rec_callbacks, &r, &err), CV_OK);
    assert_int_equal(multipart_feed(&p, head, sizeof(head) - 1, &err), CV_OK);
    for (sent = 0; sent < file_bytes; sent += chunk_bytes)
        assert_int_equal(multipart_feed(&p, chunk, chunk_bytes, &err), CV_OK);
    assert_int_equal(multipart_feed(&p, tail, sizeof(tail) - 1, &err), CV_OK);
    assert_int_equal(multipart_finish(&p, &err), CV_OK);
    assert_int_equal(r.data_bytes, file_bytes);
    assert_int_equal(r.parts_ended, 1);
    rec_free(&r);
    free(chunk);
}

/* ---- Small bodies: valid and broken ------------------------------------- */

struct body_case {
    const char *what;
    const char *body;
    enum cv_status status;     /* of the whole parse, feed or finish */
    const char *message;       /* a substring of err.message; NULL: not checked */
    const char *transcript;    /* NULL: not checked */
};

#define B "--" TEST_BOUNDARY
#define CD "Content-Disposition: form-data; "

static const struct body_case body_cases[] = {
    /* accepted */
    { "empty file part", B "\r\n" CD "name=\"cv\"; filename=\"empty.txt\"\r\n"
      "Content-Type: text/plain\r\n\r\n\r\n" B "--\r\n",
      CV_OK, NULL, "{cv|empty.txt|text/plain}{/}" },
    { "no parts", B "--", CV_OK, NULL, "" },
    { "close delimiter, padding and epilogue", "\r\n" B "--  \r\nbye\r\n" B "x",
      CV_OK, NULL, "" },
    { "transport padding after delimiters", B " \t \r\n" CD "name=a\r\n\r\n1\r\n" B "\t\r\n"
      CD "name=b\r\n\r\n2\r\n" B "-- \r\n",
      CV_OK, NULL, "{a|~|~}1{/}{b|~|~}2{/}" },
    { "bare LF after header lines", B "\r\n" CD "name=a\nContent-Type: text/plain\n\nv\r\n" B "--",
      CV_OK, NULL, "{a|~|text/plain}v{/}" },
    { "quoted name with escapes", B "\r\n" CD "name=\"a\\\"b\\\\c\"\r\n\r\nv\r\n" B "--",
      CV_OK, NULL, "{a\"b\\c|~|~}v{/}" },
    { "filename with a Windows path, raw", B "\r\n" CD "name=\"cv\"; filename=\"C:\\Users\\me\\My CV.pdf\"\r\n"
      "\r\nv\r\n" B "--", CV_OK, NULL, "{cv|C:\\Users\\me\\My CV.pdf|~}v{/}" },
    { "filename with dot-dot path, raw", B "\r\n" CD "name=\"cv\"; filename=\"../../etc/passwd\"\r\n"
      "\r\nv\r\n" B "--", CV_OK, NULL, "{cv|../../etc/passwd|~}v{/}" },
    { "empty filename, UTF-8 name", B "\r\n" CD "name=\"cv\"; filename=\"\"\r\n\r\n\r\n" B "\r\n"
      CD "filename=\"r\xc3\xa9sum\xc3\xa9.pdf\"; name=f\r\n\r\nx\r\n" B "--",
      CV_OK, NULL, "{cv||~}{/}{f|r\xc3\xa9sum\xc3\xa9.pdf|~}x{/}" },
    { "case-insensitive names, filename* and unknown parts ignored",
      B "\r\ncontent-DISPOSITION:Form-Data ;NAME = \"cv\" ; FileName=cv.pdf;"
      " filename*=UTF-8''cv%20x.pdf; size=12;\r\nX-Other: \"unbalanced\r\n"
      "CONTENT-TYPE:   application/pdf ; q=1  \r\n\r\nv\r\n" B "--",
      CV_OK, NULL, "{cv|cv.pdf|application/pdf ; q=1}v{/}" },
    { "empty Content-Type counts as absent", B "\r\n" CD "name=a\r\nContent-Type:\r\n\r\nv\r\n" B "--",
      CV_OK, NULL, "{a|~|~}v{/}" },
    { "LF-only delimiter is part data", B "\r\n" CD "name=a\r\n\r\nv\n" B "\r\n\r\n" B "--",
      CV_OK, NULL, "{a|~|~}v\n" B "\r\n{/}" },

    /* the body ends too soon */
    { "empty body", "", CV_ERR_INVALID, "multipart body ends before its closing boundary", "" },
    { "preamble only", "hello\r\n--xYz", CV_ERR_INVALID, "ends before its closing boundary", "" },
    { "missing closing boundary", B "\r\n" CD "name=a\r\n\r\nvalue\r\n",
      CV_ERR_INVALID, "ends before its closing boundary", "{a|~|~}value" },
    { "cut inside the delimiter", B "\r\n" CD "name=a\r\n\r\nvalue\r\n--xYz",
      CV_ERR_INVALID, "ends before its closing boundary", "{a|~|~}value" },
    { "cut after the delimiter", B "\r\n" CD "name=a\r\n\r\nvalue\r\n" B,
      CV_ERR_INVALID, "ends before its closing boundary", "{a|~|~}value" },
    { "cut after half the close", B "\r\n" CD "name=a\r\n\r\nvalue\r\n" B "-",
      CV_ERR_INVALID, "ends before its closing boundary", "{a|~|~}value" },
    { "cut in the headers", B "\r\n" CD "name=a\r\n",
      CV_ERR_INVALID, "ends before its closing boundary", "" },

    /* broken structure */
    { "garbage header line", B "\r\n" CD "name=\"a\"\r\nthis is garbage\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "part 1: a header line is not \"Name: value\"", "" },
    { "garbage after Content-Disposition", B "\r\n" CD "name=\"a\" junk\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "part 1: malformed Content-Disposition", "" },
    { "garbage after a delimiter", B " garbage\r\n" CD "name=a\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "unexpected bytes after a boundary delimiter", "" },
    { "boundary prefixing a body line", B "\r\n" CD "name=a\r\n\r\nv\r\n" B "x\r\n" B "--",
      CV_ERR_INVALID, "unexpected bytes after a boundary delimiter", "{a|~|~}v" },
    { "boundary prefixing a preamble line", "pre\r\n" B "x\r\n" B "--",
      CV_ERR_INVALID, "unexpected bytes after a boundary delimiter", "" },
    { "single dash after the boundary", B "\r\n" CD "name=a\r\n\r\nv\r\n" B "-x",
      CV_ERR_INVALID, "unexpected bytes after a boundary delimiter", "{a|~|~}v" },
    { "bare LF ending the delimiter line", B "\n" CD "name=a\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "unexpected bytes after a boundary delimiter", "" },
    { "CR without LF ending the delimiter line", B "\r" CD "name=a\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "does not end with CRLF", "" },
    { "part body opens with the boundary", B "\r\n" CD "name=a\r\n\r\n" B "--",
      CV_ERR_INVALID, "CRLF missing before the delimiter", "{a|~|~}" },
    { "missing name", B "\r\n" CD "filename=\"a.txt\"\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "part 1: Content-Disposition has no name", "" },
    { "empty name", B "\r\n" CD "name=\"\"\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "empty name", "" },
    { "no Content-Disposition", B "\r\nContent-Type: text/plain\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "no Content-Disposition header", "" },
    { "no headers at all", B "\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "no Content-Disposition header", "" },
    { "not form-data", B "\r\nContent-Disposition: attachment; name=a\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "not form-data", "" },
    { "two Content-Disposition", B "\r\n" CD "name=a\r\n" CD "name=b\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "two Content-Disposition headers", "" },
    { "repeated name", B "\r\n" CD "name=a; name=b\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "repeated", "" },
    { "repeated filename", B "\r\n" CD "name=a; filename=x; filename=y\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "repeated", "" },
    { "two Content-Type", B "\r\n" CD "name=a\r\nContent-Type: a/b\r\nContent-Type: c/d\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "two Content-Type headers", "" },
    { "unterminated quoted name", B "\r\n" CD "name=\"a\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "malformed Content-Disposition parameter value", "" },
    { "escaped closing quote", B "\r\n" CD "name=\"a\\\"\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "malformed Content-Disposition parameter value", "" },
    { "parameter without a value", B "\r\n" CD "name\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "malformed Content-Disposition", "" },
    { "folded header line", B "\r\n" CD "name=a\r\n filename=b\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "folded header lines", "" },
    { "control byte in a header", B "\r\n" CD "name=\"a\x01\"\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "control byte", "" },
    { "CR without LF in a header", B "\r\n" CD "name=a\rX: y\r\n\r\nv\r\n" B "--",
      CV_ERR_INVALID, "a CR without LF", "" },
    { "CR without LF ending the headers", B "\r\n" CD "name=a\r\n\rv\r\n" B "--",
      CV_ERR_INVALID, "a CR without LF", "" },
    { "second part broken", B "\r\n" CD "name=a\r\n\r\nv\r\n" B "\r\nbad\r\n\r\nw\r\n" B "--",
      CV_ERR_INVALID, "part 2: a header line is not", "{a|~|~}v{/}" },
};

static void test_body_cases(void **state)
{
    size_t i, step;

    (void)state;
    for (i = 0; i < sizeof(body_cases) / sizeof(body_cases[0]); i++) {
        const struct body_case *c = &body_cases[i];

        /* whole, then one byte at a time, then 2 and 5: same outcome */
        for (step = 0; step <= 5; step++) {
            struct cv_error err;
            struct rec r;
            enum cv_status rc;

            if (step == 3 || step == 4)
                continue;
            rec_init(&r);
            rc = run_steps(TEST_BOUNDARY, c->body, strlen(c->body), step, &r, &err);
            if (rc != c->status) {
                print_error("case \"%s\" step %zu: status %s, wanted %s (%s)\n", c->what, step,
                            cv_status_name(rc), cv_status_name(c->status), err.message);
                fail();
            }
            if (c->status != CV_OK)
                assert_int_equal(err.status, c->status);
            if (c->message != NULL && strstr(err.message, c->message) == NULL) {
                print_error("case \"%s\": message \"%s\" lacks \"%s\"\n", c->what, err.message,
                            c->message);
                fail();
            }
            if (c->transcript != NULL)
                assert_transcript(&r, c->transcript, strlen(c->transcript));
            rec_free(&r);
        }
    }
}

/* The failure is reported by the feed that brings the offending byte, not
 * later; and the parser stays failed. */
static void test_fails_at_once_and_stays_failed(void **state)
{
    static const char good[] = B "\r\n" CD "name=a\r\n\r\nv\r\n" B;
    struct multipart_parser p;
    struct cv_error err;
    struct rec r;

    (void)state;
    rec_init(&r);
    cv_error_clear(&err);
    assert_int_equal(multipart_init(&p, view(TEST_BOUNDARY), &rec_callbacks, &r, &err), CV_OK);
    assert_int_equal(feed_copy(&p, good, sizeof(good) - 1, &err), CV_OK);
    assert_int_equal(feed_copy(&p, "?", 1, &err), CV_ERR_INVALID);
    assert_int_equal(p.state, MULTIPART_STATE_FAILED);
    assert_int_equal(multipart_feed(&p, "--", 2, &err), CV_ERR_INVALID);
    assert_string_equal(err.message, "multipart parser used after a failure");
    assert_int_equal(multipart_finish(&p, &err), CV_ERR_INVALID);
    /* the part never ended */
    assert_int_equal(r.parts_begun, 1);
    assert_int_equal(r.parts_ended, 0);
    rec_free(&r);
}

/* ---- Limits ------------------------------------------------------------- */

/* A part whose header block (lines with CRLF, without the blank line) is
 * `bytes` long: the filename fills what the other bytes leave. */
static void build_header_part(struct cv_buf *body, size_t bytes, bool pad_line)
{
    static const char fixed[] = CD "name=\"cv\"; filename=\"\"\r\n";   /* quotes empty */
    static const char pad_head[] = "X-Pad: \r\n";
    size_t fill = bytes - (sizeof(fixed) - 1) - (pad_line ? sizeof(pad_head) - 1 : 0);
    size_t k;

    assert_int_equal(cv_buf_puts(body, B "\r\n" CD "name=\"cv\"; filename=\""), CV_OK);
    for (k = 0; k < (pad_line ? 10 : fill); k++)
        assert_int_equal(cv_buf_append(body, "f", 1), CV_OK);
    assert_int_equal(cv_buf_puts(body, "\"\r\n"), CV_OK);
    if (pad_line) {
        assert_int_equal(cv_buf_puts(body, "X-Pad: "), CV_OK);
        for (k = 0; k < fill - 10; k++)
            assert_int_equal(cv_buf_append(body, "p", 1), CV_OK);
        assert_int_equal(cv_buf_puts(body, "\r\n"), CV_OK);
    }
    assert_int_equal(cv_buf_puts(body, "\r\ndata\r\n" B "--\r\n"), CV_OK);
}

static void test_header_cap(void **state)
{
    size_t step;

    (void)state;
    for (step = 0; step <= 1; step++) {
        struct cv_buf body;
        struct cv_error err;
        struct rec r;
        bool pad;

        for (pad = false; ; pad = true) {
            /* exactly the cap: accepted, the long filename reported whole */
            cv_buf_init(&body, 64 * 1024);
            build_header_part(&body, MULTIPART_HEADER_MAX_BYTES, pad);
            rec_init(&r);
            assert_int_equal(run_steps(TEST_BOUNDARY, body.data, body.len, step, &r, &err), CV_OK);
            assert_int_equal(r.parts_ended, 1);
            if (!pad)   /* "{cv|" + the filename + "|~}data{/}" */
                assert_int_equal(r.log.len, 4 + MULTIPART_HEADER_MAX_BYTES -
                                 (sizeof(CD "name=\"cv\"; filename=\"\"\r\n") - 1) + 10);
            assert_memory_equal(r.log.data + r.log.len - 10, "|~}data{/}", 10);
            rec_free(&r);
            cv_buf_free(&body);

            /* one byte more: refused while reading the headers */
            cv_buf_init(&body, 64 * 1024);
            build_header_part(&body, MULTIPART_HEADER_MAX_BYTES + 1, pad);
            rec_init(&r);
            assert_int_equal(run_steps(TEST_BOUNDARY, body.data, body.len, step, &r, &err),
                             CV_ERR_TOO_LARGE);
            assert_int_equal(err.status, CV_ERR_TOO_LARGE);
            assert_non_null(strstr(err.message, "headers are over 8192 bytes"));
            assert_int_equal(r.parts_begun, 0);
            rec_free(&r);
            cv_buf_free(&body);
            if (pad)
                break;
        }
    }
}

/* The blank line is not counted; bare LF endings count one byte. */
static void test_header_cap_line_endings(void **state)
{
    struct cv_buf body;
    struct cv_error err;
    struct rec r;
    size_t k, fill;
#define LINE1 CD "name=a\n"

    (void)state;
    for (k = 0; k <= 1; k++) {
        cv_buf_init(&body, 64 * 1024);
        assert_int_equal(cv_buf_puts(&body, B "\r\n" LINE1 "X:"), CV_OK);
        fill = MULTIPART_HEADER_MAX_BYTES - (sizeof(LINE1) - 1) - 3 + k;   /* "X:" + LF */
        while (fill-- > 0)
            assert_int_equal(cv_buf_append(&body, "y", 1), CV_OK);
        assert_int_equal(cv_buf_puts(&body, "\n\r\nv\r\n" B "--"), CV_OK);
        rec_init(&r);
        assert_int_equal(run_steps(TEST_BOUNDARY, body.data, body.len, 7, &r, &err),
                         k == 0 ? CV_OK : CV_ERR_TOO_LARGE);
        rec_free(&r);
        cv_buf_free(&body);
    }
}

static void build_parts(struct cv_buf *body, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        assert_int_equal(cv_buf_printf(body, B "\r\n" CD "name=\"p%zu\"\r\n\r\n%zu\r\n", i, i),
                         CV_OK);
    assert_int_equal(cv_buf_puts(body, B "--\r\n"), CV_OK);
}

static void test_parts_cap(void **state)
{
    struct cv_buf body;
    struct cv_error err;
    struct rec r;

    (void)state;
    cv_buf_init(&body, 64 * 1024);
    build_parts(&body, MULTIPART_MAX_PARTS);
    rec_init(&r);
    assert_int_equal(run_steps(TEST_BOUNDARY, body.data, body.len, 3, &r, &err), CV_OK);
    assert_int_equal(r.parts_begun, MULTIPART_MAX_PARTS);
    assert_int_equal(r.parts_ended, MULTIPART_MAX_PARTS);
    assert_memory_equal(r.log.data + r.log.len - 14, "{p31|~|~}31{/}", 14);
    rec_free(&r);
    cv_buf_free(&body);

    cv_buf_init(&body, 64 * 1024);
    build_parts(&body, MULTIPART_MAX_PARTS + 1);
    rec_init(&r);
    assert_int_equal(run_steps(TEST_BOUNDARY, body.data, body.len, 0, &r, &err), CV_ERR_INVALID);
    assert_non_null(strstr(err.message, "more than 32 parts"));
    /* refused at the delimiter opening part 33, after part 32 ended */
    assert_int_equal(r.parts_begun, MULTIPART_MAX_PARTS);
    assert_int_equal(r.parts_ended, MULTIPART_MAX_PARTS);
    rec_free(&r);
    cv_buf_free(&body);
}

/* ---- Callbacks abort ---------------------------------------------------- */

static const char two_cv[] =
    B "\r\n" CD "name=\"cv\"; filename=\"a.pdf\"\r\n\r\n%PDF-first\r\n"
    B "\r\n" CD "name=\"cv\"; filename=\"b.pdf\"\r\n\r\n%PDF-second\r\n"
    B "--\r\n";

static void test_callback_abort_begin(void **state)
{
    size_t step;

    (void)state;
    for (step = 0; step <= 2; step++) {
        struct multipart_parser p;
        struct cv_error err;
        struct rec r;
        enum cv_status rc = CV_OK;
        size_t off = 0, n = step == 0 ? sizeof(two_cv) - 1 : step;

        rec_init(&r);
        r.refuse_second_cv = true;
        cv_error_clear(&err);
        assert_int_equal(multipart_init(&p, view(TEST_BOUNDARY), &rec_callbacks, &r, &err), CV_OK);
        while (rc == CV_OK && off < sizeof(two_cv) - 1) {
            size_t len = sizeof(two_cv) - 1 - off < n ? sizeof(two_cv) - 1 - off : n;

            rc = feed_copy(&p, two_cv + off, len, &err);
            off += len;
        }
        assert_int_equal(rc, CV_ERR_CONFLICT);
        /* the callback's own detail is kept */
        assert_int_equal(err.status, CV_ERR_CONFLICT);
        assert_int_equal(err.nfields, 1);
        assert_string_equal(err.fields[0].name, "cv");
        /* no byte of the refused part was passed on */
        assert_transcript(&r, "{cv|a.pdf|~}%PDF-first{/}{cv|b.pdf|~}", 37);
        assert_int_equal(multipart_finish(&p, &err), CV_ERR_CONFLICT);
        assert_int_equal(multipart_feed(&p, "x", 1, &err), CV_ERR_CONFLICT);
        rec_free(&r);
    }
}

static void test_callback_abort_data_and_end(void **state)
{
    struct cv_error err;
    struct rec r;

    (void)state;
    rec_init(&r);
    r.data_cap_bytes = 12;    /* "%PDF-first" is 10: the second file passes it */
    assert_int_equal(run_steps(TEST_BOUNDARY, two_cv, sizeof(two_cv) - 1, 1, &r, &err),
                     CV_ERR_TOO_LARGE);
    assert_string_equal(err.message, "file is over 12 bytes");
    assert_int_equal(r.data_bytes, 13);   /* one byte at a time: stopped at once */
    rec_free(&r);

    rec_init(&r);
    r.end_status = CV_ERR_IO;
    assert_int_equal(run_steps(TEST_BOUNDARY, two_cv, sizeof(two_cv) - 1, 0, &r, &err),
                     CV_ERR_IO);
    assert_string_equal(err.message, "storage failed: disk full");
    assert_int_equal(r.parts_ended, 1);
    assert_int_equal(r.parts_begun, 1);   /* stopped before the second part */
    rec_free(&r);

    /* a callback that fails without filling err still leaves err right */
    rec_init(&r);
    r.refuse_second_cv = true;
    r.fail_silently = true;
    assert_int_equal(run_steps(TEST_BOUNDARY, two_cv, sizeof(two_cv) - 1, 0, &r, &err),
                     CV_ERR_CONFLICT);
    assert_int_equal(err.status, CV_ERR_CONFLICT);
    assert_true(err.message[0] != '\0');
    rec_free(&r);
}

/* Without callbacks the parser still checks the body. */
static void test_no_callbacks(void **state)
{
    struct multipart_parser p;
    struct cv_error err;

    (void)state;
    assert_int_equal(multipart_init(&p, view(TEST_BOUNDARY), NULL, NULL, &err), CV_OK);
    assert_int_equal(multipart_feed(&p, two_cv, sizeof(two_cv) - 1, &err), CV_OK);
    assert_int_equal(multipart_finish(&p, &err), CV_OK);
    assert_int_equal(multipart_init(&p, view(TEST_BOUNDARY), NULL, NULL, &err), CV_OK);
    assert_int_equal(multipart_feed(&p, NULL, 0, &err), CV_OK);
    assert_int_equal(multipart_feed(&p, NULL, 1, &err), CV_ERR_INTERNAL);
}

/* ---- Boundaries --------------------------------------------------------- */

static void test_init_boundary(void **state)
{
    char b71[MULTIPART_BOUNDARY_MAX_BYTES + 2];
    struct multipart_parser p;
    struct cv_error err;
    struct cv_str v;

    (void)state;
    memset(b71, 'b', sizeof(b71));
    v.ptr = b71;
    v.len = MULTIPART_BOUNDARY_MAX_BYTES;
    assert_int_equal(multipart_init(&p, v, NULL, NULL, &err), CV_OK);
    v.len = MULTIPART_BOUNDARY_MAX_BYTES + 1;
    assert_int_equal(multipart_init(&p, v, NULL, NULL, &err), CV_ERR_INVALID);
    assert_int_equal(multipart_feed(&p, "x", 1, &err), CV_ERR_INVALID);
    v.len = 0;
    assert_int_equal(multipart_init(&p, v, NULL, NULL, &err), CV_ERR_INVALID);
    assert_int_equal(multipart_init(&p, view("ab\rc"), NULL, NULL, &err), CV_ERR_INVALID);
    assert_int_equal(multipart_init(&p, view("ab\nc"), NULL, NULL, &err), CV_ERR_INVALID);
}

struct ct_case {
    const char *content_type;   /* NULL: no header */
    enum cv_status status;
    const char *boundary;       /* on CV_OK */
};

#define B70 "0123456789012345678901234567890123456789012345678901234567890123456789"

static const struct ct_case ct_cases[] = {
    { "multipart/form-data; boundary=" WEBKIT_BOUNDARY, CV_OK, WEBKIT_BOUNDARY },
    { "multipart/form-data; boundary=\"" WEBKIT_BOUNDARY "\"", CV_OK, WEBKIT_BOUNDARY },
    { "MULTIPART/Form-Data; BOUNDARY=abc", CV_OK, "abc" },
    { "multipart/form-data;boundary=abc", CV_OK, "abc" },
    { "  multipart/form-data ; charset=utf-8 ;boundary=abc; x=\"a;b\"  ", CV_OK, "abc" },
    { "multipart/form-data; x=\"q\\\"; boundary=no\"; boundary=\"yes it is\"", CV_OK, "yes it is" },
    { "multipart/form-data; boundary=\"a(b)c,d/e:f=g?h'i+j_k.l-m\"", CV_OK, "a(b)c,d/e:f=g?h'i+j_k.l-m" },
    { "multipart/form-data; boundary=\"a\\bc\"", CV_OK, "abc" },
    { "multipart/form-data; ; boundary=abc;", CV_OK, "abc" },
    { "multipart/form-data; boundary=" B70, CV_OK, B70 },
    { "multipart/form-data; boundary=\"" B70 "\"", CV_OK, B70 },
    { "multipart/form-data; boundary=" B70 "0", CV_ERR_INVALID, NULL },
    { "multipart/form-data; boundary=\"" B70 "0\"", CV_ERR_INVALID, NULL },
    { "multipart/form-data; boundary=", CV_ERR_INVALID, NULL },
    { "multipart/form-data; boundary=\"\"", CV_ERR_INVALID, NULL },
    { "multipart/form-data; boundary= abc", CV_ERR_INVALID, NULL },
    { "multipart/form-data", CV_ERR_INVALID, NULL },
    { "multipart/form-data; charset=utf-8", CV_ERR_INVALID, NULL },
    { "multipart/form-data; boundary=a; boundary=a", CV_ERR_INVALID, NULL },
    { "multipart/form-data; boundary=\"abc", CV_ERR_INVALID, NULL },
    { "multipart/form-data; boundary=\"abc \"", CV_ERR_INVALID, NULL },
    { "multipart/form-data; boundary=\"a@b\"", CV_ERR_INVALID, NULL },
    { "multipart/form-data; boundary=a!b", CV_ERR_INVALID, NULL },
    { "multipart/form-data; boundary=\"a\rb\"", CV_ERR_INVALID, NULL },
    { "multipart/form-data boundary=abc", CV_ERR_INVALID, NULL },
    { "multipart/form-data; boundary abc", CV_ERR_INVALID, NULL },
    { "application/json", CV_ERR_UNSUPPORTED_MEDIA_TYPE, NULL },
    { "multipart/mixed; boundary=abc", CV_ERR_UNSUPPORTED_MEDIA_TYPE, NULL },
    { "multipart/form-datax; boundary=abc", CV_ERR_UNSUPPORTED_MEDIA_TYPE, NULL },
    { "text/plain; boundary=abc", CV_ERR_UNSUPPORTED_MEDIA_TYPE, NULL },
    { "multipart", CV_ERR_UNSUPPORTED_MEDIA_TYPE, NULL },
    { "", CV_ERR_UNSUPPORTED_MEDIA_TYPE, NULL },
    { NULL, CV_ERR_UNSUPPORTED_MEDIA_TYPE, NULL },
};

static void test_boundary_from_content_type(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(ct_cases) / sizeof(ct_cases[0]); i++) {
        const struct ct_case *c = &ct_cases[i];
        struct multipart_boundary b;
        struct cv_error err;
        struct cv_str v = { NULL, 0 };
        char *copy = NULL;
        enum cv_status rc;

        if (c->content_type != NULL) {
            /* exactly sized, no NUL: the length alone bounds the read */
            v.len = strlen(c->content_type);
            copy = malloc(v.len > 0 ? v.len : 1);
            assert_non_null(copy);
            memcpy(copy, c->content_type, v.len);
            v.ptr = copy;
        }
        cv_error_clear(&err);
        rc = multipart_boundary_from_content_type(v, &b, &err);
        if (rc != c->status) {
            print_error("Content-Type \"%s\": %s, wanted %s (%s)\n",
                        c->content_type ? c->content_type : "(none)", cv_status_name(rc),
                        cv_status_name(c->status), err.message);
            fail();
        }
        if (rc == CV_OK) {
            assert_string_equal(b.bytes, c->boundary);
            assert_int_equal(b.len, strlen(c->boundary));
        } else {
            assert_int_equal(err.status, c->status);
            assert_true(err.message[0] != '\0');
        }
        free(copy);
    }
}

/* The boundary read from a header drives a parse. */
static void test_boundary_then_parse(void **state)
{
    static const char body[] = "--a(b)c\r\n" CD "name=t\r\n\r\nhi\r\n--a(b)c--";
    struct multipart_boundary b;
    struct multipart_parser p;
    struct cv_error err;
    struct rec r;
    struct cv_str boundary;

    (void)state;
    assert_int_equal(multipart_boundary_from_content_type(
                         view("multipart/form-data; boundary=\"a(b)c\""), &b, &err), CV_OK);
    rec_init(&r);
    boundary.ptr = b.bytes;
    boundary.len = b.len;
    assert_int_equal(multipart_init(&p, boundary, &rec_callbacks, &r, &err), CV_OK);
    assert_int_equal(multipart_feed(&p, body, sizeof(body) - 1, &err), CV_OK);
    assert_int_equal(multipart_finish(&p, &err), CV_OK);
    assert_transcript(&r, "{t|~|~}hi{/}", 12);
    rec_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upload_every_split),
        cmocka_unit_test(test_preamble_and_epilogue_ignored),
        cmocka_unit_test(test_streams_without_buffering),
        cmocka_unit_test(test_large_file_bounded),
        cmocka_unit_test(test_body_cases),
        cmocka_unit_test(test_fails_at_once_and_stays_failed),
        cmocka_unit_test(test_header_cap),
        cmocka_unit_test(test_header_cap_line_endings),
        cmocka_unit_test(test_parts_cap),
        cmocka_unit_test(test_callback_abort_begin),
        cmocka_unit_test(test_callback_abort_data_and_end),
        cmocka_unit_test(test_no_callbacks),
        cmocka_unit_test(test_init_boundary),
        cmocka_unit_test(test_boundary_from_content_type),
        cmocka_unit_test(test_boundary_then_parse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
