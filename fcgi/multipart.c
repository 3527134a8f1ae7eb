/*
 * multipart.c (fcgi/) - streaming multipart/form-data parser (see
 * multipart.h for the grammar accepted and the contract).
 *
 * One thing to know first: a part body is scanned for CRLF "--" boundary
 * with a match counter, not a buffer. The boundary has no CR, so a CR can
 * only start a match: on a mismatch the bytes held back are exactly
 * delim[0..match), handed on from the parser's own copy of the delimiter,
 * and the mismatching byte is looked at afresh.
 */
#include "multipart.h"

#include <string.h>

/* RFC 9110 5.6.2 tchar. */
static bool multipart_is_tchar(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return true;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
        return true;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 2046 5.1.1 bchars (space included; it may not end a boundary). */
static bool multipart_is_bchar(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return true;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
        return true;
    return c != '\0' && strchr("'()+_,-./:=? ", c) != NULL;
}

/* A control byte that may not appear in a header: all but HTAB, and DEL. */
static bool multipart_is_ctl(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

static bool multipart_is_ows(unsigned char c)
{
    return c == ' ' || c == '\t';
}

/* Case-insensitive equality of s (n bytes) and the lower-case literal lit. */
static bool multipart_eq_ci(const char *s, size_t n, const char *lit)
{
    size_t i;

    if (n != strlen(lit))
        return false;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c | 0x20);
        if (c != (unsigned char)lit[i])
            return false;
    }
    return true;
}

/* ---- Content-Type ------------------------------------------------------ */

static void multipart_skip_ows(const char *s, size_t n, size_t *i)
{
    while (*i < n && multipart_is_ows((unsigned char)s[*i]))
        (*i)++;
}

/* Advance *i over a token; returns its length (0 when there is none). */
static size_t multipart_skip_token(const char *s, size_t n, size_t *i)
{
    size_t start = *i;

    while (*i < n && multipart_is_tchar((unsigned char)s[*i]))
        (*i)++;
    return *i - start;
}

/*
 * Read a Content-Type parameter value at s[*i] (a token or an RFC 9110
 * quoted string, where a backslash escapes any byte). Its bytes go to
 * out[0..*out_len) when out is not NULL; a value longer than out_max sets
 * *too_long and is still read to its end. Returns false when malformed.
 */
static bool multipart_ct_value(const char *s, size_t n, size_t *i, char *out,
                               size_t out_max, size_t *out_len, bool *too_long)
{
    size_t len = 0;

    *too_long = false;
    if (*i < n && s[*i] == '"') {
        (*i)++;
        for (;;) {
            unsigned char c;

            if (*i >= n)
                return false;              /* no closing quote */
            c = (unsigned char)s[*i];
            if (c == '"') {
                (*i)++;
                break;
            }
            if (c == '\\') {
                if (*i + 1 >= n)
                    return false;
                c = (unsigned char)s[++*i];
            }
            if (multipart_is_ctl(c))
                return false;
            if (len < out_max) {
                if (out != NULL)
                    out[len] = (char)c;
                len++;
            } else {
                *too_long = true;
            }
            (*i)++;
        }
    } else {
        size_t start = *i, tlen = multipart_skip_token(s, n, i);

        if (tlen == 0)
            return false;
        if (tlen > out_max) {
            *too_long = true;
            tlen = out_max;
        }
        if (out != NULL)
            memcpy(out, s + start, tlen);
        len = tlen;
    }
    *out_len = len;
    return true;
}

enum cv_status multipart_boundary_from_content_type(struct cv_str content_type,
                                                    struct multipart_boundary *out,
                                                    struct cv_error *err)
{
    const char *s = content_type.ptr;
    size_t n = content_type.len, i = 0, type_start, type_len, sub_start, sub_len, k;
    bool found = false;

    if (out == NULL)
        return cv_error_set(err, CV_ERR_INTERNAL, "multipart: no output for the boundary");
    out->len = 0;
    out->bytes[0] = '\0';
    if (s == NULL)
        return cv_error_set(err, CV_ERR_UNSUPPORTED_MEDIA_TYPE,
                            "request has no Content-Type; multipart/form-data expected");
    multipart_skip_ows(s, n, &i);
    type_start = i;
    type_len = multipart_skip_token(s, n, &i);
    if (i >= n || s[i] != '/')
        return cv_error_set(err, CV_ERR_UNSUPPORTED_MEDIA_TYPE,
                            "Content-Type must be multipart/form-data");
    i++;
    sub_start = i;
    sub_len = multipart_skip_token(s, n, &i);
    if (!multipart_eq_ci(s + type_start, type_len, "multipart") ||
        !multipart_eq_ci(s + sub_start, sub_len, "form-data"))
        return cv_error_set(err, CV_ERR_UNSUPPORTED_MEDIA_TYPE,
                            "Content-Type must be multipart/form-data");

    /* parameters = *( OWS ";" OWS [ name "=" value ] ), RFC 9110 5.6.6 */
    for (;;) {
        size_t name_start, name_len, vlen = 0;
        bool is_boundary, too_long;

        multipart_skip_ows(s, n, &i);
        if (i >= n)
            break;
        if (s[i] != ';')
            return cv_error_set(err, CV_ERR_INVALID,
                                "malformed parameters in the multipart Content-Type");
        i++;
        multipart_skip_ows(s, n, &i);
        if (i >= n || s[i] == ';')
            continue;
        name_start = i;
        name_len = multipart_skip_token(s, n, &i);
        if (name_len == 0 || i >= n || s[i] != '=')
            return cv_error_set(err, CV_ERR_INVALID,
                                "malformed parameters in the multipart Content-Type");
        i++;
        is_boundary = multipart_eq_ci(s + name_start, name_len, "boundary");
        if (is_boundary && found)
            return cv_error_set(err, CV_ERR_INVALID,
                                "multipart Content-Type has two boundary parameters");
        if (!multipart_ct_value(s, n, &i, is_boundary ? out->bytes : NULL,
                                is_boundary ? MULTIPART_BOUNDARY_MAX_BYTES : (size_t)-1,
                                &vlen, &too_long)) {
            /* an empty token value ("boundary=") is malformed too */
            return cv_error_set(err, CV_ERR_INVALID,
                                is_boundary ? "multipart boundary is empty or malformed"
                                            : "malformed parameters in the multipart Content-Type");
        }
        if (!is_boundary)
            continue;
        if (too_long)
            return cv_error_set(err, CV_ERR_INVALID,
                                "multipart boundary is longer than %d bytes",
                                MULTIPART_BOUNDARY_MAX_BYTES);
        found = true;
        out->len = vlen;
        out->bytes[vlen] = '\0';
    }
    if (!found)
        return cv_error_set(err, CV_ERR_INVALID, "multipart Content-Type has no boundary");
    if (out->len == 0)
        return cv_error_set(err, CV_ERR_INVALID, "multipart boundary is empty or malformed");
    for (k = 0; k < out->len; k++) {
        if (!multipart_is_bchar((unsigned char)out->bytes[k]))
            return cv_error_set(err, CV_ERR_INVALID,
                                "multipart boundary has a byte RFC 2046 does not allow");
    }
    if (out->bytes[out->len - 1] == ' ')
        return cv_error_set(err, CV_ERR_INVALID, "multipart boundary ends with a space");
    return CV_OK;
}

/* ---- Parser ------------------------------------------------------------ */

static enum cv_status multipart_fail(struct multipart_parser *p, enum cv_status rc)
{
    p->state = MULTIPART_STATE_FAILED;
    p->failed = rc;
    return rc;
}

/* A rule broken by the input. */
static enum cv_status multipart_invalid(struct multipart_parser *p, struct cv_error *err,
                                        const char *what)
{
    cv_error_set(err, CV_ERR_INVALID, "broken multipart body: %s", what);
    return multipart_fail(p, CV_ERR_INVALID);
}

/* A rule broken inside the headers of the current part (1-based for people). */
static enum cv_status multipart_invalid_part(struct multipart_parser *p, struct cv_error *err,
                                             const char *what)
{
    cv_error_set(err, CV_ERR_INVALID, "broken multipart body: part %zu: %s", p->parts, what);
    return multipart_fail(p, CV_ERR_INVALID);
}

/* After a callback returned rc (not CV_OK): make err agree, fail the parser. */
static enum cv_status multipart_callback_failed(struct multipart_parser *p,
                                                struct cv_error *err, enum cv_status rc)
{
    if (err != NULL && err->status != rc)
        cv_error_set(err, rc, "multipart: a part was refused (%s)", cv_status_name(rc));
    return multipart_fail(p, rc);
}

static enum cv_status multipart_emit(struct multipart_parser *p, const char *data, size_t len,
                                     struct cv_error *err)
{
    enum cv_status rc;

    if (len == 0 || p->cb.on_part_data == NULL)
        return CV_OK;
    rc = p->cb.on_part_data(p->ctx, data, len, err);
    if (rc != CV_OK)
        return multipart_callback_failed(p, err, rc);
    return CV_OK;
}

enum cv_status multipart_init(struct multipart_parser *p, struct cv_str boundary,
                              const struct multipart_callbacks *cb, void *ctx,
                              struct cv_error *err)
{
    size_t i;

    if (p == NULL)
        return cv_error_set(err, CV_ERR_INTERNAL, "multipart: no parser");
    memset(p, 0, offsetof(struct multipart_parser, header));
    p->header[0] = '\0';
    p->state = MULTIPART_STATE_PREAMBLE;
    p->failed = CV_OK;
    if (cb != NULL)
        p->cb = *cb;
    p->ctx = ctx;
    if (boundary.ptr == NULL || boundary.len == 0 ||
        boundary.len > MULTIPART_BOUNDARY_MAX_BYTES) {
        cv_error_set(err, CV_ERR_INVALID, "multipart boundary must be 1 to %d bytes",
                     MULTIPART_BOUNDARY_MAX_BYTES);
        return multipart_fail(p, CV_ERR_INVALID);
    }
    for (i = 0; i < boundary.len; i++) {
        if (boundary.ptr[i] == '\r' || boundary.ptr[i] == '\n') {
            cv_error_set(err, CV_ERR_INVALID, "multipart boundary has a CR or LF");
            return multipart_fail(p, CV_ERR_INVALID);
        }
    }
    memcpy(p->delim, "\r\n--", 4);
    memcpy(p->delim + 4, boundary.ptr, boundary.len);
    p->delim_len = boundary.len + 4;
    p->delim[p->delim_len] = '\0';
    /* the body may open with "--" boundary: take its CRLF as already seen */
    p->match = 2;
    p->match_implied = 2;
    return CV_OK;
}

/*
 * In the preamble or a part body: consume data[*pos..len) until the
 * delimiter is matched in full (state becomes DELIM_AFTER) or the input
 * ends. In a body, every byte that cannot start the delimiter goes to
 * on_part_data before this returns; in the preamble bytes are dropped.
 */
static enum cv_status multipart_scan(struct multipart_parser *p, const char *data, size_t len,
                                     size_t *pos, struct cv_error *err)
{
    bool in_body = p->state == MULTIPART_STATE_BODY;
    size_t i = *pos;
    size_t run = i;     /* when match == 0: data[run..i) is body not yet passed on */
    enum cv_status rc;

    while (i < len) {
        if (p->match == 0) {
            const char *cr = memchr(data + i, '\r', len - i);

            if (cr == NULL) {
                i = len;
                break;
            }
            i = (size_t)(cr - data);
            if (in_body && (rc = multipart_emit(p, data + run, i - run, err)) != CV_OK)
                return rc;
            p->match = 1;
            i++;
            continue;
        }
        if (data[i] == p->delim[p->match]) {
            i++;
            if (++p->match == p->delim_len) {
                if (in_body && p->match_implied != 0)
                    return multipart_invalid(p, err,
                                             "a part body starts with the boundary "
                                             "(CRLF missing before the delimiter)");
                p->match = 0;
                p->match_implied = 0;
                p->state = MULTIPART_STATE_DELIM_AFTER;
                *pos = i;
                return CV_OK;
            }
            continue;
        }
        /* mismatch: what was held back is body after all; look at data[i] again */
        if (in_body && (rc = multipart_emit(p, p->delim + p->match_implied,
                                            p->match - p->match_implied, err)) != CV_OK)
            return rc;
        p->match = 0;
        p->match_implied = 0;
        run = i;
    }
    if (in_body && p->match == 0 && (rc = multipart_emit(p, data + run, i - run, err)) != CV_OK)
        return rc;
    *pos = i;
    return CV_OK;
}

/* Read a Content-Disposition parameter value in place: a token, or a quoted
 * string unescaped as multipart.h says. On success s[*i] is past the value
 * and the value is line[*off..*off + *vlen). */
static bool multipart_cd_value(char *s, size_t n, size_t *i, size_t *off, size_t *vlen)
{
    if (*i < n && s[*i] == '"') {
        size_t w = ++*i;

        *off = w;
        for (;;) {
            char c;

            if (*i >= n)
                return false;              /* no closing quote */
            c = s[*i];
            if (c == '"')
                break;
            if (c == '\\' && *i + 1 < n && (s[*i + 1] == '"' || s[*i + 1] == '\\'))
                c = s[++*i];
            s[w++] = c;
            (*i)++;
        }
        (*i)++;
        *vlen = w - *off;
        return true;
    }
    *off = *i;
    *vlen = multipart_skip_token(s, n, i);
    return *vlen != 0;
}

/* `form-data *( OWS ";" OWS [ name OWS "=" OWS value ] )`, value trimmed;
 * off is the value's offset in p->header. */
static enum cv_status multipart_parse_disposition(struct multipart_parser *p, size_t off,
                                                  size_t n, struct cv_error *err)
{
    char *s = p->header + off;
    size_t i = 0, tlen;
    /* where the values end: NULs go there once the whole line is read */
    size_t name_end = 0, filename_end = 0;

    if (p->has_disposition)
        return multipart_invalid_part(p, err, "two Content-Disposition headers");
    p->has_disposition = true;
    tlen = multipart_skip_token(s, n, &i);
    if (!multipart_eq_ci(s, tlen, "form-data"))
        return multipart_invalid_part(p, err, "Content-Disposition is not form-data");
    for (;;) {
        size_t pname, plen, voff, vlen;
        bool is_name, is_filename;

        multipart_skip_ows(s, n, &i);
        if (i >= n)
            break;
        if (s[i] != ';')
            return multipart_invalid_part(p, err, "malformed Content-Disposition");
        i++;
        multipart_skip_ows(s, n, &i);
        if (i >= n || s[i] == ';')
            continue;
        pname = i;
        plen = multipart_skip_token(s, n, &i);
        multipart_skip_ows(s, n, &i);
        if (plen == 0 || i >= n || s[i] != '=')
            return multipart_invalid_part(p, err, "malformed Content-Disposition");
        i++;
        multipart_skip_ows(s, n, &i);
        if (!multipart_cd_value(s, n, &i, &voff, &vlen))
            return multipart_invalid_part(p, err,
                                          "malformed Content-Disposition parameter value");
        is_name = multipart_eq_ci(s + pname, plen, "name");
        is_filename = multipart_eq_ci(s + pname, plen, "filename");
        if ((is_name && p->has_name) || (is_filename && p->has_filename))
            return multipart_invalid_part(p, err, "a Content-Disposition parameter is repeated");
        if (is_name) {
            p->has_name = true;
            p->name_off = off + voff;
            p->name_len = vlen;
            name_end = voff + vlen;
        } else if (is_filename) {
            p->has_filename = true;
            p->filename_off = off + voff;
            p->filename_len = vlen;
            filename_end = voff + vlen;
        }
    }
    /* Each end is inside its own value's bytes, its closing quote or the
     * separator after it; never inside another value. */
    if (p->has_name)
        s[name_end] = '\0';
    if (p->has_filename)
        s[filename_end] = '\0';
    return CV_OK;
}

/* A complete header line: p->header[line_start..header_len - 1), '\n' after. */
static enum cv_status multipart_header_line(struct multipart_parser *p, struct cv_error *err)
{
    char *line = p->header + p->line_start;
    size_t n = p->header_len - 1 - p->line_start, i = 0, name_len, voff, vend;

    name_len = multipart_skip_token(line, n, &i);
    if (name_len == 0 || i >= n || line[i] != ':')
        return multipart_invalid_part(p, err, "a header line is not \"Name: value\"");
    i++;
    multipart_skip_ows(line, n, &i);
    voff = i;
    vend = n;
    while (vend > voff && multipart_is_ows((unsigned char)line[vend - 1]))
        vend--;
    if (multipart_eq_ci(line, name_len, "content-disposition"))
        return multipart_parse_disposition(p, p->line_start + voff, vend - voff, err);
    if (multipart_eq_ci(line, name_len, "content-type")) {
        if (p->has_content_type)
            return multipart_invalid_part(p, err, "two Content-Type headers");
        p->has_content_type = true;
        p->type_off = p->line_start + voff;
        p->type_len = vend - voff;
        line[vend] = '\0';   /* trailing OWS or the '\n' */
    }
    return CV_OK;
}

/* The blank line ending a part's headers: check them, begin the part. */
static enum cv_status multipart_headers_done(struct multipart_parser *p, struct cv_error *err)
{
    struct multipart_part part;
    enum cv_status rc;

    if (!p->has_disposition)
        return multipart_invalid_part(p, err, "no Content-Disposition header");
    if (!p->has_name)
        return multipart_invalid_part(p, err, "Content-Disposition has no name");
    if (p->name_len == 0)
        return multipart_invalid_part(p, err, "Content-Disposition has an empty name");
    part.name.ptr = p->header + p->name_off;
    part.name.len = p->name_len;
    part.filename.ptr = p->has_filename ? p->header + p->filename_off : NULL;
    part.filename.len = p->has_filename ? p->filename_len : 0;
    part.content_type.ptr = p->has_content_type && p->type_len > 0
                                ? p->header + p->type_off : NULL;
    part.content_type.len = part.content_type.ptr != NULL ? p->type_len : 0;
    part.index = p->parts - 1;
    p->in_part = true;
    p->state = MULTIPART_STATE_BODY;
    p->match = 2;           /* a body may not open with "--" boundary: see scan */
    p->match_implied = 2;
    if (p->cb.on_part_begin != NULL) {
        rc = p->cb.on_part_begin(p->ctx, &part, err);
        if (rc != CV_OK)
            return multipart_callback_failed(p, err, rc);
    }
    return CV_OK;
}

/* The delimiter line is over: end the part it closes, if any. */
static enum cv_status multipart_end_part(struct multipart_parser *p, struct cv_error *err)
{
    enum cv_status rc;

    if (!p->in_part)
        return CV_OK;
    p->in_part = false;
    if (p->cb.on_part_end != NULL) {
        rc = p->cb.on_part_end(p->ctx, err);
        if (rc != CV_OK)
            return multipart_callback_failed(p, err, rc);
    }
    return CV_OK;
}

/* Count one byte of a header line against the cap. */
static enum cv_status multipart_header_count(struct multipart_parser *p, struct cv_error *err)
{
    if (p->header_raw_bytes >= MULTIPART_HEADER_MAX_BYTES) {
        cv_error_set(err, CV_ERR_TOO_LARGE,
                     "multipart part %zu: headers are over %d bytes", p->parts,
                     MULTIPART_HEADER_MAX_BYTES);
        return multipart_fail(p, CV_ERR_TOO_LARGE);
    }
    p->header_raw_bytes++;
    return CV_OK;
}

/* End of a header line: close it with '\n' and read it. */
static enum cv_status multipart_header_eol(struct multipart_parser *p, struct cv_error *err)
{
    /* stored bytes never outnumber raw ones, which are capped */
    p->header[p->header_len++] = '\n';
    p->state = MULTIPART_STATE_HEADER_START;
    return multipart_header_line(p, err);
}

/* One byte in a state that goes byte by byte (delimiter lines, headers). */
static enum cv_status multipart_step(struct multipart_parser *p, unsigned char c,
                                     struct cv_error *err)
{
    enum cv_status rc;

    switch (p->state) {
    case MULTIPART_STATE_DELIM_AFTER:
        if (c == '-') {
            p->state = MULTIPART_STATE_DELIM_DASH;
            return CV_OK;
        }
        /* fall through - padding or CR */
    case MULTIPART_STATE_DELIM_PAD:
        if (multipart_is_ows(c)) {
            p->state = MULTIPART_STATE_DELIM_PAD;
            return CV_OK;
        }
        if (c == '\r') {
            p->state = MULTIPART_STATE_DELIM_CR;
            return CV_OK;
        }
        return multipart_invalid(p, err, "unexpected bytes after a boundary delimiter");
    case MULTIPART_STATE_DELIM_DASH:
        if (c != '-')
            return multipart_invalid(p, err, "unexpected bytes after a boundary delimiter");
        if ((rc = multipart_end_part(p, err)) != CV_OK)
            return rc;
        p->state = MULTIPART_STATE_EPILOGUE;
        return CV_OK;
    case MULTIPART_STATE_DELIM_CR:
        if (c != '\n')
            return multipart_invalid(p, err, "a boundary delimiter line does not end with CRLF");
        if ((rc = multipart_end_part(p, err)) != CV_OK)
            return rc;
        if (p->parts >= MULTIPART_MAX_PARTS) {
            cv_error_set(err, CV_ERR_INVALID, "broken multipart body: more than %d parts",
                         MULTIPART_MAX_PARTS);
            return multipart_fail(p, CV_ERR_INVALID);
        }
        p->parts++;
        p->header_raw_bytes = 0;
        p->header_len = 0;
        p->has_disposition = p->has_name = p->has_filename = p->has_content_type = false;
        p->state = MULTIPART_STATE_HEADER_START;
        return CV_OK;
    case MULTIPART_STATE_HEADER_START:
        if (c == '\r') {
            p->state = MULTIPART_STATE_HEADER_BLANK_CR;
            return CV_OK;
        }
        if (c == '\n')
            return multipart_headers_done(p, err);
        if (multipart_is_ows(c))
            return multipart_invalid_part(p, err, "folded header lines are not accepted");
        p->line_start = p->header_len;
        p->state = MULTIPART_STATE_HEADER_LINE;
        /* fall through - the first byte of the line */
    case MULTIPART_STATE_HEADER_LINE:
        if ((rc = multipart_header_count(p, err)) != CV_OK)
            return rc;
        if (c == '\r') {
            p->state = MULTIPART_STATE_HEADER_CR;
            return CV_OK;
        }
        if (c == '\n')
            return multipart_header_eol(p, err);
        if (multipart_is_ctl(c))
            return multipart_invalid_part(p, err, "a control byte in the headers");
        p->header[p->header_len++] = (char)c;
        return CV_OK;
    case MULTIPART_STATE_HEADER_CR:
        if (c != '\n')
            return multipart_invalid_part(p, err, "a CR without LF in the headers");
        if ((rc = multipart_header_count(p, err)) != CV_OK)
            return rc;
        return multipart_header_eol(p, err);
    case MULTIPART_STATE_HEADER_BLANK_CR:
        if (c != '\n')
            return multipart_invalid_part(p, err, "a CR without LF in the headers");
        return multipart_headers_done(p, err);
    case MULTIPART_STATE_PREAMBLE:
    case MULTIPART_STATE_BODY:
    case MULTIPART_STATE_EPILOGUE:
    case MULTIPART_STATE_FAILED:
        break;
    }
    cv_error_set(err, CV_ERR_INTERNAL, "multipart: byte step in state %d", (int)p->state);
    return multipart_fail(p, CV_ERR_INTERNAL);
}

enum cv_status multipart_feed(struct multipart_parser *p, const char *data, size_t len,
                              struct cv_error *err)
{
    size_t i = 0;
    enum cv_status rc;

    if (p == NULL)
        return cv_error_set(err, CV_ERR_INTERNAL, "multipart: no parser");
    if (p->state == MULTIPART_STATE_FAILED)
        return cv_error_set(err, p->failed, "multipart parser used after a failure");
    if (len == 0)
        return CV_OK;
    if (data == NULL)
        return cv_error_set(err, CV_ERR_INTERNAL, "multipart: NULL data of %zu bytes", len);
    while (i < len) {
        switch (p->state) {
        case MULTIPART_STATE_PREAMBLE:
        case MULTIPART_STATE_BODY:
            rc = multipart_scan(p, data, len, &i, err);
            break;
        case MULTIPART_STATE_EPILOGUE:
            return CV_OK;
        default:
            rc = multipart_step(p, (unsigned char)data[i], err);
            i++;
            break;
        }
        if (rc != CV_OK)
            return rc;
    }
    return CV_OK;
}

enum cv_status multipart_finish(struct multipart_parser *p, struct cv_error *err)
{
    if (p == NULL)
        return cv_error_set(err, CV_ERR_INTERNAL, "multipart: no parser");
    if (p->state == MULTIPART_STATE_FAILED)
        return cv_error_set(err, p->failed, "multipart parser used after a failure");
    if (p->state == MULTIPART_STATE_EPILOGUE)
        return CV_OK;
    cv_error_set(err, CV_ERR_INVALID, "multipart body ends before its closing boundary");
    return multipart_fail(p, CV_ERR_INVALID);
}
