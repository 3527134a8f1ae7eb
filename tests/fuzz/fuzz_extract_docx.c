/*
 * fuzz_extract_docx.c - arbitrary bytes as a DOCX through the extraction
 * code the worker's child runs (libzip with its entry and inflation
 * budgets, the libxml2 SAX walk that refuses DTDs, the text caps, the
 * parent's checks), in process: see extract_bytes_unconfined. The same
 * bytes are also read as plain text. Must never crash; answers CV_OK with
 * non-empty valid UTF-8 text within the cap, or CV_ERR_DOCUMENT.
 */
#include "fuzz_extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_extract(data, size, EXTRACT_DOCX);
    fuzz_extract(data, size, EXTRACT_TEXT);
    return 0;
}
