/*
 * fuzz_filetype.c - the upload sniffer and the display name rules on any
 * bytes. The first input byte picks how the rest is cut into chunks; the
 * verdict (status, type, message) must equal that of one whole feed, or
 * the harness aborts. The whole input is also taken as a client file name:
 * the result must be non-empty, at most FILETYPE_DISPLAY_NAME_MAX_BYTES,
 * valid UTF-8, free of separators and C0/DEL controls, and not start or end
 * with a space or a dot.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filetype.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_verdict {
    enum cv_status status;
    enum cv_file_type type;
    struct cv_error err;
};

/* Feed d in chunks: chunk 0 means one feed; otherwise sizes cycle through
 * chunk, 1, 2 * chunk + 3 so that cuts land everywhere. */
static void fuzz_sniff(const uint8_t *d, size_t n, size_t chunk, struct fuzz_verdict *v)
{
    struct filetype_sniffer s;
    size_t i = 0, k = 0, step;

    cv_error_clear(&v->err);
    filetype_sniffer_init(&s);
    while (i < n) {
        if (chunk == 0)
            step = n - i;
        else
            step = k % 3 == 0 ? chunk : k % 3 == 1 ? 1 : 2 * chunk + 3;
        k++;
        if (step > n - i)
            step = n - i;
        if (filetype_sniffer_feed(&s, d + i, step, &v->err) != CV_OK)
            abort();   /* only allocation can fail, and not here */
        i += step;
    }
    v->status = filetype_sniffer_finish(&s, &v->type, &v->err);
    filetype_sniffer_free(&s);
}

static void fuzz_check_name(const uint8_t *d, size_t n, enum cv_file_type type)
{
    char out[FILETYPE_DISPLAY_NAME_MAX_BYTES + 1];
    size_t len, i;

    if (filetype_display_name((const char *)d, n, type, out, sizeof(out), NULL) != CV_OK)
        abort();
    len = strlen(out);
    if (len == 0 || len > FILETYPE_DISPLAY_NAME_MAX_BYTES ||
        !cv_utf8_valid((const unsigned char *)out, len) || out[0] == ' ' || out[0] == '.' ||
        out[len - 1] == ' ' || out[len - 1] == '.')
        abort();
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)out[i];

        if (c < 0x20 || c == 0x7F || c == '/' || c == '\\')
            abort();
        if (c == 0xC2 && i + 1 < len && (unsigned char)out[i + 1] < 0xA0)
            abort();   /* C1 control */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_verdict whole, cut;
    size_t chunk;

    if (size == 0)
        return 0;
    chunk = 1 + data[0] % 64;
    fuzz_sniff(data + 1, size - 1, 0, &whole);
    fuzz_sniff(data + 1, size - 1, chunk, &cut);
    if (whole.status != cut.status || whole.type != cut.type ||
        strcmp(whole.err.message, cut.err.message) != 0)
        abort();
    if ((whole.status == CV_OK) != (whole.type != CV_FILE_UNKNOWN))
        abort();
    fuzz_check_name(data, size, whole.type);
    return 0;
}
