/*
 * http.h (fcgi/) - one HTTP exchange over FastCGI: the request as nginx
 * passed it, the response being built, and the single table that maps a
 * core status to an HTTP status and the error code of API.md.
 *
 * A request and its response belong to the responder thread handling it.
 * Strings in struct http_request point into libfcgi's parameter storage and
 * stay valid until FCGX_Finish_r.
 */
#ifndef CV_FCGI_HTTP_H
#define CV_FCGI_HTTP_H

#include <stdbool.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "buf.h"
#include "config.h"
#include "cv_status.h"
#include "cv_limits.h"
#include "router.h"

struct http_request {
    FCGX_Request *fcgx;
    const char *method;
    const char *path;           /* normalised by nginx, no query */
    const char *query;          /* "" when none */
    const char *origin;         /* NULL when not a cross-origin request */
    const char *content_type;   /* NULL when none */
    long content_length;        /* -1 when absent */
    char request_id[CV_REQUEST_ID_MAX_BYTES + 1];
    struct router_match match;
    const char *route;          /* the matched pattern, for logs and metrics */
    char user_id[32];           /* set by authentication; "" when anonymous */
};

struct http_response {
    int status;
    const char *content_type;   /* static string */
    struct cv_buf headers;      /* extra "Name: value\r\n" lines */
    struct cv_buf body;
};

/* Fill req from the FastCGI parameters. The request id is nginx's
 * REQUEST_ID when it is well formed, else a fresh random one. */
void http_request_init(struct http_request *req, FCGX_Request *fcgx);

void http_response_init(struct http_response *resp);
void http_response_free(struct http_response *resp);

/* Add one header line. Header names and values must not contain CR/LF;
 * values that do are dropped (and CV_ERR_INTERNAL returned). */
enum cv_status http_add_header(struct http_response *resp, const char *name,
                               const char *value) CV_WARN_UNUSED;

/* Set status and a JSON body: the object is serialised (not released). */
enum cv_status http_respond_json(struct http_response *resp, int status,
                                 json_object *obj) CV_WARN_UNUSED;

/* Render obj as the JSON body with status and release it (it is taken on
 * every path). obj NULL means building it ran out of memory. On failure
 * err is set with `what` ("rendering the user failed"). */
enum cv_status http_respond_json_take(struct http_response *resp, int status, json_object *obj,
                                      struct cv_error *err, const char *what) CV_WARN_UNUSED;

/* {"key": value} with status; value is taken (NULL: out of memory). */
enum cv_status http_respond_wrapped(struct http_response *resp, int status, const char *key,
                                    json_object *value, struct cv_error *err,
                                    const char *what) CV_WARN_UNUSED;

/* Render err as the API's error shape, with the status from the one
 * table; internal failures are logged here and shown as 500 "internal". */
void http_respond_error(struct http_response *resp, const struct http_request *req,
                        const struct cv_error *err);

/* The HTTP status for a core status (the table's first column). */
int http_status_for(enum cv_status st);

/*
 * Read the body, at most max bytes, into out. CV_ERR_TOO_LARGE when
 * CONTENT_LENGTH or the bytes read exceed max; CV_ERR_IO when the stream
 * breaks.
 */
enum cv_status http_read_body(struct http_request *req, size_t max, struct cv_buf *out,
                              struct cv_error *err) CV_WARN_UNUSED;

/*
 * Read a JSON object body: Content-Type must be application/json (415),
 * at most CV_JSON_BODY_MAX_BYTES (413), valid UTF-8 JSON (400
 * malformed_json), an object (400 malformed_json). On success *out is the
 * object; release it with json_object_put.
 */
enum cv_status http_read_json_object(struct http_request *req, json_object **out,
                                     struct cv_error *err) CV_WARN_UNUSED;

/*
 * Parse len bytes (data need not be NUL-terminated; NULL only when len is
 * 0) as a request body: at most CV_JSON_BODY_MAX_BYTES (CV_ERR_TOO_LARGE),
 * strictly valid UTF-8 - no overlong forms, no surrogates - and one JSON
 * value that is an object (CV_ERR_MALFORMED_JSON, with a message that
 * says which rule broke: empty, not UTF-8, not JSON, or `null`, a number,
 * an array... instead of an object). On success *out is the object;
 * release it with json_object_put. Pure and thread safe.
 */
enum cv_status http_parse_json_object(const char *data, size_t len, json_object **out,
                                      struct cv_error *err) CV_WARN_UNUSED;

/* Write status line, headers (X-Request-Id, CORS for cfg->frontend_url,
 * Cache-Control) and body to the FastCGI output stream. */
void http_send(const struct http_request *req, struct http_response *resp,
               const struct cv_config *cfg);

/* Is origin the configured frontend? (exact match) */
bool http_origin_allowed(const struct cv_config *cfg, const char *origin);

#endif
