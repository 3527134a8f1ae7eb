/*
 * account_rules.h - what a valid account looks like: email syntax and
 * normalisation, display name. (Password policy is in password.h.)
 * Pure and thread safe.
 */
#ifndef CV_ACCOUNT_RULES_H
#define CV_ACCOUNT_RULES_H

#include <stdbool.h>
#include <stddef.h>

#define ACCOUNT_EMAIL_MAX_BYTES 254
#define ACCOUNT_EMAIL_LOCAL_MAX_BYTES 64
#define ACCOUNT_EMAIL_LABEL_MAX_BYTES 63
#define ACCOUNT_NAME_MAX_CODE_POINTS 100
/* Room for a name of 100 code points of up to 4 bytes, and a NUL. */
#define ACCOUNT_NAME_MAX_BYTES (4 * ACCOUNT_NAME_MAX_CODE_POINTS)

/*
 * Normalise an email (trim surrounding whitespace, lower-case ASCII) into
 * out (at least ACCOUNT_EMAIL_MAX_BYTES + 1 bytes) and check its syntax:
 * an ASCII local part of atext characters and single dots, '@', a domain
 * of at least two LDH labels, 254 bytes at most. False (out unspecified)
 * when it is not a valid address. Internationalised addresses are refused.
 */
bool account_email_normalize(const char *in, size_t len, char *out, size_t out_size);

/*
 * Trim a display name into out (ACCOUNT_NAME_MAX_BYTES + 1 bytes): valid
 * UTF-8, 1..100 code points once trimmed, no control characters. False
 * with a client-facing reason in *why otherwise.
 */
bool account_name_normalize(const char *in, size_t len, char *out, size_t out_size,
                            const char **why);

#endif
