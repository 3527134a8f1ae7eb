/*
 * main.c (worker/extract/) - cv-extract: the raw text of one untrusted
 * document, for cv-worker, in a process of its own.
 *
 *   cv-extract --format pdf|docx|text --cpu-s N --memory-bytes N
 *              --pdf-max-pages N --raw-max-bytes N --parent PID
 *              < document > message
 *
 * What a reader must know first: cv-worker starts this program once per
 * document (spawn and exec, never a bare fork of the threaded worker) and
 * trusts nothing it says. In order it: dies with its parent, limits itself
 * (no core, no file written, no process, few descriptors, CPU seconds,
 * address space), maps the document, installs a seccomp allow-list
 * (libseccomp), parses, writes one message (extract_wire.h) and leaves
 * with _exit. The parent keeps the wall-time deadline and the size caps.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <seccomp.h>

#include "buf.h"
#include "extract.h"
#include "extract_wire.h"
#include "parse.h"

/* What the command line says; every field set, in range. */
struct xargs {
    enum extract_format format;
    unsigned long cpu_s;
    unsigned long long memory_bytes;
    unsigned long pdf_max_pages;
    unsigned long long raw_max_bytes;
    unsigned long long parent;
};

/* A decimal number in [min, max]; -1 when the text is anything else. */
static int xa_number(const char *s, unsigned long long min, unsigned long long max,
                     unsigned long long *out)
{
    char *end;
    unsigned long long v;

    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int xa_parse(int argc, char **argv, struct xargs *a)
{
    unsigned long long v;
    unsigned seen = 0;
    int i;

    memset(a, 0, sizeof(*a));
    for (i = 1; i + 1 < argc; i += 2) {
        const char *opt = argv[i], *val = argv[i + 1];

        if (strcmp(opt, XWIRE_OPT_FORMAT) == 0) {
            if (strcmp(val, "pdf") == 0)
                a->format = EXTRACT_PDF;
            else if (strcmp(val, "docx") == 0)
                a->format = EXTRACT_DOCX;
            else if (strcmp(val, "text") == 0)
                a->format = EXTRACT_TEXT;
            else
                return -1;
            seen |= 1u;
        } else if (strcmp(opt, XWIRE_OPT_CPU_S) == 0 && xa_number(val, 1, 86400, &v) == 0) {
            a->cpu_s = (unsigned long)v;
            seen |= 2u;
        } else if (strcmp(opt, XWIRE_OPT_MEMORY) == 0 && xa_number(val, 1, SIZE_MAX / 4, &v) == 0) {
            a->memory_bytes = v;
            seen |= 4u;
        } else if (strcmp(opt, XWIRE_OPT_PAGES) == 0 && xa_number(val, 1, INT_MAX, &v) == 0) {
            a->pdf_max_pages = (unsigned long)v;
            seen |= 8u;
        } else if (strcmp(opt, XWIRE_OPT_RAW_MAX) == 0 &&
                   xa_number(val, 1, (unsigned long long)EXTRACT_TEXT_MAX_BYTES * 16 *
                                         EXTRACT_RAW_PER_TEXT_BYTE, &v) == 0) {
            a->raw_max_bytes = v;
            seen |= 16u;
        } else if (strcmp(opt, XWIRE_OPT_PARENT) == 0 && xa_number(val, 1, INT_MAX, &v) == 0) {
            a->parent = v;
            seen |= 32u;
        } else {
            return -1;
        }
    }
    return i == argc && seen == 63u ? 0 : -1;
}

/* ---- Confinement ---- */

/* Bytes of address space this process maps now (/proc/self/statm), or 0. */
static size_t xc_address_space_bytes(void)
{
    char buf[64];
    ssize_t n;
    size_t pages = 0, i;
    long pagesz = sysconf(_SC_PAGESIZE);
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);

    if (fd < 0 || pagesz <= 0) {
        if (fd >= 0)
            (void)close(fd);
        return 0;
    }
    n = read(fd, buf, sizeof(buf) - 1);
    (void)close(fd);
    if (n <= 0)
        return 0;
    for (i = 0; i < (size_t)n && buf[i] >= '0' && buf[i] <= '9'; i++) {
        if (pages > (SIZE_MAX / 10) / (size_t)pagesz)
            return 0;
        pages = pages * 10 + (size_t)(buf[i] - '0');
    }
    return pages * (size_t)pagesz;
}

static void xc_setrlimit(int resource, rlim_t soft, rlim_t hard)
{
    struct rlimit rl;

    rl.rlim_cur = soft;
    rl.rlim_max = hard;
    (void)setrlimit(resource, &rl);
}

/*
 * Limits: no core dump, no file written, no process made, few descriptors,
 * CPU seconds (SIGXCPU, then SIGKILL one second later), and the address
 * space mapped at start plus the document plus --memory-bytes. The base is
 * measured rather than fixed: a sanitizer build maps terabytes of shadow
 * at start, a plain one a few MiB of libraries.
 */
static void xc_limits(const struct xargs *a, size_t file_size)
{
    size_t base = xc_address_space_bytes();

    xc_setrlimit(RLIMIT_CORE, 0, 0);
    xc_setrlimit(RLIMIT_FSIZE, 0, 0);
    xc_setrlimit(RLIMIT_NPROC, 0, 0);
    xc_setrlimit(RLIMIT_NOFILE, EXTRACT_CHILD_MAX_FDS, EXTRACT_CHILD_MAX_FDS);
    xc_setrlimit(RLIMIT_CPU, a->cpu_s, (rlim_t)a->cpu_s + 1);
    if (base > 0 && base < SIZE_MAX - file_size - a->memory_bytes) {
        rlim_t as = (rlim_t)(base + file_size + a->memory_bytes);

        xc_setrlimit(RLIMIT_AS, as, as);
    }
}

/* What parsing needs: memory, reading and writing open descriptors, time,
 * randomness, signals to itself, exit. Everything else (open, socket,
 * exec, fork, kill, ptrace, prlimit...) fails with EPERM, so a library that
 * tries something harmless gets an error rather than killing the process;
 * a system call of another architecture (x32, i386) kills it. */
static const char *const xc_allowed_syscalls[] = {
    "read", "write", "readv", "writev", "pread64", "lseek", "close", "fstat", "newfstatat",
    "mmap", "munmap", "mremap", "mprotect", "brk", "madvise",
    "futex", "exit", "exit_group", "rt_sigreturn", "rt_sigprocmask", "rt_sigaction",
    "sigaltstack", "restart_syscall", "getpid", "gettid", "getrandom",
    "clock_gettime", "clock_getres", "gettimeofday", "sched_yield",
};

/* Install the filter; 0 on success, -1 when the kernel refuses it (the
 * rlimits still hold, and the message says so). */
static int xc_seccomp(void)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
    size_t i;
    int rc = -1;

    if (ctx == NULL)
        return -1;
    if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) != 0 ||
        seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1) != 0)
        goto done;
    for (i = 0; i < sizeof(xc_allowed_syscalls) / sizeof(xc_allowed_syscalls[0]); i++) {
        int nr = seccomp_syscall_resolve_name(xc_allowed_syscalls[i]);

        /* A name this architecture lacks (newfstatat on some) is skipped. */
        if (nr != __NR_SCMP_ERROR && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) != 0)
            goto done;
    }
    rc = seccomp_load(ctx) == 0 ? 0 : -1;
done:
    seccomp_release(ctx);
    return rc;
}

static int xc_write_all(int fd, const void *p, size_t n)
{
    const char *c = p;

    while (n > 0) {
        ssize_t w = write(fd, c, n);

        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static enum xwire_reason xc_parse(struct xchild *xc, enum extract_format format)
{
    switch (format) {
    case EXTRACT_PDF:
        return extract_parse_pdf(xc);
    case EXTRACT_DOCX:
        return extract_parse_docx(xc);
    case EXTRACT_TEXT:
        return extract_parse_text(xc);
    }
    return XR_READ_FAILED;
}

int main(int argc, char **argv)
{
    struct xargs args;
    struct xchild xc;
    struct xwire_header h;
    struct stat sb;
    enum xwire_reason reason = XR_OK;
    int sandboxed;

    if (xa_parse(argc, argv, &args) != 0)
        _exit(XWIRE_EXIT_USAGE);
    /* Die with the worker thread that started us; if it is gone already,
     * nobody reads our answer. */
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if ((unsigned long long)getppid() != args.parent)
        _exit(XWIRE_EXIT_ORPHAN);
#ifdef SYS_close_range
    (void)syscall(SYS_close_range, 3U, ~0U, 0U);   /* the parent closed them too */
#endif

    memset(&xc, 0, sizeof(xc));
    xc.data = (const unsigned char *)"";
    xc.pdf_max_pages = (unsigned)args.pdf_max_pages;
    if (fstat(0, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < 0 ||
        sb.st_size > EXTRACT_INPUT_MAX_BYTES)
        reason = XR_READ_FAILED;
    xc_limits(&args, reason == XR_OK ? (size_t)sb.st_size : 0);
    if (reason == XR_OK && sb.st_size > 0) {
        void *map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, 0, 0);

        if (map == MAP_FAILED) {
            reason = XR_READ_FAILED;
        } else {
            xc.data = map;
            xc.size = (size_t)sb.st_size;
        }
    }
    (void)close(0);
    cv_buf_init(&xc.text, (size_t)args.raw_max_bytes);

    sandboxed = xc_seccomp() == 0;
    if (reason == XR_OK)
        reason = xc_parse(&xc, args.format);
    if (reason == XR_OK && xc.nomem)
        reason = XR_NOMEM;

    memset(&h, 0, sizeof(h));
    h.magic = XWIRE_MAGIC;
    h.reason = (uint32_t)reason;
    h.flags = (sandboxed ? XWIRE_SANDBOXED : 0) | (xc.truncated ? XWIRE_TRUNCATED : 0);
    h.len = reason == XR_OK ? xc.text.len : 0;
    if (xc_write_all(1, &h, sizeof(h)) != 0 ||
        (h.len > 0 && xc_write_all(1, xc.text.data, (size_t)h.len) != 0))
        _exit(XWIRE_EXIT_WRITE);
    /* _exit: no atexit handler, no leak scan (it would need ptrace). */
    _exit(0);
}
