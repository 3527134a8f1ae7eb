/*
 * fuzz_extract_pdf.c - arbitrary bytes as a PDF through cv-extract's PDF
 * parser (poppler, the page cap, the raw-text cap), in process. Must never
 * crash; answers a known reason, and text within the cap.
 */
#include "fuzz_extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_extract(data, size, extract_parse_pdf);
    return 0;
}
