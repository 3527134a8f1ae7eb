/*
 * stripe_signature.c - parse and verify Stripe-Signature headers (see
 * stripe_signature.h). The MAC is streamed through libsodium's HMAC-SHA256
 * so the body is never copied.
 */
#include "stripe_signature.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

/* Decimal digits of INT64_MAX (19) and a NUL, rounded up. */
#define STRIPE_SIGNATURE_TIMESTAMP_MAX_BYTES 24

static enum cv_status malformed(struct cv_error *err)
{
    return cv_error_set(err, CV_ERR_BAD_SIGNATURE, "%s", STRIPE_SIGNATURE_MSG_MALFORMED);
}

static bool is_key_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

/* Visible ASCII except the item separator; '=' may appear in a value. */
static bool is_value_char(unsigned char c)
{
    return c >= 0x21 && c <= 0x7E && c != ',';
}

/* Decimal digits to a non-negative int64_t; false on anything else or on
 * overflow. */
static bool parse_timestamp(const char *s, size_t len, int64_t *out)
{
    int64_t v = 0;
    size_t i;

    if (len == 0)
        return false;
    for (i = 0; i < len; i++) {
        int d;

        if (s[i] < '0' || s[i] > '9')
            return false;
        d = s[i] - '0';
        if (v > (INT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

static int hex_nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;      /* upper case included: Stripe writes lower case */
}

/* Exactly STRIPE_SIGNATURE_HEX_LEN lower-case hex digits to a MAC. */
static bool parse_mac_hex(const char *s, size_t len, unsigned char mac[STRIPE_SIGNATURE_MAC_BYTES])
{
    size_t i;

    if (len != STRIPE_SIGNATURE_HEX_LEN)
        return false;
    for (i = 0; i < STRIPE_SIGNATURE_MAC_BYTES; i++) {
        int hi = hex_nibble(s[2 * i]), lo = hex_nibble(s[2 * i + 1]);

        if (hi < 0 || lo < 0)
            return false;
        mac[i] = (unsigned char)(hi << 4 | lo);
    }
    return true;
}

enum cv_status stripe_signature_parse(const char *header, size_t len,
                                      struct stripe_signature_header *out,
                                      struct cv_error *err)
{
    size_t pos = 0, nitems = 0;
    bool have_t = false;

    memset(out, 0, sizeof(*out));
    if (header == NULL || len == 0)
        return cv_error_set(err, CV_ERR_BAD_SIGNATURE, "%s", STRIPE_SIGNATURE_MSG_MISSING);
    if (len > STRIPE_SIGNATURE_HEADER_MAX_BYTES)
        return malformed(err);

    /* Each pass consumes one item and its separator; pos only grows. */
    for (;;) {
        const char *key = header + pos, *value;
        size_t klen, vlen;

        while (pos < len && is_key_char((unsigned char)header[pos]))
            pos++;
        klen = (size_t)(header + pos - key);
        if (klen == 0 || pos >= len || header[pos] != '=')
            return malformed(err);
        pos++;
        value = header + pos;
        while (pos < len && is_value_char((unsigned char)header[pos]))
            pos++;
        vlen = (size_t)(header + pos - value);
        if (vlen == 0 || ++nitems > STRIPE_SIGNATURE_MAX_ITEMS)
            return malformed(err);

        if (klen == 1 && key[0] == 't') {
            if (have_t || !parse_timestamp(value, vlen, &out->timestamp))
                return malformed(err);
            have_t = true;
        } else if (klen == 2 && key[0] == 'v' && key[1] == '1') {
            if (out->nv1 >= STRIPE_SIGNATURE_MAX_V1 ||
                !parse_mac_hex(value, vlen, out->v1[out->nv1]))
                return malformed(err);
            out->nv1++;
        }
        /* any other key (v0, a future scheme) is skipped */

        if (pos == len)
            break;
        if (header[pos] != ',')
            return malformed(err);      /* whitespace, control byte, ... */
        pos++;                          /* a trailing ',' fails on the next key */
    }
    if (!have_t || out->nv1 == 0)
        return malformed(err);
    return CV_OK;
}

/* mac = HMAC-SHA256(secret, "<timestamp>.<body>"). */
static enum cv_status signature_mac(const char *secret, size_t secret_len, int64_t timestamp,
                                    const char *body, size_t body_len,
                                    unsigned char mac[STRIPE_SIGNATURE_MAC_BYTES],
                                    struct cv_error *err)
{
    crypto_auth_hmacsha256_state state;
    char ts[STRIPE_SIGNATURE_TIMESTAMP_MAX_BYTES];
    int n;

    n = snprintf(ts, sizeof(ts), "%" PRId64 ".", timestamp);
    if (n < 0 || (size_t)n >= sizeof(ts))
        return cv_error_set(err, CV_ERR_INTERNAL, "stripe signature: timestamp does not fit");
    if (crypto_auth_hmacsha256_init(&state, (const unsigned char *)secret, secret_len) != 0 ||
        crypto_auth_hmacsha256_update(&state, (const unsigned char *)ts,
                                      (unsigned long long)n) != 0 ||
        (body_len > 0 &&
         crypto_auth_hmacsha256_update(&state, (const unsigned char *)body,
                                       (unsigned long long)body_len) != 0) ||
        crypto_auth_hmacsha256_final(&state, mac) != 0) {
        sodium_memzero(&state, sizeof(state));
        return cv_error_set(err, CV_ERR_INTERNAL, "stripe signature: HMAC-SHA256 failed");
    }
    sodium_memzero(&state, sizeof(state));
    return CV_OK;
}

enum cv_status stripe_signature_verify(const char *header, size_t header_len,
                                       const char *body, size_t body_len,
                                       const char *secret, size_t secret_len,
                                       int64_t now, long tolerance_s,
                                       struct cv_error *err)
{
    struct stripe_signature_header h;
    unsigned char expected[STRIPE_SIGNATURE_MAC_BYTES];
    enum cv_status st;
    uint64_t skew_s;
    int matched = 0;
    size_t i;

    /* Configuration bugs first: they must not hide behind a header error. */
    if (secret == NULL || secret_len == 0)
        return cv_error_set(err, CV_ERR_INTERNAL, "stripe signature: webhook secret is empty");
    if (tolerance_s < 0)
        return cv_error_set(err, CV_ERR_INTERNAL, "stripe signature: negative tolerance %ld",
                            tolerance_s);
    if (body == NULL && body_len > 0)
        return cv_error_set(err, CV_ERR_INTERNAL, "stripe signature: NULL body of %zu bytes",
                            body_len);

    st = stripe_signature_parse(header, header_len, &h, err);
    if (st != CV_OK)
        return st;
    st = signature_mac(secret, secret_len, h.timestamp, body, body_len, expected, err);
    if (st != CV_OK)
        return st;
    /* Every v1 is compared, in constant time, with no early exit. */
    for (i = 0; i < h.nv1; i++)
        matched |= sodium_memcmp(expected, h.v1[i], sizeof(expected)) == 0;
    sodium_memzero(expected, sizeof(expected));
    if (!matched)
        return cv_error_set(err, CV_ERR_BAD_SIGNATURE, "%s", STRIPE_SIGNATURE_MSG_NO_MATCH);

    /* |now - t| without overflow: the difference of two int64_t always
     * fits in uint64_t when taken larger minus smaller. */
    skew_s = h.timestamp >= now ? (uint64_t)h.timestamp - (uint64_t)now
                                : (uint64_t)now - (uint64_t)h.timestamp;
    if (skew_s > (uint64_t)tolerance_s)
        return cv_error_set(err, CV_ERR_BAD_SIGNATURE, "%s", STRIPE_SIGNATURE_MSG_STALE);
    return CV_OK;
}

enum cv_status stripe_signature_compute(const char *secret, size_t secret_len,
                                        int64_t timestamp,
                                        const char *body, size_t body_len,
                                        char *out, size_t out_size,
                                        struct cv_error *err)
{
    unsigned char mac[STRIPE_SIGNATURE_MAC_BYTES];
    char hex[STRIPE_SIGNATURE_HEX_LEN + 1];
    enum cv_status st;
    int n;

    if (out_size > 0)
        out[0] = '\0';
    if (secret == NULL || secret_len == 0)
        return cv_error_set(err, CV_ERR_INTERNAL, "stripe signature: webhook secret is empty");
    if (timestamp < 0)
        return cv_error_set(err, CV_ERR_INTERNAL, "stripe signature: negative timestamp");
    if (body == NULL && body_len > 0)
        return cv_error_set(err, CV_ERR_INTERNAL, "stripe signature: NULL body of %zu bytes",
                            body_len);
    st = signature_mac(secret, secret_len, timestamp, body, body_len, mac, err);
    if (st != CV_OK)
        return st;
    sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
    sodium_memzero(mac, sizeof(mac));
    n = out_size > 0 ? snprintf(out, out_size, "t=%" PRId64 ",v1=%s", timestamp, hex) : -1;
    sodium_memzero(hex, sizeof(hex));
    if (n < 0 || (size_t)n >= out_size) {
        if (out_size > 0)
            memset(out, 0, out_size);   /* no partial header */
        return cv_error_set(err, CV_ERR_INTERNAL,
                            "stripe signature: output buffer of %zu bytes is too small", out_size);
    }
    return CV_OK;
}
