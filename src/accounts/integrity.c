/*
 * integrity.c - the invariant checker (see integrity.h). Order: the live
 * jobs in Redis (pending, undelivered, delayed), then one pass over the
 * analyses, the stored files, the quota slots and the users with their
 * last applied Stripe event and their cached card, each compared with what
 * came before.
 */
#include "integrity.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bson_util.h"
#include "plans.h"
#include "queue.h"
#include "storage.h"
#include "timefmt.h"
#include "user_cache.h"
#include "user_repo.h"

#define ID_LEN USER_ID_HEX_LEN

static const char *const kind_names[] = {
    "completed_without_start", "file_missing", "orphan_file", "quota_mismatch",
    "orphan_job", "stuck", "plan_mismatch", "card_mismatch",
};

const char *integrity_kind_name(enum integrity_kind kind)
{
    return (size_t)kind < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[kind] : "?";
}

static void report_add(struct integrity_report *r, enum integrity_kind kind, const char *id,
                       const char *fmt, ...) CV_PRINTF(4, 5);

static void report_add(struct integrity_report *r, enum integrity_kind kind, const char *id,
                       const char *fmt, ...)
{
    struct integrity_problem *p;
    va_list ap;

    r->total++;
    if (r->problems == NULL || r->kept >= INTEGRITY_PROBLEMS_MAX)
        return;
    p = &r->problems[r->kept++];
    p->kind = kind;
    (void)snprintf(p->id, sizeof(p->id), "%s", id);
    va_start(ap, fmt);
    (void)vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
    va_end(ap);
}

void integrity_report_free(struct integrity_report *report)
{
    free(report->problems);
    memset(report, 0, sizeof(*report));
}

/* ---- Sorted sets of fixed-size strings ---------------------------------- */

struct strset {
    char *items;                /* count * width bytes, NUL-padded */
    size_t width, count, cap;
};

static enum cv_status strset_add(struct strset *s, const char *v, struct cv_error *err)
{
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        char *items = realloc(s->items, cap * s->width);
        if (items == NULL)
            return cv_error_set(err, CV_ERR_NOMEM, "out of memory");
        s->items = items;
        s->cap = cap;
    }
    memset(s->items + s->count * s->width, 0, s->width);
    (void)snprintf(s->items + s->count * s->width, s->width, "%s", v);
    s->count++;
    return CV_OK;
}

static int strset_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void strset_sort(struct strset *s)
{
    if (s->count > 1)
        qsort(s->items, s->count, s->width, strset_cmp);
}

/* An item holds at most width - 1 bytes, so a longer v is not in the set
 * (cutting it to the width could match another item by its prefix). */
static bool strset_has(const struct strset *s, const char *v)
{
    if (s->count == 0 || strnlen(v, s->width) >= s->width)
        return false;
    return bsearch(v, s->items, s->count, s->width, strset_cmp) != NULL;
}

/* How many times v is in the sorted set (a multiset of user:month). */
static size_t strset_count(const struct strset *s, const char *v)
{
    const char *hit, *lo, *hi, *end;

    if (s->count == 0 || (hit = bsearch(v, s->items, s->count, s->width, strset_cmp)) == NULL)
        return 0;
    end = s->items + s->count * s->width;
    for (lo = hit; lo > s->items && strcmp(lo - s->width, v) == 0; lo -= s->width)
        ;
    for (hi = hit; hi < end && strcmp(hi, v) == 0; hi += s->width)
        ;
    return (size_t)(hi - lo) / s->width;
}

/* ---- Live jobs in Redis ------------------------------------------------- */

/* The analysis id of stream entry id (XRANGE id id). */
static enum cv_status entry_analysis(struct cv_ctx *ctx, const char *entry_id, char *out,
                                     size_t size, struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;
    size_t i;

    out[0] = '\0';
    st = cv_redis_command(ctx->redis, true, &rep, err, "XRANGE %s %s %s", CV_KEY_JOBS,
                          entry_id, entry_id);
    if (st != CV_OK)
        return st;
    if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 1 &&
        rep->element[0]->type == REDIS_REPLY_ARRAY && rep->element[0]->elements == 2) {
        const redisReply *f = rep->element[0]->element[1];
        for (i = 0; f->type == REDIS_REPLY_ARRAY && i + 1 < f->elements; i += 2)
            if (f->element[i]->type == REDIS_REPLY_STRING &&
                strcmp(f->element[i]->str, "analysisId") == 0 &&
                f->element[i + 1]->type == REDIS_REPLY_STRING)
                (void)snprintf(out, size, "%s", f->element[i + 1]->str);
    }
    freeReplyObject(rep);
    return CV_OK;
}

/* A live job of analysis id: remembered, with where it is for the report. */
static enum cv_status live_add(struct strset *live, struct strset *where, const char *id,
                               const char *place, struct cv_error *err)
{
    char entry[INTEGRITY_ID_MAX + 16];
    enum cv_status st;

    if (id[0] == '\0')
        return CV_OK;
    st = strset_add(live, id, err);
    (void)snprintf(entry, sizeof(entry), "%s %s", id, place);
    if (st == CV_OK)
        st = strset_add(where, entry, err);
    return st;
}

/* Delivered, not acknowledged: XPENDING in batches. */
static enum cv_status live_pending(struct cv_ctx *ctx, struct strset *live, struct strset *where,
                                   struct cv_error *err)
{
    char start[64] = "-", id[INTEGRITY_ID_MAX];
    enum cv_status st = CV_OK;
    bool more = true;

    while (st == CV_OK && more) {
        redisReply *rep;
        size_t i;

        st = cv_redis_command(ctx->redis, true, &rep, err, "XPENDING %s %s %s + %d",
                              CV_KEY_JOBS, CV_KEY_JOBS_GROUP, start, INTEGRITY_REDIS_BATCH);
        if (st != CV_OK)
            return st;
        more = rep->type == REDIS_REPLY_ARRAY && rep->elements == INTEGRITY_REDIS_BATCH;
        for (i = 0; st == CV_OK && rep->type == REDIS_REPLY_ARRAY && i < rep->elements; i++) {
            const redisReply *e = rep->element[i];
            if (e->type != REDIS_REPLY_ARRAY || e->elements < 1 ||
                e->element[0]->type != REDIS_REPLY_STRING)
                continue;
            (void)snprintf(start, sizeof(start), "(%s", e->element[0]->str);
            st = entry_analysis(ctx, e->element[0]->str, id, sizeof(id), err);
            if (st == CV_OK)
                st = live_add(live, where, id, "pending", err);
        }
        freeReplyObject(rep);   /* an error reply (no group yet): nothing pending */
    }
    return st;
}

/* Not delivered yet: the entries after the group's last-delivered-id. */
static enum cv_status live_undelivered(struct cv_ctx *ctx, struct strset *live,
                                       struct strset *where, struct cv_error *err)
{
    char start[64] = "", id[INTEGRITY_ID_MAX];
    redisReply *rep;
    enum cv_status st;
    size_t i, j;
    bool more = true;

    st = cv_redis_command(ctx->redis, true, &rep, err, "XINFO GROUPS %s", CV_KEY_JOBS);
    if (st != CV_OK)
        return st;
    for (i = 0; rep->type == REDIS_REPLY_ARRAY && i < rep->elements; i++) {
        const redisReply *g = rep->element[i];
        bool ours = false;
        const char *last = NULL;
        for (j = 0; g->type == REDIS_REPLY_ARRAY && j + 1 < g->elements; j += 2) {
            const redisReply *k = g->element[j], *v = g->element[j + 1];
            if (k->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING)
                continue;
            if (strcmp(k->str, "name") == 0)
                ours = strcmp(v->str, CV_KEY_JOBS_GROUP) == 0;
            else if (strcmp(k->str, "last-delivered-id") == 0)
                last = v->str;
        }
        if (ours && last != NULL)
            (void)snprintf(start, sizeof(start), "(%s", last);
    }
    freeReplyObject(rep);
    if (start[0] == '\0')
        return CV_OK;   /* no stream or no group yet */
    while (st == CV_OK && more) {
        st = cv_redis_command(ctx->redis, true, &rep, err, "XRANGE %s %s + COUNT %d",
                              CV_KEY_JOBS, start, INTEGRITY_REDIS_BATCH);
        if (st != CV_OK)
            return st;
        more = rep->type == REDIS_REPLY_ARRAY && rep->elements == INTEGRITY_REDIS_BATCH;
        for (i = 0; st == CV_OK && rep->type == REDIS_REPLY_ARRAY && i < rep->elements; i++) {
            const redisReply *e = rep->element[i], *f;
            if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
                e->element[0]->type != REDIS_REPLY_STRING)
                continue;
            (void)snprintf(start, sizeof(start), "(%s", e->element[0]->str);
            f = e->element[1];
            id[0] = '\0';
            for (j = 0; f->type == REDIS_REPLY_ARRAY && j + 1 < f->elements; j += 2)
                if (f->element[j]->type == REDIS_REPLY_STRING &&
                    strcmp(f->element[j]->str, "analysisId") == 0 &&
                    f->element[j + 1]->type == REDIS_REPLY_STRING)
                    (void)snprintf(id, sizeof(id), "%s", f->element[j + 1]->str);
            st = live_add(live, where, id, "queued", err);
        }
        freeReplyObject(rep);
    }
    return st;
}

/* Waiting for a retry: the delayed set's members "id|requestId". */
static enum cv_status live_delayed(struct cv_ctx *ctx, struct strset *live, struct strset *where,
                                   struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;
    size_t i;

    st = cv_redis_command(ctx->redis, true, &rep, err, "ZRANGE %s 0 -1", CV_KEY_JOBS_DELAYED);
    if (st != CV_OK)
        return st;
    for (i = 0; st == CV_OK && rep->type == REDIS_REPLY_ARRAY && i < rep->elements; i++) {
        char id[INTEGRITY_ID_MAX];
        const char *m = rep->element[i]->str, *bar;
        if (rep->element[i]->type != REDIS_REPLY_STRING || (bar = strchr(m, '|')) == NULL ||
            (size_t)(bar - m) >= sizeof(id))
            continue;
        memcpy(id, m, (size_t)(bar - m));
        id[bar - m] = '\0';
        st = live_add(live, where, id, "delayed", err);
    }
    freeReplyObject(rep);
    return st;
}

/* ---- MongoDB ------------------------------------------------------------ */

static mongoc_cursor_t *scan(struct cv_ctx *ctx, const char *collection, const char *const *fields,
                             mongoc_collection_t **coll)
{
    bson_t filter = BSON_INITIALIZER, opts = BSON_INITIALIZER, proj;
    mongoc_cursor_t *cur;

    BSON_APPEND_DOCUMENT_BEGIN(&opts, "projection", &proj);
    for (; *fields != NULL; fields++)
        BSON_APPEND_INT32(&proj, *fields, 1);
    bson_append_document_end(&opts, &proj);
    *coll = mongoc_client_get_collection(ctx->mongo, ctx->cfg->mongodb_db, collection);
    cur = mongoc_collection_find_with_opts(*coll, &filter, &opts, NULL);
    bson_destroy(&filter);
    bson_destroy(&opts);
    return cur;
}

static enum cv_status scan_end(mongoc_cursor_t *cur, mongoc_collection_t *coll,
                               enum cv_status st, const char *what, struct cv_error *err)
{
    bson_error_t berr;

    if (st == CV_OK && mongoc_cursor_error(cur, &berr))
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "scan %s: %s", what, berr.message);
    mongoc_cursor_destroy(cur);
    mongoc_collection_destroy(coll);
    return st;
}

/* "<user>:<YYYY-MM>" of a time. */
static void user_month(const char *user_id, int64_t ms, char *out, size_t size)
{
    time_t secs = (time_t)(cv_time_month_start_ms(ms) / 1000);
    struct tm tm;
    char ym[8] = "?";

    if (gmtime_r(&secs, &tm) != NULL)
        (void)strftime(ym, sizeof(ym), "%Y-%m", &tm);
    (void)snprintf(out, size, "%s:%s", user_id, ym);
}

struct scan_state {
    struct strset analyses;     /* analysis ids */
    struct strset keys;         /* their file keys */
    struct strset months;       /* "<user>:<YYYY-MM>" per analysis (a multiset) */
    struct strset live, where;  /* live jobs: analysis ids; "id place" */
    struct strset slot_months;  /* "<user>:<YYYY-MM>" per slot (a multiset) */
};

static void scan_state_free(struct scan_state *s)
{
    free(s->analyses.items);
    free(s->keys.items);
    free(s->months.items);
    free(s->live.items);
    free(s->where.items);
    free(s->slot_months.items);
}

static bool file_exists(const struct cv_config *cfg, const char *key)
{
    char path[PATH_MAX];
    struct stat sb;
    int n = snprintf(path, sizeof(path), "%s/%s", cfg->upload_dir, key);

    return n > 0 && (size_t)n < sizeof(path) && (stat(path, &sb) == 0 || errno != ENOENT);
}

static enum cv_status check_analyses(struct cv_ctx *ctx, struct scan_state *s, int64_t now_ms,
                                     struct integrity_report *r, struct cv_error *err)
{
    static const char *const fields[] = { "_id", "userId", "status", "attempts", "startedAt",
                                          "completedAt", "fileKey", "fileStorage", "createdAt",
                                          "updatedAt", NULL };
    mongoc_collection_t *coll;
    mongoc_cursor_t *cur = scan(ctx, "analyses", fields, &coll);
    const bson_t *doc;
    enum cv_status st = CV_OK;

    while (st == CV_OK && mongoc_cursor_next(cur, &doc)) {
        char id[ID_LEN + 1], user[ID_LEN + 1], status[16], key[STORAGE_KEY_MAX], um[64];
        char where[STORAGE_KIND_NAME_MAX];
        int64_t updated = bson_get_date(doc, "updatedAt");

        bson_get_oid_hex(doc, "_id", id);
        bson_get_oid_hex(doc, "userId", user);
        bson_get_utf8(doc, "status", status, sizeof(status));
        bson_get_utf8(doc, "fileKey", key, sizeof(key));
        r->analyses++;
        user_month(user, bson_get_date(doc, "createdAt"), um, sizeof(um));
        if ((st = strset_add(&s->analyses, id, err)) != CV_OK ||
            (st = strset_add(&s->keys, key, err)) != CV_OK ||
            (st = strset_add(&s->months, um, err)) != CV_OK)
            break;
        if (strcmp(status, "completed") == 0 &&
            (bson_get_date(doc, "startedAt") == 0 || bson_get_date(doc, "completedAt") == 0 ||
             bson_get_int(doc, "attempts") < 1))
            report_add(r, INTEGRITY_COMPLETED_WITHOUT_START, id,
                       "completed with attempts %lld, startedAt %s, completedAt %s",
                       (long long)bson_get_int(doc, "attempts"),
                       bson_get_date(doc, "startedAt") ? "set" : "null",
                       bson_get_date(doc, "completedAt") ? "set" : "null");
        bson_get_utf8(doc, "fileStorage", where, sizeof(where));
        if (storage_locate(ctx->cfg, where, key) == CV_STORAGE_LOCAL &&
            (!storage_key_valid(key) || !file_exists(ctx->cfg, key)))
            report_add(r, INTEGRITY_FILE_MISSING, id, "%s file %s is not in %s", status, key,
                       ctx->cfg->upload_dir);
        if ((strcmp(status, "queued") == 0 || strcmp(status, "processing") == 0) &&
            updated < now_ms - INTEGRITY_GRACE_MS && !strset_has(&s->live, id))
            report_add(r, INTEGRITY_STUCK, id,
                       "%s since %lld s, and no job for it in the stream or the delayed set",
                       status, (long long)((now_ms - updated) / 1000));
    }
    return scan_end(cur, coll, st, "analyses", err);
}

static enum cv_status check_files(struct cv_ctx *ctx, struct scan_state *s, int64_t now_ms,
                                  struct integrity_report *r, struct cv_error *err)
{
    struct dirent *de;
    DIR *dir;

    if (ctx->cfg->storage != CV_STORAGE_LOCAL)
        return CV_OK;
    dir = opendir(ctx->cfg->upload_dir);
    if (dir == NULL)
        return cv_error_set(err, CV_ERR_IO, "opendir %s: %s", ctx->cfg->upload_dir,
                            strerror(errno));
    r->storage_scanned = true;
    while ((de = readdir(dir)) != NULL) {
        char path[PATH_MAX];
        struct stat sb;
        int n;

        if (de->d_name[0] == '.')
            continue;   /* .incoming, .work: in-flight copies, not stored files */
        n = snprintf(path, sizeof(path), "%s/%s", ctx->cfg->upload_dir, de->d_name);
        if (n < 0 || (size_t)n >= sizeof(path) || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        r->files++;
        if (!strset_has(&s->keys, de->d_name) &&
            (int64_t)sb.st_mtime * 1000 < now_ms - INTEGRITY_GRACE_MS)
            report_add(r, INTEGRITY_ORPHAN_FILE, de->d_name, "%lld bytes, no analysis names it",
                       (long long)sb.st_size);
    }
    closedir(dir);
    return CV_OK;
}

static enum cv_status check_slots(struct cv_ctx *ctx, struct scan_state *s,
                                  struct integrity_report *r, struct cv_error *err)
{
    static const char *const fields[] = { "userId", "month", NULL };
    mongoc_collection_t *coll;
    mongoc_cursor_t *cur = scan(ctx, "usage_slots", fields, &coll);
    const bson_t *doc;
    enum cv_status st = CV_OK;
    size_t i;

    while (st == CV_OK && mongoc_cursor_next(cur, &doc)) {
        char user[ID_LEN + 8], um[64];

        bson_get_utf8(doc, "userId", user, sizeof(user));
        user_month(user, bson_get_date(doc, "month"), um, sizeof(um));
        r->slots++;
        st = strset_add(&s->slot_months, um, err);
    }
    st = scan_end(cur, coll, st, "usage_slots", err);
    if (st != CV_OK)
        return st;
    strset_sort(&s->slot_months);
    /* Every analysis took one use of its month: a month with more analyses
     * than slots lost a use (deletes keep theirs, so fewer is fine). */
    for (i = 0; i < s->months.count; i++) {
        const char *um = s->months.items + i * s->months.width;
        size_t have, used;

        if (i > 0 && strcmp(um, um - s->months.width) == 0)
            continue;
        have = strset_count(&s->months, um);
        used = strset_count(&s->slot_months, um);
        if (have > used)
            report_add(r, INTEGRITY_QUOTA_MISMATCH, um,
                       "%zu analyses created this month, %zu quota slots taken", have, used);
    }
    return CV_OK;
}

/* The plan after the user's last applied Stripe event; *found false when
 * no event was ever applied to the user. */
static enum cv_status last_event_plan(struct cv_ctx *ctx, const char *user_id, char *plan,
                                      size_t size, char *event_id, size_t id_size, bool *found,
                                      struct cv_error *err)
{
    bson_t filter = BSON_INITIALIZER, opts = BSON_INITIALIZER, sort, doc;
    enum cv_status st;

    BSON_APPEND_UTF8(&filter, "userId", user_id);
    BSON_APPEND_UTF8(&filter, "status", "processed");
    BSON_APPEND_DOCUMENT_BEGIN(&opts, "sort", &sort);
    BSON_APPEND_INT32(&sort, "appliedAt", -1);
    bson_append_document_end(&opts, &sort);
    st = db_find_one(ctx->mongo, ctx->cfg->mongodb_db, "stripe_events", &filter, &opts, &doc, err,
                     "stripe event");
    *found = st == CV_OK;
    if (st == CV_OK) {
        bson_get_utf8(&doc, "plan", plan, size);
        bson_get_utf8(&doc, "_id", event_id, id_size);
    } else if (st == CV_ERR_NOT_FOUND) {
        cv_error_clear(err);
        st = CV_OK;
    }
    bson_destroy(&doc);
    bson_destroy(&filter);
    bson_destroy(&opts);
    return st;
}

/* The first field of user_id's cached card (user_cache.h) that differs
 * from MongoDB, if the user has a card this month. */
static enum cv_status check_card(struct cv_ctx *ctx, const char *id, int64_t now_ms,
                                 struct integrity_report *r, struct cv_error *err)
{
    struct user_card cached, stored;
    const char *field = NULL;
    bool present;
    enum cv_status st;

    st = user_cache_peek(ctx, id, cv_time_month_start_ms(now_ms), &present, &cached, err);
    if (st != CV_OK || !present)
        return st;
    st = user_cache_load(ctx, id, now_ms, &stored, err);
    if (st == CV_ERR_NOT_FOUND) {   /* erased since the scan read it */
        cv_error_clear(err);
        return CV_OK;
    }
    if (st != CV_OK)
        return st;
    if (strcmp(cached.user.email, stored.user.email) != 0)
        field = "email";
    else if (strcmp(cached.user.name, stored.user.name) != 0)
        field = "name";
    else if (cached.user.plan != stored.user.plan)
        field = "plan";
    else if (cached.user.created_at_ms != stored.user.created_at_ms)
        field = "createdAt";
    else if (cached.used != stored.used)
        field = "usage";
    else if (cached.settings.notify_email != stored.settings.notify_email)
        field = "notifications";
    if (field != NULL)
        report_add(r, INTEGRITY_CARD_MISMATCH, id,
                   "the card cached in Redis differs from MongoDB in %s", field);
    return CV_OK;
}

static enum cv_status check_users(struct cv_ctx *ctx, int64_t now_ms, struct integrity_report *r,
                                  struct cv_error *err)
{
    static const char *const fields[] = { "_id", "plan", NULL };
    mongoc_collection_t *coll;
    mongoc_cursor_t *cur = scan(ctx, "users", fields, &coll);
    const bson_t *doc;
    enum cv_status st = CV_OK;

    while (st == CV_OK && mongoc_cursor_next(cur, &doc)) {
        char id[ID_LEN + 1], plan[8], want[8] = "", event[INTEGRITY_ID_MAX * 3];
        bool found;

        bson_get_oid_hex(doc, "_id", id);
        bson_get_utf8(doc, "plan", plan, sizeof(plan));
        r->users++;
        st = last_event_plan(ctx, id, want, sizeof(want), event, sizeof(event), &found, err);
        if (st == CV_OK && found) {
            r->events++;
            if (strcmp(plan, want) != 0)
                report_add(r, INTEGRITY_PLAN_MISMATCH, id,
                           "plan %s, but the last Stripe event applied (%s) left it %s", plan,
                           event, want);
        }
        if (st == CV_OK)
            st = check_card(ctx, id, now_ms, r, err);
    }
    return scan_end(cur, coll, st, "users", err);
}

enum cv_status integrity_check(struct cv_ctx *ctx, int64_t now_ms, struct integrity_report *report,
                               struct cv_error *err)
{
    struct scan_state s;
    enum cv_status st;
    size_t i;

    memset(report, 0, sizeof(*report));
    memset(&s, 0, sizeof(s));
    s.analyses.width = s.live.width = ID_LEN + 1;
    s.keys.width = STORAGE_KEY_MAX;
    s.months.width = s.slot_months.width = 64;
    s.where.width = INTEGRITY_ID_MAX + 16;
    report->problems = calloc(INTEGRITY_PROBLEMS_MAX, sizeof(*report->problems));
    if (report->problems == NULL)
        return cv_error_set(err, CV_ERR_NOMEM, "out of memory");
    /* Redis first: a job settled between this and the scan of its record
     * shows as a finished record; the other way round it could show as
     * stuck. */
    st = live_pending(ctx, &s.live, &s.where, err);
    if (st == CV_OK)
        st = live_undelivered(ctx, &s.live, &s.where, err);
    if (st == CV_OK)
        st = live_delayed(ctx, &s.live, &s.where, err);
    report->live_jobs = (long long)s.live.count;
    strset_sort(&s.live);
    if (st == CV_OK)
        st = check_analyses(ctx, &s, now_ms, report, err);
    strset_sort(&s.analyses);
    strset_sort(&s.keys);
    strset_sort(&s.months);
    for (i = 0; st == CV_OK && i < s.where.count; i++) {
        char id[INTEGRITY_ID_MAX];
        const char *w = s.where.items + i * s.where.width, *sp = strrchr(w, ' ');
        (void)snprintf(id, sizeof(id), "%.*s", sp != NULL ? (int)(sp - w) : (int)strlen(w), w);
        if (!strset_has(&s.analyses, id))
            report_add(report, INTEGRITY_ORPHAN_JOB, id, "a %s job, and no such analysis",
                       sp != NULL ? sp + 1 : "live");
    }
    if (st == CV_OK)
        st = check_files(ctx, &s, now_ms, report, err);
    if (st == CV_OK)
        st = check_slots(ctx, &s, report, err);
    if (st == CV_OK)
        st = check_users(ctx, now_ms, report, err);
    scan_state_free(&s);
    return st;
}
