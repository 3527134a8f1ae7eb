/*
 * fuzz_stripe_signature.c - arbitrary bytes as a Stripe-Signature header:
 * parsed, then verified against a fixed body and secret at a fixed time.
 * Must never crash or read out of bounds, and the results must agree: a
 * parsed header is within the caps, verification answers only CV_OK or
 * CV_ERR_BAD_SIGNATURE with one of the four documented messages, and
 * passes only for a header that parses. The corpus's valid seed signs
 * FUZZ_BODY with FUZZ_SECRET at FUZZ_NOW, so mutations reach the MAC path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stripe_signature.h"

#define FUZZ_SECRET "whsec_test_secret"
#define FUZZ_BODY "{\"id\":\"evt_1\"}"
#define FUZZ_NOW 1700000000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_documented(const char *message)
{
    return strcmp(message, STRIPE_SIGNATURE_MSG_MISSING) == 0 ||
           strcmp(message, STRIPE_SIGNATURE_MSG_MALFORMED) == 0 ||
           strcmp(message, STRIPE_SIGNATURE_MSG_STALE) == 0 ||
           strcmp(message, STRIPE_SIGNATURE_MSG_NO_MATCH) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct stripe_signature_header h;
    struct cv_error err;
    enum cv_status parsed, verified;
    /* A private copy: libFuzzer's buffer is exactly size bytes, and a copy
     * of that size lets ASan catch any read past the header's length. */
    char *header = size > 0 ? malloc(size) : NULL;

    if (size > 0 && header == NULL)
        return 0;
    if (size > 0)
        memcpy(header, data, size);

    cv_error_clear(&err);
    parsed = stripe_signature_parse(header, size, &h, &err);
    if (parsed == CV_OK) {
        if (h.nv1 == 0 || h.nv1 > STRIPE_SIGNATURE_MAX_V1 || h.timestamp < 0 ||
            size > STRIPE_SIGNATURE_HEADER_MAX_BYTES)
            abort();
    } else if (parsed != CV_ERR_BAD_SIGNATURE || !is_documented(err.message)) {
        abort();
    }

    cv_error_clear(&err);
    verified = stripe_signature_verify(header, size, FUZZ_BODY, strlen(FUZZ_BODY), FUZZ_SECRET,
                                       strlen(FUZZ_SECRET), FUZZ_NOW,
                                       STRIPE_SIGNATURE_DEFAULT_TOLERANCE_S, &err);
    if (verified == CV_OK) {
        if (parsed != CV_OK)
            abort();
    } else if (verified != CV_ERR_BAD_SIGNATURE || !is_documented(err.message) ||
               (parsed != CV_OK && strcmp(err.message, STRIPE_SIGNATURE_MSG_NO_MATCH) == 0)) {
        abort();
    }
    free(header);
    return 0;
}
