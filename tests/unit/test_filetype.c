/*
 * test_filetype.c - content sniffing and display names. Every fixture is
 * fed whole, in every chunk size from 1 to 33, around the tail size and in
 * an irregular pattern, and must get the same answer each time. Fixtures:
 * PDF (strict header), DOCX built with libzip (deflated, with a comment of
 * the largest size, larger than the tail window), XLSX-like and near-miss
 * names, truncated and padded archives, hand-built central directories at
 * both sides of the tail and entry limits and broken in each field, text in
 * English and French, BOM, whitespace, invalid UTF-8, NUL, UTF-16, empty,
 * PNG and JPEG; then the lifecycle and the file name rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zip.h>

#include "buf.h"
#include "filetype.h"
#include "utf8.h"

#define U(s) ((const unsigned char *)(s))
#define TEST_BUILD_MAX_BYTES (4 * 1024 * 1024)

/* ---- Feeding helpers --------------------------------------------------- */

struct verdict {
    enum cv_status status;
    enum cv_file_type type;
    char message[CV_ERROR_MESSAGE_MAX];
    size_t nfields;
};

/* Feed d in chunks following sizes[] cyclically (nsizes 0: one feed). */
static struct verdict sniff_pattern(const unsigned char *d, size_t n, const size_t *sizes,
                                    size_t nsizes)
{
    struct filetype_sniffer s;
    struct cv_error err;
    struct verdict v;
    size_t i = 0, k = 0, step;

    cv_error_clear(&err);
    filetype_sniffer_init(&s);
    while (i < n) {
        step = nsizes == 0 ? n - i : sizes[k++ % nsizes];
        if (step > n - i)
            step = n - i;
        assert_int_equal(filetype_sniffer_feed(&s, d + i, step, &err), CV_OK);
        i += step;
    }
    v.status = filetype_sniffer_finish(&s, &v.type, &err);
    filetype_sniffer_free(&s);
    assert_int_equal(err.status, v.status);
    memcpy(v.message, err.message, sizeof(v.message));
    v.nfields = err.nfields;
    return v;
}

static struct verdict sniff_chunk(const unsigned char *d, size_t n, size_t chunk)
{
    return sniff_pattern(d, n, &chunk, 1);
}

static void assert_same(const struct verdict *a, const struct verdict *b)
{
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->type, b->type);
    assert_string_equal(a->message, b->message);
    assert_int_equal(a->nfields, b->nfields);
}

/* The whole-buffer verdict must be (status, type); every chunking agrees. */
static struct verdict expect(const unsigned char *d, size_t n, enum cv_status status,
                             enum cv_file_type type)
{
    static const size_t odd[] = {1, 7, 4, 13, 2, 1000, 3, 65557};
    static const size_t big[] = {4095, 65536, FILETYPE_TAIL_BYTES - 1, FILETYPE_TAIL_BYTES,
                                 FILETYPE_TAIL_BYTES + 1};
    struct verdict whole = sniff_pattern(d, n, NULL, 0), v;
    size_t chunk, i;

    assert_int_equal(whole.status, status);
    assert_int_equal(whole.type, type);
    if (status == CV_OK)
        assert_string_equal(whole.message, "");
    for (chunk = 1; chunk <= 33; chunk++) {
        v = sniff_chunk(d, n, chunk);
        assert_same(&whole, &v);
    }
    for (i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
        v = sniff_chunk(d, n, big[i]);
        assert_same(&whole, &v);
    }
    v = sniff_pattern(d, n, odd, sizeof(odd) / sizeof(odd[0]));
    assert_same(&whole, &v);
    return whole;
}

static void expect_str(const char *s, enum cv_status status, enum cv_file_type type)
{
    (void)expect(U(s), strlen(s), status, type);
}

/* ---- libzip archives --------------------------------------------------- */

struct zentry {
    const char *name;
    const void *data;
    size_t len;
    bool store;   /* no compression */
};

static const char content_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package."
    "relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd."
    "openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
static const char rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
static const char document[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:body><w:p><w:r><w:t>J\xc3\xa9r\xc3\xb4me Martin \xe2\x80\x94 D\xc3\xa9veloppeur C"
    "</w:t></w:r></w:p></w:body></w:document>";
static const char workbook[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<sheets><sheet name=\"Feuil1\" sheetId=\"1\"/></sheets></workbook>";

/* Build an archive in memory; returns malloc'd bytes (free()). */
static unsigned char *zip_build(const struct zentry *e, size_t n, const char *comment,
                                size_t comment_len, size_t *out_len)
{
    zip_error_t ze;
    zip_source_t *src, *zs;
    zip_t *za;
    zip_int64_t idx, size;
    unsigned char *bytes;
    size_t i;

    zip_error_init(&ze);
    src = zip_source_buffer_create(NULL, 0, 0, &ze);
    assert_non_null(src);
    zip_source_keep(src);
    za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    assert_non_null(za);
    for (i = 0; i < n; i++) {
        zs = zip_source_buffer(za, e[i].data, e[i].len, 0);
        assert_non_null(zs);
        idx = zip_file_add(za, e[i].name, zs, ZIP_FL_ENC_UTF_8);
        assert_true(idx >= 0);
        if (e[i].store)
            assert_int_equal(zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0), 0);
    }
    if (comment != NULL)
        assert_int_equal(zip_set_archive_comment(za, comment, (zip_uint16_t)comment_len), 0);
    assert_int_equal(zip_close(za), 0);

    assert_int_equal(zip_source_open(src), 0);
    assert_int_equal(zip_source_seek(src, 0, SEEK_END), 0);
    size = zip_source_tell(src);
    assert_true(size > 0);
    assert_int_equal(zip_source_seek(src, 0, SEEK_SET), 0);
    bytes = malloc((size_t)size);
    assert_non_null(bytes);
    assert_int_equal(zip_source_read(src, bytes, (zip_uint64_t)size), size);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    *out_len = (size_t)size;
    return bytes;
}

static unsigned char *docx_build(size_t *len)
{
    const struct zentry e[] = {
        {"[Content_Types].xml", content_types, sizeof(content_types) - 1, false},
        {"_rels/.rels", rels, sizeof(rels) - 1, false},
        {"word/document.xml", document, sizeof(document) - 1, false},
    };
    return zip_build(e, 3, NULL, 0, len);
}

/* A central directory size read back from an archive's EOCD (no comment). */
static size_t eocd_cd_size(const unsigned char *z, size_t n)
{
    const unsigned char *e = z + n - 22;

    assert_memory_equal(e, "PK\x05\x06", 4);
    return (size_t)e[12] | (size_t)e[13] << 8 | (size_t)e[14] << 16 | (size_t)e[15] << 24;
}

/* ---- Hand-built archives ----------------------------------------------- */

static void put(struct cv_buf *b, const void *p, size_t n)
{
    assert_int_equal(cv_buf_append(b, p, n), CV_OK);
}

static void put16(struct cv_buf *b, size_t v)
{
    unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};

    put(b, x, 2);
}

static void put32(struct cv_buf *b, size_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};

    put(b, x, 4);
}

static void put_fill(struct cv_buf *b, unsigned char c, size_t n)
{
    while (n-- > 0)
        put(b, &c, 1);
}

/* Start of an archive: a local header signature and prefix_len - 4 NULs
 * standing in for the file data (never read by the sniffer). */
static void hz_start(struct cv_buf *b, size_t prefix_len)
{
    cv_buf_init(b, TEST_BUILD_MAX_BYTES);
    put(b, "PK\x03\x04", 4);
    put_fill(b, 0, prefix_len - 4);
}

/* One central directory entry of 46 + name + comment bytes. */
static void hz_entry(struct cv_buf *b, const char *name, size_t comment_len)
{
    size_t name_len = strlen(name);

    put32(b, 0x02014b50);
    put16(b, 20);        /* made by */
    put16(b, 20);        /* needed */
    put16(b, 0);         /* flags */
    put16(b, 0);         /* stored */
    put16(b, 0);
    put16(b, 0x5a21);    /* time, date */
    put32(b, 0);         /* crc */
    put32(b, 0);
    put32(b, 0);         /* sizes */
    put16(b, name_len);
    put16(b, 0);         /* extra */
    put16(b, comment_len);
    put16(b, 0);
    put16(b, 0);
    put32(b, 0);         /* disk, attributes */
    put32(b, 0);         /* local header offset */
    put(b, name, name_len);
    put_fill(b, 'c', comment_len);
}

/* Entries named "f" whose sizes add up to exactly `bytes` (0 or >= 47). */
static void hz_fill_entries(struct cv_buf *b, size_t bytes, size_t *count)
{
    const size_t min = 47, max = 47 + 65535;

    while (bytes > 0) {
        size_t take = bytes > max ? max : bytes;

        if (bytes - take > 0 && bytes - take < min)
            take -= min;          /* leave room for a last whole entry */
        assert_true(take >= min);
        hz_entry(b, "f", take - min);
        bytes -= take;
        (*count)++;
    }
}

struct eocd {
    size_t disk, cd_disk, on_disk, entries, cd_size, cd_offset, comment_len;
};

static void hz_eocd(struct cv_buf *b, const struct eocd *e)
{
    put32(b, 0x06054b50);
    put16(b, e->disk);
    put16(b, e->cd_disk);
    put16(b, e->on_disk);
    put16(b, e->entries);
    put32(b, e->cd_size);
    put32(b, e->cd_offset);
    put16(b, e->comment_len);
    put_fill(b, 'k', e->comment_len);
}

/* A minimal archive: prefix, entries named names[], a consistent EOCD.
 * The caller may change the EOCD before it is written. */
static void hz_simple(struct cv_buf *b, const char *const *names, size_t n,
                      void (*tweak)(struct eocd *))
{
    struct eocd e;
    size_t i, cd_at;

    hz_start(b, 64);
    cd_at = b->len;
    for (i = 0; i < n; i++)
        hz_entry(b, names[i], 0);
    e = (struct eocd){0, 0, n, n, b->len - cd_at, cd_at, 0};
    if (tweak != NULL)
        tweak(&e);
    hz_eocd(b, &e);
}

/* ---- Tests: PDF -------------------------------------------------------- */

static void test_pdf(void **state)
{
    static const unsigned char pdf[] =
        "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        "2 0 obj\n<< /Length 4 >>\nstream\n\x00\xff\x10\x80\nendstream\nendobj\n%%EOF\n";

    (void)state;
    expect(pdf, sizeof(pdf) - 1, CV_OK, CV_FILE_PDF);
    expect_str("%PDF-", CV_OK, CV_FILE_PDF);                  /* the magic alone */
    expect_str("%PDF-1.4\n", CV_OK, CV_FILE_PDF);
    /* one byte short of the magic, lower case, or not at the very start:
     * valid UTF-8, so text (strict: no junk allowed before %PDF-) */
    expect_str("%PDF", CV_OK, CV_FILE_TEXT);
    expect_str("%pdf-1.4", CV_OK, CV_FILE_TEXT);
    expect_str(" %PDF-1.4", CV_OK, CV_FILE_TEXT);
    expect_str("\xef\xbb\xbf%PDF-1.4", CV_OK, CV_FILE_TEXT);
    expect(U("\x00%PDF-1.4"), 9, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
    expect(U("\xff%PDF-1.4"), 9, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
}

/* ---- Tests: DOCX and other ZIPs ---------------------------------------- */

static void test_docx(void **state)
{
    size_t n;
    unsigned char *z = docx_build(&n);

    (void)state;
    expect(z, n, CV_OK, CV_FILE_DOCX);
    free(z);
}

static void test_docx_with_comments(void **state)
{
    const struct zentry e[] = {
        {"word/document.xml", document, sizeof(document) - 1, false},
        {"[Content_Types].xml", content_types, sizeof(content_types) - 1, false},
    };
    char *comment = malloc(FILETYPE_ZIP_COMMENT_MAX_BYTES);
    unsigned char *z;
    size_t n;

    (void)state;
    assert_non_null(comment);
    memset(comment, 'x', FILETYPE_ZIP_COMMENT_MAX_BYTES);
    z = zip_build(e, 2, "Exporté par Word", strlen("Exporté par Word"), &n);
    expect(z, n, CV_OK, CV_FILE_DOCX);
    free(z);
    /* the longest comment the format allows: the EOCD is 22 + 65535 bytes
     * from the end, the furthest the search must look */
    z = zip_build(e, 2, comment, FILETYPE_ZIP_COMMENT_MAX_BYTES, &n);
    assert_int_equal(z[n - 22 - FILETYPE_ZIP_COMMENT_MAX_BYTES], 'P');
    expect(z, n, CV_OK, CV_FILE_DOCX);
    free(z);
    free(comment);
}

static void test_docx_larger_than_tail(void **state)
{
    const size_t media_len = 3 * FILETYPE_TAIL_BYTES + 12345;
    unsigned char *media = malloc(media_len), *z;
    uint32_t seed = 7;
    size_t i, n;

    (void)state;
    assert_non_null(media);
    for (i = 0; i < media_len; i++) {
        seed = seed * 1103515245u + 12345u;
        media[i] = (unsigned char)(seed >> 16);
    }
    {
        const struct zentry e[] = {
            {"[Content_Types].xml", content_types, sizeof(content_types) - 1, false},
            {"word/document.xml", document, sizeof(document) - 1, false},
            {"word/media/image1.png", media, media_len, true},
        };
        z = zip_build(e, 3, NULL, 0, &n);
    }
    assert_true(n > 3 * FILETYPE_TAIL_BYTES);   /* the ring wraps several times */
    expect(z, n, CV_OK, CV_FILE_DOCX);
    free(z);
    free(media);
}

static void test_zip_not_docx(void **state)
{
    static const char *const names[] = {
        "xl/workbook.xml", "word/document.xml.bak", "Word/document.xml",
        "word/Document.xml", "word/document.xm", "/word/document.xml",
        "word\\document.xml", "document.xml", "word/document.xml/",
    };
    size_t i, n;
    unsigned char *z;
    struct verdict v;

    (void)state;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const struct zentry e[] = {
            {"[Content_Types].xml", content_types, sizeof(content_types) - 1, false},
            {names[i], workbook, sizeof(workbook) - 1, false},
        };

        z = zip_build(e, 2, NULL, 0, &n);
        v = expect(z, n, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
        assert_non_null(strstr(v.message, "not a Word document"));
        assert_non_null(strstr(v.message, "PDF"));
        free(z);
    }
}

static void test_zip_damaged(void **state)
{
    size_t n;
    unsigned char *z = docx_build(&n), *padded;
    struct verdict v;

    (void)state;
    /* the whole archive but its last byte, its EOCD, or its second half */
    v = expect(z, n - 1, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
    assert_non_null(strstr(v.message, "damaged or truncated"));
    expect(z, n - 22, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
    expect(z, n / 2, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
    /* the local header signature and version ("PK\3\4\x14\0"): the NUL rules out text */
    expect(z, 6, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
    /* a byte after the EOCD: its comment length no longer reaches the end */
    padded = malloc(n + 1);
    assert_non_null(padded);
    memcpy(padded, z, n);
    padded[n] = '\n';
    expect(padded, n + 1, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
    /* not starting with a local header (e.g. a self-extractor stub) */
    memcpy(padded, "MZ", 2);
    expect(padded, n, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
    free(padded);
    free(z);
}

static void test_zip_directory_larger_than_tail(void **state)
{
    enum { NPARTS = 1200, NAME_BYTES = 250 };
    struct zentry *e = calloc(NPARTS + 1, sizeof(*e));
    char (*names)[NAME_BYTES + 1] = calloc(NPARTS, sizeof(*names));
    unsigned char *z;
    struct verdict v;
    size_t i, n;

    (void)state;
    assert_non_null(e);
    assert_non_null(names);
    e[0] = (struct zentry){"word/document.xml", document, sizeof(document) - 1, false};
    for (i = 0; i < NPARTS; i++) {
        int w = snprintf(names[i], sizeof(names[i]), "word/media/%04zu_", i);

        assert_true(w > 0);
        memset(names[i] + w, 'p', NAME_BYTES - (size_t)w);
        e[i + 1] = (struct zentry){names[i], "", 0, true};
    }
    z = zip_build(e, NPARTS + 1, NULL, 0, &n);
    assert_true(eocd_cd_size(z, n) > FILETYPE_TAIL_BYTES);
    v = expect(z, n, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
    assert_non_null(strstr(v.message, "too many entries"));
    free(z);
    free(names);
    free(e);
}

/* The central directory may fill the tail up to the EOCD: its first byte
 * is the first byte kept (DOCX), one byte more is refused. */
static void test_zip_tail_limit(void **state)
{
    const size_t prefix = 100, part = 46 + strlen("word/document.xml");
    size_t extra, cd_size, count;
    struct cv_buf b;

    (void)state;
    for (extra = 0; extra <= 1; extra++) {
        cd_size = FILETYPE_TAIL_BYTES - FILETYPE_ZIP_EOCD_BYTES + extra;
        count = 1;
        hz_start(&b, prefix);
        hz_fill_entries(&b, cd_size - part, &count);
        hz_entry(&b, "word/document.xml", 0);   /* last: found only by a full walk */
        assert_int_equal(b.len - prefix, cd_size);
        hz_eocd(&b, &(struct eocd){0, 0, count, count, cd_size, prefix, 0});
        expect(U(b.data), b.len, extra == 0 ? CV_OK : CV_ERR_UNSUPPORTED_FILE_TYPE,
               extra == 0 ? CV_FILE_DOCX : CV_FILE_UNKNOWN);
        cv_buf_free(&b);
    }
}

static void test_zip_entry_limit(void **state)
{
    size_t entries, i;
    struct cv_buf b;
    struct verdict v;

    (void)state;
    for (entries = FILETYPE_ZIP_MAX_ENTRIES; entries <= FILETYPE_ZIP_MAX_ENTRIES + 1; entries++) {
        hz_start(&b, 30);
        for (i = 0; i + 1 < entries; i++)
            hz_entry(&b, "f", 0);
        hz_entry(&b, "word/document.xml", 0);
        assert_true(b.len < FILETYPE_TAIL_BYTES);   /* the tail is not what refuses */
        hz_eocd(&b, &(struct eocd){0, 0, entries, entries, b.len - 30, 30, 0});
        v = sniff_pattern(U(b.data), b.len, NULL, 0);
        if (entries == FILETYPE_ZIP_MAX_ENTRIES) {
            assert_int_equal(v.status, CV_OK);
            assert_int_equal(v.type, CV_FILE_DOCX);
        } else {
            assert_int_equal(v.status, CV_ERR_UNSUPPORTED_FILE_TYPE);
            assert_non_null(strstr(v.message, "too many entries"));
        }
        v = sniff_chunk(U(b.data), b.len, 3);
        assert_int_equal(v.type, entries == FILETYPE_ZIP_MAX_ENTRIES ? CV_FILE_DOCX
                                                                     : CV_FILE_UNKNOWN);
        cv_buf_free(&b);
    }
}

static const char *const docx_names[] = {"[Content_Types].xml", "word/document.xml",
                                         "_rels/.rels"};

static void tweak_more_entries(struct eocd *e) { e->entries = e->on_disk = e->entries + 1; }
static void tweak_short_directory(struct eocd *e) { e->cd_size -= 20; }
static void tweak_directory_past_end(struct eocd *e) { e->cd_offset += 1; }
static void tweak_directory_before(struct eocd *e) { e->cd_offset -= 1; }
static void tweak_zip64_entries(struct eocd *e) { e->entries = e->on_disk = 0xFFFF; }
static void tweak_zip64_offset(struct eocd *e) { e->cd_offset = 0xFFFFFFFFu; }
static void tweak_split(struct eocd *e) { e->disk = 1; }
static void tweak_split_count(struct eocd *e) { e->on_disk = 1; }

static void test_zip_hand_built(void **state)
{
    static void (*const broken[])(struct eocd *) = {
        tweak_more_entries, tweak_short_directory, tweak_directory_past_end,
        tweak_directory_before, tweak_zip64_entries, tweak_zip64_offset, tweak_split,
        tweak_split_count,
    };
    static const char *const why[] = {
        "damaged", "damaged", "damaged", "damaged", "ZIP64", "ZIP64", "split", "split",
    };
    struct cv_buf b;
    struct verdict v;
    size_t i;

    (void)state;
    /* the builder itself makes a DOCX, so each failure below is the tweak */
    hz_simple(&b, docx_names, 3, NULL);
    expect(U(b.data), b.len, CV_OK, CV_FILE_DOCX);
    /* a bad entry signature */
    b.data[64 + 46 + strlen(docx_names[0])] = 'X';
    expect(U(b.data), b.len, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
    cv_buf_free(&b);
    /* a name length running past the directory */
    hz_simple(&b, docx_names, 3, NULL);
    b.data[64 + 28] = (char)0xF0;
    expect(U(b.data), b.len, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
    cv_buf_free(&b);

    for (i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
        hz_simple(&b, docx_names, 3, broken[i]);
        v = expect(U(b.data), b.len, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
        assert_non_null(strstr(v.message, why[i]));
        cv_buf_free(&b);
    }
    /* an empty archive: no entry at all */
    hz_simple(&b, docx_names, 0, NULL);
    expect(U(b.data), b.len, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
    cv_buf_free(&b);
}

/* ---- Tests: text and the rest ------------------------------------------ */

static void test_text(void **state)
{
    static const char en[] =
        "John Smith\nSenior C Developer\n\nExperience\n- 2019-2024: backend engineer, "
        "FastCGI services in C11 (MongoDB, Redis).\n\tSkills: C, SQL, Linux.\r\n";
    static const char fr[] =
        "J\xc3\xa9r\xc3\xb4me Martin \xe2\x80\x94 D\xc3\xa9veloppeur\n"
        "Exp\xc3\xa9rience professionnelle : 5 ans \xc3\xa0 Montr\xc3\xa9" "al, "
        "\xc2\xab r\xc3\xa9seaux \xc2\xbb, C\xc5\x93ur de m\xc3\xa9tier, \xe2\x82\xac 😀\n";

    (void)state;
    expect_str(en, CV_OK, CV_FILE_TEXT);
    expect_str(fr, CV_OK, CV_FILE_TEXT);
    expect_str("\xef\xbb\xbf" "Curriculum vitae", CV_OK, CV_FILE_TEXT);   /* BOM */
    expect_str("a", CV_OK, CV_FILE_TEXT);
    expect_str(" \n\t \r\n", CV_OK, CV_FILE_TEXT);          /* only whitespace: accepted */
    expect_str("\xc3\xa9", CV_OK, CV_FILE_TEXT);
    /* "PK\3\4" then text: not an archive, but valid text */
    expect_str("PK\x03\x04 hello", CV_OK, CV_FILE_TEXT);
}

static void test_text_split_mid_sequence(void **state)
{
    static const unsigned char e_acute[] = "caf\xc3\xa9 cr\xc3\xa8me \xf0\x9f\x98\x80";
    const size_t n = sizeof(e_acute) - 1;
    struct filetype_sniffer s;
    struct cv_error err;
    enum cv_file_type type;
    size_t cut;

    (void)state;
    for (cut = 0; cut <= n; cut++) {
        cv_error_clear(&err);
        filetype_sniffer_init(&s);
        assert_int_equal(filetype_sniffer_feed(&s, e_acute, cut, &err), CV_OK);
        assert_int_equal(filetype_sniffer_feed(&s, e_acute + cut, n - cut, &err), CV_OK);
        assert_int_equal(filetype_sniffer_finish(&s, &type, &err), CV_OK);
        assert_int_equal(type, CV_FILE_TEXT);
        filetype_sniffer_free(&s);
    }
}

static void test_not_text(void **state)
{
    static const unsigned char utf16[] = "\xff\xfe" "C\0V\0";
    static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
    static const unsigned char jpeg[] = "\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01";
    struct verdict v;

    (void)state;
    v = expect(U("J\xe9r\xf4me Martin"), 12, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
    assert_string_equal(v.message, "unsupported file type: send a PDF, a Word document (DOCX) "
                                   "or UTF-8 plain text");
    expect(U("caf\xc3"), 4, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);   /* cut at end */
    expect(U("\xc0\xaf"), 2, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);  /* overlong */
    expect(U("a\xed\xa0\x80"), 4, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
    expect(U("hello\0world"), 11, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
    expect(U("\0"), 1, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
    expect(utf16, sizeof(utf16) - 1, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
    expect(png, sizeof(png) - 1, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
    expect(jpeg, sizeof(jpeg) - 1, CV_ERR_UNSUPPORTED_FILE_TYPE, CV_FILE_UNKNOWN);
}

static void test_empty(void **state)
{
    struct filetype_sniffer s;
    struct cv_error err;
    enum cv_file_type type = CV_FILE_PDF;

    (void)state;
    cv_error_clear(&err);
    filetype_sniffer_init(&s);
    assert_int_equal(filetype_sniffer_finish(&s, &type, &err), CV_ERR_INVALID);
    assert_int_equal(type, CV_FILE_UNKNOWN);
    assert_int_equal(err.status, CV_ERR_INVALID);
    assert_string_equal(err.message, "the file is empty");
    assert_int_equal(err.nfields, 1);
    assert_string_equal(err.fields[0].name, "cv");
    assert_string_equal(err.fields[0].message, "the file is empty");
    filetype_sniffer_free(&s);

    /* only empty chunks is still empty */
    cv_error_clear(&err);
    filetype_sniffer_init(&s);
    assert_int_equal(filetype_sniffer_feed(&s, NULL, 0, &err), CV_OK);
    assert_int_equal(filetype_sniffer_feed(&s, "x", 0, &err), CV_OK);
    assert_int_equal(filetype_sniffer_finish(&s, &type, &err), CV_ERR_INVALID);
    filetype_sniffer_free(&s);

    /* one byte is not empty */
    expect_str(" ", CV_OK, CV_FILE_TEXT);
}

static void test_lifecycle(void **state)
{
    struct filetype_sniffer s;
    struct cv_error err;
    enum cv_file_type type;
    size_t n, i;
    unsigned char *z = docx_build(&n);

    (void)state;
    cv_error_clear(&err);
    filetype_sniffer_init(&s);
    assert_int_equal(filetype_sniffer_feed(&s, NULL, 3, &err), CV_ERR_INTERNAL);
    assert_int_equal(filetype_sniffer_feed(&s, "%PDF-1.4", 8, &err), CV_OK);
    assert_int_equal(filetype_sniffer_finish(&s, &type, &err), CV_OK);
    assert_int_equal(type, CV_FILE_PDF);
    assert_int_equal(filetype_sniffer_feed(&s, "x", 1, &err), CV_ERR_INTERNAL);
    assert_int_equal(filetype_sniffer_finish(&s, &type, &err), CV_ERR_INTERNAL);
    assert_int_equal(type, CV_FILE_UNKNOWN);
    filetype_sniffer_free(&s);
    filetype_sniffer_free(&s);
    filetype_sniffer_free(NULL);

    /* abandoned mid-way with a tail allocated: free releases it (the
     * leak checker would tell otherwise) */
    filetype_sniffer_init(&s);
    assert_int_equal(filetype_sniffer_feed(&s, z, n / 2, &err), CV_OK);
    assert_non_null(s.tail);
    filetype_sniffer_free(&s);
    assert_null(s.tail);

    /* the tail holds every byte of a small archive, the head's included,
     * however the head arrived */
    filetype_sniffer_init(&s);
    for (i = 0; i < 40; i++)
        assert_int_equal(filetype_sniffer_feed(&s, z + i, 1, &err), CV_OK);
    assert_non_null(s.tail);
    assert_int_equal(s.tail_len, 40);
    assert_memory_equal(s.tail, z, 40);
    filetype_sniffer_free(&s);

    /* finish releases the tail too */
    filetype_sniffer_init(&s);
    assert_int_equal(filetype_sniffer_feed(&s, z, n, &err), CV_OK);
    assert_int_equal(filetype_sniffer_finish(&s, &type, &err), CV_OK);
    assert_int_equal(type, CV_FILE_DOCX);
    assert_null(s.tail);
    filetype_sniffer_free(&s);

    /* a PDF or a text never allocates */
    filetype_sniffer_init(&s);
    assert_int_equal(filetype_sniffer_feed(&s, "PK\x03", 3, &err), CV_OK);
    assert_null(s.tail);
    assert_int_equal(filetype_sniffer_feed(&s, "\x05", 1, &err), CV_OK);
    assert_null(s.tail);
    filetype_sniffer_free(&s);
    free(z);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(filetype_mime(CV_FILE_PDF), "application/pdf");
    assert_string_equal(filetype_mime(CV_FILE_DOCX),
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    assert_string_equal(filetype_mime(CV_FILE_TEXT), "text/plain; charset=utf-8");
    assert_string_equal(filetype_mime(CV_FILE_UNKNOWN), "application/octet-stream");
    assert_string_equal(filetype_mime((enum cv_file_type)42), "application/octet-stream");
    assert_string_equal(filetype_extension(CV_FILE_PDF), "pdf");
    assert_string_equal(filetype_extension(CV_FILE_DOCX), "docx");
    assert_string_equal(filetype_extension(CV_FILE_TEXT), "txt");
    assert_string_equal(filetype_extension(CV_FILE_UNKNOWN), "");
    assert_string_equal(filetype_extension((enum cv_file_type)42), "");
    assert_string_equal(filetype_name(CV_FILE_PDF), "pdf");
    assert_string_equal(filetype_name(CV_FILE_DOCX), "docx");
    assert_string_equal(filetype_name(CV_FILE_TEXT), "text");
    assert_string_equal(filetype_name(CV_FILE_UNKNOWN), "unknown");
    assert_string_equal(filetype_name((enum cv_file_type)42), "unknown");
}

/* ---- Tests: display names ---------------------------------------------- */

static void expect_name(const char *raw, size_t len, enum cv_file_type type, const char *want)
{
    char out[FILETYPE_DISPLAY_NAME_MAX_BYTES + 1];
    struct cv_error err;

    cv_error_clear(&err);
    assert_int_equal(filetype_display_name(raw, len, type, out, sizeof(out), &err), CV_OK);
    assert_string_equal(out, want);
}

static void name_is(const char *raw, const char *want)
{
    expect_name(raw, strlen(raw), CV_FILE_PDF, want);
}

static void test_display_name_rules(void **state)
{
    (void)state;
    name_is("cv.pdf", "cv.pdf");
    name_is("J\xc3\xa9r\xc3\xb4me CV.pdf", "J\xc3\xa9r\xc3\xb4me CV.pdf");
    name_is("\xe5\xb1\xa5\xe6\xad\xb4\xe6\x9b\xb8.docx", "\xe5\xb1\xa5\xe6\xad\xb4\xe6\x9b\xb8.docx");
    name_is("my.cv.v2 final.pdf", "my.cv.v2 final.pdf");
    /* directories, either separator */
    name_is("../../etc/passwd", "passwd");
    name_is("C:\\Users\\me\\cv.docx", "cv.docx");
    name_is("/home/zo\xc3\xa9/docs\\old/cv.txt", "cv.txt");
    /* control characters: C0, DEL, C1 (NEL U+0085), tab, CR LF */
    name_is("cv\x01\x1f\x7f.pdf", "cv.pdf");
    name_is("my\tcv\r\n.pdf", "mycv.pdf");
    name_is("cv\xc2\x85\xc2\x9f.pdf", "cv.pdf");
    name_is("a\xc2\xa0" "b.pdf", "a\xc2\xa0" "b.pdf");               /* NBSP is not a control */
    expect_name("cv\0.pdf", 7, CV_FILE_PDF, "cv.pdf");
    /* direction overrides that would show "cvexe.pdf" */
    name_is("cv\xe2\x80\xae" "fdp.exe", "cvfdp.exe");
    name_is("\xe2\x80\x8f\xe2\x81\xa6" "cv\xe2\x81\xa9\xe2\x80\xa8.pdf", "cv.pdf");
    /* invalid UTF-8 (Latin-1) becomes U+FFFD, one per byte */
    name_is("J\xe9r\xf4me.pdf", "J\xef\xbf\xbdr\xef\xbf\xbdme.pdf");
    name_is("\xed\xa0\x80.pdf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd.pdf");
    /* trimming */
    name_is("  . cv.pdf . ", "cv.pdf");
    name_is("...hidden", "hidden");
    name_is(" \x01 cv.pdf", "cv.pdf");
    name_is("cv.pdf\x01 ", "cv.pdf");
}

static void test_display_name_fallback(void **state)
{
    (void)state;
    expect_name("..", 2, CV_FILE_PDF, "cv.pdf");
    expect_name("", 0, CV_FILE_DOCX, "cv.docx");
    expect_name(NULL, 0, CV_FILE_TEXT, "cv.txt");
    expect_name("    ", 4, CV_FILE_TEXT, "cv.txt");
    expect_name("docs/", 5, CV_FILE_DOCX, "cv.docx");
    expect_name("..\\..", 5, CV_FILE_PDF, "cv.pdf");
    expect_name("\x01\x02\x7f", 3, CV_FILE_PDF, "cv.pdf");
    expect_name("", 0, CV_FILE_UNKNOWN, "cv");
}

static void test_display_name_cap(void **state)
{
    char raw[400], want[400];
    size_t i;

    (void)state;
    /* 255 bytes kept whole, 256 cut to 255 */
    memset(raw, 'a', 256);
    memcpy(want, raw, 255);
    want[255] = '\0';
    expect_name(raw, 255, CV_FILE_PDF, want);
    expect_name(raw, 256, CV_FILE_PDF, want);
    /* the directory part does not count */
    memcpy(raw, "dir/", 4);
    want[251] = '\0';
    expect_name(raw, 255, CV_FILE_PDF, want);

    /* 254 ASCII + é (2 bytes) = 256: é does not fit and is not split */
    memset(raw, 'a', 254);
    memcpy(raw + 254, "\xc3\xa9.pdf", 6);
    memcpy(want, raw, 254);
    want[254] = '\0';
    expect_name(raw, 260, CV_FILE_PDF, want);
    /* 253 ASCII + é = 255: fits exactly */
    memcpy(want, raw + 1, 255);
    want[255] = '\0';
    expect_name(raw + 1, 255, CV_FILE_PDF, want);

    /* 300 bytes of é: 127 of them (254 bytes), valid UTF-8 */
    for (i = 0; i < 150; i++)
        memcpy(raw + 2 * i, "\xc3\xa9", 2);
    memcpy(want, raw, 254);
    want[254] = '\0';
    expect_name(raw, 300, CV_FILE_PDF, want);
    assert_true(cv_utf8_valid(U(want), 254));
    /* 300 bytes of 😀: 63 of them (252 bytes) */
    for (i = 0; i < 75; i++)
        memcpy(raw + 4 * i, "\xf0\x9f\x98\x80", 4);
    memcpy(want, raw, 252);
    want[252] = '\0';
    expect_name(raw, 300, CV_FILE_PDF, want);

    /* a replacement that would cross the cap is left out */
    memset(raw, 'a', 254);
    raw[254] = (char)0xFF;
    memcpy(want, raw, 254);
    want[254] = '\0';
    expect_name(raw, 255, CV_FILE_PDF, want);

    /* the cut lands in spaces: trimmed again */
    memset(raw, 'a', 250);
    memset(raw + 250, ' ', 10);
    memset(raw + 260, 'b', 40);
    memcpy(want, raw, 250);
    want[250] = '\0';
    expect_name(raw, 300, CV_FILE_PDF, want);
}

static void test_display_name_bad_arguments(void **state)
{
    char out[FILETYPE_DISPLAY_NAME_MAX_BYTES + 1] = "untouched";
    struct cv_error err;

    (void)state;
    cv_error_clear(&err);
    assert_int_equal(filetype_display_name("cv.pdf", 6, CV_FILE_PDF, out,
                                           FILETYPE_DISPLAY_NAME_MAX_BYTES, &err),
                     CV_ERR_INTERNAL);
    assert_string_equal(out, "untouched");
    assert_int_equal(err.status, CV_ERR_INTERNAL);
    assert_int_equal(filetype_display_name("cv.pdf", 6, CV_FILE_PDF, NULL, 300, &err),
                     CV_ERR_INTERNAL);
    assert_int_equal(filetype_display_name(NULL, 6, CV_FILE_PDF, out, sizeof(out), &err),
                     CV_ERR_INTERNAL);
    assert_string_equal(out, "untouched");
    /* the smallest accepted buffer */
    assert_int_equal(filetype_display_name("cv.pdf", 6, CV_FILE_PDF, out,
                                           FILETYPE_DISPLAY_NAME_MAX_BYTES + 1, NULL),
                     CV_OK);
    assert_string_equal(out, "cv.pdf");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pdf),
        cmocka_unit_test(test_docx),
        cmocka_unit_test(test_docx_with_comments),
        cmocka_unit_test(test_docx_larger_than_tail),
        cmocka_unit_test(test_zip_not_docx),
        cmocka_unit_test(test_zip_damaged),
        cmocka_unit_test(test_zip_directory_larger_than_tail),
        cmocka_unit_test(test_zip_tail_limit),
        cmocka_unit_test(test_zip_entry_limit),
        cmocka_unit_test(test_zip_hand_built),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_text_split_mid_sequence),
        cmocka_unit_test(test_not_text),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_lifecycle),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_display_name_rules),
        cmocka_unit_test(test_display_name_fallback),
        cmocka_unit_test(test_display_name_cap),
        cmocka_unit_test(test_display_name_bad_arguments),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
