/*
 * fuzz_multipart.c - fuzz the streaming multipart parser: the same body is
 * parsed whole by one parser and in chunks by another, and the two must
 * report the same events, the same bytes and the same outcome; abort()
 * otherwise, or when a callback sees the contract of multipart.h broken.
 *
 * Input: byte 0 picks the chunking pattern, byte 1 is its parameter, the
 * rest is the body (boundary FUZZ_BOUNDARY). The body's first line is also
 * tried as a Content-Type, for multipart_boundary_from_content_type.
 * Every chunk is fed from its own exactly-sized copy so ASan sees any read
 * past len.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_BOUNDARY "fuzzB0undary"
/* A part named "small" refuses its data past this many bytes, to exercise
 * a data callback that aborts (as the handler does at MAX_FILE_SIZE). */
#define FUZZ_SMALL_PART_MAX_BYTES 16
/* How much of the body's first line is tried as a Content-Type. */
#define FUZZ_CONTENT_TYPE_MAX_BYTES 512

#define FNV_OFFSET 1469598103934665603ull
#define FNV_PRIME 1099511628211ull

/* What one parser reported: a hash of the events, in which data is hashed
 * as its bytes only, so that how the bytes were sliced does not matter. */
struct fuzz_trace {
    uint64_t hash;
    bool in_part;
    bool small;                 /* the current part is named "small" */
    uint64_t part_bytes;
    size_t parts_begun, parts_ended;
};

static void fuzz_mix(struct fuzz_trace *t, const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;

    for (i = 0; i < n; i++) {
        t->hash ^= b[i];
        t->hash *= FNV_PRIME;
    }
}

static void fuzz_mix_u64(struct fuzz_trace *t, uint64_t v)
{
    fuzz_mix(t, &v, sizeof(v));
}

static void fuzz_mix_view(struct fuzz_trace *t, struct cv_str v)
{
    if (v.ptr == NULL) {
        fuzz_mix(t, "N", 1);
        return;
    }
    /* views are NUL-terminated and hold no NUL */
    if (v.ptr[v.len] != '\0' || strlen(v.ptr) != v.len)
        abort();
    fuzz_mix(t, "V", 1);
    fuzz_mix_u64(t, v.len);
    fuzz_mix(t, v.ptr, v.len);
}

static enum cv_status fuzz_begin(void *ctx, const struct multipart_part *part,
                                 struct cv_error *err)
{
    struct fuzz_trace *t = ctx;

    if (t->in_part || part->name.ptr == NULL || part->name.len == 0 ||
        part->index != t->parts_begun || (part->filename.ptr == NULL && part->filename.len != 0) ||
        (part->content_type.ptr != NULL && part->content_type.len == 0))
        abort();
    t->in_part = true;
    t->parts_begun++;
    t->part_bytes = 0;
    fuzz_mix(t, "B", 1);
    fuzz_mix_u64(t, part->index);
    fuzz_mix_view(t, part->name);
    fuzz_mix_view(t, part->filename);
    fuzz_mix_view(t, part->content_type);
    t->small = part->name.len == 5 && memcmp(part->name.ptr, "small", 5) == 0;
    if (part->name.len == 5 && memcmp(part->name.ptr, "abort", 5) == 0)
        return cv_error_set(err, CV_ERR_CONFLICT, "part %zu refused", part->index);
    return CV_OK;
}

static enum cv_status fuzz_data(void *ctx, const char *data, size_t len, struct cv_error *err)
{
    struct fuzz_trace *t = ctx;

    if (!t->in_part || data == NULL || len == 0)
        abort();
    if (t->small && t->part_bytes + len > FUZZ_SMALL_PART_MAX_BYTES) {
        /* hash only the bytes within the cap: slices differ between parsers */
        fuzz_mix(t, data, (size_t)(FUZZ_SMALL_PART_MAX_BYTES - t->part_bytes));
        t->part_bytes = FUZZ_SMALL_PART_MAX_BYTES + 1;
        return cv_error_set(err, CV_ERR_TOO_LARGE, "part is over %d bytes",
                            FUZZ_SMALL_PART_MAX_BYTES);
    }
    fuzz_mix(t, data, len);
    t->part_bytes += len;
    return CV_OK;
}

static enum cv_status fuzz_end(void *ctx, struct cv_error *err)
{
    struct fuzz_trace *t = ctx;

    (void)err;
    if (!t->in_part)
        abort();
    t->in_part = false;
    t->parts_ended++;
    fuzz_mix(t, "E", 1);
    fuzz_mix_u64(t, t->part_bytes);
    return CV_OK;
}

static const struct multipart_callbacks fuzz_callbacks = { fuzz_begin, fuzz_data, fuzz_end };

static enum cv_status fuzz_feed_copy(struct multipart_parser *p, const uint8_t *data, size_t len,
                                     struct cv_error *err)
{
    char *copy = malloc(len > 0 ? len : 1);
    enum cv_status rc;

    if (copy == NULL)
        abort();
    if (len > 0)
        memcpy(copy, data, len);
    rc = multipart_feed(p, copy, len, err);
    free(copy);
    return rc;
}

/* The size of the next chunk for a pattern; may be 0. */
static size_t fuzz_next_chunk(uint8_t mode, uint8_t param, uint32_t *seed, size_t chunk_no)
{
    switch (mode % 5) {
    case 0:
        return 1;
    case 1:
        return 1 + (size_t)(param % 64);
    case 2:
        /* 0..param bytes; every fourth chunk at least one, so it ends */
        *seed = *seed * 1103515245u + 12345u;
        return (size_t)((*seed >> 8) % (1u + param)) + (chunk_no % 4 == 3);
    case 3:
        /* two pieces: the first is param bytes long */
        return chunk_no == 0 ? param : SIZE_MAX;
    default:
        /* sizes 1..8 walking the bits of param */
        return 1 + (size_t)((param >> (chunk_no % 6)) & 7);
    }
}

/* Parse body with trace t, whole (mode < 0) or chunked; status and err out. */
static enum cv_status fuzz_parse(const uint8_t *body, size_t len, int mode, uint8_t param,
                                 struct fuzz_trace *t, struct cv_error *err)
{
    struct multipart_parser *p = malloc(sizeof(*p));
    uint32_t seed = param * 2654435761u + 1u;
    size_t off = 0, chunk_no = 0;
    enum cv_status rc;

    if (p == NULL)
        abort();
    memset(t, 0, sizeof(*t));
    t->hash = FNV_OFFSET;
    cv_error_clear(err);
    if (multipart_init(p, CV_STR_LIT(FUZZ_BOUNDARY), &fuzz_callbacks, t, err) != CV_OK)
        abort();
    rc = CV_OK;
    while (rc == CV_OK && off < len) {
        size_t n = mode < 0 ? len : fuzz_next_chunk((uint8_t)mode, param, &seed, chunk_no++);

        if (n > len - off)
            n = len - off;
        rc = fuzz_feed_copy(p, body + off, n, err);
        off += n;
    }
    if (rc == CV_OK)
        rc = multipart_finish(p, err);
    /* after a failure the parser stays failed */
    if (rc != CV_OK && (multipart_feed(p, "x", 1, NULL) != rc || multipart_finish(p, NULL) != rc))
        abort();
    free(p);
    return rc;
}

static void fuzz_content_type(const uint8_t *body, size_t len)
{
    struct multipart_boundary b;
    struct multipart_parser *p;
    struct cv_error err;
    struct cv_str v;
    size_t n = 0;
    char *copy;

    while (n < len && n < FUZZ_CONTENT_TYPE_MAX_BYTES && body[n] != '\r' && body[n] != '\n')
        n++;
    copy = malloc(n > 0 ? n : 1);
    if (copy == NULL)
        abort();
    if (n > 0)
        memcpy(copy, body, n);
    v.ptr = copy;
    v.len = n;
    cv_error_clear(&err);
    if (multipart_boundary_from_content_type(v, &b, &err) == CV_OK) {
        if (b.len == 0 || b.len > MULTIPART_BOUNDARY_MAX_BYTES || b.bytes[b.len] != '\0' ||
            strlen(b.bytes) != b.len)
            abort();
        p = malloc(sizeof(*p));
        if (p == NULL)
            abort();
        v.ptr = b.bytes;
        v.len = b.len;
        if (multipart_init(p, v, NULL, NULL, &err) != CV_OK)
            abort();
        free(p);
    } else if (err.status != CV_ERR_INVALID && err.status != CV_ERR_UNSUPPORTED_MEDIA_TYPE) {
        abort();
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_trace whole, chunked;
    struct cv_error err_whole, err_chunked;
    enum cv_status rc_whole, rc_chunked;

    if (size < 2)
        return 0;
    fuzz_content_type(data + 2, size - 2);
    rc_whole = fuzz_parse(data + 2, size - 2, -1, 0, &whole, &err_whole);
    rc_chunked = fuzz_parse(data + 2, size - 2, data[0], data[1], &chunked, &err_chunked);
    if (rc_whole != rc_chunked || whole.hash != chunked.hash ||
        whole.parts_begun != chunked.parts_begun || whole.parts_ended != chunked.parts_ended)
        abort();
    if (rc_whole != CV_OK &&
        (err_whole.status != rc_whole || err_chunked.status != rc_chunked ||
         strcmp(err_whole.message, err_chunked.message) != 0))
        abort();
    if (rc_whole == CV_OK && (whole.in_part || whole.parts_begun != whole.parts_ended))
        abort();
    return 0;
}
