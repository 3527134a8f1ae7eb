/*
 * fuzz_extract_docx.c - arbitrary bytes as a DOCX through cv-extract's
 * DOCX parser (libzip with its entry and inflation budgets, the libxml2
 * SAX walk that refuses DTDs, the raw-text cap), in process; the same
 * bytes are also read as plain text. Must never crash; answers a known
 * reason, and text within the cap.
 */
#include "fuzz_extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_extract(data, size, extract_parse_docx);
    fuzz_extract(data, size, extract_parse_text);
    return 0;
}
