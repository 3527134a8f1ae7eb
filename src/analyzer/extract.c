/*
 * extract.c - text of untrusted CV files, parsed in a confined child (see
 * extract.h).
 *
 * Read top to bottom: the wire format between child and parent, the child
 * (signals, descriptors, rlimits, seccomp, then one parser per format), and
 * the parent (fork, read under a deadline, reap, check, normalise). The
 * child reports a reason code, never a message: the text a user sees comes
 * from the table in the parent, so nothing the parsers say reaches a user.
 */
#include "extract.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <glib.h>
#include <libxml/parser.h>
#include <poppler.h>
#include <zip.h>

#include "buf.h"
#include "clock.h"
#include "config.h"
#include "text_normalize.h"
#include "utf8.h"

_Static_assert(EXTRACT_INPUT_MAX_BYTES >= CV_CONFIG_FILE_SIZE_MAX_BYTES,
               "extraction must accept every file the API may store");
_Static_assert(EXTRACT_DOCX_PART_MAX_BYTES <= INT_MAX,
               "libxml2 takes a part's size as an int");

/* ---- Child to parent: one header, then `len` bytes of raw UTF-8 text ---- */

#define XMSG_MAGIC 0x54585643u      /* "CVXT" */
#define XMSG_SANDBOXED 0x1u         /* the seccomp filter is in force */
#define XMSG_TRUNCATED 0x2u         /* the child cut the raw text */

/* Why the child stopped; the parent maps each to a status and a message. */
enum xreason {
    XR_OK = 0,
    XR_PDF_DAMAGED,
    XR_PDF_ENCRYPTED,
    XR_PDF_NO_PAGES,
    XR_PDF_TOO_MANY_PAGES,
    XR_ZIP_INVALID,
    XR_ZIP_OLE,                     /* an OLE file: legacy .doc or encrypted */
    XR_ZIP_ENCRYPTED,
    XR_ZIP_TOO_MANY_ENTRIES,
    XR_DOCX_NO_DOCUMENT,
    XR_DOCX_TOO_LARGE,
    XR_XML_INVALID,
    XR_XML_DTD,
    XR_TEXT_NOT_UTF8,
    XR_NOMEM,
    XR_READ_FAILED,                 /* mapping the file failed: ours, transient */
    XR_COUNT
};

struct xmsg_header {
    uint32_t magic;
    uint32_t reason;                /* enum xreason */
    uint32_t flags;                 /* XMSG_* */
    uint32_t reserved;
    uint64_t len;                   /* text bytes after the header */
};

/* Raw text the child may send for a given text cap. */
static size_t extract_raw_max(const struct extract_limits *lim)
{
    return lim->text_max_bytes * EXTRACT_RAW_PER_TEXT_BYTE;
}

/* ====================================================================== */
/* Child                                                                  */
/* ====================================================================== */

struct xchild {
    const unsigned char *data;      /* the mapped file */
    size_t size;
    const struct extract_limits *lim;
    struct cv_buf text;             /* raw text, max extract_raw_max() */
    int truncated;
    int nomem;
};

/* Append text; when it does not fit, keep what fits up to a character
 * boundary and mark the text truncated. Returns 0 when the caller should
 * stop producing text. */
static int xc_append(struct xchild *xc, const char *p, size_t n)
{
    size_t room, cut;

    if (xc->truncated || xc->nomem)
        return 0;
    room = xc->text.max - xc->text.len;
    cut = n <= room ? n : cv_utf8_truncate((const unsigned char *)p, n, SIZE_MAX, room);
    if (cut > 0 && cv_buf_append(&xc->text, p, cut) != CV_OK) {
        xc->nomem = 1;
        return 0;
    }
    if (cut < n) {
        xc->truncated = 1;
        return 0;
    }
    return 1;
}

static int xc_append_str(struct xchild *xc, const char *s)
{
    return xc_append(xc, s, strlen(s));
}

/* ---- PDF (poppler-glib) ---- */

/*
 * Append a page's text, breaking a line where poppler joined two pieces
 * across a wide blank: the columns of a two-column CV ("Contact" beside
 * "Summary" came out as "ContactSummary", a sidebar's phone number glued to
 * the main column's line just above it). A real space
 * is a character of its own, so only a gap with no character in it wider
 * than XC_PDF_COLUMN_GAP_EM glyph heights splits. Without a layout the
 * text goes as poppler gave it.
 */
#define XC_PDF_COLUMN_GAP_EM 1.5
static int xc_pdf_page_text(struct xchild *xc, PopplerPage *page, const char *text)
{
    PopplerRectangle *rects = NULL;
    guint nrects = 0, k = 0;
    const char *p = text, *from = text;
    int ok = 1;

    if (!poppler_page_get_text_layout(page, &rects, &nrects))
        return xc_append_str(xc, text);
    while (*p != '\0' && k < nrects && ok) {
        const char *next = g_utf8_next_char(p);

        if (k > 0 && *p != '\n' && p[-1] != '\n' && p[-1] != ' ' && *p != ' ') {
            const PopplerRectangle *a = &rects[k - 1], *b = &rects[k];
            double h = b->y2 - b->y1;

            if (h > 0 && b->x1 - a->x2 > XC_PDF_COLUMN_GAP_EM * h) {
                ok = xc_append(xc, from, (size_t)(p - from)) && xc_append_str(xc, "\n");
                from = p;
            }
        }
        p = next;
        k++;
    }
    if (ok)
        ok = xc_append_str(xc, from);
    g_free(rects);
    return ok;
}

static enum xreason xc_pdf(struct xchild *xc)
{
    GBytes *bytes;
    GError *gerr = NULL;
    PopplerDocument *doc;
    enum xreason reason = XR_OK;
    int npages, i;

    bytes = g_bytes_new_static(xc->data, xc->size);
    doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
    if (doc == NULL) {
        reason = (gerr != NULL && g_error_matches(gerr, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
                 ? XR_PDF_ENCRYPTED : XR_PDF_DAMAGED;
        if (gerr != NULL)
            g_error_free(gerr);
        g_bytes_unref(bytes);
        return reason;
    }
    npages = poppler_document_get_n_pages(doc);
    if (npages <= 0)
        reason = XR_PDF_NO_PAGES;
    else if ((unsigned)npages > xc->lim->pdf_max_pages)
        reason = XR_PDF_TOO_MANY_PAGES;
    for (i = 0; reason == XR_OK && i < npages; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        char *text;
        int more;

        if (page == NULL)
            continue;
        text = poppler_page_get_text(page);
        more = (i == 0 || xc_append_str(xc, "\n\n")) &&
               (text == NULL || xc_pdf_page_text(xc, page, text));
        g_free(text);
        g_object_unref(page);
        if (!more)
            break;
    }
    g_object_unref(doc);
    g_bytes_unref(bytes);
    return reason;
}

/* ---- DOCX (libzip + libxml2 SAX2) ---- */

#define XC_NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define XC_NS_W_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define XC_NS_MC "http://schemas.openxmlformats.org/markup-compatibility/2006"
/* Element depth we track (libxml2 refuses documents deeper than 256). */
#define XC_XML_MAX_DEPTH 256
/* Nested tables we track for cell separators; deeper ones still read. */
#define XC_MAX_TABLE_NESTING 32
/* One zip_fread call. */
#define XC_ZIP_CHUNK_BYTES (64 * 1024)

enum xc_kind { XK_OTHER = 0, XK_P, XK_R, XK_T, XK_TBL, XK_TR, XK_TC };

/* State of the walk over one part, the SAX callbacks' user data. */
struct xc_walk {
    struct xchild *xc;
    xmlParserCtxtPtr ctxt;                  /* to stop the parser */
    enum xreason reason;                    /* set when we stop it */
    int depth;                              /* open elements */
    unsigned char kind[XC_XML_MAX_DEPTH];   /* enum xc_kind per open element */
    int skip_depth;                         /* >= 0: inside mc:Fallback */
    int tc_depth;                           /* open table cells */
    int tr_depth;                           /* open table rows */
    unsigned char row_has_cell[XC_MAX_TABLE_NESTING];
};

static int xc_streq(const xmlChar *a, const char *b)
{
    return a != NULL && strcmp((const char *)a, b) == 0;
}

static int xc_is_w(const xmlChar *uri)
{
    return xc_streq(uri, XC_NS_W) || xc_streq(uri, XC_NS_W_STRICT);
}

static enum xc_kind xc_kind_of(const xmlChar *local)
{
    if (xc_streq(local, "p"))
        return XK_P;
    if (xc_streq(local, "r"))
        return XK_R;
    if (xc_streq(local, "t"))
        return XK_T;
    if (xc_streq(local, "tbl"))
        return XK_TBL;
    if (xc_streq(local, "tr"))
        return XK_TR;
    if (xc_streq(local, "tc"))
        return XK_TC;
    return XK_OTHER;
}

/* Append, and stop the parser once the text is full. */
static void xc_walk_out(struct xc_walk *wk, const char *s, size_t n)
{
    if (!xc_append(wk->xc, s, n))
        xmlStopParser(wk->ctxt);
}

static void xc_walk_outs(struct xc_walk *wk, const char *s)
{
    xc_walk_out(wk, s, strlen(s));
}

/* The kind of the innermost open element. */
static enum xc_kind xc_walk_parent(const struct xc_walk *wk)
{
    if (wk->depth <= 0 || wk->depth > XC_XML_MAX_DEPTH)
        return XK_OTHER;
    return (enum xc_kind)wk->kind[wk->depth - 1];
}

static void xc_sax_start(void *ud, const xmlChar *local, const xmlChar *prefix,
                         const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                         int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    struct xc_walk *wk = ud;
    enum xc_kind kind = XK_OTHER;

    (void)prefix;
    (void)nb_namespaces;
    (void)namespaces;
    (void)nb_attributes;
    (void)nb_defaulted;
    (void)attributes;
    if (wk->skip_depth < 0) {
        if (xc_streq(uri, XC_NS_MC) && xc_streq(local, "Fallback")) {
            /* mc:Fallback repeats what mc:Choice says (text boxes as VML). */
            wk->skip_depth = wk->depth;
        } else if (xc_is_w(uri)) {
            kind = xc_kind_of(local);
            if (xc_walk_parent(wk) == XK_R) {
                if (xc_streq(local, "tab"))
                    xc_walk_outs(wk, "\t");
                else if (xc_streq(local, "br") || xc_streq(local, "cr"))
                    xc_walk_outs(wk, "\n");
                else if (xc_streq(local, "noBreakHyphen"))
                    xc_walk_outs(wk, "-");
            }
            if (kind == XK_TBL) {
                xc_walk_outs(wk, "\n");
            } else if (kind == XK_TR) {
                wk->tr_depth++;
                if (wk->tr_depth <= XC_MAX_TABLE_NESTING)
                    wk->row_has_cell[wk->tr_depth - 1] = 0;
            } else if (kind == XK_TC) {
                if (wk->tr_depth > 0 && wk->tr_depth <= XC_MAX_TABLE_NESTING) {
                    if (wk->row_has_cell[wk->tr_depth - 1])
                        xc_walk_outs(wk, " | ");
                    wk->row_has_cell[wk->tr_depth - 1] = 1;
                }
                wk->tc_depth++;
            }
        }
    }
    if (wk->depth < XC_XML_MAX_DEPTH)
        wk->kind[wk->depth] = (unsigned char)kind;
    wk->depth++;
}

static void xc_sax_end(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    struct xc_walk *wk = ud;
    enum xc_kind kind;

    (void)prefix;
    (void)uri;
    (void)local;
    if (wk->depth <= 0)
        return;
    wk->depth--;
    if (wk->skip_depth >= 0) {
        if (wk->depth == wk->skip_depth)
            wk->skip_depth = -1;
        return;
    }
    kind = wk->depth < XC_XML_MAX_DEPTH ? (enum xc_kind)wk->kind[wk->depth] : XK_OTHER;
    switch (kind) {
    case XK_P:
        /* Paragraphs in a cell stay on the row's line. */
        xc_walk_outs(wk, wk->tc_depth > 0 ? " " : "\n");
        break;
    case XK_TC:
        if (wk->tc_depth > 0)
            wk->tc_depth--;
        break;
    case XK_TR:
        if (wk->tr_depth > 0)
            wk->tr_depth--;
        xc_walk_outs(wk, "\n");
        break;
    case XK_TBL:
        xc_walk_outs(wk, "\n");
        break;
    default:
        break;
    }
}

/* Character data (also CDATA and whitespace): only w:t holds document
 * text, not w:instrText (field codes) nor w:delText (deleted text). */
static void xc_sax_chars(void *ud, const xmlChar *ch, int len)
{
    struct xc_walk *wk = ud;

    if (wk->skip_depth < 0 && len > 0 && xc_walk_parent(wk) == XK_T)
        xc_walk_out(wk, (const char *)ch, (size_t)len);
}

/* A DOCTYPE: Word never writes one, and it is where entity bombs and
 * external entities live. Refuse the part before its declarations. */
static void xc_sax_doctype(void *ud, const xmlChar *name, const xmlChar *external_id,
                           const xmlChar *system_id)
{
    struct xc_walk *wk = ud;

    (void)name;
    (void)external_id;
    (void)system_id;
    wk->reason = XR_XML_DTD;
    xmlStopParser(wk->ctxt);
}

/* Bytes given to libxml2 at once: a stop takes effect between chunks. */
#define XC_XML_CHUNK_BYTES (64 * 1024)

/*
 * Walk one WordprocessingML part with libxml2's SAX2 push parser: no
 * network, no DTD (refused at the DOCTYPE, before any declaration is read;
 * a byte scan catches the UTF-8 case before parsing even starts), no
 * entity substitution, no XInclude, no tree built. Memory stays flat
 * whatever the part's size.
 */
static enum xreason xc_docx_part(struct xchild *xc, const char *xml, size_t len)
{
    xmlSAXHandler sax;
    struct xc_walk wk;
    size_t first = len < 4 ? len : 4, off;
    int rc = 0;

    if (memmem(xml, len, "<!DOCTYPE", 9) != NULL)
        return XR_XML_DTD;
    memset(&sax, 0, sizeof(sax));
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = xc_sax_start;
    sax.endElementNs = xc_sax_end;
    sax.characters = xc_sax_chars;
    sax.ignorableWhitespace = xc_sax_chars;
    sax.cdataBlock = xc_sax_chars;
    sax.internalSubset = xc_sax_doctype;
    memset(&wk, 0, sizeof(wk));
    wk.xc = xc;
    wk.skip_depth = -1;
    wk.reason = XR_OK;
    /* The first 4 bytes let libxml2 detect the encoding (UTF-16 BOMs). */
    wk.ctxt = xmlCreatePushParserCtxt(&sax, &wk, xml, (int)first, "part.xml");
    if (wk.ctxt == NULL)
        return XR_NOMEM;
    (void)xmlCtxtUseOptions(wk.ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    for (off = first; rc == 0 && wk.reason == XR_OK && !xc->truncated && !xc->nomem; ) {
        size_t n = len - off < XC_XML_CHUNK_BYTES ? len - off : XC_XML_CHUNK_BYTES;

        rc = xmlParseChunk(wk.ctxt, xml + off, (int)n, off + n == len);
        off += n;
        if (off == len)
            break;
    }
    if (wk.reason == XR_OK && !xc->truncated && !xc->nomem &&
        (rc != 0 || !wk.ctxt->wellFormed))
        wk.reason = XR_XML_INVALID;
    xmlFreeParserCtxt(wk.ctxt);
    if (wk.reason == XR_OK && xc->nomem)
        wk.reason = XR_NOMEM;
    return wk.reason;
}

/*
 * Read entry idx into out, counting bytes as they inflate: the sizes an
 * archive states may lie, so both the stated size and the bytes actually
 * read are held to the per-part cap and to what remains of *budget.
 */
static enum xreason xc_zip_read(zip_t *za, zip_uint64_t idx, size_t *budget, struct cv_buf *out)
{
    zip_stat_t st;
    zip_file_t *zf;
    char *chunk;
    size_t cap = EXTRACT_DOCX_PART_MAX_BYTES < *budget ? EXTRACT_DOCX_PART_MAX_BYTES : *budget;
    enum xreason reason = XR_OK;

    zip_stat_init(&st);
    if (zip_stat_index(za, idx, 0, &st) != 0)
        return XR_ZIP_INVALID;
    if ((st.valid & ZIP_STAT_SIZE) && st.size > cap)
        return XR_DOCX_TOO_LARGE;
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        return XR_ZIP_ENCRYPTED;
    zf = zip_fopen_index(za, idx, 0);
    if (zf == NULL) {
        int ze = zip_error_code_zip(zip_get_error(za));

        return ze == ZIP_ER_NOPASSWD || ze == ZIP_ER_WRONGPASSWD ? XR_ZIP_ENCRYPTED
                                                                 : XR_ZIP_INVALID;
    }
    chunk = malloc(XC_ZIP_CHUNK_BYTES);
    if (chunk == NULL) {
        zip_fclose(zf);
        return XR_NOMEM;
    }
    cv_buf_init(out, cap);
    for (;;) {
        zip_int64_t n = zip_fread(zf, chunk, XC_ZIP_CHUNK_BYTES);
        enum cv_status st_app;

        if (n < 0) {
            reason = XR_ZIP_INVALID;    /* bad data, CRC mismatch */
            break;
        }
        if (n == 0)
            break;
        st_app = cv_buf_append(out, chunk, (size_t)n);
        if (st_app != CV_OK) {
            reason = st_app == CV_ERR_TOO_LARGE ? XR_DOCX_TOO_LARGE : XR_NOMEM;
            break;
        }
    }
    free(chunk);
    zip_fclose(zf);
    if (reason != XR_OK) {
        cv_buf_free(out);
        return reason;
    }
    *budget -= out->len;
    return XR_OK;
}

/* "word/header12.xml" with prefix "word/header": digits then ".xml". */
static int xc_is_numbered_part(const char *name, const char *prefix)
{
    size_t plen = strlen(prefix);
    const char *p;

    if (strncmp(name, prefix, plen) != 0)
        return 0;
    p = name + plen;
    while (*p >= '0' && *p <= '9')
        p++;
    return strcmp(p, ".xml") == 0;
}

static enum xreason xc_docx(struct xchild *xc)
{
    static const unsigned char ole_magic[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
    zip_uint64_t heads[EXTRACT_DOCX_MAX_HEADER_PARTS], foots[EXTRACT_DOCX_MAX_HEADER_PARTS];
    zip_uint64_t order[2 * EXTRACT_DOCX_MAX_HEADER_PARTS + 1];
    size_t nheads = 0, nfoots = 0, norder = 0, i;
    size_t budget = EXTRACT_DOCX_TOTAL_MAX_BYTES;
    zip_error_t zerr;
    zip_source_t *src;
    zip_t *za;
    zip_int64_t nentries, doc;
    enum xreason reason = XR_OK;

    if (xc->size >= sizeof(ole_magic) && memcmp(xc->data, ole_magic, sizeof(ole_magic)) == 0)
        return XR_ZIP_OLE;
    zip_error_init(&zerr);
    src = zip_source_buffer_create(xc->size > 0 ? xc->data : (const void *)"", xc->size, 0, &zerr);
    if (src == NULL) {
        zip_error_fini(&zerr);
        return XR_NOMEM;
    }
    za = zip_open_from_source(src, ZIP_RDONLY, &zerr);
    zip_error_fini(&zerr);
    if (za == NULL) {
        zip_source_free(src);
        return XR_ZIP_INVALID;
    }
    nentries = zip_get_num_entries(za, 0);
    if (nentries < 0)
        reason = XR_ZIP_INVALID;
    else if (nentries > EXTRACT_DOCX_MAX_ENTRIES)
        reason = XR_ZIP_TOO_MANY_ENTRIES;
    doc = reason == XR_OK ? zip_name_locate(za, "word/document.xml", 0) : -1;
    if (reason == XR_OK && doc < 0)
        reason = XR_DOCX_NO_DOCUMENT;
    for (i = 0; reason == XR_OK && i < (size_t)nentries; i++) {
        const char *name = zip_get_name(za, i, 0);

        if (name == NULL)
            continue;
        if (xc_is_numbered_part(name, "word/header") && nheads < EXTRACT_DOCX_MAX_HEADER_PARTS)
            heads[nheads++] = i;
        else if (xc_is_numbered_part(name, "word/footer") && nfoots < EXTRACT_DOCX_MAX_HEADER_PARTS)
            foots[nfoots++] = i;
    }
    /* Headers first (a CV's name and contact often sit there), then the
     * body, then footers. */
    for (i = 0; i < nheads; i++)
        order[norder++] = heads[i];
    if (reason == XR_OK)
        order[norder++] = (zip_uint64_t)doc;
    for (i = 0; i < nfoots; i++)
        order[norder++] = foots[i];
    for (i = 0; reason == XR_OK && i < norder; i++) {
        struct cv_buf part;

        reason = xc_zip_read(za, order[i], &budget, &part);
        if (reason != XR_OK)
            break;
        if (xc->text.len > 0 && !xc_append_str(xc, "\n\n")) {
            cv_buf_free(&part);
            break;
        }
        reason = xc_docx_part(xc, part.data != NULL ? part.data : "", part.len);
        cv_buf_free(&part);
        if (xc->truncated)
            break;
    }
    zip_discard(za);    /* also frees src */
    return reason;
}

/* ---- Plain text ---- */

static enum xreason xc_text(struct xchild *xc)
{
    if (!cv_utf8_valid(xc->data, xc->size))
        return XR_TEXT_NOT_UTF8;
    (void)xc_append(xc, (const char *)xc->data, xc->size);
    return XR_OK;
}

/* ---- Confinement ---- */

/* Default dispositions and an empty mask: the worker's handlers (a
 * self-pipe, a stop flag) mean nothing here, and SIGXCPU must kill. */
static void xc_reset_signals(void)
{
    struct sigaction sa;
    sigset_t none;
    int sig;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP)
            (void)sigaction(sig, &sa, NULL);   /* fails harmlessly for glibc's own */
    }
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
}

/* stdin, stdout and stderr become /dev/null: parsers print diagnostics
 * (with bytes from the document in them) that must not reach the log. */
static void xc_std_to_devnull(void)
{
    int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    int i;

    for (i = 0; i <= 2; i++) {
        if (fd >= 0)
            (void)dup2(fd, i);
        else
            (void)close(i);
    }
    if (fd > 2)
        (void)close(fd);
}

static void xc_close_range(unsigned first, unsigned last)
{
    unsigned fd;

    if (first > last)
        return;
#ifdef SYS_close_range
    if (syscall(SYS_close_range, first, last, 0) == 0)
        return;
#endif
    /* Without close_range: close up to the descriptor limit. */
    {
        long max = sysconf(_SC_OPEN_MAX);
        unsigned top = max > 0 && max < 65536 ? (unsigned)max : 65536;

        for (fd = first; fd <= last && fd < top; fd++)
            (void)close((int)fd);
    }
}

/* Close every descriptor above 2 except a and b (the worker's sockets,
 * other extractions' pipes, the MongoDB and Redis connections). */
static void xc_close_fds_except(int a, int b)
{
    unsigned lo = (unsigned)(a < b ? a : b), hi = (unsigned)(a < b ? b : a);

    xc_close_range(3, lo - 1);
    xc_close_range(lo + 1, hi - 1);
    xc_close_range(hi + 1, ~0U);
}

/* Bytes of address space this process maps now (/proc/self/statm), or 0. */
static size_t xc_address_space_bytes(void)
{
    char buf[64];
    ssize_t n;
    size_t pages = 0, i;
    long pagesz = sysconf(_SC_PAGESIZE);
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);

    if (fd < 0 || pagesz <= 0) {
        if (fd >= 0)
            (void)close(fd);
        return 0;
    }
    n = read(fd, buf, sizeof(buf) - 1);
    (void)close(fd);
    if (n <= 0)
        return 0;
    for (i = 0; i < (size_t)n && buf[i] >= '0' && buf[i] <= '9'; i++) {
        if (pages > (SIZE_MAX / 10) / (size_t)pagesz)
            return 0;
        pages = pages * 10 + (size_t)(buf[i] - '0');
    }
    return pages * (size_t)pagesz;
}

static void xc_setrlimit(int resource, rlim_t soft, rlim_t hard)
{
    struct rlimit rl;

    rl.rlim_cur = soft;
    rl.rlim_max = hard;
    (void)setrlimit(resource, &rl);
}

/*
 * Limits: no core dump, no file written, no process made, few descriptors,
 * CPU seconds (SIGXCPU, then SIGKILL one second later), and the address
 * space the child inherits plus the file plus limits->memory_bytes. The
 * base is measured rather than fixed because a threaded worker already maps
 * hundreds of MiB (thread stacks, malloc arenas) that the child never uses.
 */
static void xc_limits(const struct extract_limits *lim, size_t file_size)
{
    size_t base = xc_address_space_bytes();

    xc_setrlimit(RLIMIT_CORE, 0, 0);
    xc_setrlimit(RLIMIT_FSIZE, 0, 0);
    xc_setrlimit(RLIMIT_NPROC, 0, 0);
    xc_setrlimit(RLIMIT_NOFILE, EXTRACT_CHILD_MAX_FDS, EXTRACT_CHILD_MAX_FDS);
    xc_setrlimit(RLIMIT_CPU, lim->cpu_s, (rlim_t)lim->cpu_s + 1);
    if (base > 0 && base < SIZE_MAX - file_size - lim->memory_bytes) {
        rlim_t as = (rlim_t)(base + file_size + lim->memory_bytes);

        xc_setrlimit(RLIMIT_AS, as, as);
    }
}

#if defined(__x86_64__)
#define XC_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define XC_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#ifdef XC_AUDIT_ARCH
/* What parsing needs: memory, reading and writing open descriptors, time,
 * randomness, signals to itself, exit. Everything else (open, socket,
 * exec, fork, kill, ptrace, prlimit...) fails with EPERM, so a library that
 * tries something harmless gets an error rather than killing the child. */
static const int xc_allowed_syscalls[] = {
    SYS_read, SYS_write, SYS_readv, SYS_writev, SYS_pread64, SYS_lseek,
    SYS_close, SYS_fstat,
#ifdef SYS_newfstatat
    SYS_newfstatat,
#endif
    SYS_mmap, SYS_munmap, SYS_mremap, SYS_mprotect, SYS_brk, SYS_madvise,
    SYS_futex, SYS_exit, SYS_exit_group, SYS_rt_sigreturn,
    SYS_rt_sigprocmask, SYS_rt_sigaction, SYS_sigaltstack, SYS_restart_syscall,
    SYS_getpid, SYS_gettid, SYS_getrandom, SYS_clock_gettime, SYS_clock_getres,
#ifdef SYS_gettimeofday
    SYS_gettimeofday,
#endif
    SYS_sched_yield,
};
#define XC_NALLOWED (sizeof(xc_allowed_syscalls) / sizeof(xc_allowed_syscalls[0]))
_Static_assert(XC_NALLOWED < 250, "BPF jump offsets are 8 bits");
#endif

/* Install the seccomp filter; 0 on success, -1 when the kernel or the
 * architecture does not allow it (the rlimits still hold). */
static int xc_seccomp(void)
{
#ifdef XC_AUDIT_ARCH
    struct sock_filter f[8 + XC_NALLOWED];
    struct sock_fprog prog;
    unsigned short n = 0;
    size_t k;

    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                          offsetof(struct seccomp_data, arch));
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, XC_AUDIT_ARCH, 1, 0);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                          offsetof(struct seccomp_data, nr));
#ifdef __x86_64__
    /* x32 system calls share numbers with ours plus this bit: deny. */
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u,
                                          (unsigned char)XC_NALLOWED, 0);
#endif
    for (k = 0; k < XC_NALLOWED; k++) {
        /* On a match, skip the remaining checks and the deny: allow. */
        f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
                                              (unsigned)xc_allowed_syscalls[k],
                                              (unsigned char)(XC_NALLOWED - k), 0);
    }
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    prog.len = n;
    prog.filter = f;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return -1;
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0)
        return -1;
    return 0;
#else
    return -1;
#endif
}

static int xc_write_all(int fd, const void *p, size_t n)
{
    const char *c = p;

    while (n > 0) {
        ssize_t w = write(fd, c, n);

        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The child: confine, map, parse, report, _exit. Never returns. */
/* The child's work proper: the text of the document in xc, read as format. */
static enum xreason xc_parse(struct xchild *xc, enum extract_format format)
{
    enum xreason reason = XR_OK;

    switch (format) {
    case EXTRACT_PDF:
        reason = xc_pdf(xc);
        break;
    case EXTRACT_DOCX:
        reason = xc_docx(xc);
        break;
    case EXTRACT_TEXT:
        reason = xc_text(xc);
        break;
    }
    if (reason == XR_OK && xc->nomem)
        reason = XR_NOMEM;
    return reason;
}

/* The header of the child's message for the outcome of xc_parse. */
static void xc_header(const struct xchild *xc, enum xreason reason, int sandboxed,
                      struct xmsg_header *h)
{
    memset(h, 0, sizeof(*h));
    h->magic = XMSG_MAGIC;
    h->reason = (uint32_t)reason;
    h->flags = (sandboxed ? XMSG_SANDBOXED : 0) | (xc->truncated ? XMSG_TRUNCATED : 0);
    h->len = reason == XR_OK ? xc->text.len : 0;
}

static void xc_run(pid_t parent, int in_fd, int out_fd, size_t size,
                   enum extract_format format, const struct extract_limits *lim)
    __attribute__((noreturn));
static void xc_run(pid_t parent, int in_fd, int out_fd, size_t size,
                   enum extract_format format, const struct extract_limits *lim)
{
    struct xchild xc;
    struct xmsg_header h;
    enum xreason reason = XR_OK;
    void *map = NULL;
    int sandboxed;

    xc_reset_signals();
    /* Die with the worker thread that forked us. */
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != parent)
        _exit(1);
    /* A worker started with 0, 1 or 2 closed may have been given one of
     * them for the file or the pipe: move them clear of /dev/null. */
    if (in_fd <= 2)
        in_fd = fcntl(in_fd, F_DUPFD_CLOEXEC, 3);
    if (out_fd <= 2)
        out_fd = fcntl(out_fd, F_DUPFD_CLOEXEC, 3);
    if (in_fd < 0 || out_fd < 0)
        _exit(1);
    xc_std_to_devnull();
    xc_close_fds_except(in_fd, out_fd);
    xc_limits(lim, size);

    memset(&xc, 0, sizeof(xc));
    xc.lim = lim;
    xc.data = (const unsigned char *)"";
    if (size > 0) {
        map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, in_fd, 0);
        if (map == MAP_FAILED)
            reason = XR_READ_FAILED;
        else
            xc.data = map;
    }
    xc.size = reason == XR_OK ? size : 0;
    (void)close(in_fd);
    cv_buf_init(&xc.text, extract_raw_max(lim));

    sandboxed = xc_seccomp() == 0;
    if (reason == XR_OK)
        reason = xc_parse(&xc, format);
    xc_header(&xc, reason, sandboxed, &h);
    if (xc_write_all(out_fd, &h, sizeof(h)) != 0 ||
        (h.len > 0 && xc_write_all(out_fd, xc.text.data, (size_t)h.len) != 0))
        _exit(1);
    _exit(0);
}

/* ====================================================================== */
/* Parent                                                                 */
/* ====================================================================== */

/* What a user is told for each reason (the numbers come from the limits). */
static enum cv_status xp_reason_error(enum xreason reason, const struct extract_limits *lim,
                                      struct cv_error *err)
{
    switch (reason) {
    case XR_OK:
        return CV_OK;
    case XR_PDF_DAMAGED:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document is damaged or is not a valid PDF");
    case XR_PDF_ENCRYPTED:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document is password-protected");
    case XR_PDF_NO_PAGES:
        return cv_error_set(err, CV_ERR_DOCUMENT, "no extractable text");
    case XR_PDF_TOO_MANY_PAGES:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document has too many pages (more than %u)",
                            lim->pdf_max_pages);
    case XR_ZIP_INVALID:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document is damaged or is not a valid Word file");
    case XR_ZIP_OLE:
        return cv_error_set(err, CV_ERR_DOCUMENT,
                            "the document is password-protected or in the old .doc format");
    case XR_ZIP_ENCRYPTED:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document is password-protected");
    case XR_ZIP_TOO_MANY_ENTRIES:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document has too many parts (more than %d)",
                            EXTRACT_DOCX_MAX_ENTRIES);
    case XR_DOCX_NO_DOCUMENT:
        return cv_error_set(err, CV_ERR_DOCUMENT,
                            "the document is not a valid Word file (no word/document.xml)");
    case XR_DOCX_TOO_LARGE:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document is too large once decompressed");
    case XR_XML_INVALID:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document is damaged (invalid XML)");
    case XR_XML_DTD:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document contains a DTD, which is not allowed");
    case XR_TEXT_NOT_UTF8:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the text file is not valid UTF-8");
    case XR_NOMEM:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document could not be read");
    case XR_READ_FAILED:
        return cv_error_set(err, CV_ERR_IO, "extract: mapping the file in the child failed");
    case XR_COUNT:
        break;
    }
    return cv_error_set(err, CV_ERR_DOCUMENT, "the document could not be read");
}

/* Longest single nap while waiting for an exiting child. */
#define XP_REAP_NAP_MAX_MS 20
/* One read from the child's pipe. */
#define XP_READ_CHUNK_BYTES (16 * 1024)

/*
 * Reap pid: kill it first when kill_now, otherwise let it exit until the
 * deadline and kill it then (*timed_out). Returns 1 with *wstatus set, or
 * 0 when the status is unknown (someone else reaped it).
 */
static int xp_reap(pid_t pid, int kill_now, int64_t deadline_ms, int *wstatus, int *timed_out)
{
    long nap = 1;

    if (kill_now)
        (void)kill(pid, SIGKILL);
    for (;;) {
        pid_t r = waitpid(pid, wstatus, kill_now ? 0 : WNOHANG);

        if (r == pid)
            return 1;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return 0;
        }
        if (cv_clock_now_ms() >= deadline_ms) {
            *timed_out = 1;
            kill_now = 1;
            (void)kill(pid, SIGKILL);
            continue;
        }
        cv_nap_ms(nap);
        if (nap < XP_REAP_NAP_MAX_MS)
            nap *= 2;
    }
}

/*
 * Read everything the child writes, until EOF, the deadline (*timed_out)
 * or more than b->max bytes (*overflow). CV_ERR_IO when reading fails.
 */
static enum cv_status xp_collect(int fd, int64_t deadline_ms, struct cv_buf *b,
                                 int *timed_out, int *overflow)
{
    char chunk[XP_READ_CHUNK_BYTES];

    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN, .revents = 0 };
        int64_t left = deadline_ms - cv_clock_now_ms();
        ssize_t n;
        int pr;
        enum cv_status st;

        if (left <= 0) {
            *timed_out = 1;
            return CV_OK;
        }
        pr = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
        if (pr < 0) {
            if (errno == EINTR)
                continue;
            return CV_ERR_IO;
        }
        if (pr == 0)
            continue;           /* the deadline check above ends it */
        n = read(fd, chunk, sizeof(chunk));
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return CV_ERR_IO;
        }
        if (n == 0)
            return CV_OK;
        st = cv_buf_append(b, chunk, (size_t)n);
        if (st == CV_ERR_TOO_LARGE) {
            *overflow = 1;
            return CV_OK;
        }
        if (st != CV_OK)
            return st;
    }
}

/* Check the child's message and turn its text into the result. b is the
 * whole message; on CV_OK its memory moves to out. */
static enum cv_status xp_finish(struct cv_buf *b, enum extract_format format,
                                const struct extract_limits *lim,
                                struct extract_result *out, struct cv_error *err)
{
    struct xmsg_header h;
    size_t len, n;

    if (b->len < sizeof(h))
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document could not be read");
    memcpy(&h, b->data, sizeof(h));
    if (h.magic != XMSG_MAGIC || h.reason >= XR_COUNT || h.len != b->len - sizeof(h) ||
        (h.reason != XR_OK && h.len != 0) || h.len > extract_raw_max(lim))
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document could not be read");
    if (h.reason != XR_OK)
        return xp_reason_error((enum xreason)h.reason, lim, err);

    len = (size_t)h.len;
    memmove(b->data, b->data + sizeof(h), len);
    b->data[len] = '\0';
    /* The child is not trusted to have normalised or even sent UTF-8. */
    n = text_normalize(b->data, len);
    out->truncated = (h.flags & XMSG_TRUNCATED) != 0;
    if (n > lim->text_max_bytes) {
        n = text_normalize(b->data, cv_utf8_truncate((const unsigned char *)b->data, n, SIZE_MAX,
                                                      lim->text_max_bytes));
        out->truncated = true;
    }
    if (n == 0 && format == EXTRACT_PDF)
        return cv_error_set(err, CV_ERR_DOCUMENT, "%s", EXTRACT_PDF_NO_TEXT_MESSAGE);
    if (n == 0)
        return cv_error_set(err, CV_ERR_DOCUMENT, "no extractable text");
    if (b->cap > n + 1) {
        /* Give back what normalisation freed; on failure keep the block. */
        char *smaller = realloc(b->data, n + 1);

        if (smaller != NULL) {
            b->data = smaller;
            b->cap = n + 1;
        }
    }
    out->text = cv_buf_take(b);
    out->len = n;
    out->sandboxed = (h.flags & XMSG_SANDBOXED) != 0;
    return CV_OK;
}

void extract_limits_default(struct extract_limits *limits)
{
    limits->wall_timeout_ms = EXTRACT_WALL_TIMEOUT_MS;
    limits->cpu_s = EXTRACT_CPU_S;
    limits->memory_bytes = EXTRACT_MEMORY_BYTES;
    limits->pdf_max_pages = EXTRACT_PDF_MAX_PAGES;
    limits->text_max_bytes = EXTRACT_TEXT_MAX_BYTES;
}

void extract_result_free(struct extract_result *r)
{
    if (r == NULL)
        return;
    free(r->text);
    memset(r, 0, sizeof(*r));
}

static enum cv_status xp_too_large(struct cv_error *err)
{
    return cv_error_set(err, CV_ERR_DOCUMENT, "the file is too large to read (more than %ld MiB)",
                        EXTRACT_INPUT_MAX_BYTES / (1024 * 1024));
}

static int xp_limits_valid(const struct extract_limits *l)
{
    return l->wall_timeout_ms > 0 && l->cpu_s > 0 && l->memory_bytes > 0 &&
           l->pdf_max_pages > 0 && l->pdf_max_pages <= INT_MAX && l->text_max_bytes > 0 &&
           l->text_max_bytes <= (size_t)EXTRACT_TEXT_MAX_BYTES * 16;
}

/* The arguments both entry points share: zero *out, fill *lim (the
 * defaults for NULL limits); false when one of them is unusable. */
static int xp_arguments(struct extract_result *out, const struct extract_limits *limits,
                        enum extract_format format, struct extract_limits *lim)
{
    if (out != NULL)
        memset(out, 0, sizeof(*out));
    if (limits != NULL)
        *lim = *limits;
    else
        extract_limits_default(lim);
    return out != NULL && xp_limits_valid(lim) &&
           (format == EXTRACT_PDF || format == EXTRACT_DOCX || format == EXTRACT_TEXT);
}

enum cv_status extract_text(const char *path, enum extract_format format,
                            const struct extract_limits *limits,
                            struct extract_result *out, struct cv_error *err)
{
    struct extract_limits lim;
    struct cv_buf msg;
    struct stat sb;
    sigset_t all, old;
    int in_fd, pipefd[2], saved_errno, wstatus = 0, known;
    int timed_out = 0, overflow = 0;
    int64_t deadline_ms;
    pid_t pid, self;
    enum cv_status st;

    if (!xp_arguments(out, limits, format, &lim) || path == NULL)
        return cv_error_set(err, CV_ERR_INTERNAL, "extract: invalid argument");

    /* Opened here so that a missing file is our error, not the document's;
     * O_NONBLOCK so that a FIFO cannot block us before the check below. */
    in_fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (in_fd < 0)
        return cv_error_set(err, CV_ERR_IO, "extract: open: %s", strerror(errno));
    if (fstat(in_fd, &sb) != 0) {
        saved_errno = errno;
        (void)close(in_fd);
        return cv_error_set(err, CV_ERR_IO, "extract: fstat: %s", strerror(saved_errno));
    }
    if (!S_ISREG(sb.st_mode)) {
        (void)close(in_fd);
        return cv_error_set(err, CV_ERR_IO, "extract: not a regular file");
    }
    if (sb.st_size < 0 || sb.st_size > EXTRACT_INPUT_MAX_BYTES) {
        (void)close(in_fd);
        return xp_too_large(err);
    }
    if (pipe2(pipefd, O_CLOEXEC) != 0) {
        saved_errno = errno;
        (void)close(in_fd);
        return cv_error_set(err, CV_ERR_IO, "extract: pipe: %s", strerror(saved_errno));
    }

    deadline_ms = cv_clock_now_ms() + lim.wall_timeout_ms;
    self = getpid();
    /* No signal handler of the worker may run in the child before it
     * resets them; the parent's mask is restored right after fork. */
    sigfillset(&all);
    (void)pthread_sigmask(SIG_SETMASK, &all, &old);
    pid = fork();
    if (pid == 0) {
        (void)close(pipefd[0]);
        xc_run(self, in_fd, pipefd[1], (size_t)sb.st_size, format, &lim);
    }
    saved_errno = errno;
    (void)pthread_sigmask(SIG_SETMASK, &old, NULL);
    (void)close(pipefd[1]);
    (void)close(in_fd);
    if (pid < 0) {
        (void)close(pipefd[0]);
        return cv_error_set(err, CV_ERR_INTERNAL, "extract: fork: %s", strerror(saved_errno));
    }

    cv_buf_init(&msg, sizeof(struct xmsg_header) + extract_raw_max(&lim));
    st = xp_collect(pipefd[0], deadline_ms, &msg, &timed_out, &overflow);
    (void)close(pipefd[0]);
    known = xp_reap(pid, st != CV_OK || timed_out || overflow, deadline_ms, &wstatus, &timed_out);

    if (timed_out)
        st = cv_error_set(err, CV_ERR_TIMEOUT, "the document took too long to read");
    else if (st == CV_ERR_IO)
        st = cv_error_set(err, CV_ERR_IO, "extract: reading from the child failed");
    else if (st != CV_OK)
        st = cv_error_set(err, st, "extract: %s", cv_status_name(st));
    else if (overflow || (known && (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)))
        st = cv_error_set(err, CV_ERR_DOCUMENT, "the document could not be read");
    else
        st = xp_finish(&msg, format, &lim, out, err);
    cv_buf_free(&msg);
    return st;
}

enum cv_status extract_bytes_unconfined(const void *data, size_t size, enum extract_format format,
                                        const struct extract_limits *limits,
                                        struct extract_result *out, struct cv_error *err)
{
    struct extract_limits lim;
    struct xmsg_header h;
    struct xchild xc;
    struct cv_buf msg;
    enum xreason reason;
    enum cv_status st;

    if (!xp_arguments(out, limits, format, &lim) || (data == NULL && size > 0))
        return cv_error_set(err, CV_ERR_INTERNAL, "extract: invalid argument");
    if (size > EXTRACT_INPUT_MAX_BYTES)
        return xp_too_large(err);

    memset(&xc, 0, sizeof(xc));
    xc.lim = &lim;
    xc.data = size > 0 ? data : (const unsigned char *)"";
    xc.size = size;
    cv_buf_init(&xc.text, extract_raw_max(&lim));
    reason = xc_parse(&xc, format);
    xc_header(&xc, reason, 0, &h);
    /* The same message the child sends, checked by the same code. */
    cv_buf_init(&msg, sizeof(h) + extract_raw_max(&lim));
    st = cv_buf_append(&msg, &h, sizeof(h));
    if (st == CV_OK && h.len > 0)
        st = cv_buf_append(&msg, xc.text.data, (size_t)h.len);
    cv_buf_free(&xc.text);
    st = st == CV_OK ? xp_finish(&msg, format, &lim, out, err)
                     : cv_error_set(err, CV_ERR_NOMEM, "extract: out of memory");
    cv_buf_free(&msg);
    return st;
}
