/*
 * extract_wire.h - what cv-extract (worker/extract/) and the worker's
 * extract.c say to each other: the command line, and the one message the
 * extractor writes on its standard output (src/, header only).
 *
 * What a reader must know first: the extractor is not trusted. Its message
 * is a fixed header and then `len` bytes of raw text; the parent checks the
 * magic, the reason, that `len` is exactly what followed and at most the
 * raw cap it was given, before it reads a byte of text. The extractor sends
 * a reason code, never a message, so nothing a parser says reaches a user.
 */
#ifndef CV_EXTRACT_WIRE_H
#define CV_EXTRACT_WIRE_H

#include <stdint.h>

/* The program's file name, looked for next to the running executable
 * unless EXTRACT_PROGRAM names it. */
#define EXTRACT_PROGRAM_NAME "cv-extract"

/*
 * Command line, every option required, numbers in decimal:
 *   cv-extract --format pdf|docx|text --cpu-s N --memory-bytes N
 *              --pdf-max-pages N --raw-max-bytes N --parent PID
 * The document is descriptor 0 (a regular file or a memfd, mapped, never
 * written), the message goes to descriptor 1, descriptor 2 is /dev/null.
 * --parent is the pid of the process that started it: it dies with it.
 */
#define XWIRE_OPT_FORMAT "--format"
#define XWIRE_OPT_CPU_S "--cpu-s"
#define XWIRE_OPT_MEMORY "--memory-bytes"
#define XWIRE_OPT_PAGES "--pdf-max-pages"
#define XWIRE_OPT_RAW_MAX "--raw-max-bytes"
#define XWIRE_OPT_PARENT "--parent"

#define XWIRE_MAGIC 0x54585643u      /* "CVXT" */
#define XWIRE_SANDBOXED 0x1u         /* the seccomp filter was in force */
#define XWIRE_TRUNCATED 0x2u         /* the extractor cut the raw text */

/* Why the extractor stopped; the parent maps each to a status and message.
 * Append only: the two sides are built together, but never renumber. */
enum xwire_reason {
    XR_OK = 0,
    XR_PDF_DAMAGED,
    XR_PDF_ENCRYPTED,
    XR_PDF_NO_PAGES,
    XR_PDF_TOO_MANY_PAGES,
    XR_ZIP_INVALID,
    XR_ZIP_OLE,                     /* an OLE file: legacy .doc or encrypted */
    XR_ZIP_ENCRYPTED,
    XR_ZIP_TOO_MANY_ENTRIES,
    XR_DOCX_NO_DOCUMENT,
    XR_DOCX_TOO_LARGE,
    XR_XML_INVALID,
    XR_XML_DTD,
    XR_TEXT_NOT_UTF8,
    XR_NOMEM,
    XR_READ_FAILED,                 /* mapping the document failed: ours, transient */
    XR_COUNT
};

struct xwire_header {
    uint32_t magic;                 /* XWIRE_MAGIC */
    uint32_t reason;                /* enum xwire_reason */
    uint32_t flags;                 /* XWIRE_* */
    uint32_t reserved;              /* 0 */
    uint64_t len;                   /* raw text bytes after the header; 0 unless XR_OK */
};

/* Exit statuses of cv-extract besides 0 (message written): the parent
 * treats any of them, like death by a signal, as "could not be read". */
#define XWIRE_EXIT_USAGE 2          /* bad command line */
#define XWIRE_EXIT_ORPHAN 3         /* its parent was already gone */
#define XWIRE_EXIT_WRITE 4          /* writing the message failed */

#endif
