/*
 * fuzz_extract.h - the check shared by the extraction harnesses: read the
 * bytes as format with production limits (a small text cap, so that the
 * truncation path is reached too) and check extract.h's contract.
 */
#ifndef CV_FUZZ_EXTRACT_H
#define CV_FUZZ_EXTRACT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "utf8.h"

/* A text cap small enough for fuzz inputs to reach it. */
#define FUZZ_EXTRACT_TEXT_MAX_BYTES 4096

static inline void fuzz_extract(const uint8_t *data, size_t size, enum extract_format format)
{
    struct extract_limits lim;
    struct extract_result r;
    struct cv_error err;
    enum cv_status st;
    /* an exactly-sized private copy, so ASan sees any read past size */
    uint8_t *copy = malloc(size > 0 ? size : 1);

    if (copy == NULL)
        return;
    if (size > 0)
        memcpy(copy, data, size);
    extract_limits_default(&lim);
    lim.text_max_bytes = FUZZ_EXTRACT_TEXT_MAX_BYTES;
    cv_error_clear(&err);
    st = extract_bytes_unconfined(copy, size, format, &lim, &r, &err);
    if (st == CV_OK) {
        if (r.text == NULL || r.len == 0 || r.len > lim.text_max_bytes ||
            r.text[r.len] != '\0' || !cv_utf8_valid((const unsigned char *)r.text, r.len) ||
            r.sandboxed)
            abort();
    } else if ((st != CV_ERR_DOCUMENT && st != CV_ERR_NOMEM) || err.message[0] == '\0' ||
               r.text != NULL) {
        abort();
    }
    extract_result_free(&r);
    free(copy);
}

#endif
