/*
 * extract.h - the text of an untrusted CV file (PDF, DOCX, plain text), read
 * by the cv-extract program in a confined process (src/, used by cv-worker).
 *
 * What a reader must know first: parsing never happens in the caller's
 * process, and the caller never forks. Each call starts cv-extract
 * (worker/extract/) with posix_spawn, the document on its standard input;
 * the program limits itself (address space, CPU time, no file writes, few
 * descriptors, no core dump, no new processes), installs a seccomp filter,
 * parses and writes the raw text on its standard output (extract_wire.h).
 * This side waits under a wall-time deadline, size-checks what comes back
 * and normalises it (text_normalize.h). A crash, a bomb or an endless
 * document costs the extractor, never the worker.
 */
#ifndef CV_EXTRACT_H
#define CV_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "cv_status.h"

/* ---- Limits (defaults of struct extract_limits, and fixed bounds) ---- */

/* Text handed to the analyzer: a long CV is ~30 KiB of text; 200 KiB keeps
 * an LLM prompt bounded while never cutting a real CV. */
#define EXTRACT_TEXT_MAX_BYTES (200 * 1024)
/* Raw text the extractor may send, per byte of EXTRACT_TEXT_MAX_BYTES: raw
 * layout text carries spaces and blank lines that normalisation removes. */
#define EXTRACT_RAW_PER_TEXT_BYTE 4
/* Wall time of one extraction, extractor started to reaped. A CV parses in well
 * under a second; 20 s also bounds how long a graceful stop waits. */
#define EXTRACT_WALL_TIMEOUT_MS 20000
/* CPU time of the extractor (soft limit: SIGXCPU; the hard limit is one second
 * more, then SIGKILL). Below the wall time so a busy loop dies first. */
#define EXTRACT_CPU_S 15
/* Address space the extractor may add to what it maps at start, on
 * top of the mapped file: poppler needs some room for fonts and pages. */
#define EXTRACT_MEMORY_BYTES (768UL * 1024 * 1024)
/* Pages of a PDF: a CV has 1 to 5; refuse rather than read a book. */
#define EXTRACT_PDF_MAX_PAGES 50
/* Input file size: the largest upload MAX_FILE_SIZE may allow
 * (CV_CONFIG_FILE_SIZE_MAX_BYTES, checked at compile time in extract.c). */
#define EXTRACT_INPUT_MAX_BYTES (100L * 1024 * 1024)
/* A DOCX (ZIP) archive: entries listed, uncompressed bytes of one XML part
 * and of all parts read. A Word CV has ~20 entries and a document.xml well
 * under 1 MiB; a ZIP bomb stops at these counts, whatever the archive says. */
#define EXTRACT_DOCX_MAX_ENTRIES 1000
#define EXTRACT_DOCX_PART_MAX_BYTES (8L * 1024 * 1024)
#define EXTRACT_DOCX_TOTAL_MAX_BYTES (16L * 1024 * 1024)
/* Header and footer parts read (Word makes at most 3 of each per section). */
#define EXTRACT_DOCX_MAX_HEADER_PARTS 32
/* Descriptors the extractor may open (it needs none after it starts; this
 * only has to exceed the descriptor numbers it keeps). */
#define EXTRACT_CHILD_MAX_FDS 64

/* The error of a PDF with no text layer: what the user can do about it. */
#define EXTRACT_PDF_NO_TEXT_MESSAGE \
    "this PDF has no text: export it again with text, or upload DOCX"

/* What the caller says the file is (it maps its own file type to this). */
enum extract_format {
    EXTRACT_PDF = 1,
    EXTRACT_DOCX = 2,
    EXTRACT_TEXT = 3,   /* UTF-8, with or without a byte order mark */
};

/* Limits of one call; extract_limits_default fills the EXTRACT_* values.
 * Tests shrink them; the worker passes NULL to get the defaults. */
struct extract_limits {
    unsigned wall_timeout_ms;   /* > 0 */
    unsigned cpu_s;             /* > 0 */
    size_t memory_bytes;        /* > 0 */
    unsigned pdf_max_pages;     /* > 0 */
    size_t text_max_bytes;      /* > 0, at most EXTRACT_TEXT_MAX_BYTES * 16 */
};

void extract_limits_default(struct extract_limits *limits);

struct extract_result {
    char *text;         /* normalised, valid UTF-8, NUL-terminated; the caller
                           frees it with extract_result_free (or free()) */
    size_t len;         /* bytes without the NUL: 1..text_max_bytes */
    bool truncated;     /* the text was cut at text_max_bytes (or the raw
                           cap), on a character boundary; not an error */
    bool sandboxed;     /* the extractor ran under the seccomp filter; false
                           when the kernel refused it (rlimits still held) */
};

/*
 * Extract the text of the document open on fd (a regular file or a memfd;
 * the caller keeps fd and its offset does not matter), read as `format`.
 *
 * CV_OK: *out holds the text (never empty). Otherwise *out is zeroed and
 * err says why:
 * - CV_ERR_DOCUMENT (permanent; err->message is fit for the end user):
 *   EXTRACT_PDF_NO_TEXT_MESSAGE (a PDF with no text layer: a scan, a page
 *   exported as an image), "no extractable text" (an empty DOCX or text
 *   file), a damaged or
 *   password-protected PDF, "the document has too many pages (more than N)",
 *   a DOCX that is not a valid ZIP, lacks word/document.xml, lists too many
 *   entries, inflates past its limits, is not well-formed XML or carries a
 *   DTD (refused: Word never writes one; this stops entity bombs), a text
 *   file that is not UTF-8, an input larger than EXTRACT_INPUT_MAX_BYTES,
 *   and "the document could not be read" when the extractor died by a
 *   signal (CPU or memory limit, crash), exited non-zero, sent more than
 *   the raw cap, or sent a malformed message.
 * - CV_ERR_TIMEOUT: the extractor ran past wall_timeout_ms and was killed.
 *   Treat it as permanent like CV_ERR_DOCUMENT (message "the document took
 *   too long to read"): the same file would take as long again.
 * - CV_ERR_IO: fd is not a regular file, a pipe could not be made, or the
 *   extractor could not be found or started (see extract_program);
 *   CV_ERR_INTERNAL: an argument is invalid; CV_ERR_NOMEM. These are ours
 *   and transient: retry the job.
 *
 * Thread safe: several threads may extract at once. The caller must not
 * reap children it did not start (waitpid(-1, ...)) nor set SIGCHLD to
 * SIG_IGN, since the extractor is reaped by pid. The extractor inherits no
 * descriptor but the document, its pipe and /dev/null, and of the
 * environment only the sanitizers' settings; its stderr is /dev/null, so
 * the parsers' messages never reach the worker's log.
 */
enum cv_status extract_text_fd(int fd, enum extract_format format,
                               const struct extract_limits *limits,
                               struct extract_result *out,
                               struct cv_error *err) CV_WARN_UNUSED;

/* The same for the file at path (opened here; CV_ERR_IO when it cannot
 * be opened or is not a regular file, a FIFO included). */
enum cv_status extract_text(const char *path, enum extract_format format,
                            const struct extract_limits *limits,
                            struct extract_result *out,
                            struct cv_error *err) CV_WARN_UNUSED;

/*
 * Where the extractor is: path (EXTRACT_PROGRAM), or with NULL or "" the
 * default, EXTRACT_PROGRAM_NAME in the directory of the running executable
 * (cv-extract is installed next to cv-worker). Call before any thread
 * extracts; not thread safe. CV_ERR_INVALID when path is too long.
 */
enum cv_status extract_set_program(const char *path, struct cv_error *err) CV_WARN_UNUSED;

/* The extractor's path into out (outsz bytes), checked to be executable:
 * CV_ERR_IO naming the path otherwise. The worker calls it at startup so
 * that a missing program stops it with a clear message. Thread safe once
 * extract_set_program is done. */
enum cv_status extract_program(char *out, size_t outsz, struct cv_error *err) CV_WARN_UNUSED;

/* Free the text and zero *r; NULL and an already freed result are fine. */
void extract_result_free(struct extract_result *r);

#endif
