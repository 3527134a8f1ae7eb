/*
 * fuzz_json_body.c - arbitrary bytes as the JSON body of every endpoint
 * that takes one: http_parse_json_object (what every handler reads), then
 * the field readers and rules of register, login, DELETE /api/auth/me and
 * checkout, as the handlers apply them. Must never crash or read out of
 * bounds, and the contracts must hold: a parse failure is malformed_json
 * or too large, never anything else; a parsed body is an object; every
 * field the readers return is valid UTF-8 within its cap; a normalised
 * email or name is valid UTF-8 that fits its buffer. The Stripe webhook
 * body has its own harness path through fuzz_stripe_signature and the
 * billing unit tests (it needs a signature first).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "account_rules.h"
#include "cv_limits.h"
#include "http.h"
#include "json_fields.h"
#include "password.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The string fields a JSON body of the API carries, each read with a cap
 * (the handlers' caps are their own; the readers' contract is the same). */
static const struct {
    const char *name;
    size_t max_bytes;
} fuzz_fields[] = {
    { "email", 1024 },
    { "password", 1024 },
    { "name", 1024 },
    { "plan", 64 },
};

static void fuzz_fields_of(json_object *body)
{
    char email[ACCOUNT_EMAIL_MAX_BYTES + 1], name[ACCOUNT_NAME_MAX_BYTES + 1];
    const char *v, *why;
    struct cv_error err;
    size_t i, len;

    for (i = 0; i < sizeof(fuzz_fields) / sizeof(fuzz_fields[0]); i++) {
        cv_error_clear(&err);
        v = NULL;
        len = 0;
        if (!json_field_string(body, fuzz_fields[i].name, i % 2 == 0, fuzz_fields[i].max_bytes,
                               &v, &len, &err)) {
            if (err.nfields == 0)
                abort();
            continue;
        }
        if (v == NULL) {
            if (i % 2 == 0 || len != 0)
                abort();
            continue;
        }
        if (len > fuzz_fields[i].max_bytes || strlen(v) > len ||
            !cv_utf8_valid((const unsigned char *)v, len))
            abort();
        /* the rules each endpoint applies to what it read */
        if (strcmp(fuzz_fields[i].name, "email") == 0 &&
            account_email_normalize(v, len, email, sizeof(email)) &&
            (strlen(email) > ACCOUNT_EMAIL_MAX_BYTES ||
             !cv_utf8_valid((const unsigned char *)email, strlen(email))))
            abort();
        if (strcmp(fuzz_fields[i].name, "password") == 0 && !password_policy_ok(v, len, &why) &&
            (why == NULL || why[0] == '\0'))
            abort();
        if (strcmp(fuzz_fields[i].name, "name") == 0 &&
            account_name_normalize(v, len, name, sizeof(name), &why) &&
            (strlen(name) > ACCOUNT_NAME_MAX_BYTES ||
             !cv_utf8_valid((const unsigned char *)name, strlen(name))))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exactly-sized private copy, so ASan sees any read past size. */
    char *copy = malloc(size > 0 ? size : 1);
    json_object *body = (json_object *)1;
    struct cv_error err;
    enum cv_status st;

    if (copy == NULL)
        return 0;
    if (size > 0)
        memcpy(copy, data, size);
    cv_error_clear(&err);
    st = http_parse_json_object(copy, size, &body, &err);
    if (st == CV_OK) {
        if (body == NULL || !json_object_is_type(body, json_type_object) ||
            !cv_utf8_valid(data, size))
            abort();
        fuzz_fields_of(body);
        json_object_put(body);
    } else if (body != NULL || err.status != st || err.message[0] == '\0' ||
               (st != CV_ERR_MALFORMED_JSON && st != CV_ERR_TOO_LARGE) ||
               strstr(err.message, "continue") != NULL) {
        abort();
    }
    free(copy);
    return 0;
}
