/*
 * test_extract.c - text extraction by the cv-extract program: PDF (text, no text,
 * damaged, encrypted, page limit at 50/51 and 10 000, a form-XObject bomb
 * against the wall-time, CPU and memory limits), DOCX (paragraphs, tables,
 * headers, footers, missing parts, entry and inflated-size limits on both
 * sides, a ZIP bomb with honest and with lying sizes, entity bombs in UTF-8
 * and UTF-16), plain text (accents, BOM, invalid UTF-8, the length cap on a
 * character boundary, the input size limit), our own failures, the
 * extractor's confinement as /proc shows it, what the parent does when an
 * extractor misbehaves (hangs, floods its pipe, crashes, answers garbage, is
 * missing), and that the calling process keeps no child, no descriptor,
 * and stays up.
 *
 * Every fixture is built here, in a mkdtemp directory removed at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <zip.h>

#include "buf.h"
#include "extract.h"

/*
 * One test runs in the plain build only (CV_SANITIZE=OFF, the default):
 * AddressSanitizer reserves terabytes of address space up front and serves
 * allocations from inside it, so RLIMIT_AS cannot bite in an instrumented
 * extractor. (Several threads extracting at once are tested under the
 * sanitizers too: the extractor is spawned and exec'd, never forked.)
 */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static char tmpdir[64];

/* ---- helpers ---- */

static void fixture_path(char *out, size_t outsz, const char *name)
{
    int n = snprintf(out, outsz, "%s/%s", tmpdir, name);

    assert_true(n > 0 && (size_t)n < outsz);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    if (len > 0)
        assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t count_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    size_t n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static void assert_no_child_left(void)
{
    errno = 0;
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

/* Extract with the given limits (NULL: defaults); on CV_OK the text is in
 * *r, otherwise *r must be empty and err holds the message. */
static enum cv_status run(const char *path, enum extract_format fmt,
                          const struct extract_limits *lim, struct extract_result *r,
                          struct cv_error *err)
{
    enum cv_status st;

    cv_error_clear(err);
    memset(r, 0xAB, sizeof(*r));
    st = extract_text(path, fmt, lim, r, err);
    if (st != CV_OK) {
        assert_null(r->text);
        assert_int_equal(r->len, 0);
        assert_int_equal(err->status, st);
    } else {
        assert_non_null(r->text);
        assert_true(r->len > 0);
        assert_int_equal(strlen(r->text), r->len);
    }
    return st;
}

static void expect_error(const char *path, enum extract_format fmt,
                         const struct extract_limits *lim, enum cv_status want,
                         const char *message)
{
    struct extract_result r;
    struct cv_error err;

    assert_int_equal(run(path, fmt, lim, &r, &err), want);
    if (message != NULL)
        assert_string_equal(err.message, message);
}

static char *expect_text(const char *path, enum extract_format fmt,
                         const struct extract_limits *lim, struct extract_result *r)
{
    struct cv_error err;
    enum cv_status st = run(path, fmt, lim, r, &err);

    if (st != CV_OK)
        fail_msg("extraction failed: %s: %s", cv_status_name(st), err.message);
    return r->text;
}

/* ---- PDF fixtures: objects written with their offsets, then the xref ---- */

#define PDF_BUF_MAX_BYTES (16 * 1024 * 1024)

struct pdf {
    struct cv_buf b;
    size_t *off;
    size_t nobj;        /* object numbers are 1..nobj-1 */
};

static void pdf_begin(struct pdf *p, size_t nobj)
{
    cv_buf_init(&p->b, PDF_BUF_MAX_BYTES);
    p->off = calloc(nobj, sizeof(*p->off));
    assert_non_null(p->off);
    p->nobj = nobj;
    assert_int_equal(cv_buf_puts(&p->b, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), CV_OK);
}

static void pdf_obj(struct pdf *p, size_t num, const char *body)
{
    assert_true(num > 0 && num < p->nobj);
    p->off[num] = p->b.len;
    assert_int_equal(cv_buf_printf(&p->b, "%zu 0 obj\n", num), CV_OK);
    assert_int_equal(cv_buf_puts(&p->b, body), CV_OK);
    assert_int_equal(cv_buf_puts(&p->b, "\nendobj\n"), CV_OK);
}

static void pdf_stream(struct pdf *p, size_t num, const char *dict_extra, const char *data)
{
    size_t len = strlen(data);

    assert_true(num > 0 && num < p->nobj);
    p->off[num] = p->b.len;
    assert_int_equal(cv_buf_printf(&p->b, "%zu 0 obj\n<< /Length %zu %s >>\nstream\n",
                                   num, len, dict_extra), CV_OK);
    assert_int_equal(cv_buf_append(&p->b, data, len), CV_OK);
    assert_int_equal(cv_buf_puts(&p->b, "\nendstream\nendobj\n"), CV_OK);
}

/* Write the xref (every entry exactly 20 bytes) and trailer, save, free. */
static void pdf_end(struct pdf *p, const char *trailer_extra, const char *path)
{
    size_t xref = p->b.len, i;

    assert_int_equal(cv_buf_printf(&p->b, "xref\n0 %zu\n0000000000 65535 f \n", p->nobj), CV_OK);
    for (i = 1; i < p->nobj; i++) {
        assert_true(p->off[i] > 0);
        assert_int_equal(cv_buf_printf(&p->b, "%010zu 00000 n \n", p->off[i]), CV_OK);
    }
    assert_int_equal(cv_buf_printf(&p->b, "trailer\n<< /Size %zu /Root 1 0 R %s >>\nstartxref\n%zu\n%%%%EOF\n",
                                   p->nobj, trailer_extra, xref), CV_OK);
    write_file(path, p->b.data, p->b.len);
    cv_buf_free(&p->b);
    free(p->off);
}

/* Objects 1 catalog, 2 page tree, 3 font, 4 content (shared by every
 * page), then the pages from first_page on. */
static void pdf_pages(struct pdf *p, unsigned npages, size_t first_page,
                      const char *content, const char *resources_extra)
{
    struct cv_buf kids;
    char body[512];
    unsigned i;
    int n;

    cv_buf_init(&kids, PDF_BUF_MAX_BYTES);
    assert_int_equal(cv_buf_puts(&kids, "<< /Type /Pages /Kids ["), CV_OK);
    for (i = 0; i < npages; i++)
        assert_int_equal(cv_buf_printf(&kids, "%zu 0 R ", first_page + i), CV_OK);
    assert_int_equal(cv_buf_printf(&kids, "] /Count %u >>", npages), CV_OK);
    pdf_obj(p, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    pdf_obj(p, 2, kids.data);
    cv_buf_free(&kids);
    pdf_obj(p, 3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    pdf_stream(p, 4, "", content);
    n = snprintf(body, sizeof(body),
                 "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                 "/Resources << /Font << /F1 3 0 R >> %s >> /Contents 4 0 R >>",
                 resources_extra);
    assert_true(n > 0 && (size_t)n < sizeof(body));
    for (i = 0; i < npages; i++)
        pdf_obj(p, first_page + i, body);
}

#define CV_CONTENT "BT /F1 12 Tf 72 712 Td (Jane Doe) Tj 0 -14 Td (Senior Engineer) Tj " \
                   "0 -14 Td (Pro\\256le: develop-) Tj 0 -14 Td (ment of full-stack apps) Tj ET"
#define CV_TEXT "Jane Doe\nSenior Engineer\nProfile: development of full-stack apps"

static void make_pdf(const char *name, unsigned npages, const char *content, char *path, size_t pathsz)
{
    struct pdf p;

    fixture_path(path, pathsz, name);
    pdf_begin(&p, 5 + npages);
    pdf_pages(&p, npages, 5, content, "");
    pdf_end(&p, "", path);
}

/*
 * A form-XObject bomb: form k draws form k-1 ten times, form 0 draws
 * `leaf`; the page draws the top form, so a file of a few KiB asks for
 * 10^depth leaf draws.
 */
static void make_pdf_form_bomb(const char *name, unsigned depth, const char *leaf,
                               char *path, size_t pathsz)
{
    struct pdf p;
    char res[128], dict[256], draw[256];
    unsigned k, i;
    size_t first_form = 6;

    fixture_path(path, pathsz, name);
    pdf_begin(&p, first_form + depth + 1);
    assert_true(snprintf(res, sizeof(res), "/XObject << /X%u %zu 0 R >>", depth,
                         first_form + depth) < (int)sizeof(res));
    assert_true(snprintf(draw, sizeof(draw), "/X%u Do", depth) < (int)sizeof(draw));
    pdf_pages(&p, 1, 5, draw, res);
    for (k = 0; k <= depth; k++) {
        char body[1024] = "";
        size_t used = 0;

        if (k == 0) {
            assert_true(snprintf(body, sizeof(body), "%s", leaf) < (int)sizeof(body));
            assert_true(snprintf(dict, sizeof(dict),
                                 "/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
                                 "/Resources << /Font << /F1 3 0 R >> >>") < (int)sizeof(dict));
        } else {
            for (i = 0; i < 10; i++) {
                int n = snprintf(body + used, sizeof(body) - used, "/X%u Do\n", k - 1);

                assert_true(n > 0 && (size_t)n < sizeof(body) - used);
                used += (size_t)n;
            }
            assert_true(snprintf(dict, sizeof(dict),
                                 "/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
                                 "/Resources << /XObject << /X%u %zu 0 R >> >>",
                                 k - 1, first_form + k - 1) < (int)sizeof(dict));
        }
        pdf_stream(&p, first_form + k, dict, body);
    }
    pdf_end(&p, "", path);
}

/* ---- DOCX fixtures (libzip) ---- */

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define MC_NS "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define DOC_OPEN XML_DECL "<w:document xmlns:w=\"" W_NS "\" xmlns:mc=\"" MC_NS "\"><w:body>"
#define DOC_CLOSE "</w:body></w:document>"
#define PARA(text) "<w:p><w:r><w:t>" text "</w:t></w:r></w:p>"

#define CONTENT_TYPES XML_DECL \
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" \
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"
#define ROOT_RELS XML_DECL \
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" \
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/" \
    "relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>"

struct part {
    const char *name;
    const char *data;
    size_t len;         /* 0: strlen(data) */
};

static void add_bytes(zip_t *za, const char *name, const void *data, size_t len)
{
    void *copy = malloc(len > 0 ? len : 1);
    zip_source_t *src;

    assert_non_null(copy);
    memcpy(copy, data, len);
    src = zip_source_buffer(za, copy, len, 1);
    assert_non_null(src);
    assert_true(zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8) >= 0);
}

static void make_docx(const char *name, const struct part *parts, size_t nparts,
                      char *path, size_t pathsz)
{
    zip_t *za;
    int zerr = 0;
    size_t i;

    fixture_path(path, pathsz, name);
    za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(za);
    add_bytes(za, "[Content_Types].xml", CONTENT_TYPES, strlen(CONTENT_TYPES));
    add_bytes(za, "_rels/.rels", ROOT_RELS, strlen(ROOT_RELS));
    for (i = 0; i < nparts; i++)
        add_bytes(za, parts[i].name, parts[i].data,
                  parts[i].len > 0 ? parts[i].len : strlen(parts[i].data));
    assert_int_equal(zip_close(za), 0);
}

/*
 * Bytes made on demand for libzip: prefix, then `fill` repeated, then
 * suffix, `total` bytes in all. Lets a test put hundreds of MiB in an
 * archive while holding a few KiB.
 */
struct gen {
    const char *prefix, *fill, *suffix;
    size_t plen, flen, slen, total, pos;
};

static void gen_init(struct gen *g, const char *prefix, const char *fill, const char *suffix,
                     size_t total)
{
    memset(g, 0, sizeof(*g));
    g->prefix = prefix;
    g->fill = fill;
    g->suffix = suffix;
    g->plen = strlen(prefix);
    g->flen = strlen(fill);
    g->slen = strlen(suffix);
    g->total = total;
    assert_true(total >= g->plen + g->slen && g->flen > 0);
}

static zip_int64_t gen_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    struct gen *g = ud;

    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        g->pos = 0;
        return 0;
    case ZIP_SOURCE_READ: {
        char *out = data;
        size_t n = 0;

        while (n < len && g->pos < g->total) {
            size_t fill_end = g->total - g->slen;

            if (g->pos < g->plen) {
                out[n++] = g->prefix[g->pos++];
            } else if (g->pos >= fill_end) {
                out[n++] = g->suffix[g->pos++ - fill_end];
            } else {
                size_t k = (g->pos - g->plen) % g->flen;
                size_t run = g->flen - k;

                if (run > len - n)
                    run = len - n;
                if (run > fill_end - g->pos)
                    run = fill_end - g->pos;
                memcpy(out + n, g->fill + k, run);
                n += run;
                g->pos += run;
            }
        }
        return (zip_int64_t)n;
    }
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE:
        return 0;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = data;

        zip_stat_init(st);
        st->size = g->total;
        st->valid |= ZIP_STAT_SIZE;
        return sizeof(*st);
    }
    case ZIP_SOURCE_ERROR: {
        int *e = data;

        e[0] = 0;
        e[1] = 0;
        return 2 * sizeof(int);
    }
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ,
                                              ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
                                              ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
    default:
        return -1;
    }
}

/* A DOCX whose generated parts are given as gens (name i: names[i]). */
static void make_docx_gen(const char *name, const char *const *names, struct gen *gens,
                          size_t n, char *path, size_t pathsz)
{
    zip_t *za;
    int zerr = 0;
    size_t i;

    fixture_path(path, pathsz, name);
    za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(za);
    add_bytes(za, "[Content_Types].xml", CONTENT_TYPES, strlen(CONTENT_TYPES));
    for (i = 0; i < n; i++) {
        zip_source_t *src = zip_source_function(za, gen_cb, &gens[i]);
        zip_int64_t idx;

        assert_non_null(src);
        idx = zip_file_add(za, names[i], src, 0);
        assert_true(idx >= 0);
        assert_int_equal(zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 1), 0);
    }
    assert_int_equal(zip_close(za), 0);
}

static uint32_t get_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* Make every entry of the archive at path claim `size` uncompressed bytes,
 * in its local header and in the central directory. */
static void zip_lie_about_sizes(const char *path, uint32_t size)
{
    FILE *f = fopen(path, "r+b");
    unsigned char *buf;
    long flen;
    size_t i, patched = 0;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    flen = ftell(f);
    assert_true(flen > 0);
    rewind(f);
    buf = malloc((size_t)flen);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)flen, f), (size_t)flen);
    for (i = 0; i + 46 <= (size_t)flen; i++) {
        uint32_t sig = get_le32(buf + i);

        if (sig == 0x04034b50 && get_le32(buf + i + 22) > size) {        /* local header */
            put_le32(buf + i + 22, size);
            patched++;
        } else if (sig == 0x02014b50 && get_le32(buf + i + 24) > size) { /* central directory */
            put_le32(buf + i + 24, size);
            patched++;
        }
    }
    assert_true(patched >= 2);
    rewind(f);
    assert_int_equal(fwrite(buf, 1, (size_t)flen, f), (size_t)flen);
    assert_int_equal(fclose(f), 0);
    free(buf);
}

/* ---- setup ---- */

static int remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512];

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < (int)sizeof(path))
            (void)unlink(path);
    }
    closedir(d);
    return rmdir(dir);
}

static int group_setup(void **state)
{
    struct cv_error err;

    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/cv-extract-XXXXXX");
    if (extract_set_program(CV_EXTRACT_PROGRAM, &err) != CV_OK)
        return -1;
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int group_teardown(void **state)
{
    (void)state;
    return remove_tree(tmpdir);
}

/* ====================================================================== */
/* PDF                                                                    */
/* ====================================================================== */

static void test_pdf_text(void **state)
{
    char path[256];
    struct extract_result r;

    (void)state;
    make_pdf("cv.pdf", 1, CV_CONTENT, path, sizeof(path));
    /* ligature U+FB01 spelled out, hyphenation joined, lines kept */
    assert_string_equal(expect_text(path, EXTRACT_PDF, NULL, &r), CV_TEXT);
    assert_false(r.truncated);
    if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0)
        assert_true(r.sandboxed);
    extract_result_free(&r);
    assert_null(r.text);
    extract_result_free(&r);        /* twice is fine */
    extract_result_free(NULL);
}

static void test_pdf_no_text(void **state)
{
    char path[256];

    (void)state;
    /* a page that only draws (what a scanned CV looks like to a text reader) */
    make_pdf("scan.pdf", 1, "0.5 g 72 72 468 648 re f 0 0 m 612 792 l S", path, sizeof(path));
    expect_error(path, EXTRACT_PDF, NULL, CV_ERR_DOCUMENT, EXTRACT_PDF_NO_TEXT_MESSAGE);
    /* text made of spaces only */
    make_pdf("blank.pdf", 1, "BT /F1 12 Tf 72 712 Td (   ) Tj ET", path, sizeof(path));
    expect_error(path, EXTRACT_PDF, NULL, CV_ERR_DOCUMENT, EXTRACT_PDF_NO_TEXT_MESSAGE);
}

/* Two columns of different leading: a sidebar, and a main column with
 * right-aligned dates. Each column comes whole, each date on its title's
 * line, the wrapped one right after it. */
#define TWO_COLUMN_CONTENT \
    "BT /F1 10 Tf 1 0 0 1 40 700 Tm (Contact) Tj 1 0 0 1 40 687 Tm (a@example.com) Tj " \
    "1 0 0 1 40 674 Tm (Skills) Tj 1 0 0 1 40 661 Tm (Python) Tj " \
    "1 0 0 1 40 648 Tm (Go) Tj 1 0 0 1 40 635 Tm (SQL) Tj " \
    "1 0 0 1 220 703 Tm (Experience) Tj 1 0 0 1 220 683 Tm (Engineer, Acme) Tj " \
    "1 0 0 1 470 683 Tm (Jan 2020 - Present) Tj " \
    "1 0 0 1 220 663 Tm (Built the billing service used by every team) Tj " \
    "1 0 0 1 220 643 Tm (Analyst, Beta Corp, Lyon) Tj 1 0 0 1 480 643 Tm (Mar 2017 - Dec.) Tj " \
    "1 0 0 1 220 631 Tm (2019) Tj ET"

static void test_pdf_reading_order(void **state)
{
    char path[256];
    struct extract_result r;
    const char *text;

    (void)state;
    make_pdf("columns.pdf", 1, TWO_COLUMN_CONTENT, path, sizeof(path));
    text = expect_text(path, EXTRACT_PDF, NULL, &r);
    assert_string_equal(text, "Contact\na@example.com\nSkills\nPython\nGo\nSQL\n"
                              "Experience\nEngineer, Acme Jan 2020 - Present\n"
                              "Built the billing service used by every team\n"
                              "Analyst, Beta Corp, Lyon Mar 2017 - Dec.\n2019");
    extract_result_free(&r);
}

static void test_pdf_damaged(void **state)
{
    char path[256], src[256];
    FILE *f;
    char head[64];
    size_t n;

    (void)state;
    make_pdf("whole.pdf", 1, CV_CONTENT, src, sizeof(src));
    f = fopen(src, "rb");
    assert_non_null(f);
    n = fread(head, 1, sizeof(head), f);
    fclose(f);
    assert_int_equal(n, sizeof(head));
    fixture_path(path, sizeof(path), "truncated.pdf");
    write_file(path, head, 40);             /* the header and half an object */
    expect_error(path, EXTRACT_PDF, NULL, CV_ERR_DOCUMENT,
                 "the document is damaged or is not a valid PDF");
    fixture_path(path, sizeof(path), "garbage.pdf");
    write_file(path, "this is not a PDF at all\n", 25);
    expect_error(path, EXTRACT_PDF, NULL, CV_ERR_DOCUMENT,
                 "the document is damaged or is not a valid PDF");
    fixture_path(path, sizeof(path), "empty.pdf");
    write_file(path, "", 0);
    expect_error(path, EXTRACT_PDF, NULL, CV_ERR_DOCUMENT,
                 "the document is damaged or is not a valid PDF");
}

static void test_pdf_encrypted(void **state)
{
    char path[256];
    struct pdf p;

    (void)state;
    /* Standard security handler with a user password we do not know: the
     * empty password poppler tries does not match /U. */
    fixture_path(path, sizeof(path), "encrypted.pdf");
    pdf_begin(&p, 7);
    pdf_pages(&p, 1, 5, CV_CONTENT, "");
    pdf_obj(&p, 6, "<< /Filter /Standard /V 1 /R 2 /P -4 "
                   "/O <0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef> "
                   "/U <fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210> >>");
    pdf_end(&p, "/Encrypt 6 0 R /ID [<00112233445566778899aabbccddeeff> "
                "<00112233445566778899aabbccddeeff>]", path);
    expect_error(path, EXTRACT_PDF, NULL, CV_ERR_DOCUMENT, "the document is password-protected");
}

static void test_pdf_page_limit(void **state)
{
    char path[256];
    struct extract_result r;
    struct extract_limits lim;
    int64_t t0;

    (void)state;
    make_pdf("50.pdf", EXTRACT_PDF_MAX_PAGES, CV_CONTENT, path, sizeof(path));
    expect_text(path, EXTRACT_PDF, NULL, &r);
    assert_non_null(strstr(r.text, CV_TEXT "\n\n" CV_TEXT));
    extract_result_free(&r);

    make_pdf("51.pdf", EXTRACT_PDF_MAX_PAGES + 1, CV_CONTENT, path, sizeof(path));
    expect_error(path, EXTRACT_PDF, NULL, CV_ERR_DOCUMENT,
                 "the document has too many pages (more than 50)");

    /* 10 000 pages sharing one content stream: refused quickly */
    make_pdf("10000.pdf", 10000, CV_CONTENT, path, sizeof(path));
    t0 = now_ms();
    expect_error(path, EXTRACT_PDF, NULL, CV_ERR_DOCUMENT,
                 "the document has too many pages (more than 50)");
    assert_true(now_ms() - t0 < 5000);

    /* the limit is the caller's */
    extract_limits_default(&lim);
    lim.pdf_max_pages = 2;
    make_pdf("3.pdf", 3, CV_CONTENT, path, sizeof(path));
    expect_error(path, EXTRACT_PDF, &lim, CV_ERR_DOCUMENT,
                 "the document has too many pages (more than 2)");
}

/* How late a killed extractor may be reaped after its deadline on a loaded
 * machine: far below what the bombs below would run unchecked (their
 * 15 CPU seconds), so a deadline that is not enforced still fails. */
#define KILL_SLACK_MS 10000
/* A wall time no CPU-bound test reaches first, however loaded the machine. */
#define WALL_NEVER_MS 600000

/* 10^8 path draws: seconds of CPU, little memory. */
#define BOMB_CPU_DEPTH 8
#define BOMB_CPU_LEAF "0 0 m 10 10 l S"

static void test_pdf_wall_timeout(void **state)
{
    char path[256];
    struct extract_limits lim;
    int64_t t0, took;

    (void)state;
    make_pdf_form_bomb("slow.pdf", BOMB_CPU_DEPTH, BOMB_CPU_LEAF, path, sizeof(path));
    extract_limits_default(&lim);
    lim.wall_timeout_ms = 500;
    t0 = now_ms();
    expect_error(path, EXTRACT_PDF, &lim, CV_ERR_TIMEOUT, "the document took too long to read");
    took = now_ms() - t0;
    assert_true(took >= 500);
    assert_true(took < 500 + KILL_SLACK_MS);
    assert_no_child_left();
}

static void test_pdf_cpu_limit(void **state)
{
    char path[256];
    struct extract_limits lim;
    int64_t t0, took;

    (void)state;
    make_pdf_form_bomb("busy.pdf", BOMB_CPU_DEPTH, BOMB_CPU_LEAF, path, sizeof(path));
    extract_limits_default(&lim);
    lim.cpu_s = 1;
    lim.wall_timeout_ms = WALL_NEVER_MS;
    t0 = now_ms();
    /* SIGXCPU after one CPU second, which takes at least a second of wall
     * time, however long a loaded machine makes it */
    expect_error(path, EXTRACT_PDF, &lim, CV_ERR_DOCUMENT, "the document could not be read");
    took = now_ms() - t0;
    assert_true(took >= 900);
    assert_no_child_left();
}

static void test_pdf_memory_limit(void **state)
{
    char path[256];
    struct extract_limits lim;

    (void)state;
#ifdef UNDER_ASAN
    skip();
#endif
    /* 10^7 words kept by the text layout: gigabytes unless stopped */
    make_pdf_form_bomb("hungry.pdf", 7, "BT /F1 12 Tf 72 712 Td (Jane Doe Senior Engineer) Tj ET",
                       path, sizeof(path));
    extract_limits_default(&lim);
    lim.memory_bytes = 64UL * 1024 * 1024;
    lim.cpu_s = 60;
    lim.wall_timeout_ms = 60000;
    expect_error(path, EXTRACT_PDF, &lim, CV_ERR_DOCUMENT, "the document could not be read");
    assert_no_child_left();
}

/* ---- the child as the kernel sees it ---- */

/* Read /proc/<pid>/<what> into buf (NUL-terminated); false if it is gone. */
static bool read_proc(pid_t pid, const char *what, char *buf, size_t bufsz)
{
    char path[64];
    ssize_t n;
    int fd;

    assert_true(snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what) < (int)sizeof(path));
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    n = read(fd, buf, bufsz - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    return true;
}

/* A child of ours, found by the parent pid in /proc/N/stat; 0 if none. */
static pid_t find_child(void)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    pid_t found = 0;

    assert_non_null(d);
    while (found == 0 && (e = readdir(d)) != NULL) {
        char stat[512], *end, *close_paren;
        long pid = strtol(e->d_name, &end, 10), ppid;

        if (*end != '\0' || pid <= 0 || !read_proc((pid_t)pid, "stat", stat, sizeof(stat)))
            continue;
        close_paren = strrchr(stat, ')');         /* after the command name */
        if (close_paren == NULL || strlen(close_paren) < 5)
            continue;
        ppid = strtol(close_paren + 4, &end, 10);  /* ") S PPID" */
        if (ppid == (long)getpid())
            found = (pid_t)pid;
    }
    closedir(d);
    return found;
}

/* The soft and hard values of one line of /proc/PID/limits ("unlimited"
 * gives -1). */
static void proc_limit(const char *limits, const char *name, long *soft, long *hard)
{
    const char *line = strstr(limits, name);
    const char *p;
    char *end;

    assert_non_null(line);
    p = line + strlen(name);
    while (*p == ' ')
        p++;
    *soft = strncmp(p, "unlimited", 9) == 0 ? -1 : strtol(p, &end, 10);
    p = strncmp(p, "unlimited", 9) == 0 ? p + 9 : end;
    while (*p == ' ')
        p++;
    *hard = strncmp(p, "unlimited", 9) == 0 ? -1 : strtol(p, &end, 10);
}

/* How long to look for the extractor under its filter: a loaded machine
 * may take seconds to start it. */
#define CONFINED_FIND_MS 60000

struct slow_arg {
    const char *path;
    enum cv_status st;
};

static void *slow_extract(void *p)
{
    struct slow_arg *a = p;
    struct extract_limits lim;
    struct extract_result r;
    struct cv_error err;

    extract_limits_default(&lim);
    lim.wall_timeout_ms = WALL_NEVER_MS;     /* the test kills it when done */
    a->st = extract_text(a->path, EXTRACT_PDF, &lim, &r, &err);
    extract_result_free(&r);
    return NULL;
}

/* While the extractor works on an endless PDF: it is the program, not a
 * copy of this process; it runs under the seccomp filter with
 * no_new_privs, its rlimits are the documented ones, and it holds no
 * descriptor but its pipe (1) and /dev/null (2): the document (0) is
 * mapped and closed before the filter goes on. */
static void test_child_confinement(void **state)
{
    char path[256], status[4096], limits[4096], fddir[64], exe[PATH_MAX], self[PATH_MAX];
    struct slow_arg arg;
    pthread_t th;
    pid_t child = 0;
    long soft, hard;
    ssize_t len;
    int64_t t0;
    int nfds = 0;
    DIR *d;
    struct dirent *e;

    (void)state;
    if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0)
        skip();
    make_pdf_form_bomb("confined.pdf", BOMB_CPU_DEPTH, BOMB_CPU_LEAF, path, sizeof(path));
    arg.path = path;
    arg.st = CV_OK;
    assert_int_equal(pthread_create(&th, NULL, slow_extract, &arg), 0);
    for (t0 = now_ms(); now_ms() - t0 < CONFINED_FIND_MS; ) {
        child = find_child();
        if (child > 0 && read_proc(child, "status", status, sizeof(status)) &&
            strstr(status, "Seccomp:\t2") != NULL &&
            read_proc(child, "limits", limits, sizeof(limits)))
            break;
        child = 0;
        usleep(10 * 1000);
    }
    assert_true(child > 0);
    assert_true(snprintf(fddir, sizeof(fddir), "/proc/%d/exe", (int)child) < (int)sizeof(fddir));
    len = readlink(fddir, exe, sizeof(exe) - 1);
    assert_true(len > 0);
    exe[len] = '\0';
    assert_non_null(realpath(CV_EXTRACT_PROGRAM, self));
    assert_string_equal(exe, self);
    assert_non_null(strstr(status, "NoNewPrivs:\t1"));
    proc_limit(limits, "Max cpu time", &soft, &hard);
    assert_int_equal(soft, EXTRACT_CPU_S);
    assert_int_equal(hard, EXTRACT_CPU_S + 1);
    proc_limit(limits, "Max file size", &soft, &hard);
    assert_true(soft == 0 && hard == 0);
    proc_limit(limits, "Max core file size", &soft, &hard);
    assert_true(soft == 0 && hard == 0);
    proc_limit(limits, "Max open files", &soft, &hard);
    assert_true(soft == EXTRACT_CHILD_MAX_FDS && hard == EXTRACT_CHILD_MAX_FDS);
    proc_limit(limits, "Max address space", &soft, &hard);
    assert_true(soft > 0 && soft == hard);

    assert_true(snprintf(fddir, sizeof(fddir), "/proc/%d/fd", (int)child) < (int)sizeof(fddir));
    d = opendir(fddir);
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        char link[128], target[128];
        ssize_t n;

        if (e->d_name[0] == '.')
            continue;
        nfds++;
        assert_true(snprintf(link, sizeof(link), "%s/%s", fddir, e->d_name) < (int)sizeof(link));
        n = readlink(link, target, sizeof(target) - 1);
        assert_true(n > 0);
        target[n] = '\0';
        if (strcmp(e->d_name, "2") == 0)
            assert_string_equal(target, "/dev/null");
        else if (strcmp(e->d_name, "1") == 0)
            assert_int_equal(strncmp(target, "pipe:", 5), 0);
        else
            fail_msg("the extractor holds descriptor %s (%s)", e->d_name, target);
    }
    closedir(d);
    assert_int_equal(nfds, 2);

    /* Seen: end it (a crash, as far as the parent can tell). */
    assert_int_equal(kill(child, SIGKILL), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(arg.st, CV_ERR_DOCUMENT);
    assert_no_child_left();
}

/* ====================================================================== */
/* DOCX                                                                   */
/* ====================================================================== */

static const char docx_body[] =
    DOC_OPEN
    "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>"
    "<w:r><w:t>Jane Doe</w:t></w:r></w:p>"
    "<w:p><w:r><w:t xml:space=\"preserve\">Senior </w:t></w:r><w:r><w:t>Engineer</w:t></w:r></w:p>"
    "<w:p><w:r><w:t>Paris</w:t><w:tab/><w:t>2020</w:t><w:br/><w:t>Remote</w:t></w:r></w:p>"
    "<w:p><w:r><w:delText>deleted words</w:delText></w:r>"
    "<w:r><w:instrText>HYPERLINK \"x\"</w:instrText></w:r>"
    "<w:r><w:t>Kept</w:t></w:r></w:p>"
    "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Skill</w:t></w:r></w:p></w:tc>"
    "<w:tc><w:p><w:r><w:t>Level</w:t></w:r></w:p></w:tc></w:tr>"
    "<w:tr><w:tc><w:p><w:r><w:t>C</w:t></w:r></w:p></w:tc>"
    "<w:tc><w:p><w:r><w:t>Expert</w:t></w:r></w:p><w:p><w:r><w:t>10 years</w:t></w:r></w:p>"
    "</w:tc></w:tr>"
    /* a layout table: a sidebar cell beside the main one, a box in a cell */
    "<w:tr><w:tc>" PARA("Contact") PARA("Skills") "</w:tc>"
    "<w:tc>" PARA("Experience")
    "<w:p><w:r><w:t>Anchor</w:t></w:r><w:r><w:txbxContent>" PARA("Boxed") PARA("Lines")
    "</w:txbxContent></w:r></w:p></w:tc></w:tr></w:tbl>"
    "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:txbxContent>"
    PARA("In a box") "</w:txbxContent></mc:Choice><mc:Fallback><w:txbxContent>"
    PARA("In a box") "</w:txbxContent></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    "<w:p><w:r><w:t>R&amp;D, caf\xc3\xa9, </w:t><w:t><![CDATA[<C++>]]></w:t></w:r></w:p>"
    DOC_CLOSE;

static const char docx_header[] =
    XML_DECL "<w:hdr xmlns:w=\"" W_NS "\">" PARA("jane@example.com") "</w:hdr>";
static const char docx_footer[] =
    XML_DECL "<w:ftr xmlns:w=\"" W_NS "\">" PARA("Page footer") "</w:ftr>";

#define DOCX_TEXT \
    "jane@example.com\n\n" \
    "Jane Doe\nSenior Engineer\nParis 2020\nRemote\nKept\n\n" \
    "Skill | Level\nC | Expert\n10 years\nContact\nSkills\nExperience\nAnchor\nBoxed\nLines\n\n" \
    "In a box\n\n" \
    "R&D, caf\xc3\xa9, <C++>\n\n" \
    "Page footer"

static void test_docx_text(void **state)
{
    char path[256];
    struct extract_result r;
    const struct part parts[] = {
        { "word/footer1.xml", docx_footer, 0 },
        { "word/document.xml", docx_body, 0 },
        { "word/header1.xml", docx_header, 0 },
        { "word/styles.xml", XML_DECL "<w:styles xmlns:w=\"" W_NS "\">" PARA("not text") "</w:styles>", 0 },
    };

    (void)state;
    make_docx("cv.docx", parts, 4, path, sizeof(path));
    assert_string_equal(expect_text(path, EXTRACT_DOCX, NULL, &r), DOCX_TEXT);
    assert_false(r.truncated);
    extract_result_free(&r);
}

static void test_docx_broken(void **state)
{
    char path[256];
    const struct part no_doc[] = { { "word/header1.xml", docx_header, 0 } };
    const struct part bad_xml[] = { { "word/document.xml", DOC_OPEN "<w:p><w:r><w:t>x</w:r>", 0 } };
    const struct part empty_doc[] = { { "word/document.xml", DOC_OPEN "<w:p/>" DOC_CLOSE, 0 } };
    static const unsigned char ole[16] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

    (void)state;
    make_docx("nodoc.docx", no_doc, 1, path, sizeof(path));
    expect_error(path, EXTRACT_DOCX, NULL, CV_ERR_DOCUMENT,
                 "the document is not a valid Word file (no word/document.xml)");
    make_docx("badxml.docx", bad_xml, 1, path, sizeof(path));
    expect_error(path, EXTRACT_DOCX, NULL, CV_ERR_DOCUMENT, "the document is damaged (invalid XML)");
    make_docx("emptydoc.docx", empty_doc, 1, path, sizeof(path));
    expect_error(path, EXTRACT_DOCX, NULL, CV_ERR_DOCUMENT, "no extractable text");
    fixture_path(path, sizeof(path), "notzip.docx");
    write_file(path, "PK\x03\x04 but then nothing", 22);
    expect_error(path, EXTRACT_DOCX, NULL, CV_ERR_DOCUMENT,
                 "the document is damaged or is not a valid Word file");
    fixture_path(path, sizeof(path), "old.doc");
    write_file(path, ole, sizeof(ole));
    expect_error(path, EXTRACT_DOCX, NULL, CV_ERR_DOCUMENT,
                 "the document is password-protected or in the old .doc format");
}

static void test_docx_entry_limit(void **state)
{
    char path[256];
    struct extract_result r;
    zip_t *za;
    int zerr = 0, round;

    (void)state;
    /* 2 entries from make_docx's own, then fill up to the limit and one more */
    for (round = 0; round < 2; round++) {
        size_t total = EXTRACT_DOCX_MAX_ENTRIES + (size_t)round, i;
        const struct part doc[] = { { "word/document.xml", DOC_OPEN PARA("Jane") DOC_CLOSE, 0 } };

        make_docx(round == 0 ? "entries-max.docx" : "entries-over.docx", doc, 1, path, sizeof(path));
        za = zip_open(path, 0, &zerr);
        assert_non_null(za);
        for (i = 3; i < total; i++) {
            char name[64];

            assert_true(snprintf(name, sizeof(name), "word/media/pad%zu.txt", i) < (int)sizeof(name));
            add_bytes(za, name, "x", 1);
        }
        assert_int_equal(zip_close(za), 0);
        if (round == 0) {
            assert_string_equal(expect_text(path, EXTRACT_DOCX, NULL, &r), "Jane");
            extract_result_free(&r);
        } else {
            expect_error(path, EXTRACT_DOCX, NULL, CV_ERR_DOCUMENT,
                         "the document has too many parts (more than 1000)");
        }
    }
}

/* A part of exactly `total` bytes: a paragraph, then a comment padded
 * with `x` (no text), closed by `close`. */
static void gen_padded(struct gen *g, const char *open, const char *close, size_t total)
{
    gen_init(g, open, "x", close, total);
}

#define PAD_DOC_OPEN DOC_OPEN PARA("Body") "<!--"
#define PAD_DOC_CLOSE "-->" DOC_CLOSE
#define PAD_HDR_OPEN XML_DECL "<w:hdr xmlns:w=\"" W_NS "\">" PARA("Head") "<!--"
#define PAD_HDR_CLOSE "-->" "</w:hdr>"
#define PAD_FTR_OPEN XML_DECL "<w:ftr xmlns:w=\"" W_NS "\">" PARA("Foot") "<!--"
#define PAD_FTR_CLOSE "-->" "</w:ftr>"

static void test_docx_part_size_limit(void **state)
{
    char path[256];
    struct extract_result r;
    const char *names[] = { "word/document.xml" };
    struct gen g;

    (void)state;
    gen_padded(&g, PAD_DOC_OPEN, PAD_DOC_CLOSE, EXTRACT_DOCX_PART_MAX_BYTES);
    make_docx_gen("part-max.docx", names, &g, 1, path, sizeof(path));
    assert_string_equal(expect_text(path, EXTRACT_DOCX, NULL, &r), "Body");
    extract_result_free(&r);

    gen_padded(&g, PAD_DOC_OPEN, PAD_DOC_CLOSE, EXTRACT_DOCX_PART_MAX_BYTES + 1);
    make_docx_gen("part-over.docx", names, &g, 1, path, sizeof(path));
    expect_error(path, EXTRACT_DOCX, NULL, CV_ERR_DOCUMENT, "the document is too large once decompressed");
}

static void test_docx_total_size_limit(void **state)
{
    char path[256];
    struct extract_result r;
    const char *names[] = { "word/header1.xml", "word/document.xml", "word/footer1.xml" };
    struct gen g[3];
    size_t third = EXTRACT_DOCX_TOTAL_MAX_BYTES / 3;
    size_t last = EXTRACT_DOCX_TOTAL_MAX_BYTES - 2 * third;

    (void)state;
    gen_padded(&g[0], PAD_HDR_OPEN, PAD_HDR_CLOSE, third);
    gen_padded(&g[1], PAD_DOC_OPEN, PAD_DOC_CLOSE, third);
    gen_padded(&g[2], PAD_FTR_OPEN, PAD_FTR_CLOSE, last);
    make_docx_gen("total-max.docx", names, g, 3, path, sizeof(path));
    assert_string_equal(expect_text(path, EXTRACT_DOCX, NULL, &r), "Head\n\nBody\n\nFoot");
    extract_result_free(&r);

    gen_padded(&g[2], PAD_FTR_OPEN, PAD_FTR_CLOSE, last + 1);
    make_docx_gen("total-over.docx", names, g, 3, path, sizeof(path));
    expect_error(path, EXTRACT_DOCX, NULL, CV_ERR_DOCUMENT, "the document is too large once decompressed");
}

#define BOMB_BYTES (256UL * 1024 * 1024)

static void test_docx_zip_bomb(void **state)
{
    char path[256];
    const char *names[] = { "word/document.xml" };
    struct gen g;
    struct stat sb;
    int64_t t0;

    (void)state;
    /* 256 MiB of one letter inside w:t: about 250 KiB compressed */
    gen_init(&g, DOC_OPEN "<w:p><w:r><w:t>", "a", "</w:t></w:r></w:p>" DOC_CLOSE, BOMB_BYTES);
    make_docx_gen("bomb.docx", names, &g, 1, path, sizeof(path));
    assert_int_equal(stat(path, &sb), 0);
    assert_true(sb.st_size < 2 * 1024 * 1024);
    t0 = now_ms();
    expect_error(path, EXTRACT_DOCX, NULL, CV_ERR_DOCUMENT, "the document is too large once decompressed");
    assert_true(now_ms() - t0 < 5000);

    /* The same bomb claiming 1000 bytes: the count of bytes read stops
     * it (or libzip notices the lie); it never becomes text. */
    zip_lie_about_sizes(path, 1000);
    t0 = now_ms();
    {
        struct extract_result r;
        struct cv_error err;
        enum cv_status st = run(path, EXTRACT_DOCX, NULL, &r, &err);

        assert_int_equal(st, CV_ERR_DOCUMENT);
        assert_true(strcmp(err.message, "the document is too large once decompressed") == 0 ||
                    strcmp(err.message, "the document is damaged or is not a valid Word file") == 0);
    }
    assert_true(now_ms() - t0 < 5000);
}

#define LOL_DTD "<!DOCTYPE lolz [<!ENTITY lol \"lol\">" \
    "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">" \
    "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">" \
    "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">" \
    "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">" \
    "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">" \
    "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">" \
    "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">" \
    "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">" \
    "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">" \
    "<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
#define LOL_DOC "<?xml version=\"1.0\"?>" LOL_DTD \
    "<w:document xmlns:w=\"" W_NS "\"><w:body><w:p><w:r><w:t>&lol9;&xxe;</w:t></w:r></w:p></w:body></w:document>"

static void test_docx_entity_bomb(void **state)
{
    char path[256];
    const char *doc = LOL_DOC;
    size_t n = strlen(doc), i;
    char *utf16 = malloc(2 * n + 2);
    const struct part utf8_part[] = { { "word/document.xml", LOL_DOC, 0 } };
    struct part utf16_part[1];
    int64_t t0;

    (void)state;
    t0 = now_ms();
    make_docx("lol.docx", utf8_part, 1, path, sizeof(path));
    expect_error(path, EXTRACT_DOCX, NULL, CV_ERR_DOCUMENT,
                 "the document contains a DTD, which is not allowed");

    /* In UTF-16 the byte scan cannot see "<!DOCTYPE"; the parser must. */
    assert_non_null(utf16);
    utf16[0] = (char)0xFF;
    utf16[1] = (char)0xFE;
    for (i = 0; i < n; i++) {
        utf16[2 + 2 * i] = doc[i];
        utf16[3 + 2 * i] = 0;
    }
    utf16_part[0].name = "word/document.xml";
    utf16_part[0].data = utf16;
    utf16_part[0].len = 2 * n + 2;
    make_docx("lol16.docx", utf16_part, 1, path, sizeof(path));
    free(utf16);
    expect_error(path, EXTRACT_DOCX, NULL, CV_ERR_DOCUMENT,
                 "the document contains a DTD, which is not allowed");
    assert_true(now_ms() - t0 < 5000);
}

/* ====================================================================== */
/* Plain text                                                             */
/* ====================================================================== */

static void test_text_french(void **state)
{
    char path[256];
    struct extract_result r;
    const char in[] = "\xef\xbb\xbf" "Ren\xc3\xa9" "e Dupr\xc3\xa9\r\n"
                      "Ing\xc3\xa9nieure   logiciel\t\xe2\x80\x94 \xc2\xa0" "S\xc3\xa9" "curit\xc3\xa9\r\n\r\n\r\n\r\n"
                      "Exp\xc3\xa9rience : d\xc3\xa9veloppe-\nment \xc5\x93uvre na\xc3\xaf" "ve\n";

    (void)state;
    fixture_path(path, sizeof(path), "cv.txt");
    write_file(path, in, sizeof(in) - 1);
    assert_string_equal(expect_text(path, EXTRACT_TEXT, NULL, &r),
                        "Ren\xc3\xa9" "e Dupr\xc3\xa9\n"
                        "Ing\xc3\xa9nieure logiciel \xe2\x80\x94 S\xc3\xa9" "curit\xc3\xa9\n\n"
                        "Exp\xc3\xa9rience : d\xc3\xa9veloppement \xc5\x93uvre na\xc3\xaf" "ve");
    extract_result_free(&r);
}

static void test_text_invalid(void **state)
{
    char path[256];

    (void)state;
    fixture_path(path, sizeof(path), "latin1.txt");
    write_file(path, "Ren\xe9" "e Dupr\xe9\n", 12);
    expect_error(path, EXTRACT_TEXT, NULL, CV_ERR_DOCUMENT, "the text file is not valid UTF-8");
    fixture_path(path, sizeof(path), "utf16.txt");
    write_file(path, "\xff\xfeJ\0a\0n\0e\0", 10);
    expect_error(path, EXTRACT_TEXT, NULL, CV_ERR_DOCUMENT, "the text file is not valid UTF-8");
    fixture_path(path, sizeof(path), "empty.txt");
    write_file(path, "", 0);
    expect_error(path, EXTRACT_TEXT, NULL, CV_ERR_DOCUMENT, "no extractable text");
    fixture_path(path, sizeof(path), "blank.txt");
    write_file(path, " \r\n\t\xc2\xa0\n\xef\xbb\xbf", 10);
    expect_error(path, EXTRACT_TEXT, NULL, CV_ERR_DOCUMENT, "no extractable text");
}

/* A text of `len` bytes: 'a' repeated, with `tail` (a multi-byte
 * character or "") making the last bytes. */
static void write_text_of(const char *path, size_t len, const char *tail)
{
    size_t tl = strlen(tail);
    char *buf = malloc(len);

    assert_non_null(buf);
    assert_true(len >= tl);
    memset(buf, 'a', len - tl);
    memcpy(buf + len - tl, tail, tl);
    write_file(path, buf, len);
    free(buf);
}

static void test_text_length_cap(void **state)
{
    char path[256];
    struct extract_result r;
    struct extract_limits lim;

    (void)state;
    fixture_path(path, sizeof(path), "long.txt");
    /* exactly the cap: all of it */
    write_text_of(path, EXTRACT_TEXT_MAX_BYTES, "");
    expect_text(path, EXTRACT_TEXT, NULL, &r);
    assert_int_equal(r.len, EXTRACT_TEXT_MAX_BYTES);
    assert_false(r.truncated);
    extract_result_free(&r);
    /* one byte more: cut to the cap */
    write_text_of(path, EXTRACT_TEXT_MAX_BYTES + 1, "");
    expect_text(path, EXTRACT_TEXT, NULL, &r);
    assert_int_equal(r.len, EXTRACT_TEXT_MAX_BYTES);
    assert_true(r.truncated);
    extract_result_free(&r);
    /* a 2-byte character straddling the cap is dropped whole */
    write_text_of(path, EXTRACT_TEXT_MAX_BYTES + 1, "\xc3\xa9");
    expect_text(path, EXTRACT_TEXT, NULL, &r);
    assert_int_equal(r.len, EXTRACT_TEXT_MAX_BYTES - 1);
    assert_true(r.truncated);
    assert_int_equal(r.text[r.len - 1], 'a');
    extract_result_free(&r);
    /* ... and kept when it ends exactly at the cap */
    write_text_of(path, EXTRACT_TEXT_MAX_BYTES, "\xc3\xa9");
    expect_text(path, EXTRACT_TEXT, NULL, &r);
    assert_int_equal(r.len, EXTRACT_TEXT_MAX_BYTES);
    assert_false(r.truncated);
    assert_string_equal(r.text + r.len - 2, "\xc3\xa9");
    extract_result_free(&r);
    /* far longer than the raw cap: still cut cleanly */
    write_text_of(path, 3 * 1024 * 1024, "");
    expect_text(path, EXTRACT_TEXT, NULL, &r);
    assert_int_equal(r.len, EXTRACT_TEXT_MAX_BYTES);
    assert_true(r.truncated);
    extract_result_free(&r);

    /* a caller's smaller cap; a cut never leaves a trailing space */
    extract_limits_default(&lim);
    lim.text_max_bytes = 10;
    fixture_path(path, sizeof(path), "short.txt");
    write_file(path, "Jane Doe, engineer", 18);
    assert_string_equal(expect_text(path, EXTRACT_TEXT, &lim, &r), "Jane Doe,");
    assert_true(r.truncated);
    extract_result_free(&r);
    write_file(path, "0123456789", 10);
    assert_string_equal(expect_text(path, EXTRACT_TEXT, &lim, &r), "0123456789");
    assert_false(r.truncated);
    extract_result_free(&r);
}

static void test_input_size_limit(void **state)
{
    char path[256];
    int fd;

    (void)state;
    /* sparse files of NUL bytes: at the limit the file is read (and has no
     * text), one byte over it is refused before any child starts */
    fixture_path(path, sizeof(path), "huge.txt");
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, EXTRACT_INPUT_MAX_BYTES), 0);
    expect_error(path, EXTRACT_TEXT, NULL, CV_ERR_DOCUMENT, "no extractable text");
    assert_int_equal(ftruncate(fd, EXTRACT_INPUT_MAX_BYTES + 1), 0);
    expect_error(path, EXTRACT_TEXT, NULL, CV_ERR_DOCUMENT,
                 "the file is too large to read (more than 100 MiB)");
    close(fd);
    unlink(path);
}

/* ====================================================================== */
/* Our own failures, and the caller's process                             */
/* ====================================================================== */

static void test_our_failures(void **state)
{
    char path[256];
    struct extract_result r;
    struct extract_limits lim;
    struct cv_error err;

    (void)state;
    fixture_path(path, sizeof(path), "missing.pdf");
    expect_error(path, EXTRACT_PDF, NULL, CV_ERR_IO, NULL);
    expect_error(tmpdir, EXTRACT_TEXT, NULL, CV_ERR_IO, "extract: not a regular file");
    fixture_path(path, sizeof(path), "fifo");
    assert_int_equal(mkfifo(path, 0600), 0);
    /* nobody writes the FIFO: this must not block */
    expect_error(path, EXTRACT_TEXT, NULL, CV_ERR_IO, "extract: not a regular file");

    fixture_path(path, sizeof(path), "cv.txt");
    write_file(path, "Jane", 4);
    expect_error(path, (enum extract_format)0, NULL, CV_ERR_INTERNAL, "extract: invalid argument");
    expect_error(NULL, EXTRACT_TEXT, NULL, CV_ERR_INTERNAL, "extract: invalid argument");
    assert_int_equal(extract_text(path, EXTRACT_TEXT, NULL, NULL, &err), CV_ERR_INTERNAL);
    extract_limits_default(&lim);
    lim.text_max_bytes = 0;
    expect_error(path, EXTRACT_TEXT, &lim, CV_ERR_INTERNAL, "extract: invalid argument");
    extract_limits_default(&lim);
    lim.wall_timeout_ms = 0;
    expect_error(path, EXTRACT_TEXT, &lim, CV_ERR_INTERNAL, "extract: invalid argument");
    /* err may be NULL */
    assert_int_equal(extract_text(path, EXTRACT_TEXT, NULL, &r, NULL), CV_OK);
    assert_string_equal(r.text, "Jane");
    extract_result_free(&r);
}

/* A worker started with stdin and stdout closed: the file and the pipe
 * get descriptors 0 and 1, and the child must not lose them to /dev/null. */
static void test_std_fds_closed(void **state)
{
    char path[256];
    struct extract_result r;
    struct cv_error err;
    enum cv_status st;
    int save0, save1;

    (void)state;
    fixture_path(path, sizeof(path), "stdfds.txt");
    write_file(path, "Jane Doe", 8);
    fflush(stdout);
    save0 = dup(0);
    save1 = dup(1);
    assert_true(save0 > 2 && save1 > 2);
    close(0);
    close(1);
    st = extract_text(path, EXTRACT_TEXT, NULL, &r, &err);
    dup2(save0, 0);
    dup2(save1, 1);
    close(save0);
    close(save1);
    assert_int_equal(st, CV_OK);
    assert_string_equal(r.text, "Jane Doe");
    extract_result_free(&r);
}

static void test_defaults(void **state)
{
    struct extract_limits lim;

    (void)state;
    extract_limits_default(&lim);
    assert_int_equal(lim.wall_timeout_ms, EXTRACT_WALL_TIMEOUT_MS);
    assert_int_equal(lim.cpu_s, EXTRACT_CPU_S);
    assert_int_equal(lim.memory_bytes, EXTRACT_MEMORY_BYTES);
    assert_int_equal(lim.pdf_max_pages, EXTRACT_PDF_MAX_PAGES);
    assert_int_equal(lim.text_max_bytes, EXTRACT_TEXT_MAX_BYTES);
}

/* Twenty extractions, good and bad, in a row: no child, no descriptor left. */
static void test_no_leftovers(void **state)
{
    char pdf[256], bad[256], docx[256], txt[256];
    const struct part parts[] = { { "word/document.xml", docx_body, 0 } };
    size_t fds_before;
    int i;

    (void)state;
    make_pdf("loop.pdf", 1, CV_CONTENT, pdf, sizeof(pdf));
    fixture_path(bad, sizeof(bad), "loop-bad.pdf");
    write_file(bad, "%PDF-1.4\n garbage", 17);
    make_docx("loop.docx", parts, 1, docx, sizeof(docx));
    fixture_path(txt, sizeof(txt), "loop.txt");
    write_file(txt, "Jane Doe", 8);
    fds_before = count_open_fds();
    for (i = 0; i < 20; i++) {
        struct extract_result r;

        switch (i % 4) {
        case 0:
            assert_non_null(strstr(expect_text(pdf, EXTRACT_PDF, NULL, &r), "Jane Doe"));
            extract_result_free(&r);
            break;
        case 1:
            expect_error(bad, EXTRACT_PDF, NULL, CV_ERR_DOCUMENT, NULL);
            break;
        case 2:
            assert_non_null(strstr(expect_text(docx, EXTRACT_DOCX, NULL, &r), "Jane Doe"));
            extract_result_free(&r);
            break;
        default:
            assert_string_equal(expect_text(txt, EXTRACT_TEXT, NULL, &r), "Jane Doe");
            extract_result_free(&r);
            break;
        }
        assert_no_child_left();
    }
    assert_int_equal(count_open_fds(), fds_before);
}

/* ====================================================================== */
/* An extractor that misbehaves: the parent's deadline and checks          */
/* ====================================================================== */

/* A stand-in extractor: a shell script with this body, in the fixture
 * directory, made the program for one extraction of a text file. */
static enum cv_status run_fake(const char *name, const char *body,
                               const struct extract_limits *lim, struct extract_result *r,
                               struct cv_error *err)
{
    char script[256], doc[256], text[1024];
    enum cv_status st;
    int fd;

    fixture_path(script, sizeof(script), name);
    assert_true(snprintf(text, sizeof(text), "#!/bin/sh\n%s\n", body) < (int)sizeof(text));
    fd = open(script, O_WRONLY | O_CREAT | O_TRUNC, 0700);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    assert_int_equal(close(fd), 0);
    fixture_path(doc, sizeof(doc), "fake-input.txt");
    write_file(doc, "Jane Doe", 8);
    assert_int_equal(extract_set_program(script, err), CV_OK);
    st = run(doc, EXTRACT_TEXT, lim, r, err);
    assert_int_equal(extract_set_program(CV_EXTRACT_PROGRAM, err), CV_OK);
    assert_no_child_left();
    return st;
}

/* The 24-byte header of extract_wire.h for reason 0, flags 0 and the given
 * length byte, as printf(1) octal escapes (little-endian x86-64/arm64). */
#define FAKE_HEADER(len_octal) \
    "printf 'CVXT\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\" len_octal \
    "\\0\\0\\0\\0\\0\\0\\0'"

static void test_extractor_misbehaves(void **state)
{
    struct extract_limits lim;
    struct extract_result r;
    struct cv_error err;
    size_t fds_before = count_open_fds();
    char missing[256], doc[256];
    int64_t t0, took;

    (void)state;
    /* the stand-in itself, answering correctly: the protocol is as written */
    assert_int_equal(run_fake("fake-ok.sh", FAKE_HEADER("004") "; printf 'Jane'", NULL, &r, &err),
                     CV_OK);
    assert_string_equal(r.text, "Jane");
    assert_false(r.sandboxed);
    extract_result_free(&r);

    /* hangs: killed at the wall-time deadline */
    extract_limits_default(&lim);
    lim.wall_timeout_ms = 500;
    t0 = now_ms();
    assert_int_equal(run_fake("fake-hang.sh", "exec /bin/sleep 60", &lim, &r, &err),
                     CV_ERR_TIMEOUT);
    took = now_ms() - t0;
    assert_true(took >= 500 && took < 500 + KILL_SLACK_MS);
    assert_string_equal(err.message, "the document took too long to read");

    /* floods its pipe: stopped at the cap, long before the deadline */
    t0 = now_ms();
    assert_int_equal(run_fake("fake-flood.sh", "exec /bin/cat /dev/zero", NULL, &r, &err),
                     CV_ERR_DOCUMENT);
    assert_true(now_ms() - t0 < EXTRACT_WALL_TIMEOUT_MS);
    assert_string_equal(err.message, "the document could not be read");

    /* crashes (a signal), before or after a good message */
    assert_int_equal(run_fake("fake-crash.sh", "kill -SEGV $$", NULL, &r, &err), CV_ERR_DOCUMENT);
    assert_string_equal(err.message, "the document could not be read");
    assert_int_equal(run_fake("fake-late-crash.sh",
                              FAKE_HEADER("004") "; printf 'Jane'; kill -KILL $$", NULL, &r, &err),
                     CV_ERR_DOCUMENT);
    /* a good message and a failing exit status */
    assert_int_equal(run_fake("fake-exit.sh", FAKE_HEADER("004") "; printf 'Jane'; exit 3", NULL,
                              &r, &err), CV_ERR_DOCUMENT);

    /* garbage, nothing, a header whose length lies either way */
    assert_int_equal(run_fake("fake-garbage.sh", "printf 'Jane Doe, not a message'", NULL, &r,
                              &err), CV_ERR_DOCUMENT);
    assert_string_equal(err.message, "the document could not be read");
    assert_int_equal(run_fake("fake-silent.sh", "exit 0", NULL, &r, &err), CV_ERR_DOCUMENT);
    assert_int_equal(run_fake("fake-short.sh", FAKE_HEADER("144") "; printf 'Jane'", NULL, &r,
                              &err), CV_ERR_DOCUMENT);
    assert_int_equal(run_fake("fake-long.sh", FAKE_HEADER("002") "; printf 'Jane'", NULL, &r,
                              &err), CV_ERR_DOCUMENT);
    /* more raw text than the cap, with an honest header */
    extract_limits_default(&lim);
    lim.text_max_bytes = 1;     /* raw cap: EXTRACT_RAW_PER_TEXT_BYTE bytes */
    assert_int_equal(run_fake("fake-over.sh", FAKE_HEADER("005") "; printf 'Janes'", &lim, &r,
                              &err), CV_ERR_DOCUMENT);

    /* missing: ours and transient, not the document's */
    fixture_path(missing, sizeof(missing), "no-such-extractor");
    fixture_path(doc, sizeof(doc), "fake-input.txt");
    assert_int_equal(extract_set_program(missing, &err), CV_OK);
    assert_int_equal(run(doc, EXTRACT_TEXT, NULL, &r, &err), CV_ERR_IO);
    assert_int_equal(extract_program(doc, sizeof(doc), &err), CV_ERR_IO);
    assert_int_equal(extract_set_program(CV_EXTRACT_PROGRAM, &err), CV_OK);
    assert_no_child_left();
    assert_int_equal(count_open_fds(), fds_before);
}

#define THREADS 4
#define PER_THREAD 5

struct thread_arg {
    const char *path;
    enum extract_format fmt;
    const char *want;
    int ok;
};

static void *extract_thread(void *p)
{
    struct thread_arg *a = p;
    int i;

    a->ok = 0;
    for (i = 0; i < PER_THREAD; i++) {
        struct extract_result r;
        struct cv_error err;

        if (extract_text(a->path, a->fmt, NULL, &r, &err) != CV_OK)
            return NULL;
        if (strcmp(r.text, a->want) != 0) {
            extract_result_free(&r);
            return NULL;
        }
        extract_result_free(&r);
        a->ok++;
    }
    return NULL;
}

/* Several threads extracting at once each get their own text. */
static void test_threads(void **state)
{
    char pdf[256], txt[256], docx[256];
    const struct part parts[] = { { "word/document.xml", DOC_OPEN PARA("Word text") DOC_CLOSE, 0 } };
    pthread_t th[THREADS];
    struct thread_arg args[THREADS];
    int i;

    (void)state;
    make_pdf("thread.pdf", 1, CV_CONTENT, pdf, sizeof(pdf));
    make_docx("thread.docx", parts, 1, docx, sizeof(docx));
    fixture_path(txt, sizeof(txt), "thread.txt");
    write_file(txt, "Plain text", 10);
    for (i = 0; i < THREADS; i++) {
        args[i].path = i % 3 == 0 ? pdf : i % 3 == 1 ? docx : txt;
        args[i].fmt = i % 3 == 0 ? EXTRACT_PDF : i % 3 == 1 ? EXTRACT_DOCX : EXTRACT_TEXT;
        args[i].want = i % 3 == 0 ? CV_TEXT : i % 3 == 1 ? "Word text" : "Plain text";
        assert_int_equal(pthread_create(&th[i], NULL, extract_thread, &args[i]), 0);
    }
    for (i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(args[i].ok, PER_THREAD);
    }
    assert_no_child_left();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pdf_text),
        cmocka_unit_test(test_pdf_no_text),
        cmocka_unit_test(test_pdf_reading_order),
        cmocka_unit_test(test_pdf_damaged),
        cmocka_unit_test(test_pdf_encrypted),
        cmocka_unit_test(test_pdf_page_limit),
        cmocka_unit_test(test_pdf_wall_timeout),
        cmocka_unit_test(test_pdf_cpu_limit),
        cmocka_unit_test(test_pdf_memory_limit),
        cmocka_unit_test(test_child_confinement),
        cmocka_unit_test(test_docx_text),
        cmocka_unit_test(test_docx_broken),
        cmocka_unit_test(test_docx_entry_limit),
        cmocka_unit_test(test_docx_part_size_limit),
        cmocka_unit_test(test_docx_total_size_limit),
        cmocka_unit_test(test_docx_zip_bomb),
        cmocka_unit_test(test_docx_entity_bomb),
        cmocka_unit_test(test_text_french),
        cmocka_unit_test(test_text_invalid),
        cmocka_unit_test(test_text_length_cap),
        cmocka_unit_test(test_input_size_limit),
        cmocka_unit_test(test_our_failures),
        cmocka_unit_test(test_std_fds_closed),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_no_leftovers),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_extractor_misbehaves),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
