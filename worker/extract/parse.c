/*
 * parse.c (worker/extract/) - the parsers of cv-extract: the raw text of a
 * PDF (poppler-glib, in the reading order of pdf_layout.c), a DOCX
 * (libzip, libxml2's SAX2 push parser) or a UTF-8 text file, held in
 * memory (see parse.h).
 *
 * Runs only inside cv-extract, under its rlimits and seccomp filter: no
 * file is opened, nothing is printed, every size is capped here again.
 */
#include "parse.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <libxml/parser.h>
#include <poppler.h>
#include <zip.h>

#include "extract.h"
#include "pdf_layout.h"
#include "utf8.h"

_Static_assert(EXTRACT_DOCX_PART_MAX_BYTES <= INT_MAX,
               "libxml2 takes a part's size as an int");

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

static int xc_emit(void *ud, const char *p, size_t n)
{
    return xc_append(ud, p, n);
}

/*
 * Append a page's text in reading order (pdf_layout.c): columns one after
 * the other, a right-aligned date on its title's line. Without a layout
 * the text goes as poppler gave it.
 */
static int xc_pdf_page_text(struct xchild *xc, PopplerPage *page, const char *text)
{
    PopplerRectangle *rects = NULL;
    struct pdf_box *boxes;
    guint nrects = 0, k;
    int ok;

    if (!poppler_page_get_text_layout(page, &rects, &nrects))
        return xc_append_str(xc, text);
    boxes = malloc((nrects > 0 ? nrects : 1) * sizeof(*boxes));
    if (boxes == NULL) {
        g_free(rects);
        xc->nomem = 1;
        return 0;
    }
    for (k = 0; k < nrects; k++) {
        boxes[k].x1 = rects[k].x1;
        boxes[k].y1 = rects[k].y1;
        boxes[k].x2 = rects[k].x2;
        boxes[k].y2 = rects[k].y2;
    }
    g_free(rects);
    ok = pdf_layout_page(text, strlen(text), boxes, nrects, xc_emit, xc);
    free(boxes);
    if (ok < 0)
        xc->nomem = 1;
    return ok > 0;
}

enum xwire_reason extract_parse_pdf(struct xchild *xc)
{
    GBytes *bytes;
    GError *gerr = NULL;
    PopplerDocument *doc;
    enum xwire_reason reason = XR_OK;
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
    else if ((unsigned)npages > xc->pdf_max_pages)
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
/* Nested cells and text boxes we track for paragraph breaks. */
#define XC_MAX_CONTAINERS 64
/* One zip_fread call. */
#define XC_ZIP_CHUNK_BYTES (64 * 1024)

enum xc_kind { XK_OTHER = 0, XK_P, XK_R, XK_T, XK_TBL, XK_TR, XK_TC, XK_TXBX };

/* What holds the paragraphs being read: a table cell's stay on the row's
 * line when the cell has one, a text box's are lines of their own. */
enum xc_container { XCC_CELL = 1, XCC_TEXT_BOX = 2 };

/* State of the walk over one part, the SAX callbacks' user data. */
struct xc_walk {
    struct xchild *xc;
    xmlParserCtxtPtr ctxt;                  /* to stop the parser */
    enum xwire_reason reason;                    /* set when we stop it */
    int depth;                              /* open elements */
    unsigned char kind[XC_XML_MAX_DEPTH];   /* enum xc_kind per open element */
    int skip_depth;                         /* >= 0: inside mc:Fallback */
    int tr_depth;                           /* open table rows */
    unsigned char row_has_cell[XC_MAX_TABLE_NESTING];
    unsigned char row_prev_multi[XC_MAX_TABLE_NESTING]; /* last cell: several paragraphs */
    int nbox;                               /* open cells and text boxes */
    unsigned char box[XC_MAX_CONTAINERS];   /* enum xc_container */
    unsigned box_paras[XC_MAX_CONTAINERS];  /* paragraphs begun in it */
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
    if (xc_streq(local, "txbxContent"))
        return XK_TXBX;
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

/* The innermost open cell or text box (XCC_*), 0 when none or too deep. */
static int xc_walk_box(const struct xc_walk *wk)
{
    if (wk->nbox <= 0 || wk->nbox > XC_MAX_CONTAINERS)
        return 0;
    return wk->box[wk->nbox - 1];
}

static void xc_walk_push_box(struct xc_walk *wk, enum xc_container c)
{
    if (wk->nbox < XC_MAX_CONTAINERS) {
        wk->box[wk->nbox] = (unsigned char)c;
        wk->box_paras[wk->nbox] = 0;
    }
    wk->nbox++;
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
                if (wk->tr_depth <= XC_MAX_TABLE_NESTING) {
                    wk->row_has_cell[wk->tr_depth - 1] = 0;
                    wk->row_prev_multi[wk->tr_depth - 1] = 0;
                }
            } else if (kind == XK_TC) {
                /* Cells of one paragraph share the row's line ("Excel |
                 * Sage"); after a cell of several (a layout table's
                 * sidebar, a title with its bullets) the next starts a line. */
                if (wk->tr_depth > 0 && wk->tr_depth <= XC_MAX_TABLE_NESTING) {
                    if (wk->row_has_cell[wk->tr_depth - 1])
                        xc_walk_outs(wk, wk->row_prev_multi[wk->tr_depth - 1] ? "\n" : " | ");
                    wk->row_has_cell[wk->tr_depth - 1] = 1;
                }
                xc_walk_push_box(wk, XCC_CELL);
            } else if (kind == XK_TXBX) {
                xc_walk_outs(wk, "\n");
                xc_walk_push_box(wk, XCC_TEXT_BOX);
            } else if (kind == XK_P && xc_walk_box(wk) == XCC_CELL) {
                if (wk->box_paras[wk->nbox - 1]++ > 0)
                    xc_walk_outs(wk, "\n");
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
        /* A cell's paragraphs are separated when the next one begins. */
        if (xc_walk_box(wk) != XCC_CELL)
            xc_walk_outs(wk, "\n");
        break;
    case XK_TC:
        if (wk->tr_depth > 0 && wk->tr_depth <= XC_MAX_TABLE_NESTING && xc_walk_box(wk) == XCC_CELL)
            wk->row_prev_multi[wk->tr_depth - 1] = wk->box_paras[wk->nbox - 1] > 1;
        if (wk->nbox > 0)
            wk->nbox--;
        break;
    case XK_TXBX:
        if (wk->nbox > 0)
            wk->nbox--;
        xc_walk_outs(wk, "\n");
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
static enum xwire_reason xc_docx_part(struct xchild *xc, const char *xml, size_t len)
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
static enum xwire_reason xc_zip_read(zip_t *za, zip_uint64_t idx, size_t *budget, struct cv_buf *out)
{
    zip_stat_t st;
    zip_file_t *zf;
    char *chunk;
    size_t cap = EXTRACT_DOCX_PART_MAX_BYTES < *budget ? EXTRACT_DOCX_PART_MAX_BYTES : *budget;
    enum xwire_reason reason = XR_OK;

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

enum xwire_reason extract_parse_docx(struct xchild *xc)
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
    enum xwire_reason reason = XR_OK;

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

enum xwire_reason extract_parse_text(struct xchild *xc)
{
    if (!cv_utf8_valid(xc->data, xc->size))
        return XR_TEXT_NOT_UTF8;
    (void)xc_append(xc, (const char *)xc->data, xc->size);
    return XR_OK;
}
