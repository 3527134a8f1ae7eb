/*
 * user_cache.c (src/users) - the user's card in Redis (see user_cache.h
 * for why it is exact).
 */
#include "user_cache.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "quota.h"
#include "redis_keys.h"

/* Lua: a new generation in g, never given twice (Redis's clock and a
 * counter), stored in KEYS[gen] for ARGV[gen_ttl]. */
#define NEW_GENERATION(gen, seq, ttl)                                                   \
    "local t = redis.call('TIME') "                                                    \
    "g = t[1] .. '.' .. t[2] .. '.' .. redis.call('INCR', KEYS[" seq "]) "             \
    "redis.call('SET', KEYS[" gen "], g, 'EX', ARGV[" ttl "]) "

/* The card's fields, in the order the lookup returns them after the
 * month. */
static const char *const card_fields[] = { "email", "name", "plan", "created", "used", "notify" };
#define CARD_FIELDS (sizeof(card_fields) / sizeof(card_fields[0]))

/* KEYS: revoked token, card, generation, counter; ARGV: month, gen TTL.
 * 0: revoked; an array: the card (month first); a string: the generation
 * to fill with (created when absent). */
static const char lookup_script[] =
    "if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end "
    "local c = redis.call('HMGET', KEYS[2], 'month', 'email', 'name', 'plan', 'created', "
    "'used', 'notify') "
    "if c[1] == ARGV[1] then return c end "
    "local g = redis.call('GET', KEYS[3]) "
    "if not g then " NEW_GENERATION("3", "4", "2") "end "
    "return g";

/* The lookup runs on every authenticated request: once Redis has given
 * its SHA1 (SCRIPT LOAD, once per process), it is sent by that (EVALSHA)
 * rather than as text Redis hashes every time. LOOKUP_SHA_LEARNING: one
 * thread is asking; only that thread writes lookup_sha, before it
 * publishes LOOKUP_SHA_KNOWN. */
enum { LOOKUP_SHA_UNKNOWN, LOOKUP_SHA_LEARNING, LOOKUP_SHA_KNOWN };
#define REDIS_SHA1_HEX_LEN 40
static char lookup_sha[REDIS_SHA1_HEX_LEN + 1];
static atomic_int lookup_sha_state;

/* KEYS: generation, card; ARGV: the reader's generation, TTL, then field
 * and value pairs. Stores the card only if no writer came since. */
static const char fill_script[] =
    "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end "
    "redis.call('DEL', KEYS[2]) "
    "redis.call('HSET', KEYS[2], unpack(ARGV, 3)) "
    "redis.call('EXPIRE', KEYS[2], ARGV[2]) "
    "return 1";

/* KEYS: generation, card, counter; ARGV: gen TTL. */
static const char invalidate_script[] =
    "local g " NEW_GENERATION("1", "3", "1") "redis.call('DEL', KEYS[2]) return 1";

struct card_keys {
    char card[CV_REDIS_KEY_MAX_BYTES];
    char gen[CV_REDIS_KEY_MAX_BYTES];
};

static enum cv_status keys_of(const char *user_id, struct card_keys *k, struct cv_error *err)
{
    enum cv_status st = cv_redis_key(k->card, sizeof(k->card), CV_KEY_USER_CARD_PREFIX, user_id,
                                     err);

    return st == CV_OK ? cv_redis_key(k->gen, sizeof(k->gen), CV_KEY_USER_CARD_GEN_PREFIX,
                                      user_id, err)
                       : st;
}

static bool parse_i64(const redisReply *r, int64_t min, int64_t max, int64_t *out)
{
    char *end;
    long long v;

    if (r->type != REDIS_REPLY_STRING || r->len == 0)
        return false;
    v = strtoll(r->str, &end, 10);
    if (*end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static bool copy_string(const redisReply *r, char *out, size_t size)
{
    if (r->type != REDIS_REPLY_STRING || r->len >= size)
        return false;
    memcpy(out, r->str, r->len);
    out[r->len] = '\0';
    return true;
}

/* The card from the lookup's array (month, then card_fields). */
static bool card_from_reply(const redisReply *rep, const char *user_id, int64_t month_ms,
                            struct user_card *card)
{
    int64_t created, used, notify;

    if (rep->elements != 1 + CARD_FIELDS)
        return false;
    memset(card, 0, sizeof(*card));
    (void)snprintf(card->user.id, sizeof(card->user.id), "%s", user_id);
    if (!copy_string(rep->element[1], card->user.email, sizeof(card->user.email)) ||
        !copy_string(rep->element[2], card->user.name, sizeof(card->user.name)) ||
        rep->element[3]->type != REDIS_REPLY_STRING ||
        !parse_i64(rep->element[4], 0, INT64_MAX, &created) ||
        !parse_i64(rep->element[5], 0, INT32_MAX, &used) ||
        !parse_i64(rep->element[6], 0, 1, &notify))
        return false;
    if (strcmp(rep->element[3]->str, cv_plan_name(CV_PLAN_PRO)) == 0)
        card->user.plan = CV_PLAN_PRO;
    else if (strcmp(rep->element[3]->str, cv_plan_name(CV_PLAN_FREE)) == 0)
        card->user.plan = CV_PLAN_FREE;
    else
        return false;
    card->user.created_at_ms = created;
    card->month_ms = month_ms;
    card->used = (int)used;
    card->settings.notify_email = notify == 1;
    return true;
}

static void learn_lookup_sha(struct cv_ctx *ctx)
{
    int expected = LOOKUP_SHA_UNKNOWN;
    struct cv_error err;
    redisReply *rep;
    int next = LOOKUP_SHA_UNKNOWN;

    if (!atomic_compare_exchange_strong(&lookup_sha_state, &expected, LOOKUP_SHA_LEARNING))
        return;
    cv_error_clear(&err);
    if (cv_redis_command(ctx->redis, true, &rep, &err, "SCRIPT LOAD %s", lookup_script) == CV_OK) {
        if (rep->type == REDIS_REPLY_STRING && rep->len == REDIS_SHA1_HEX_LEN) {
            memcpy(lookup_sha, rep->str, rep->len + 1);
            next = LOOKUP_SHA_KNOWN;
        }
        freeReplyObject(rep);
    }
    atomic_store(&lookup_sha_state, next);
}

/* The lookup script's reply: by its SHA1 when known, else (or when Redis
 * forgot it: a restart, SCRIPT FLUSH) by its text, which Redis keeps
 * again. */
static enum cv_status run_lookup(struct cv_ctx *ctx, const char *revoked_key,
                                 const struct card_keys *k, int64_t month_ms, redisReply **rep,
                                 struct cv_error *err)
{
    static const char fmt[] = "%s %s 4 %s %s %s %s %lld %d";
    bool by_sha = atomic_load(&lookup_sha_state) == LOOKUP_SHA_KNOWN;
    enum cv_status st;

    /* Safe to send twice: a second run finds what the first created. */
    st = cv_redis_command(ctx->redis, true, rep, err, fmt, by_sha ? "EVALSHA" : "EVAL",
                          by_sha ? lookup_sha : lookup_script, revoked_key, k->card, k->gen,
                          CV_KEY_USER_CARD_SEQ, (long long)month_ms, USER_CACHE_GEN_TTL_S);
    if (st != CV_OK || !by_sha)
        return st;
    if ((*rep)->type == REDIS_REPLY_ERROR && strncmp((*rep)->str, "NOSCRIPT", 8) == 0) {
        freeReplyObject(*rep);
        st = cv_redis_command(ctx->redis, true, rep, err, fmt, "EVAL", lookup_script,
                              revoked_key, k->card, k->gen, CV_KEY_USER_CARD_SEQ,
                              (long long)month_ms, USER_CACHE_GEN_TTL_S);
    }
    return st;
}

enum cv_status user_cache_lookup(struct cv_ctx *ctx, const char *user_id, const char *jti,
                                 int64_t month_ms, bool *revoked, bool *hit,
                                 struct user_card *card, char ticket[USER_CACHE_TICKET_MAX],
                                 struct cv_error *err)
{
    char revoked_key[CV_REDIS_KEY_MAX_BYTES];
    struct card_keys k;
    redisReply *rep;
    enum cv_status st;

    *revoked = *hit = false;
    ticket[0] = '\0';
    st = keys_of(user_id, &k, err);
    if (st == CV_OK)
        st = cv_redis_key(revoked_key, sizeof(revoked_key), CV_KEY_REVOKED_TOKEN_PREFIX, jti, err);
    if (st != CV_OK)
        return st;
    st = run_lookup(ctx, revoked_key, &k, month_ms, &rep, err);
    if (st != CV_OK)
        return st;
    if (atomic_load(&lookup_sha_state) == LOOKUP_SHA_UNKNOWN)
        learn_lookup_sha(ctx);
    if (rep->type == REDIS_REPLY_INTEGER) {
        *revoked = true;
    } else if (rep->type == REDIS_REPLY_ARRAY) {
        *hit = card_from_reply(rep, user_id, month_ms, card);
        if (!*hit)   /* no ticket: this reader reads the database, stores nothing */
            cv_log(CV_LOG_WARN, ctx->request_id, "the cached card of %s is malformed", user_id);
    } else if (rep->type == REDIS_REPLY_STRING && rep->len < USER_CACHE_TICKET_MAX) {
        memcpy(ticket, rep->str, rep->len);
        ticket[rep->len] = '\0';
    } else {
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "user card lookup: %s",
                          rep->type == REDIS_REPLY_ERROR ? rep->str : "unexpected reply");
    }
    freeReplyObject(rep);
    return st;
}

enum cv_status user_cache_peek(struct cv_ctx *ctx, const char *user_id, int64_t month_ms,
                               bool *present, struct user_card *card, struct cv_error *err)
{
    struct card_keys k;
    redisReply *rep;
    enum cv_status st;

    *present = false;
    st = keys_of(user_id, &k, err);
    if (st == CV_OK)
        st = cv_redis_command(ctx->redis, true, &rep, err,
                              "HMGET %s month %s %s %s %s %s %s", k.card, card_fields[0],
                              card_fields[1], card_fields[2], card_fields[3], card_fields[4],
                              card_fields[5]);
    if (st != CV_OK)
        return st;
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements < 1) {
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "reading the card of %s", user_id);
    } else if (rep->element[0]->type == REDIS_REPLY_STRING &&
               strtoll(rep->element[0]->str, NULL, 10) == month_ms) {
        *present = true;
        if (!card_from_reply(rep, user_id, month_ms, card)) {
            memset(card, 0, sizeof(*card));
            (void)snprintf(card->user.id, sizeof(card->user.id), "%s", user_id);
        }
    }
    freeReplyObject(rep);
    return st;
}

enum cv_status user_cache_load(struct cv_ctx *ctx, const char *user_id, int64_t now_ms,
                               struct user_card *card, struct cv_error *err)
{
    enum cv_status st;

    memset(card, 0, sizeof(*card));
    st = user_repo_find_by_id(ctx, user_id, &card->user, err);
    if (st == CV_OK)
        st = quota_usage(ctx, user_id, now_ms, &card->month_ms, &card->used, err);
    if (st == CV_OK)
        st = user_settings_get(ctx, user_id, &card->settings, err);
    return st;
}

void user_cache_fill(struct cv_ctx *ctx, const char *ticket, const struct user_card *card)
{
    const struct cv_user *u = &card->user;
    struct card_keys k;
    struct cv_error err;
    redisReply *rep;

    cv_error_clear(&err);
    if (ticket[0] == '\0' || keys_of(u->id, &k, &err) != CV_OK)
        return;
    /* Field names as in card_fields, month first as the lookup reads. */
    if (cv_redis_command(ctx->redis, true, &rep, &err,
                         "EVAL %s 2 %s %s %s %d month %lld %s %s %s %s %s %s %s %lld %s %d %s %d",
                         fill_script, k.gen, k.card, ticket, USER_CACHE_TTL_S,
                         (long long)card->month_ms, card_fields[0], u->email, card_fields[1],
                         u->name, card_fields[2], cv_plan_name(u->plan), card_fields[3],
                         (long long)u->created_at_ms, card_fields[4], card->used, card_fields[5],
                         card->settings.notify_email ? 1 : 0) != CV_OK) {
        cv_log(CV_LOG_WARN, ctx->request_id, "caching the card of %s: %s", u->id, err.message);
        return;
    }
    if (rep->type == REDIS_REPLY_ERROR)
        cv_log(CV_LOG_WARN, ctx->request_id, "caching the card of %s: %s", u->id, rep->str);
    freeReplyObject(rep);
}

void user_cache_invalidate(struct cv_ctx *ctx, const char *user_id)
{
    struct card_keys k;
    struct cv_error err;
    redisReply *rep;

    cv_error_clear(&err);
    if (keys_of(user_id, &k, &err) == CV_OK &&
        cv_redis_command(ctx->redis, true, &rep, &err, "EVAL %s 3 %s %s %s %d",
                         invalidate_script, k.gen, k.card, CV_KEY_USER_CARD_SEQ,
                         USER_CACHE_GEN_TTL_S) == CV_OK) {
        if (rep->type != REDIS_REPLY_ERROR) {
            freeReplyObject(rep);
            return;
        }
        cv_error_set(&err, CV_ERR_UNAVAILABLE, "%s", rep->str);
        freeReplyObject(rep);
    }
    cv_log(CV_LOG_ERROR, ctx->request_id,
           "invalidating the cached card of %s failed (it expires within %d s): %s", user_id,
           USER_CACHE_TTL_S, err.message);
}
