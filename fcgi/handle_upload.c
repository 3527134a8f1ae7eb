/*
 * handle_upload.c (fcgi/) - POST /api/cv/analyses: a multipart upload
 * streamed from the FastCGI input through the multipart parser, the file
 * part written to a temporary file while it is hashed and its type
 * sniffed, the text fields collected under their caps. Memory stays
 * bounded whatever the file size. Then validate, and hand over to
 * analysis_accept_upload, which stores, records and queues, or leaves
 * nothing behind.
 */
#include "handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "analysis_service.h"
#include "filetype.h"
#include "multipart.h"
#include "render.h"
#include "storage.h"
#include "utf8.h"

#define UPLOAD_READ_CHUNK_BYTES (16 * 1024)
/* The optimize field: "true" or "false", with room to tell a wrong value. */
#define UPLOAD_OPTIMIZE_MAX_BYTES 16
/* The client's raw file name is kept up to this many bytes. */
#define UPLOAD_RAW_NAME_MAX_BYTES 1024

enum upload_part {
    UPLOAD_PART_NONE,
    UPLOAD_PART_CV,
    UPLOAD_PART_TEXT,
    UPLOAD_PART_SKIP,
};

/* A text field: its name, byte cap (code points are checked after), and
 * what was received. */
struct upload_text {
    const char *name;
    size_t max_bytes;
    bool seen;
    struct cv_buf value;
};

enum { TEXT_JOB_DESCRIPTION, TEXT_TARGET_ROLE, TEXT_OPTIMIZE, TEXT_LANGUAGE, TEXT_COUNT };

struct upload {
    const struct cv_config *cfg;
    enum upload_part current;
    struct upload_text *text;       /* the field being read */
    struct upload_text texts[TEXT_COUNT];
    bool have_cv;
    struct storage_writer writer;
    struct filetype_sniffer sniffer;
    char raw_name[UPLOAD_RAW_NAME_MAX_BYTES + 1];
    size_t raw_name_len;
};

static void upload_init(struct upload *u, const struct cv_config *cfg)
{
    static const struct { const char *name; size_t max; } fields[TEXT_COUNT] = {
        [TEXT_JOB_DESCRIPTION] = { "jobDescription", 4 * ANALYSIS_JOB_DESCRIPTION_MAX_CODE_POINTS },
        [TEXT_TARGET_ROLE] = { "targetRole", 4 * ANALYSIS_TARGET_ROLE_MAX_CODE_POINTS },
        [TEXT_OPTIMIZE] = { "optimize", UPLOAD_OPTIMIZE_MAX_BYTES },
        [TEXT_LANGUAGE] = { "language", ANALYSIS_LANGUAGE_MAX_BYTES },
    };
    size_t i;

    memset(u, 0, sizeof(*u));
    u->cfg = cfg;
    u->writer.fd = -1;
    for (i = 0; i < TEXT_COUNT; i++) {
        u->texts[i].name = fields[i].name;
        u->texts[i].max_bytes = fields[i].max;
        cv_buf_init(&u->texts[i].value, fields[i].max);
    }
    filetype_sniffer_init(&u->sniffer);
}

static void upload_free(struct upload *u)
{
    size_t i;

    storage_writer_abort(&u->writer);
    filetype_sniffer_free(&u->sniffer);
    for (i = 0; i < TEXT_COUNT; i++)
        cv_buf_free(&u->texts[i].value);
}

static bool name_is(struct cv_str name, const char *s)
{
    return name.len == strlen(s) && memcmp(name.ptr, s, name.len) == 0;
}

static enum cv_status on_part_begin(void *ctx, const struct multipart_part *part,
                                    struct cv_error *err)
{
    struct upload *u = ctx;
    size_t i;

    u->current = UPLOAD_PART_SKIP;   /* unknown fields are ignored */
    if (name_is(part->name, "cv")) {
        if (u->have_cv) {
            cv_error_add_field(err, "cv", "must be sent once");
            return CV_ERR_INVALID;
        }
        u->have_cv = true;
        u->raw_name_len = 0;
        if (part->filename.ptr != NULL) {
            u->raw_name_len = part->filename.len < UPLOAD_RAW_NAME_MAX_BYTES
                                  ? part->filename.len : UPLOAD_RAW_NAME_MAX_BYTES;
            memcpy(u->raw_name, part->filename.ptr, u->raw_name_len);
        }
        u->raw_name[u->raw_name_len] = '\0';
        u->current = UPLOAD_PART_CV;
        return storage_writer_open(u->cfg, &u->writer, (uint64_t)u->cfg->max_file_size, err);
    }
    for (i = 0; i < TEXT_COUNT; i++) {
        if (!name_is(part->name, u->texts[i].name))
            continue;
        if (u->texts[i].seen) {
            cv_error_add_field(err, u->texts[i].name, "must be sent once");
            return CV_ERR_INVALID;
        }
        u->texts[i].seen = true;
        u->text = &u->texts[i];
        u->current = UPLOAD_PART_TEXT;
    }
    return CV_OK;
}

static enum cv_status on_part_data(void *ctx, const char *data, size_t len,
                                   struct cv_error *err)
{
    struct upload *u = ctx;
    enum cv_status st;

    switch (u->current) {
    case UPLOAD_PART_CV:
        st = storage_writer_write(&u->writer, data, len, err);
        if (st == CV_OK)
            st = filetype_sniffer_feed(&u->sniffer, data, len, err);
        return st;
    case UPLOAD_PART_TEXT:
        st = cv_buf_append(&u->text->value, data, len);
        if (st == CV_ERR_TOO_LARGE) {
            cv_error_add_field(err, u->text->name, "is too long");
            return CV_ERR_INVALID;
        }
        if (st != CV_OK)
            return cv_error_set(err, st, "reading %s: out of memory", u->text->name);
        return st;
    default:
        return CV_OK;
    }
}

static enum cv_status on_part_end(void *ctx, struct cv_error *err)
{
    struct upload *u = ctx;

    (void)err;
    u->current = UPLOAD_PART_NONE;
    return CV_OK;
}

/* Stream the body through the parser. */
static enum cv_status upload_read(struct http_request *req, struct upload *u,
                                  struct cv_error *err)
{
    static const struct multipart_callbacks cb = { on_part_begin, on_part_data, on_part_end };
    struct multipart_boundary boundary;
    struct multipart_parser *p;
    char chunk[UPLOAD_READ_CHUNK_BYTES];
    uint64_t total = 0, cap = (uint64_t)cv_config_upload_body_max(u->cfg);
    struct cv_str ct = { req->content_type ? req->content_type : "",
                         req->content_type ? strlen(req->content_type) : 0 };
    enum cv_status st;

    st = multipart_boundary_from_content_type(ct, &boundary, err);
    if (st != CV_OK)
        return st;
    if (req->content_length > 0 && (uint64_t)req->content_length > cap)
        return cv_error_set(err, CV_ERR_TOO_LARGE, "the upload is larger than %llu bytes",
                            (unsigned long long)cap);
    p = malloc(sizeof(*p));   /* holds an 8 KiB header buffer: not on the stack */
    if (p == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "out of memory");
    st = multipart_init(p, (struct cv_str){ boundary.bytes, boundary.len }, &cb, u, err);
    while (st == CV_OK) {
        int n = FCGX_GetStr(chunk, (int)sizeof(chunk), req->fcgx->in);
        if (n < 0 || (n == 0 && FCGX_GetError(req->fcgx->in) != 0)) {
            st = cv_error_set(err, CV_ERR_IO, "reading the upload failed");
            break;
        }
        if (n == 0) {
            st = multipart_finish(p, err);
            break;
        }
        total += (uint64_t)n;
        if (total > cap) {
            st = cv_error_set(err, CV_ERR_TOO_LARGE, "the upload is larger than %llu bytes",
                              (unsigned long long)cap);
            break;
        }
        st = multipart_feed(p, chunk, (size_t)n, err);
    }
    free(p);
    return st;
}

/*
 * A text field as a NUL-terminated string within its code point cap, in
 * *out: CV_OK with *out NULL when the field is absent, or with *out NULL
 * and a field error added when it breaks a rule; CV_ERR_NOMEM when memory
 * ran out (never mistaken for an absent field).
 */
static enum cv_status text_value(struct upload_text *t, size_t max_code_points,
                                 const char **out, struct cv_error *err)
{
    size_t n;

    *out = NULL;
    if (!t->seen)
        return CV_OK;
    if (cv_buf_append(&t->value, "", 0) != CV_OK)   /* make sure data is allocated */
        return cv_error_set(err, CV_ERR_NOMEM, "out of memory reading %s", t->name);
    if (memchr(t->value.data, '\0', t->value.len) != NULL ||
        !cv_utf8_count((const unsigned char *)t->value.data, t->value.len, &n)) {
        cv_error_add_field(err, t->name, "must be valid UTF-8 text");
        return CV_OK;
    }
    if (n > max_code_points) {
        cv_error_add_field(err, t->name, "must be at most %zu characters", max_code_points);
        return CV_OK;
    }
    *out = t->value.data;
    return CV_OK;
}

/* ll or ll-CC, like "fr" or "pt-BR". */
static bool language_ok(const char *s)
{
    size_t n = strlen(s);

    return (n == 2 || (n == 5 && s[2] == '-' && s[3] >= 'A' && s[3] <= 'Z' && s[4] >= 'A' &&
                       s[4] <= 'Z')) &&
           s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z';
}

/* Check the fields and fill the record's options. */
static enum cv_status upload_validate(struct upload *u, struct analysis *a, struct cv_error *err)
{
    const char *jd, *role, *opt, *lang;
    enum cv_status st;

    st = text_value(&u->texts[TEXT_JOB_DESCRIPTION], ANALYSIS_JOB_DESCRIPTION_MAX_CODE_POINTS,
                    &jd, err);
    if (st == CV_OK)
        st = text_value(&u->texts[TEXT_TARGET_ROLE], ANALYSIS_TARGET_ROLE_MAX_CODE_POINTS, &role,
                        err);
    if (st == CV_OK)
        st = text_value(&u->texts[TEXT_OPTIMIZE], UPLOAD_OPTIMIZE_MAX_BYTES, &opt, err);
    if (st == CV_OK)
        st = text_value(&u->texts[TEXT_LANGUAGE], ANALYSIS_LANGUAGE_MAX_BYTES, &lang, err);
    if (st != CV_OK)
        return st;
    if (opt != NULL && strcmp(opt, "true") != 0 && strcmp(opt, "false") != 0)
        cv_error_add_field(err, "optimize", "must be true or false");
    if (lang != NULL && !language_ok(lang))
        cv_error_add_field(err, "language", "must be a language code such as en, fr or pt-BR");
    if (!u->have_cv)
        cv_error_add_field(err, "cv", "is required: a PDF, DOCX or plain text file");
    else if (u->writer.size == 0)
        cv_error_add_field(err, "cv", "the file is empty");
    if (err->nfields > 0)
        return CV_ERR_INVALID;
    a->options.job_description = jd != NULL && jd[0] != '\0' ? strdup(jd) : NULL;
    a->options.target_role = role != NULL && role[0] != '\0' ? strdup(role) : NULL;
    a->options.optimize = opt != NULL && strcmp(opt, "true") == 0;
    if (lang != NULL)
        (void)snprintf(a->options.language, sizeof(a->options.language), "%s", lang);
    if ((jd != NULL && jd[0] != '\0' && a->options.job_description == NULL) ||
        (role != NULL && role[0] != '\0' && a->options.target_role == NULL))
        return cv_error_set(err, CV_ERR_NOMEM, "out of memory");
    return CV_OK;
}

enum cv_status handle_upload_analysis(struct app_thread *t, struct http_request *req,
                                      struct http_response *resp, struct cv_error *err)
{
    struct cv_ctx ctx = app_ctx(t, req);
    struct token_claims claims;
    struct cv_user user;
    struct upload *u;
    struct analysis a;
    enum cv_file_type type = CV_FILE_UNKNOWN;
    char location[96];
    enum cv_status st;

    st = app_authenticate(t, req, &user, &claims, err);
    if (st != CV_OK)
        return st;
    u = malloc(sizeof(*u));
    if (u == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "out of memory");
    upload_init(u, t->cfg);
    memset(&a, 0, sizeof(a));
    st = upload_read(req, u, err);
    if (st == CV_OK)
        st = upload_validate(u, &a, err);
    if (st == CV_OK)
        st = filetype_sniffer_finish(&u->sniffer, &type, err);
    if (st == CV_OK)
        st = filetype_display_name(u->raw_name, u->raw_name_len, type, a.file_name,
                                   sizeof(a.file_name), err);
    if (st == CV_OK) {
        (void)snprintf(a.user_id, sizeof(a.user_id), "%s", user.id);
        (void)snprintf(a.mime_type, sizeof(a.mime_type), "%s", filetype_mime(type));
        (void)snprintf(a.request_id, sizeof(a.request_id), "%s", req->request_id);
        a.file_size = (int64_t)u->writer.size;
        storage_writer_sha256_hex(&u->writer, a.file_sha256);
        st = analysis_accept_upload(&ctx, &user, &u->writer, filetype_extension(type), &a, err);
    }
    upload_free(u);   /* removes the temporary file unless it was committed */
    free(u);
    if (st == CV_OK)
        st = http_respond_wrapped(resp, 202, "analysis", render_analysis(&a, false), err,
                                  "rendering the analysis failed");
    (void)snprintf(location, sizeof(location), "/api/cv/analyses/%s", a.id);
    if (st == CV_OK && http_add_header(resp, "Location", location) != CV_OK)
        st = cv_error_set(err, CV_ERR_INTERNAL, "Location header");
    analysis_free(&a);
    return st;
}
