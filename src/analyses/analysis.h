/*
 * analysis.h - the analysis record as the core handles it: what was
 * uploaded, with which options, and where its processing stands. The
 * result itself stays a JSON document (json-c) as the analyzer produced
 * and validated it.
 */
#ifndef CV_ANALYSIS_H
#define CV_ANALYSIS_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "filetype.h"
#include "storage.h"
#include "user_repo.h"

/* API.md limits of the upload's text fields, in code points. */
#define ANALYSIS_JOB_DESCRIPTION_MAX_CODE_POINTS 20000
#define ANALYSIS_TARGET_ROLE_MAX_CODE_POINTS 200
#define ANALYSIS_LANGUAGE_MAX_BYTES 8          /* "fr", "en", "pt-BR" */
#define ANALYSIS_FILE_NAME_MAX_BYTES FILETYPE_DISPLAY_NAME_MAX_BYTES
#define ANALYSIS_MIME_MAX_BYTES 96
#define ANALYSIS_ERROR_MAX_BYTES 512

enum analysis_status {
    ANALYSIS_QUEUED,
    ANALYSIS_PROCESSING,
    ANALYSIS_COMPLETED,
    ANALYSIS_FAILED,
};

struct analysis_options {
    char *job_description;      /* NULL when not given; malloc'd */
    char *target_role;          /* NULL when not given; malloc'd */
    bool optimize;
    char language[ANALYSIS_LANGUAGE_MAX_BYTES + 1];   /* "" when not given */
};

/* A record. Strings are owned by the struct; release with analysis_free. */
struct analysis {
    char id[USER_ID_HEX_LEN + 1];
    char user_id[USER_ID_HEX_LEN + 1];
    enum analysis_status status;
    char file_name[ANALYSIS_FILE_NAME_MAX_BYTES + 1];
    int64_t file_size;
    char mime_type[ANALYSIS_MIME_MAX_BYTES + 1];
    char file_key[STORAGE_KEY_MAX];
    char file_sha256[65];           /* "" on records imported without one */
    char file_storage[STORAGE_KIND_NAME_MAX];   /* "local", "s3"; "" on old records */
    struct analysis_options options;
    int attempts;
    char error[ANALYSIS_ERROR_MAX_BYTES + 1];   /* "" when none */
    json_object *result;          /* NULL until completed */
    char *optimized_version;      /* NULL unless completed with optimize */
    char *original_text;          /* NULL unless loaded and extracted */
    json_object *analyzer;        /* NULL until completed */
    char request_id[72];
    int64_t created_at_ms, updated_at_ms, started_at_ms, completed_at_ms;
};

const char *analysis_status_name(enum analysis_status s);
/* false when s names no status */
bool analysis_status_parse(const char *s, enum analysis_status *out);

void analysis_free(struct analysis *a);

#endif
