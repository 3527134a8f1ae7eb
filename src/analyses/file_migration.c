/*
 * file_migration.c - move stored files between backends (see
 * file_migration.h).
 *
 * Per file, in this order, so that a crash at any point leaves the record
 * pointing at a complete copy and at most one spare copy that the journal
 * names: journal entry, record lease, copy, check, switch, then (after
 * the grace of file_migration.h, while later files move) delete the
 * source, journal entry gone. Deletions of records do not take the lease:
 * analysis_repo_delete reads and removes in one operation, so either it
 * came first (the switch matches nothing and the copy is dropped) or it
 * deletes the file where the switch put it; the record is read once more
 * after the source is gone, and a record deleted meanwhile has its copy
 * dropped too. An account erasure deletes files before records
 * (erasure.c): it takes the record's lease for the file and deletes it from
 * both backends, so a copy this run made is not left behind.
 */
#include "file_migration.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "analysis_repo.h"
#include "buf.h"
#include "clock.h"
#include "lease.h"
#include "log.h"
#include "queue.h"
#include "redis_keys.h"
#include "storage.h"

/* "host:pid:random" */
#define MIGRATION_OWNER_MAX 160
/* "FROM TO KEY" of a journal entry */
#define JOURNAL_ENTRY_MAX (2 * STORAGE_KIND_NAME_MAX + STORAGE_KEY_MAX + 2)
/* Journal entries finished per run at most (a killed run leaves one). */
#define JOURNAL_RECOVER_MAX 1000
/* Tests only: kill the run right after the Nth switch (crash point
 * between the switch and the source's deletion). */
#define MIGRATION_KILL_ENV "CV_TEST_MIGRATE_KILL_AFTER_SWITCH"

struct migration {
    struct cv_ctx *ctx;
    const struct file_migration_opts *o;
    struct file_migration_report *r;
    char owner[MIGRATION_OWNER_MAX];
    long kill_after;        /* MIGRATION_KILL_ENV, 0 when unset */
    char busy[FILE_MIGRATION_BUSY_MAX][USER_ID_HEX_LEN + 1];
    size_t nbusy;
    /* Switched files whose source is deleted once due, oldest first; the
     * journal names each until then. */
    struct spare {
        char id[USER_ID_HEX_LEN + 1];
        char key[STORAGE_KEY_MAX];
        int64_t due_ms;
    } spares[FILE_MIGRATION_SPARES_MAX];
    size_t nspares;
};

enum file_outcome {
    FILE_MOVED,
    FILE_ALREADY,           /* at the destination, or no file to move */
    FILE_SKIPPED,           /* in neither backend of this run */
    FILE_GONE,
    FILE_BUSY,
    FILE_FAILED,
};

static const char *const outcome_names[] = {
    [FILE_MOVED] = "moved", [FILE_ALREADY] = "already", [FILE_SKIPPED] = "skipped",
    [FILE_GONE] = "gone", [FILE_BUSY] = "busy", [FILE_FAILED] = "failed",
};

static void note_failure(struct migration *m, const char *id, const char *fmt, ...)
    CV_PRINTF(3, 4);

static void note_failure(struct migration *m, const char *id, const char *fmt, ...)
{
    struct file_migration_report *r = m->r;
    va_list ap;

    r->failed++;
    if (r->nfailures >= FILE_MIGRATION_FAILURES_MAX)
        return;
    (void)snprintf(r->failures[r->nfailures].id, sizeof(r->failures[0].id), "%s", id);
    va_start(ap, fmt);
    (void)vsnprintf(r->failures[r->nfailures].reason, sizeof(r->failures[0].reason), fmt, ap);
    va_end(ap);
    r->nfailures++;
}

/* Best effort: a spare copy left behind is logged, not fatal. */
static void drop_copy(struct migration *m, enum cv_storage_kind where, const char *key)
{
    struct cv_error e;

    cv_error_clear(&e);
    if (storage_delete(m->ctx->cfg, where, key, &e) != CV_OK)
        cv_log_error_detail(CV_LOG_WARN, NULL, e.message, "storage migration: %s left in %s",
                            key, storage_kind_name(where));
}

/* ---- the run's lease --------------------------------------------------- */

/* Is owner a run started on this host whose process is gone? */
static bool owner_is_dead_here(const char *owner)
{
    char host[64];
    size_t n;
    char *end;
    long pid;

    if (gethostname(host, sizeof(host)) != 0)
        return false;
    host[sizeof(host) - 1] = '\0';
    n = strlen(host);
    if (strncmp(owner, host, n) != 0 || owner[n] != ':')
        return false;
    errno = 0;
    pid = strtol(owner + n + 1, &end, 10);
    if (errno != 0 || *end != ':' || pid <= 0 || pid == (long)getpid())
        return false;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Take the migration lease: fresh, or the one a run killed on this host
 * left (its token is adopted, with the record lease it may hold). */
static enum cv_status take_run_lease(struct migration *m, struct cv_error *err)
{
    char host[64], token[CV_LEASE_OWNER_MAX];
    redisReply *rep;
    enum cv_status st;
    bool acquired;

    if (gethostname(host, sizeof(host)) != 0)
        (void)snprintf(host, sizeof(host), "unknown");
    host[sizeof(host) - 1] = '\0';
    cv_lease_owner_new(token);
    if (!cv_fmt(m->owner, sizeof(m->owner), "%s:%ld:%s", host, (long)getpid(), token))
        return cv_error_set(err, CV_ERR_INTERNAL, "migration token too long");
    st = cv_redis_command(m->ctx->redis, true, &rep, err, "GET %s", CV_KEY_STORAGE_MIGRATION);
    if (st != CV_OK)
        return st;
    if (rep->type == REDIS_REPLY_STRING && rep->len < sizeof(m->owner) &&
        owner_is_dead_here(rep->str)) {
        cv_log(CV_LOG_WARN, NULL, "storage migration: taking over from killed run %s", rep->str);
        memcpy(m->owner, rep->str, rep->len + 1);
    }
    freeReplyObject(rep);
    st = cv_lease_acquire(m->ctx->redis, CV_KEY_STORAGE_MIGRATION, m->owner,
                          FILE_MIGRATION_LEASE_MS, &acquired, err);
    if (st == CV_OK && !acquired)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE,
                          "another storage migration is running (lease %s; a killed run on "
                          "another host lets go within %ld s)",
                          CV_KEY_STORAGE_MIGRATION, FILE_MIGRATION_LEASE_MS / 1000);
    return st;
}

static enum cv_status keep_run_lease(struct migration *m, struct cv_error *err)
{
    bool held;
    enum cv_status st = cv_lease_extend(m->ctx->redis, CV_KEY_STORAGE_MIGRATION, m->owner,
                                        FILE_MIGRATION_LEASE_MS, &held, err);

    if (st == CV_OK && !held)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "the storage migration lease was lost");
    return st;
}

/* ---- the journal ------------------------------------------------------- */

/* The outcome of a journal command: its reply is released. */
static enum cv_status journal_reply(enum cv_status st, redisReply *rep, struct cv_error *err)
{
    if (st != CV_OK)
        return st;
    if (rep->type == REDIS_REPLY_ERROR)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "journal: %s", rep->str);
    freeReplyObject(rep);
    return st;
}

static enum cv_status journal_set(struct migration *m, const char *id, const char *key,
                                  struct cv_error *err)
{
    char entry[JOURNAL_ENTRY_MAX];
    redisReply *rep = NULL;
    enum cv_status st;

    if (!cv_fmt(entry, sizeof(entry), "%s %s %s", storage_kind_name(m->o->from),
                storage_kind_name(m->o->to), key))
        return cv_error_set(err, CV_ERR_INTERNAL, "journal entry too long");
    st = cv_redis_command(m->ctx->redis, true, &rep, err, "HSET %s %s %s",
                          CV_KEY_STORAGE_MIGRATION_JOURNAL, id, entry);
    return journal_reply(st, rep, err);
}

static enum cv_status journal_clear(struct migration *m, const char *id, struct cv_error *err)
{
    redisReply *rep = NULL;
    enum cv_status st = cv_redis_command(m->ctx->redis, true, &rep, err, "HDEL %s %s",
                                         CV_KEY_STORAGE_MIGRATION_JOURNAL, id);

    return journal_reply(st, rep, err);
}

/* The word at *p up to the next blank, into out (size bytes with its
 * NUL); *p moves past the blank. False when there is no blank or the word
 * does not fit. */
static bool journal_word(const char **p, char *out, size_t size)
{
    const char *sp = strchr(*p, ' ');
    size_t n;

    if (sp == NULL || (n = (size_t)(sp - *p)) >= size)
        return false;
    memcpy(out, *p, n);
    out[n] = '\0';
    *p = sp + 1;
    return true;
}

/* Parse "FROM TO KEY"; false when malformed. */
static bool journal_parse(const char *entry, enum cv_storage_kind *from, enum cv_storage_kind *to,
                          char key[STORAGE_KEY_MAX])
{
    char a[STORAGE_KIND_NAME_MAX], b[STORAGE_KIND_NAME_MAX];
    const char *p = entry;

    if (!journal_word(&p, a, sizeof(a)) || !journal_word(&p, b, sizeof(b)))
        return false;
    if (strlen(p) >= STORAGE_KEY_MAX || !storage_key_valid(p))
        return false;
    memcpy(key, p, strlen(p) + 1);
    return storage_kind_parse(a, from) && storage_kind_parse(b, to) && *from != *to;
}

/* Finish one file a killed run left in flight: the record decides which
 * copy is spare. Under the record's lease (the killed run's token was
 * adopted with the run lease, so its record lease is ours too). */
static enum cv_status recover_one(struct migration *m, const char *id, const char *entry,
                                  struct cv_error *err)
{
    enum cv_storage_kind from, to;
    char key[STORAGE_KEY_MAX];
    struct analysis a;
    enum cv_status st;
    bool acquired;

    if (!journal_parse(entry, &from, &to, key)) {
        cv_log(CV_LOG_WARN, NULL, "storage migration: dropping journal entry %s: %.80s", id,
               entry);
        return journal_clear(m, id, err);
    }
    st = cv_queue_lock_wait(m->ctx->redis, id, m->owner, FILE_MIGRATION_LEASE_MS,
                            FILE_MIGRATION_BUSY_RETRY_WAIT_MS, &acquired, err);
    if (st != CV_OK)
        return st;
    if (!acquired)
        return cv_error_set(err, CV_ERR_UNAVAILABLE,
                            "analysis %s is held by a worker; run the migration again", id);
    st = analysis_repo_get(m->ctx, id, NULL, false, &a, err);
    if (st == CV_ERR_NOT_FOUND) {   /* deleted: neither copy is wanted */
        cv_error_clear(err);
        drop_copy(m, from, key);
        drop_copy(m, to, key);
        st = CV_OK;
    } else if (st == CV_OK && strcmp(a.file_key, key) == 0) {
        enum cv_storage_kind at = storage_locate(m->ctx->cfg, a.file_storage, a.file_key);
        if (at == to)
            drop_copy(m, from, key);    /* switched: the source is spare */
        else if (at == from)
            drop_copy(m, to, key);      /* not switched: the copy is spare */
    }
    analysis_free(&a);   /* zeroed by analysis_repo_get on every path */
    if (st == CV_OK)
        st = journal_clear(m, id, err);
    cv_queue_unlock(m->ctx->redis, id, m->owner);
    if (st == CV_OK)
        m->r->recovered++;
    return st;
}

static enum cv_status recover_journal(struct migration *m, struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;
    size_t i;

    st = cv_redis_command(m->ctx->redis, true, &rep, err, "HGETALL %s",
                          CV_KEY_STORAGE_MIGRATION_JOURNAL);
    if (st != CV_OK)
        return st;
    if (rep->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(rep);
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "journal: unexpected reply");
    }
    for (i = 0; st == CV_OK && i + 1 < rep->elements && i < 2 * JOURNAL_RECOVER_MAX; i += 2) {
        const redisReply *f = rep->element[i], *v = rep->element[i + 1];
        if (f->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING)
            continue;
        st = recover_one(m, f->str, v->str, err);
        if (st == CV_OK && m->o->progress != NULL)
            m->o->progress(m->o->progress_arg, m->r, f->str, "recovered");
    }
    freeReplyObject(rep);
    return st;
}

/* ---- one file ---------------------------------------------------------- */

/* Copy key from `from` into a spool file and compare its SHA-256 with
 * want (filled from the copy when want is ""). On CV_OK the writer holds
 * the checked bytes; on failure it is aborted and reason says why. */
static enum cv_status stage_checked(struct migration *m, enum cv_storage_kind from,
                                    const char *key, char want[65], struct storage_writer *w,
                                    char *reason, size_t reason_size)
{
    struct cv_error e;
    char got[65];
    enum cv_status st;

    cv_error_clear(&e);
    st = storage_writer_open(m->ctx->cfg, w, UINT64_MAX, &e);
    if (st == CV_OK)
        st = storage_writer_fill(m->ctx->cfg, from, key, w, &e);
    if (st != CV_OK) {
        storage_writer_abort(w);
        (void)snprintf(reason, reason_size, "reading %s from %s: %.120s", key,
                       storage_kind_name(from), e.message);
        return st;
    }
    storage_writer_sha256_hex(w, got);
    if (want[0] == '\0') {
        memcpy(want, got, sizeof(got));
    } else if (strcmp(want, got) != 0) {
        storage_writer_abort(w);
        (void)snprintf(reason, reason_size, "SHA-256 mismatch in %s: the record says %.16s..., "
                       "the file has %.16s...", storage_kind_name(from), want, got);
        return CV_ERR_DOCUMENT;
    }
    return CV_OK;
}

/* Delete a switched file's source and clear its journal entry. */
static void delete_source(struct migration *m, const struct spare *s)
{
    struct analysis again;
    struct cv_error e;
    enum cv_status st;

    cv_error_clear(&e);
    if (storage_delete(m->ctx->cfg, m->o->from, s->key, &e) != CV_OK) {
        /* Moved all the same; the journal keeps the spare source for the
         * next run. */
        cv_log_error_detail(CV_LOG_WARN, NULL, e.message,
                            "storage migration: source of %s kept for the next run", s->id);
        return;
    }
    /* Deleted meanwhile by a deletion that read it before the switch? Then
     * the copy is nobody's. */
    st = analysis_repo_get(m->ctx, s->id, NULL, false, &again, &e);
    if (st == CV_OK)
        analysis_free(&again);
    else if (st == CV_ERR_NOT_FOUND)
        drop_copy(m, m->o->to, s->key);
    cv_error_clear(&e);
    if (journal_clear(m, s->id, &e) != CV_OK)
        cv_log_error_detail(CV_LOG_WARN, NULL, e.message, "storage migration: journal of %s",
                            s->id);
}

/* Delete the sources that are due; with wait, every one, pausing until
 * each is due (the end of a run, or a full list). */
static void flush_sources(struct migration *m, bool wait)
{
    size_t done = 0;

    while (done < m->nspares) {
        int64_t left = m->spares[done].due_ms - cv_clock_now_ms();
        if (left > 0 && !wait)
            break;
        if (left > 0)
            cv_sleep_ms((long)left);
        delete_source(m, &m->spares[done++]);
    }
    memmove(m->spares, m->spares + done, (m->nspares - done) * sizeof(m->spares[0]));
    m->nspares -= done;
}

/* The source of a switched file, deleted once its grace is over. */
static void defer_source(struct migration *m, const char *id, const char *key)
{
    struct spare *s;

    if (m->nspares == FILE_MIGRATION_SPARES_MAX) {
        struct spare oldest = m->spares[0];   /* wait for the oldest only */
        int64_t left = oldest.due_ms - cv_clock_now_ms();
        if (left > 0)
            cv_sleep_ms((long)left);
        flush_sources(m, false);
    }
    s = &m->spares[m->nspares++];
    (void)snprintf(s->id, sizeof(s->id), "%s", id);
    (void)snprintf(s->key, sizeof(s->key), "%s", key);
    s->due_ms = cv_clock_now_ms() + FILE_MIGRATION_SOURCE_GRACE_MS;
}

/* Copy, check the copy, switch the record; the source is deleted later
 * (defer_source). Called under the record's lease, with the record as
 * read under it. */
static enum file_outcome move_leased(struct migration *m, struct analysis *a)
{
    const struct cv_config *cfg = m->ctx->cfg;
    enum cv_storage_kind from = m->o->from, to = m->o->to;
    char sha[65], reason[FILE_MIGRATION_REASON_MAX];
    struct storage_writer w, check;
    struct cv_error e;
    enum cv_status st;
    bool held;

    memcpy(sha, a->file_sha256, sizeof(sha));
    if (strlen(sha) != 64)
        sha[0] = '\0';   /* none recorded: the source's, checked again on the copy */
    if (stage_checked(m, from, a->file_key, sha, &w, reason, sizeof(reason)) != CV_OK) {
        note_failure(m, a->id, "%s", reason);
        return FILE_FAILED;
    }
    cv_error_clear(&e);
    st = storage_writer_commit_to(cfg, to, &w, a->file_key, a->mime_type, &e);
    storage_writer_abort(&w);   /* no-op after a commit */
    if (st != CV_OK) {
        note_failure(m, a->id, "writing to %s: %s", storage_kind_name(to), e.message);
        drop_copy(m, to, a->file_key);
        return FILE_FAILED;
    }
    /* Read the copy back: what the record will point at is checked. */
    if (stage_checked(m, to, a->file_key, sha, &check, reason, sizeof(reason)) != CV_OK) {
        note_failure(m, a->id, "the copy: %s", reason);
        drop_copy(m, to, a->file_key);
        return FILE_FAILED;
    }
    storage_writer_abort(&check);
    st = cv_queue_lock(m->ctx->redis, a->id, m->owner, FILE_MIGRATION_LEASE_MS, &held, &e);
    if (st == CV_OK && !held)
        st = cv_error_set(&e, CV_ERR_UNAVAILABLE, "the record's lease expired during the copy");
    if (st == CV_OK)
        st = analysis_repo_move_file(m->ctx, a->id, a->file_key, a->file_storage,
                                     storage_kind_name(to), sha, &e);
    if (st == CV_ERR_NOT_FOUND) {
        drop_copy(m, to, a->file_key);
        return FILE_GONE;
    }
    if (st != CV_OK) {
        note_failure(m, a->id, "switching the record: %s", e.message);
        drop_copy(m, to, a->file_key);
        return FILE_FAILED;
    }
    if (m->kill_after > 0 && m->r->moved + 1 >= m->kill_after)
        (void)raise(SIGKILL);
    defer_source(m, a->id, a->file_key);
    return FILE_MOVED;
}

/* One record: is its file in `from`? Then move it, under its lease. */
static enum file_outcome migrate_one(struct migration *m, const char *id, long wait_ms,
                                     struct cv_error *err)
{
    char key[STORAGE_KEY_MAX];
    struct analysis a;
    enum cv_storage_kind at;
    enum file_outcome out;
    enum cv_status st;
    struct cv_error e;
    bool acquired;

    st = analysis_repo_get(m->ctx, id, NULL, false, &a, err);
    if (st == CV_ERR_NOT_FOUND) {
        cv_error_clear(err);
        return FILE_GONE;
    }
    if (st != CV_OK)
        return FILE_FAILED;
    at = storage_locate(m->ctx->cfg, a.file_storage, a.file_key);
    memcpy(key, a.file_key, sizeof(key));
    if (m->o->dry_run && a.file_key[0] != '\0' && at == m->o->from)
        m->r->bytes += a.file_size;
    analysis_free(&a);
    if (key[0] == '\0')
        return FILE_ALREADY;   /* nothing stored */
    if (at != m->o->from)
        return at == m->o->to ? FILE_ALREADY : FILE_SKIPPED;
    if (m->o->dry_run)
        return FILE_MOVED;
    /* The journal first (keys never change): a run killed from here on is
     * finished by the next, which adopts this run's token and so the
     * record lease it may hold. */
    st = journal_set(m, id, key, err);
    if (st != CV_OK)
        return FILE_FAILED;
    st = cv_queue_lock_wait(m->ctx->redis, id, m->owner, FILE_MIGRATION_LEASE_MS, wait_ms,
                            &acquired, err);
    if (st != CV_OK || !acquired) {
        cv_error_clear(&e);
        (void)journal_clear(m, id, &e);
        return st != CV_OK ? FILE_FAILED : FILE_BUSY;
    }
    st = analysis_repo_get(m->ctx, id, NULL, false, &a, err);   /* as of now, under the lease */
    if (st == CV_OK) {
        at = storage_locate(m->ctx->cfg, a.file_storage, a.file_key);
        if (at != m->o->from)
            out = at == m->o->to ? FILE_ALREADY : FILE_SKIPPED;
        else
            out = move_leased(m, &a);
        if (out == FILE_MOVED)
            m->r->bytes += a.file_size;
        analysis_free(&a);
    } else {
        out = st == CV_ERR_NOT_FOUND ? FILE_GONE : FILE_FAILED;
        if (st == CV_ERR_NOT_FOUND)
            cv_error_clear(err);
    }
    if (out != FILE_MOVED) {
        cv_error_clear(&e);
        (void)journal_clear(m, id, &e);
    }
    cv_queue_unlock(m->ctx->redis, id, m->owner);
    return out;
}

static void count(struct migration *m, const char *id, enum file_outcome out)
{
    struct file_migration_report *r = m->r;

    switch (out) {
    case FILE_MOVED: r->moved++; break;
    case FILE_ALREADY: r->already++; break;
    case FILE_SKIPPED: break;
    case FILE_GONE: r->gone++; break;
    case FILE_BUSY: r->busy++; break;
    case FILE_FAILED: break;   /* note_failure counted it */
    }
    if (m->o->progress != NULL)
        m->o->progress(m->o->progress_arg, r, id, outcome_names[out]);
}

/* migrate_one, turning an error of the databases into the record's
 * failure; CV_ERR_UNAVAILABLE stops the run (Redis or MongoDB down). */
static enum cv_status migrate_counted(struct migration *m, const char *id, long wait_ms,
                                      bool retry_busy, struct cv_error *err)
{
    int64_t failed_before = m->r->failed;
    enum file_outcome out = migrate_one(m, id, wait_ms, err);

    if (out == FILE_FAILED && m->r->failed == failed_before) {
        if (err->status == CV_ERR_UNAVAILABLE)
            return err->status;
        note_failure(m, id, "%s", err->message);
    }
    cv_error_clear(err);
    if (out == FILE_BUSY && retry_busy && m->nbusy < FILE_MIGRATION_BUSY_MAX) {
        memcpy(m->busy[m->nbusy++], id, USER_ID_HEX_LEN + 1);
        return CV_OK;   /* counted when retried */
    }
    count(m, id, out);
    flush_sources(m, false);
    return m->o->dry_run ? CV_OK : keep_run_lease(m, err);
}

static enum cv_status check_request(const struct cv_config *cfg,
                                    const struct file_migration_opts *o, struct cv_error *err)
{
    enum cv_status st;

    if (o->from == o->to)
        return cv_error_set(err, CV_ERR_INVALID, "--from and --to name the same storage (%s)",
                            storage_kind_name(o->from));
    if (!storage_s3_configured(cfg))
        return cv_error_set(err, CV_ERR_CONFIG,
                            "S3 is not configured: set S3_BUCKET, S3_ACCESS_KEY_ID and "
                            "S3_SECRET_ACCESS_KEY (and S3_ENDPOINT, S3_REGION as needed)");
    st = storage_check_kind(cfg, o->from, err);
    if (st == CV_OK)
        st = storage_check_kind(cfg, o->to, err);
    return st;
}

enum cv_status file_migration_run(struct cv_ctx *ctx, const struct file_migration_opts *o,
                                  struct file_migration_report *r, struct cv_error *err)
{
    char ids[FILE_MIGRATION_PAGE][USER_ID_HEX_LEN + 1], after[USER_ID_HEX_LEN + 1] = "";
    struct migration *m;
    size_t n = FILE_MIGRATION_PAGE, i;
    const char *kill_env;
    enum cv_status st;

    memset(r, 0, sizeof(*r));
    st = check_request(ctx->cfg, o, err);
    if (st != CV_OK)
        return st;
    m = calloc(1, sizeof(*m));
    if (m == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "out of memory");
    m->ctx = ctx;
    m->o = o;
    m->r = r;
    kill_env = getenv(MIGRATION_KILL_ENV);
    if (kill_env != NULL)
        m->kill_after = strtol(kill_env, NULL, 10);
    st = analysis_repo_count_all(ctx, &r->total, err);
    if (st == CV_OK && !o->dry_run) {
        st = take_run_lease(m, err);
        if (st != CV_OK) {
            free(m);
            return st;
        }
        st = recover_journal(m, err);
    }
    /* Pages by _id: records uploaded meanwhile come last, in the backend
     * STORAGE names; those in `from` are moved too. */
    while (st == CV_OK && n == FILE_MIGRATION_PAGE && !r->limited) {
        st = analysis_repo_scan_ids(ctx, after, ids, FILE_MIGRATION_PAGE, &n, err);
        for (i = 0; st == CV_OK && i < n; i++) {
            if (o->limit > 0 && r->moved >= o->limit) {
                r->limited = true;
                break;
            }
            r->scanned++;
            st = migrate_counted(m, ids[i], FILE_MIGRATION_BUSY_WAIT_MS, true, err);
        }
        if (n > 0)
            memcpy(after, ids[n - 1], sizeof(after));
    }
    for (i = 0; st == CV_OK && i < m->nbusy; i++)   /* workers had them: wait longer */
        st = migrate_counted(m, m->busy[i], FILE_MIGRATION_BUSY_RETRY_WAIT_MS, false, err);
    if (!o->dry_run) {
        struct cv_error e;
        flush_sources(m, true);
        cv_error_clear(&e);
        (void)cv_lease_release(ctx->redis, CV_KEY_STORAGE_MIGRATION, m->owner, &e);
    }
    free(m);
    return st;
}
