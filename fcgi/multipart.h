/*
 * multipart.h (fcgi/) - a streaming multipart/form-data parser (RFC 7578 on
 * RFC 2046) for the CV upload, and the reading of its boundary from the
 * request's Content-Type.
 *
 * Resumable: feed the body in chunks of any size, down to one byte; the
 * parser keeps its place in an enum state machine (like nginx's FastCGI
 * record parser) and hands each part's bytes to a callback as they arrive.
 * It never buffers a part body: memory is sizeof(struct multipart_parser),
 * about 8.5 KiB, whatever the body's size, and nothing is allocated.
 * Pure parsing: no FastCGI, no I/O, no logging.
 *
 * Grammar accepted, and the decisions taken where RFC 2046 leaves room:
 *  - The delimiter is CRLF "--" boundary; only at the very start of the body
 *    may "--" boundary stand without the CRLF before it. It must be followed
 *    by optional spaces/tabs and CRLF (next part), or by "--" (end). Any
 *    other byte after a full "--" boundary (the boundary may not prefix a
 *    line of a part, RFC 2046 5.1.1) fails with CV_ERR_INVALID, in the
 *    preamble as in a part body, and so does a part body that starts with
 *    "--" boundary (the CRLF of its delimiter is missing).
 *  - The preamble and everything after the close delimiter are ignored.
 *  - Part headers end with a blank line. A header line may end with CRLF or
 *    with a bare LF (RFC 9112 2.2 lets a recipient accept it; some
 *    hand-written clients send it); the blank line too. A bare CR, a control
 *    byte other than HTAB, a line without "name:", and a folded line
 *    (starting with a space or tab) fail with CV_ERR_INVALID.
 *  - Every part needs `Content-Disposition: form-data` with a non-empty
 *    `name`; `filename` is optional. Parameter and header names are case
 *    insensitive; values are tokens or quoted strings. Inside a quoted
 *    string a backslash escapes only '"' and '\'; before any other byte it
 *    is kept as is, because browsers do not escape backslashes and old MSIE
 *    sends raw Windows paths (filename="C:\cv\me.pdf"), as Go's mime package
 *    decides too. `filename*` and unknown parameters and headers are ignored.
 *    A repeated Content-Disposition, Content-Type, name or filename fails.
 *  - The filename is reported raw, directory part and all: making a safe
 *    base name of it is the caller's job.
 *
 * Thread safety: none needed: one parser per request, used by the thread
 * handling that request. Callbacks run on the caller's thread, inside
 * multipart_feed, and must not call multipart_feed on the same parser.
 */
#ifndef CV_FCGI_MULTIPART_H
#define CV_FCGI_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "cv_status.h"

/* ---- Limits ------------------------------------------------------------
 * A boundary is 1 to 70 bytes (RFC 2046 5.1.1). */
#define MULTIPART_BOUNDARY_MAX_BYTES 70
/* The delimiter: CRLF "--" boundary. */
#define MULTIPART_DELIMITER_MAX_BYTES (MULTIPART_BOUNDARY_MAX_BYTES + 4)
/* One part's header block: its header lines with their line endings, not
 * counting the blank line that ends it. Browsers and curl send under
 * 300 bytes; 8 KiB leaves room for a long UTF-8 filename. Past it:
 * CV_ERR_TOO_LARGE. */
#define MULTIPART_HEADER_MAX_BYTES (8 * 1024)
/* Parts in one body. The upload form has five fields; a body with more
 * parts than this is not ours and fails with CV_ERR_INVALID. */
#define MULTIPART_MAX_PARTS 32

/* A boundary read from a Content-Type: bytes[len] is '\0'. */
struct multipart_boundary {
    char bytes[MULTIPART_BOUNDARY_MAX_BYTES + 1];
    size_t len;
};

/*
 * Read the boundary of a `multipart/form-data; boundary=...` Content-Type
 * header value (content_type.len bytes, no NUL needed; ptr NULL when the
 * request has no Content-Type). The type and subtype and parameter names
 * are case insensitive; other parameters may come before or after
 * boundary, in any order; the boundary is a token or a quoted string
 * (backslash escapes any byte there, RFC 9110 5.6.4) and must be 1 to 70
 * RFC 2046 bchars, not ending with a space.
 *
 * Returns CV_OK and fills *out; CV_ERR_UNSUPPORTED_MEDIA_TYPE when the value
 * is absent or its type is not multipart/form-data; CV_ERR_INVALID when the
 * type is right but the parameters are malformed or the boundary is
 * missing, repeated, empty, over 70 bytes or has a byte RFC 2046 does not
 * allow; err says which. *out is only meaningful on CV_OK. Keeps no pointer.
 * Thread safe.
 */
enum cv_status multipart_boundary_from_content_type(struct cv_str content_type,
                                                    struct multipart_boundary *out,
                                                    struct cv_error *err) CV_WARN_UNUSED;

/*
 * A part, as given to on_part_begin. Every view is NUL-terminated
 * (ptr[len] == '\0', and none contains a NUL) and points into the parser:
 * it is valid during the callback only; copy what you keep.
 */
struct multipart_part {
    struct cv_str name;          /* the name parameter, unescaped; len >= 1 */
    struct cv_str filename;      /* the filename parameter, unescaped and raw
                                    (may hold a path); ptr NULL when absent,
                                    len 0 when given as "" */
    struct cv_str content_type;  /* the part's Content-Type value, trimmed,
                                    as sent; ptr NULL when absent or empty */
    size_t index;                /* position in the body, from 0 */
};

/*
 * What the parser reports. Any callback may be NULL (that event is then
 * ignored). Each returns CV_OK to go on; any other status aborts the
 * parse: multipart_feed returns that status at once and the parser is
 * failed. A callback that fails should fill err (the err given to
 * multipart_feed); if it left err->status different from what it returned,
 * the parser sets err to that status with a generic message.
 *
 * Order: for each part, on_part_begin once, on_part_data zero or more times
 * (len >= 1 always; slices may be as small as one byte and do not follow the
 * chunks fed), on_part_end once, when the delimiter that closes the part has
 * been read in full. When the parse fails, a part may have begun and never
 * end: whoever stored its bytes must discard them.
 */
struct multipart_callbacks {
    enum cv_status (*on_part_begin)(void *ctx, const struct multipart_part *part,
                                    struct cv_error *err);
    enum cv_status (*on_part_data)(void *ctx, const char *data, size_t len,
                                   struct cv_error *err);
    enum cv_status (*on_part_end)(void *ctx, struct cv_error *err);
};

/* Where the parser is; read it for debugging only. */
enum multipart_state {
    MULTIPART_STATE_PREAMBLE = 0,   /* looking for the first delimiter */
    MULTIPART_STATE_DELIM_AFTER,    /* "--" boundary matched: "--", WSP or CR next */
    MULTIPART_STATE_DELIM_DASH,     /* one '-' of the close delimiter seen */
    MULTIPART_STATE_DELIM_PAD,      /* in transport padding, CR next */
    MULTIPART_STATE_DELIM_CR,       /* CR of the delimiter line seen, LF next */
    MULTIPART_STATE_HEADER_START,   /* at the start of a header line */
    MULTIPART_STATE_HEADER_LINE,    /* inside a header line */
    MULTIPART_STATE_HEADER_CR,      /* CR ending a header line seen, LF next */
    MULTIPART_STATE_HEADER_BLANK_CR,/* CR of the blank line seen, LF next */
    MULTIPART_STATE_BODY,           /* in a part body, looking for a delimiter */
    MULTIPART_STATE_EPILOGUE,       /* close delimiter seen: the rest is ignored */
    MULTIPART_STATE_FAILED,         /* a rule or a callback failed */
};

/*
 * The parser. Embed it (on the stack or in the request's arena); all fields
 * are private. Owns nothing outside itself: there is nothing to release.
 */
struct multipart_parser {
    enum multipart_state state;
    enum cv_status failed;          /* the status it failed with */
    struct multipart_callbacks cb;
    void *ctx;
    /* CRLF "--" boundary. No CR after the first byte: a boundary has none. */
    char delim[MULTIPART_DELIMITER_MAX_BYTES + 1];
    size_t delim_len;
    /* Bytes of delim matched so far: the only "held back" input, which
     * needs no copy since it equals delim[0..match). Of these, the first
     * match_implied were never input: the CRLF assumed at the start of the
     * body and of each part body. */
    size_t match;
    size_t match_implied;
    bool in_part;                   /* on_part_begin called, not on_part_end */
    size_t parts;                   /* parts begun */
    /* The current header block: its lines without their endings, each
     * followed by '\n' (never longer than the raw block). */
    size_t header_raw_bytes;        /* counted against MULTIPART_HEADER_MAX_BYTES */
    size_t header_len;
    size_t line_start;              /* offset in header of the current line */
    bool has_disposition, has_name, has_filename, has_content_type;
    size_t name_off, name_len, filename_off, filename_len, type_off, type_len;
    char header[MULTIPART_HEADER_MAX_BYTES + 1];
};

/*
 * Start a parse of a body whose boundary is `boundary` (copied; 1 to 70
 * bytes, no CR or LF, normally from multipart_boundary_from_content_type).
 * cb is copied (NULL: no callbacks); ctx is passed back to each callback.
 * Returns CV_OK, or CV_ERR_INVALID for a bad boundary (the parser is then
 * failed). Keeps no pointer but ctx.
 */
enum cv_status multipart_init(struct multipart_parser *p, struct cv_str boundary,
                              const struct multipart_callbacks *cb, void *ctx,
                              struct cv_error *err) CV_WARN_UNUSED;

/*
 * Parse the next len bytes of the body (any size; len 0 does nothing).
 * Reads data[0..len) only, keeps no pointer to it, and runs the callbacks
 * for what these bytes complete. Returns CV_OK when all of them were
 * consumed (the body may still be incomplete); CV_ERR_INVALID the moment the
 * input breaks a rule above; CV_ERR_TOO_LARGE when a part's header block
 * passes MULTIPART_HEADER_MAX_BYTES; a callback's status when it aborts;
 * CV_ERR_INTERNAL when data is NULL with len > 0. After a failure the
 * parser is failed: later calls return the same status (err then says the
 * parser was used after a failure). Bytes after the close delimiter are
 * ignored.
 */
enum cv_status multipart_feed(struct multipart_parser *p, const char *data, size_t len,
                              struct cv_error *err) CV_WARN_UNUSED;

/*
 * Call at the end of the body. Returns CV_OK when the close delimiter was
 * seen; else CV_ERR_INVALID ("multipart body ends before its closing
 * boundary"), or the status the parser failed with.
 */
enum cv_status multipart_finish(struct multipart_parser *p, struct cv_error *err) CV_WARN_UNUSED;

#endif
