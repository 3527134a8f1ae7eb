/*
 * parse.h (worker/extract/) - the document parsers of cv-extract, on a
 * document already mapped in memory.
 *
 * Each parser appends raw UTF-8 text to xc->text (a cv_buf whose maximum is
 * the raw cap) and returns XR_OK or why it stopped; running out of room is
 * not an error (xc->truncated), running out of memory is (xc->nomem, then
 * XR_NOMEM). Nothing here opens a file or prints. Not thread safe: one
 * document per process.
 */
#ifndef CV_EXTRACT_PARSE_H
#define CV_EXTRACT_PARSE_H

#include <stddef.h>

#include "buf.h"
#include "extract_wire.h"

struct xchild {
    const unsigned char *data;      /* the mapped document (never NULL) */
    size_t size;
    unsigned pdf_max_pages;         /* > 0 */
    struct cv_buf text;             /* raw text; its max is the raw cap */
    int truncated;
    int nomem;
};

enum xwire_reason extract_parse_pdf(struct xchild *xc);
enum xwire_reason extract_parse_docx(struct xchild *xc);
enum xwire_reason extract_parse_text(struct xchild *xc);

#endif
