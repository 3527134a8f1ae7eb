/*
 * fuzz_extract_pdf.c - arbitrary bytes as a PDF through the extraction
 * code the worker's child runs (poppler, the page cap, the text caps, the
 * parent's checks and normalisation), in process: see
 * extract_bytes_unconfined. Must never crash; answers CV_OK with non-empty
 * valid UTF-8 text within the cap, or CV_ERR_DOCUMENT with a message.
 */
#include "fuzz_extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_extract(data, size, EXTRACT_PDF);
    return 0;
}
