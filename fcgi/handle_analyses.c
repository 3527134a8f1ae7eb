/*
 * handle_analyses.c (fcgi/) - the CV analyses endpoints of API.md except
 * the upload (handle_upload.c): list, get, delete, retry and the file
 * download. Every one authenticates first; another user's analysis, like
 * a malformed id, is 404.
 */
#include "handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_repo.h"
#include "analysis_service.h"
#include "config.h"
#include "query.h"
#include "render.h"
#include "storage.h"

#define ANALYSIS_LIST_DEFAULT_LIMIT 20
#define ANALYSIS_LIST_MAX_PAGE 1000000L
/* The nginx internal location serving stored files (X-Accel-Redirect). */
#define ANALYSIS_FILES_LOCATION "/_cv_files/"

/* The {id} of the route as a NUL-terminated string ("" when too long). */
static void path_id(const struct http_request *req, char out[USER_ID_HEX_LEN + 1])
{
    struct cv_str id = router_param(&req->match, "id");

    out[0] = '\0';
    if (id.len == USER_ID_HEX_LEN) {
        memcpy(out, id.ptr, id.len);
        out[id.len] = '\0';
    }
}

/* Every per-analysis route: the authenticated owner and the {id}. */
static enum cv_status owner_and_id(struct app_thread *t, struct http_request *req,
                                   struct cv_user *user, char id[USER_ID_HEX_LEN + 1],
                                   struct cv_error *err)
{
    struct token_claims claims;
    enum cv_status st = app_authenticate(t, req, user, &claims, err);

    if (st == CV_OK)
        path_id(req, id);
    return st;
}

static enum cv_status respond_analysis(struct http_response *resp, int status,
                                       const struct analysis *a, struct cv_error *err)
{
    return http_respond_wrapped(resp, status, "analysis", render_analysis(a, true), err,
                                "rendering the analysis failed");
}

/* page/limit/status of the query string, each checked. */
static void list_params(const struct http_request *req, long *page, long *limit,
                        const char **status, char *status_buf, size_t status_size,
                        struct cv_error *err)
{
    enum analysis_status parsed;
    char v[32];
    bool bad;

    *page = 1;
    *limit = ANALYSIS_LIST_DEFAULT_LIMIT;
    *status = NULL;
    if (query_get(req->query, "page", v, sizeof(v), &bad) &&
        (bad || !cv_config_parse_int(v, 1, ANALYSIS_LIST_MAX_PAGE, page)))
        cv_error_add_field(err, "page", "must be an integer of at least 1");
    if (query_get(req->query, "limit", v, sizeof(v), &bad) &&
        (bad || !cv_config_parse_int(v, 1, ANALYSIS_LIST_MAX_LIMIT, limit)))
        cv_error_add_field(err, "limit", "must be an integer from 1 to %d",
                           ANALYSIS_LIST_MAX_LIMIT);
    if (query_get(req->query, "status", status_buf, status_size, &bad)) {
        if (bad || !analysis_status_parse(status_buf, &parsed))
            cv_error_add_field(err, "status", "must be queued, processing, completed or failed");
        else
            *status = status_buf;
    }
}

enum cv_status handle_list_analyses(struct app_thread *t, struct http_request *req,
                                    struct http_response *resp, struct cv_error *err)
{
    struct cv_ctx ctx = app_ctx(t, req);
    struct token_claims claims;
    struct cv_user user;
    struct analysis *items = NULL;
    const char *status;
    char status_buf[16];
    json_object *obj = NULL, *arr = NULL;
    long page, limit;
    int64_t total;
    size_t count = 0, i;
    enum cv_status st;

    st = app_authenticate(t, req, &user, &claims, err);
    if (st != CV_OK)
        return st;
    list_params(req, &page, &limit, &status, status_buf, sizeof(status_buf), err);
    if (err->nfields > 0)
        return CV_ERR_INVALID;
    st = analysis_repo_list(&ctx, user.id, status, page, limit, &items, &count, &total, err);
    if (st != CV_OK)
        return st;
    obj = json_object_new_object();
    arr = json_object_new_array();
    for (i = 0; obj != NULL && arr != NULL && i < count; i++) {
        json_object *item = render_analysis(&items[i], false);
        if (item == NULL || json_object_array_add(arr, item) != 0) {
            json_object_put(item);
            st = cv_error_set(err, CV_ERR_NOMEM, "rendering the list failed");
            break;
        }
    }
    if (obj == NULL || arr == NULL)
        st = cv_error_set(err, CV_ERR_NOMEM, "rendering the list failed");
    if (st == CV_OK) {
        json_object_object_add(obj, "analyses", arr);
        arr = NULL;
        json_object_object_add(obj, "page", json_object_new_int64(page));
        json_object_object_add(obj, "limit", json_object_new_int64(limit));
        json_object_object_add(obj, "total", json_object_new_int64(total));
        st = http_respond_json(resp, 200, obj);
        if (st != CV_OK)
            cv_error_set(err, st, "rendering the list failed");
    }
    json_object_put(arr);
    json_object_put(obj);
    for (i = 0; i < count; i++)
        analysis_free(&items[i]);
    free(items);
    return st;
}

enum cv_status handle_get_analysis(struct app_thread *t, struct http_request *req,
                                   struct http_response *resp, struct cv_error *err)
{
    struct cv_ctx ctx = app_ctx(t, req);
    struct cv_user user;
    struct analysis a;
    char id[USER_ID_HEX_LEN + 1];
    enum cv_status st;

    st = owner_and_id(t, req, &user, id, err);
    if (st != CV_OK)
        return st;
    st = analysis_repo_get(&ctx, id, user.id, true, &a, err);
    if (st == CV_OK)
        st = respond_analysis(resp, 200, &a, err);
    analysis_free(&a);
    return st;
}

enum cv_status handle_delete_analysis(struct app_thread *t, struct http_request *req,
                                      struct http_response *resp, struct cv_error *err)
{
    struct cv_ctx ctx = app_ctx(t, req);
    struct cv_user user;
    char id[USER_ID_HEX_LEN + 1];
    enum cv_status st;

    st = owner_and_id(t, req, &user, id, err);
    if (st != CV_OK)
        return st;
    st = analysis_delete(&ctx, id, user.id, err);
    if (st == CV_OK)
        resp->status = 204;
    return st;
}

enum cv_status handle_retry_analysis(struct app_thread *t, struct http_request *req,
                                     struct http_response *resp, struct cv_error *err)
{
    struct cv_ctx ctx = app_ctx(t, req);
    struct cv_user user;
    struct analysis a;
    char id[USER_ID_HEX_LEN + 1], location[96];
    enum cv_status st;

    st = owner_and_id(t, req, &user, id, err);
    if (st != CV_OK)
        return st;
    st = analysis_retry(&ctx, id, user.id, err);
    if (st != CV_OK)
        return st;
    st = analysis_repo_get(&ctx, id, user.id, false, &a, err);
    if (st == CV_OK)
        st = respond_analysis(resp, 202, &a, err);
    (void)snprintf(location, sizeof(location), "/api/cv/analyses/%s", id);
    if (st == CV_OK && http_add_header(resp, "Location", location) != CV_OK)
        st = cv_error_set(err, CV_ERR_INTERNAL, "Location header");
    analysis_free(&a);
    return st;
}

/* Content-Disposition for a user-given name: an ASCII fallback and the
 * UTF-8 name per RFC 6266/5987. */
static enum cv_status disposition(const char *name, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    char ascii[ANALYSIS_FILE_NAME_MAX_BYTES + 1], encoded[3 * ANALYSIS_FILE_NAME_MAX_BYTES + 1];
    size_t i, a = 0, e = 0;
    int n;

    for (i = 0; name[i] != '\0' && a < sizeof(ascii) - 1; i++) {
        unsigned char c = (unsigned char)name[i];
        ascii[a++] = (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') ? (char)c : '_';
    }
    ascii[a] = '\0';
    for (i = 0; name[i] != '\0' && e + 3 < sizeof(encoded); i++) {
        unsigned char c = (unsigned char)name[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            strchr("!#$&+-.^_`|~", c) != NULL) {
            encoded[e++] = (char)c;
        } else {
            encoded[e++] = '%';
            encoded[e++] = hex[c >> 4];
            encoded[e++] = hex[c & 15];
        }
    }
    encoded[e] = '\0';
    n = snprintf(out, size, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, encoded);
    return n >= 0 && (size_t)n < size ? CV_OK : CV_ERR_TOO_LARGE;
}

enum cv_status handle_analysis_file(struct app_thread *t, struct http_request *req,
                                    struct http_response *resp, struct cv_error *err)
{
    struct cv_ctx ctx = app_ctx(t, req);
    struct cv_user user;
    struct analysis a;
    char id[USER_ID_HEX_LEN + 1], cd[1200], accel[128];
    char *url = NULL;
    enum cv_status st;

    st = owner_and_id(t, req, &user, id, err);
    if (st != CV_OK)
        return st;
    st = analysis_repo_get(&ctx, id, user.id, false, &a, err);
    if (st == CV_OK && !storage_key_valid(a.file_key))
        st = cv_error_set(err, CV_ERR_NOT_FOUND, "the file of this analysis is gone");
    /* Wherever the record says: a storage migration may be moving files. */
    if (st == CV_OK &&
        storage_locate(t->cfg, a.file_storage, a.file_key) == CV_STORAGE_S3) {
        st = storage_presign_get(t->cfg, a.file_key, a.file_name, &url, err);
        if (st == CV_OK) {
            resp->status = 302;
            if (http_add_header(resp, "Location", url) != CV_OK)
                st = cv_error_set(err, CV_ERR_INTERNAL, "Location header");
        }
    } else if (st == CV_OK) {
        (void)snprintf(accel, sizeof(accel), "%s%s", ANALYSIS_FILES_LOCATION, a.file_key);
        resp->status = 200;
        resp->content_type = "application/octet-stream";
        if (disposition(a.file_name, cd, sizeof(cd)) != CV_OK ||
            http_add_header(resp, "Content-Disposition", cd) != CV_OK ||
            http_add_header(resp, "X-Content-Type-Options", "nosniff") != CV_OK ||
            http_add_header(resp, "X-Accel-Redirect", accel) != CV_OK)
            st = cv_error_set(err, CV_ERR_INTERNAL, "download headers");
    }
    free(url);
    analysis_free(&a);
    return st;
}
