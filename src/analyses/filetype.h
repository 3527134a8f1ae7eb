/*
 * filetype.h - what an uploaded CV is, decided by its content alone
 * (API.md), and the file name shown for it (src/, pure, no I/O).
 *
 * The sniffer is resumable: feed it the upload in chunks of any size while
 * the file streams to storage, then ask for the answer. It keeps only the
 * first bytes, a small UTF-8 state and, for ZIP files only, a bounded tail
 * window, so memory does not grow with the file (at most
 * FILETYPE_TAIL_BYTES per sniffer).
 *
 * Rules, tried in this order:
 *  - PDF: the first 5 bytes are "%PDF-". Strict: no leading junk allowed
 *    (some readers accept up to 1 KiB before the header; we do not).
 *  - DOCX: the file starts with a ZIP local header ("PK\3\4"), its End Of
 *    Central Directory record is found in the last 22 + 65535 bytes, the
 *    whole central directory lies inside the kept tail, and one of its
 *    entries (all walked, bounds-checked, at most FILETYPE_ZIP_MAX_ENTRIES)
 *    is named exactly "word/document.xml" (case matters). Split archives
 *    and ZIP64 are refused. A central directory larger than the tail is
 *    refused as unsupported rather than guessed at.
 *  - Text: valid UTF-8 (a BOM is fine) with no NUL byte. A file of only
 *    whitespace is text here; whether it has usable text is the worker's
 *    call later ("no extractable text").
 *  - Anything else (PNG, JPEG, XLSX, plain ZIP, UTF-16, Latin-1, ...) is
 *    unsupported.
 */
#ifndef CV_FILETYPE_H
#define CV_FILETYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cv_status.h"
#include "utf8.h"

/* ---- Limits ------------------------------------------------------------ */
/* Bytes kept from the start: "%PDF-" is the longest magic we test. */
#define FILETYPE_HEAD_BYTES 5
/* The ZIP End Of Central Directory record without its comment, and the
 * longest comment (its length field is 16 bits): the record starts in the
 * last 22 + 65535 bytes of an archive. */
#define FILETYPE_ZIP_EOCD_BYTES 22
#define FILETYPE_ZIP_COMMENT_MAX_BYTES 65535
/* Tail window kept for ZIP candidates: room for the longest EOCD search and
 * a central directory of ~190 KiB beside it. A Word document's central
 * directory is a few KiB (some 80 bytes per part; one with hundreds of
 * images stays well under 64 KiB). Allocated only for files that start
 * with "PK\3\4". */
#define FILETYPE_TAIL_BYTES (256 * 1024)
/* Central directory entries walked at most. Each entry is at least 46
 * bytes, so 4096 of them (~184 KiB) still fit in the tail; a DOCX has
 * tens to a few hundred parts. */
#define FILETYPE_ZIP_MAX_ENTRIES 4096
/* A display file name: the usual file system name limit (NAME_MAX); equal
 * to ANALYSIS_FILE_NAME_MAX_BYTES in analysis.h. */
#define FILETYPE_DISPLAY_NAME_MAX_BYTES 255

/* Values are stable; append only. */
enum cv_file_type {
    CV_FILE_UNKNOWN = 0,
    CV_FILE_PDF = 1,
    CV_FILE_DOCX = 2,
    CV_FILE_TEXT = 3,
};

/*
 * MIME type stored and served for a type: "application/pdf",
 * "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
 * "text/plain; charset=utf-8"; "application/octet-stream" for UNKNOWN or an
 * out-of-range value. Static strings; never NULL.
 */
const char *filetype_mime(enum cv_file_type type);

/* Canonical extension without the dot: "pdf", "docx", "txt"; "" for
 * UNKNOWN or an out-of-range value. Static; never NULL. */
const char *filetype_extension(enum cv_file_type type);

/* Stable lower-case name for logs: "pdf", "docx", "text", "unknown". */
const char *filetype_name(enum cv_file_type type);

/*
 * Incremental detector. Fields are private. One owner at a time (not
 * thread safe); distinct sniffers are independent.
 * Lifecycle: filetype_sniffer_init, any number of filetype_sniffer_feed,
 * filetype_sniffer_finish once; call filetype_sniffer_free on every path
 * (it is harmless after finish and a second time).
 */
struct filetype_sniffer {
    unsigned char head[FILETYPE_HEAD_BYTES];
    size_t head_len;            /* bytes in head, 0..FILETYPE_HEAD_BYTES */
    uint64_t total_bytes;       /* bytes fed so far */
    struct cv_utf8_stream text; /* UTF-8 state for the text rule */
    bool text_possible;         /* valid UTF-8 so far and no NUL seen */
    bool zip_candidate;         /* starts with "PK\3\4" */
    unsigned char *tail;        /* ring of FILETYPE_TAIL_BYTES, or NULL */
    size_t tail_pos;            /* next write index in the ring */
    size_t tail_len;            /* bytes held, 0..FILETYPE_TAIL_BYTES */
    enum cv_status failed;      /* sticky failure of a feed, CV_OK if none */
    bool finished;
};

/* Start a sniffer. Allocates nothing; cannot fail. */
void filetype_sniffer_init(struct filetype_sniffer *s);

/*
 * Look at the next len bytes (data may be NULL when len is 0). Keeps no
 * pointer to data. Returns CV_OK; CV_ERR_NOMEM when the tail window of a
 * ZIP candidate cannot be allocated; CV_ERR_INTERNAL after finish. A
 * failure is sticky: later feeds and finish return it again.
 */
enum cv_status filetype_sniffer_feed(struct filetype_sniffer *s, const void *data,
                                     size_t len, struct cv_error *err) CV_WARN_UNUSED;

/*
 * The input has ended: decide. Sets *type and returns CV_OK for PDF, DOCX
 * or TEXT. Otherwise *type is CV_FILE_UNKNOWN and the status is
 * CV_ERR_INVALID for an empty file (field "cv": "the file is empty"),
 * CV_ERR_UNSUPPORTED_FILE_TYPE with a client-facing message naming what is
 * accepted, the sticky failure of a feed, or CV_ERR_INTERNAL when called
 * twice. Releases the tail window. The answer does not depend on how the
 * input was split into chunks.
 */
enum cv_status filetype_sniffer_finish(struct filetype_sniffer *s, enum cv_file_type *type,
                                       struct cv_error *err) CV_WARN_UNUSED;

/* Release what the sniffer holds. s may be NULL. */
void filetype_sniffer_free(struct filetype_sniffer *s);

/*
 * The name to store and show for an upload whose client-given name is raw
 * (len bytes, not NUL-terminated; NULL when len is 0), written to out as a
 * NUL-terminated string of at most FILETYPE_DISPLAY_NAME_MAX_BYTES bytes:
 *  - the directory part is dropped (everything up to the last '/' or '\');
 *  - control characters are removed: C0, DEL, C1, and the invisible
 *    direction and line controls that can disguise a name (U+200E, U+200F,
 *    U+2028, U+2029, U+202A..U+202E, U+2066..U+2069);
 *  - each byte that is not valid UTF-8 becomes U+FFFD;
 *  - leading and trailing spaces and dots are trimmed;
 *  - it is cut at FILETYPE_DISPLAY_NAME_MAX_BYTES on a code point boundary
 *    (then trimmed again);
 *  - other Unicode is kept ("Jérôme CV.pdf" stays as it is);
 *  - an empty result becomes "cv." plus the extension of type ("cv.pdf"),
 *    or "cv" for CV_FILE_UNKNOWN.
 * The extension is not changed to match type: API.md keeps the client's
 * name. Returns CV_OK, or CV_ERR_INTERNAL (out untouched) when out is NULL,
 * out_size < FILETYPE_DISPLAY_NAME_MAX_BYTES + 1, or raw is NULL with
 * len > 0. Pure and thread safe.
 */
enum cv_status filetype_display_name(const char *raw, size_t len, enum cv_file_type type,
                                     char *out, size_t out_size,
                                     struct cv_error *err) CV_WARN_UNUSED;

#endif
