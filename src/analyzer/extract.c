/*
 * extract.c - text of untrusted CV files, read by the cv-extract program
 * in a process of its own (see extract.h; the program is worker/extract/).
 *
 * Read top to bottom: what a user is told for each reason the extractor
 * gives, then the parent's side (start the program with posix_spawn, read
 * its message under a deadline and a size cap, reap it, check the message,
 * normalise the text). Nothing here parses a document.
 */
#include "extract.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "buf.h"
#include "clock.h"
#include "config.h"
#include "extract_wire.h"
#include "text_normalize.h"
#include "utf8.h"

_Static_assert(EXTRACT_INPUT_MAX_BYTES >= CV_CONFIG_FILE_SIZE_MAX_BYTES,
               "extraction must accept every file the API may store");

extern char **environ;

/* Raw text the extractor may send for a given text cap. */
static size_t extract_raw_max(const struct extract_limits *lim)
{
    return lim->text_max_bytes * EXTRACT_RAW_PER_TEXT_BYTE;
}

/* What a user is told for each reason (the numbers come from the limits). */
static enum cv_status xp_reason_error(enum xwire_reason reason, const struct extract_limits *lim,
                                      struct cv_error *err)
{
    switch (reason) {
    case XR_OK:
        return CV_OK;
    case XR_PDF_DAMAGED:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document is damaged or is not a valid PDF");
    case XR_PDF_ENCRYPTED:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document is password-protected");
    case XR_PDF_NO_PAGES:
        return cv_error_set(err, CV_ERR_DOCUMENT, "no extractable text");
    case XR_PDF_TOO_MANY_PAGES:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document has too many pages (more than %u)",
                            lim->pdf_max_pages);
    case XR_ZIP_INVALID:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document is damaged or is not a valid Word file");
    case XR_ZIP_OLE:
        return cv_error_set(err, CV_ERR_DOCUMENT,
                            "the document is password-protected or in the old .doc format");
    case XR_ZIP_ENCRYPTED:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document is password-protected");
    case XR_ZIP_TOO_MANY_ENTRIES:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document has too many parts (more than %d)",
                            EXTRACT_DOCX_MAX_ENTRIES);
    case XR_DOCX_NO_DOCUMENT:
        return cv_error_set(err, CV_ERR_DOCUMENT,
                            "the document is not a valid Word file (no word/document.xml)");
    case XR_DOCX_TOO_LARGE:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document is too large once decompressed");
    case XR_XML_INVALID:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document is damaged (invalid XML)");
    case XR_XML_DTD:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document contains a DTD, which is not allowed");
    case XR_TEXT_NOT_UTF8:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the text file is not valid UTF-8");
    case XR_NOMEM:
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document could not be read");
    case XR_READ_FAILED:
        return cv_error_set(err, CV_ERR_IO, "extract: the extractor could not map the document");
    case XR_COUNT:
        break;
    }
    return cv_error_set(err, CV_ERR_DOCUMENT, "the document could not be read");
}

/* Longest single nap while waiting for an exiting extractor. */
#define XP_REAP_NAP_MAX_MS 20
/* One read from the extractor's pipe. */
#define XP_READ_CHUNK_BYTES (16 * 1024)

/*
 * Reap pid: kill it first when kill_now, otherwise let it exit until the
 * deadline and kill it then (*timed_out). Returns 1 with *wstatus set, or
 * 0 when the status is unknown (someone else reaped it).
 */
static int xp_reap(pid_t pid, int kill_now, int64_t deadline_ms, int *wstatus, int *timed_out)
{
    long nap = 1;

    if (kill_now)
        (void)kill(pid, SIGKILL);
    for (;;) {
        pid_t r = waitpid(pid, wstatus, kill_now ? 0 : WNOHANG);

        if (r == pid)
            return 1;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return 0;
        }
        if (cv_clock_now_ms() >= deadline_ms) {
            *timed_out = 1;
            kill_now = 1;
            (void)kill(pid, SIGKILL);
            continue;
        }
        cv_nap_ms(nap);
        if (nap < XP_REAP_NAP_MAX_MS)
            nap *= 2;
    }
}

/*
 * Read everything the extractor writes, until EOF, the deadline (*timed_out)
 * or more than b->max bytes (*overflow). CV_ERR_IO when reading fails.
 */
static enum cv_status xp_collect(int fd, int64_t deadline_ms, struct cv_buf *b,
                                 int *timed_out, int *overflow)
{
    char chunk[XP_READ_CHUNK_BYTES];

    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN, .revents = 0 };
        int64_t left = deadline_ms - cv_clock_now_ms();
        ssize_t n;
        int pr;
        enum cv_status st;

        if (left <= 0) {
            *timed_out = 1;
            return CV_OK;
        }
        pr = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
        if (pr < 0) {
            if (errno == EINTR)
                continue;
            return CV_ERR_IO;
        }
        if (pr == 0)
            continue;           /* the deadline check above ends it */
        n = read(fd, chunk, sizeof(chunk));
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return CV_ERR_IO;
        }
        if (n == 0)
            return CV_OK;
        st = cv_buf_append(b, chunk, (size_t)n);
        if (st == CV_ERR_TOO_LARGE) {
            *overflow = 1;
            return CV_OK;
        }
        if (st != CV_OK)
            return st;
    }
}

/* Check the extractor's message and turn its text into the result. b is the
 * whole message; on CV_OK its memory moves to out. */
static enum cv_status xp_finish(struct cv_buf *b, enum extract_format format,
                                const struct extract_limits *lim,
                                struct extract_result *out, struct cv_error *err)
{
    struct xwire_header h;
    size_t len, n;

    if (b->len < sizeof(h))
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document could not be read");
    memcpy(&h, b->data, sizeof(h));
    if (h.magic != XWIRE_MAGIC || h.reason >= XR_COUNT || h.len != b->len - sizeof(h) ||
        (h.reason != XR_OK && h.len != 0) || h.len > extract_raw_max(lim))
        return cv_error_set(err, CV_ERR_DOCUMENT, "the document could not be read");
    if (h.reason != XR_OK)
        return xp_reason_error((enum xwire_reason)h.reason, lim, err);

    len = (size_t)h.len;
    memmove(b->data, b->data + sizeof(h), len);
    b->data[len] = '\0';
    /* The extractor is not trusted to have normalised or even sent UTF-8. */
    n = text_normalize(b->data, len);
    out->truncated = (h.flags & XWIRE_TRUNCATED) != 0;
    if (n > lim->text_max_bytes) {
        n = text_normalize(b->data, cv_utf8_truncate((const unsigned char *)b->data, n, SIZE_MAX,
                                                      lim->text_max_bytes));
        out->truncated = true;
    }
    if (n == 0 && format == EXTRACT_PDF)
        return cv_error_set(err, CV_ERR_DOCUMENT, "%s", EXTRACT_PDF_NO_TEXT_MESSAGE);
    if (n == 0)
        return cv_error_set(err, CV_ERR_DOCUMENT, "no extractable text");
    if (b->cap > n + 1) {
        /* Give back what normalisation freed; on failure keep the block. */
        char *smaller = realloc(b->data, n + 1);

        if (smaller != NULL) {
            b->data = smaller;
            b->cap = n + 1;
        }
    }
    out->text = cv_buf_take(b);
    out->len = n;
    out->sandboxed = (h.flags & XWIRE_SANDBOXED) != 0;
    return CV_OK;
}

void extract_limits_default(struct extract_limits *limits)
{
    limits->wall_timeout_ms = EXTRACT_WALL_TIMEOUT_MS;
    limits->cpu_s = EXTRACT_CPU_S;
    limits->memory_bytes = EXTRACT_MEMORY_BYTES;
    limits->pdf_max_pages = EXTRACT_PDF_MAX_PAGES;
    limits->text_max_bytes = EXTRACT_TEXT_MAX_BYTES;
}

void extract_result_free(struct extract_result *r)
{
    if (r == NULL)
        return;
    free(r->text);
    memset(r, 0, sizeof(*r));
}

static int xp_limits_valid(const struct extract_limits *l)
{
    return l->wall_timeout_ms > 0 && l->cpu_s > 0 && l->memory_bytes > 0 &&
           l->pdf_max_pages > 0 && l->pdf_max_pages <= INT_MAX && l->text_max_bytes > 0 &&
           l->text_max_bytes <= (size_t)EXTRACT_TEXT_MAX_BYTES * 16;
}


/* The extractor's path: set once at startup, or next to this executable. */
static char extract_program_path[PATH_MAX];

enum cv_status extract_set_program(const char *path, struct cv_error *err)
{
    int n;

    if (path == NULL || path[0] == '\0') {
        extract_program_path[0] = '\0';
        return CV_OK;
    }
    n = snprintf(extract_program_path, sizeof(extract_program_path), "%s", path);
    if (n < 0 || (size_t)n >= sizeof(extract_program_path)) {
        extract_program_path[0] = '\0';
        return cv_error_set(err, CV_ERR_INVALID, "EXTRACT_PROGRAM: the path is too long");
    }
    return CV_OK;
}

enum cv_status extract_program(char *out, size_t outsz, struct cv_error *err)
{
    char self[PATH_MAX], *slash;
    ssize_t n;
    int w;

    if (extract_program_path[0] != '\0') {
        w = snprintf(out, outsz, "%s", extract_program_path);
    } else {
        n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n <= 0)
            return cv_error_set(err, CV_ERR_IO, "extract: /proc/self/exe: %s", strerror(errno));
        self[n] = '\0';
        slash = strrchr(self, '/');
        if (slash == NULL)
            return cv_error_set(err, CV_ERR_IO, "extract: no directory in %s", self);
        *slash = '\0';
        w = snprintf(out, outsz, "%s/%s", self, EXTRACT_PROGRAM_NAME);
    }
    if (w < 0 || (size_t)w >= outsz)
        return cv_error_set(err, CV_ERR_IO, "extract: the program path is too long");
    if (access(out, X_OK) != 0)
        return cv_error_set(err, CV_ERR_IO, "extract: cannot run %s: %s", out, strerror(errno));
    return CV_OK;
}

/* Sanitizer settings are all the extractor inherits of our environment:
 * never the secrets a worker may hold there. */
static const char *const extract_env_kept[] = {
    "ASAN_OPTIONS=", "UBSAN_OPTIONS=", "LSAN_OPTIONS=",
};
#define EXTRACT_ENV_MAX (sizeof(extract_env_kept) / sizeof(extract_env_kept[0]) + 1)

static void extract_child_env(char **envp)
{
    size_t n = 0, k;
    char **e;

    for (e = environ; e != NULL && *e != NULL && n + 1 < EXTRACT_ENV_MAX; e++) {
        for (k = 0; k < EXTRACT_ENV_MAX - 1; k++) {
            if (strncmp(*e, extract_env_kept[k], strlen(extract_env_kept[k])) == 0) {
                envp[n++] = *e;
                break;
            }
        }
    }
    envp[n] = NULL;
}

/* A descriptor of ours above 2, so that the dup2s of the spawn cannot
 * overwrite one another (a worker started with 0-2 closed gets them). */
static int extract_fd_above_std(int fd)
{
    int moved;

    if (fd > 2)
        return fd;
    moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    (void)close(fd);
    return moved;
}

/*
 * Start the extractor on doc_fd with its output on out_fd. posix_spawn is
 * glibc's vfork and exec: nothing of this threaded process (its malloc,
 * its locks) runs in the child between the two, so it is safe under any
 * allocator. The child gets default signals, an empty mask, the document
 * on 0, the pipe on 1, /dev/null on 2 and no other descriptor.
 */
static enum cv_status extract_spawn(const char *program, int doc_fd, int out_fd,
                                    enum extract_format format, const struct extract_limits *lim,
                                    pid_t *pid, struct cv_error *err)
{
    static const char *const format_names[] = { "", "pdf", "docx", "text" };
    char cpu[24], mem[24], pages[24], raw[24], parent[24];
    char *argv[14], *envp[EXTRACT_ENV_MAX];
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t all, none;
    int rc;

    (void)snprintf(cpu, sizeof(cpu), "%u", lim->cpu_s);
    (void)snprintf(mem, sizeof(mem), "%zu", lim->memory_bytes);
    (void)snprintf(pages, sizeof(pages), "%u", lim->pdf_max_pages);
    (void)snprintf(raw, sizeof(raw), "%zu", extract_raw_max(lim));
    (void)snprintf(parent, sizeof(parent), "%ld", (long)getpid());
    argv[0] = (char *)EXTRACT_PROGRAM_NAME;
    argv[1] = (char *)XWIRE_OPT_FORMAT;
    argv[2] = (char *)format_names[format];
    argv[3] = (char *)XWIRE_OPT_CPU_S;
    argv[4] = cpu;
    argv[5] = (char *)XWIRE_OPT_MEMORY;
    argv[6] = mem;
    argv[7] = (char *)XWIRE_OPT_PAGES;
    argv[8] = pages;
    argv[9] = (char *)XWIRE_OPT_RAW_MAX;
    argv[10] = raw;
    argv[11] = (char *)XWIRE_OPT_PARENT;
    argv[12] = parent;
    argv[13] = NULL;
    extract_child_env(envp);

    sigfillset(&all);
    sigemptyset(&none);
    if (posix_spawn_file_actions_init(&fa) != 0)
        return cv_error_set(err, CV_ERR_NOMEM, "extract: out of memory");
    if (posix_spawnattr_init(&attr) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return cv_error_set(err, CV_ERR_NOMEM, "extract: out of memory");
    }
    rc = posix_spawn_file_actions_adddup2(&fa, doc_fd, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    if (rc == 0)
        rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    if (rc == 0)
        rc = posix_spawnattr_setsigmask(&attr, &none);
    if (rc == 0)
        rc = posix_spawnattr_setsigdefault(&attr, &all);
    if (rc == 0)
        rc = posix_spawn(pid, program, &fa, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return cv_error_set(err, CV_ERR_IO, "extract: cannot start %s: %s", program, strerror(rc));
    return CV_OK;
}

enum cv_status extract_text_fd(int fd, enum extract_format format,
                               const struct extract_limits *limits,
                               struct extract_result *out, struct cv_error *err)
{
    struct extract_limits lim;
    struct cv_buf msg;
    struct stat sb;
    char program[PATH_MAX];
    int doc_fd, pipefd[2], saved_errno, wstatus = 0, known;
    int timed_out = 0, overflow = 0;
    int64_t deadline_ms;
    pid_t pid;
    enum cv_status st;

    if (out != NULL)
        memset(out, 0, sizeof(*out));
    if (limits != NULL)
        lim = *limits;
    else
        extract_limits_default(&lim);
    if (fd < 0 || out == NULL || !xp_limits_valid(&lim) ||
        (format != EXTRACT_PDF && format != EXTRACT_DOCX && format != EXTRACT_TEXT))
        return cv_error_set(err, CV_ERR_INTERNAL, "extract: invalid argument");
    if (fstat(fd, &sb) != 0)
        return cv_error_set(err, CV_ERR_IO, "extract: fstat: %s", strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return cv_error_set(err, CV_ERR_IO, "extract: not a regular file");
    if (sb.st_size < 0 || sb.st_size > EXTRACT_INPUT_MAX_BYTES)
        return cv_error_set(err, CV_ERR_DOCUMENT, "the file is too large to read (more than %ld MiB)",
                            EXTRACT_INPUT_MAX_BYTES / (1024 * 1024));
    st = extract_program(program, sizeof(program), err);
    if (st != CV_OK)
        return st;
    /* Our own descriptor, above 2 so that the spawn's dup2s cannot collide,
     * for the extractor's 0; the caller keeps fd. */
    doc_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (doc_fd < 0)
        return cv_error_set(err, CV_ERR_IO, "extract: dup: %s", strerror(errno));
    if (pipe2(pipefd, O_CLOEXEC) != 0) {
        saved_errno = errno;
        (void)close(doc_fd);
        return cv_error_set(err, CV_ERR_IO, "extract: pipe: %s", strerror(saved_errno));
    }
    pipefd[0] = extract_fd_above_std(pipefd[0]);
    pipefd[1] = extract_fd_above_std(pipefd[1]);
    if (pipefd[0] < 0 || pipefd[1] < 0) {
        saved_errno = errno;
        if (pipefd[0] >= 0)
            (void)close(pipefd[0]);
        if (pipefd[1] >= 0)
            (void)close(pipefd[1]);
        (void)close(doc_fd);
        return cv_error_set(err, CV_ERR_IO, "extract: pipe: %s", strerror(saved_errno));
    }

    deadline_ms = cv_clock_now_ms() + lim.wall_timeout_ms;
    st = extract_spawn(program, doc_fd, pipefd[1], format, &lim, &pid, err);
    (void)close(pipefd[1]);
    (void)close(doc_fd);
    if (st != CV_OK) {
        (void)close(pipefd[0]);
        return st;
    }

    cv_buf_init(&msg, sizeof(struct xwire_header) + extract_raw_max(&lim));
    st = xp_collect(pipefd[0], deadline_ms, &msg, &timed_out, &overflow);
    (void)close(pipefd[0]);
    known = xp_reap(pid, st != CV_OK || timed_out || overflow, deadline_ms, &wstatus, &timed_out);

    if (timed_out)
        st = cv_error_set(err, CV_ERR_TIMEOUT, "the document took too long to read");
    else if (st == CV_ERR_IO)
        st = cv_error_set(err, CV_ERR_IO, "extract: reading from the extractor failed");
    else if (st != CV_OK)
        st = cv_error_set(err, st, "extract: %s", cv_status_name(st));
    else if (overflow || (known && (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)))
        st = cv_error_set(err, CV_ERR_DOCUMENT, "the document could not be read");
    else
        st = xp_finish(&msg, format, &lim, out, err);
    cv_buf_free(&msg);
    return st;
}

enum cv_status extract_text(const char *path, enum extract_format format,
                            const struct extract_limits *limits,
                            struct extract_result *out, struct cv_error *err)
{
    enum cv_status st;
    int fd;

    if (out != NULL)
        memset(out, 0, sizeof(*out));
    if (path == NULL)
        return cv_error_set(err, CV_ERR_INTERNAL, "extract: invalid argument");
    /* O_NONBLOCK so that a FIFO cannot block us before the type check. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return cv_error_set(err, CV_ERR_IO, "extract: open: %s", strerror(errno));
    st = extract_text_fd(fd, format, limits, out, err);
    (void)close(fd);
    return st;
}
