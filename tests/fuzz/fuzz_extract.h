/*
 * fuzz_extract.h - the check shared by the extraction harnesses: feed the
 * bytes to cv-extract's parser for one format (worker/extract/parse.h),
 * in process, with production's page cap and a small raw-text cap so that
 * the truncation path is reached too, and check the parser's contract:
 * a known reason, and on XR_OK text within the cap.
 */
#ifndef CV_FUZZ_EXTRACT_H
#define CV_FUZZ_EXTRACT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "parse.h"

/* A raw-text cap small enough for fuzz inputs to reach it. */
#define FUZZ_EXTRACT_RAW_MAX_BYTES 4096

static inline void fuzz_extract(const uint8_t *data, size_t size,
                                enum xwire_reason (*parse)(struct xchild *xc))
{
    struct extract_limits lim;
    struct xchild xc;
    enum xwire_reason reason;
    /* an exactly-sized private copy, so ASan sees any read past size */
    uint8_t *copy = malloc(size > 0 ? size : 1);

    if (copy == NULL)
        return;
    if (size > 0)
        memcpy(copy, data, size);
    extract_limits_default(&lim);
    memset(&xc, 0, sizeof(xc));
    xc.data = copy;
    xc.size = size;
    xc.pdf_max_pages = lim.pdf_max_pages;
    cv_buf_init(&xc.text, FUZZ_EXTRACT_RAW_MAX_BYTES);
    reason = parse(&xc);
    if ((unsigned)reason >= XR_COUNT || xc.text.len > FUZZ_EXTRACT_RAW_MAX_BYTES ||
        (reason == XR_NOMEM) != (xc.nomem != 0))
        abort();
    cv_buf_free(&xc.text);
    free(copy);
}

#endif
