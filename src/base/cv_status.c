/*
 * cv_status.c - error detail helpers for enum cv_status (see cv_status.h).
 */
#include "cv_status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cv_error_clear(struct cv_error *err)
{
    if (err == NULL)
        return;
    err->status = CV_OK;
    err->message[0] = '\0';
    err->nfields = 0;
    err->retry_after_s = 0;
}

enum cv_status cv_error_set(struct cv_error *err, enum cv_status status,
                            const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return status;
    err->status = status;
    va_start(ap, fmt);
    /* Truncation is acceptable: the message is a human hint. */
    (void)vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return status;
}

void cv_error_add_field(struct cv_error *err, const char *name,
                        const char *fmt, ...)
{
    struct cv_field_error *f;
    va_list ap;

    if (err == NULL)
        return;
    err->status = CV_ERR_INVALID;
    if (err->message[0] == '\0')
        (void)snprintf(err->message, sizeof(err->message),
                       "request validation failed");
    if (err->nfields >= CV_ERROR_MAX_FIELDS)
        return;
    f = &err->fields[err->nfields++];
    (void)snprintf(f->name, sizeof(f->name), "%s", name);
    va_start(ap, fmt);
    (void)vsnprintf(f->message, sizeof(f->message), fmt, ap);
    va_end(ap);
}

const char *cv_status_name(enum cv_status status)
{
    switch (status) {
    case CV_OK: return "ok";
    case CV_ERR_INTERNAL: return "internal";
    case CV_ERR_NOMEM: return "nomem";
    case CV_ERR_INVALID: return "validation_failed";
    case CV_ERR_MALFORMED_JSON: return "malformed_json";
    case CV_ERR_UNAUTHORIZED: return "unauthorized";
    case CV_ERR_INVALID_CREDENTIALS: return "invalid_credentials";
    case CV_ERR_TOKEN_EXPIRED: return "token_expired";
    case CV_ERR_QUOTA_EXCEEDED: return "quota_exceeded";
    case CV_ERR_NOT_FOUND: return "not_found";
    case CV_ERR_METHOD_NOT_ALLOWED: return "method_not_allowed";
    case CV_ERR_EMAIL_TAKEN: return "email_taken";
    case CV_ERR_CONFLICT: return "conflict";
    case CV_ERR_TOO_LARGE: return "payload_too_large";
    case CV_ERR_UNSUPPORTED_MEDIA_TYPE: return "unsupported_media_type";
    case CV_ERR_UNSUPPORTED_FILE_TYPE: return "unsupported_file_type";
    case CV_ERR_BAD_SIGNATURE: return "bad_signature";
    case CV_ERR_RATE_LIMITED: return "rate_limited";
    case CV_ERR_UNAVAILABLE: return "unavailable";
    case CV_ERR_BILLING_DISABLED: return "billing_disabled";
    case CV_ERR_CONFIG: return "config";
    case CV_ERR_IO: return "io";
    case CV_ERR_DOCUMENT: return "document";
    case CV_ERR_TIMEOUT: return "timeout";
    }
    return "unknown";
}
