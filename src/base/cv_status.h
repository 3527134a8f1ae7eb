/*
 * cv_status.h - the one status type of the core, and the error detail that
 * travels with it.
 *
 * Every core function that can fail returns enum cv_status (CV_OK is 0) and
 * fills a caller-supplied struct cv_error. Codes are only appended, never
 * renumbered. fcgi/http.c owns the single table mapping them to HTTP.
 */
#ifndef CV_STATUS_H
#define CV_STATUS_H

#include <stddef.h>

#define CV_WARN_UNUSED __attribute__((warn_unused_result))
#define CV_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

enum cv_status {
    CV_OK = 0,
    CV_ERR_INTERNAL = 1,         /* a bug or an impossible state */
    CV_ERR_NOMEM = 2,            /* allocation failed */
    CV_ERR_INVALID = 3,          /* validation failed; fields say which */
    CV_ERR_MALFORMED_JSON = 4,   /* body is not a JSON object */
    CV_ERR_UNAUTHORIZED = 5,     /* no or invalid token */
    CV_ERR_INVALID_CREDENTIALS = 6,
    CV_ERR_TOKEN_EXPIRED = 7,
    CV_ERR_QUOTA_EXCEEDED = 8,
    CV_ERR_NOT_FOUND = 9,
    CV_ERR_METHOD_NOT_ALLOWED = 10,
    CV_ERR_EMAIL_TAKEN = 11,
    CV_ERR_CONFLICT = 12,
    CV_ERR_TOO_LARGE = 13,       /* input over a named limit */
    CV_ERR_UNSUPPORTED_MEDIA_TYPE = 14,
    CV_ERR_UNSUPPORTED_FILE_TYPE = 15,
    CV_ERR_BAD_SIGNATURE = 16,
    CV_ERR_RATE_LIMITED = 17,
    CV_ERR_UNAVAILABLE = 18,     /* a dependency is down */
    CV_ERR_BILLING_DISABLED = 19,
    CV_ERR_CONFIG = 20,          /* configuration refused at start */
    CV_ERR_IO = 21,              /* local I/O failed; errno in the message */
    CV_ERR_DOCUMENT = 22,        /* a document cannot be used (corrupt, no text,
                                    over a limit); permanent, message says why */
    CV_ERR_TIMEOUT = 23,         /* an operation ran past its time bound */
};

/* Room for the fields a validation error names (details.fields). */
#define CV_ERROR_MAX_FIELDS 16
#define CV_ERROR_FIELD_NAME_MAX 64
#define CV_ERROR_MESSAGE_MAX 256

struct cv_field_error {
    char name[CV_ERROR_FIELD_NAME_MAX];
    char message[CV_ERROR_MESSAGE_MAX];
};

/*
 * Detail of a failure. `message` is safe to show a client for client-side
 * errors; for CV_ERR_INTERNAL/IO/UNAVAILABLE it is for the log only and the
 * client sees a generic text. `retry_after_s` is set for CV_ERR_RATE_LIMITED.
 */
struct cv_error {
    enum cv_status status;
    char message[CV_ERROR_MESSAGE_MAX];
    size_t nfields;
    struct cv_field_error fields[CV_ERROR_MAX_FIELDS];
    long retry_after_s;
};

/* Reset to CV_OK with no message and no fields. */
void cv_error_clear(struct cv_error *err);

/* Set status and a formatted message; returns status so callers can
 * `return cv_error_set(err, CV_ERR_X, "...")`. err may be NULL. */
enum cv_status cv_error_set(struct cv_error *err, enum cv_status status,
                            const char *fmt, ...) CV_PRINTF(3, 4);

/* Add one bad field (status becomes CV_ERR_INVALID). Fields past
 * CV_ERROR_MAX_FIELDS are dropped; the first ones are kept. */
void cv_error_add_field(struct cv_error *err, const char *name,
                        const char *fmt, ...) CV_PRINTF(3, 4);

/* Stable lower-case name of a status, for logs ("not_found"). */
const char *cv_status_name(enum cv_status status);

#endif
