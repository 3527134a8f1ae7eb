/*
 * dead_letters.c (src/store) - the dead-letter stream for operators (see
 * dead_letters.h).
 */
#include "dead_letters.h"

#include <stdio.h>
#include <string.h>

#include "redis_keys.h"

/* "18446744073709551615-18446744073709551615" */
#define DEAD_LETTER_ID_PART_MAX_DIGITS 20

bool dead_letter_id_valid(const char *s)
{
    size_t ms, seq;

    ms = strspn(s, "0123456789");
    if (ms == 0 || ms > DEAD_LETTER_ID_PART_MAX_DIGITS || s[ms] != '-')
        return false;
    seq = strspn(s + ms + 1, "0123456789");
    return seq > 0 && seq <= DEAD_LETTER_ID_PART_MAX_DIGITS && s[ms + 1 + seq] == '\0';
}

static bool entry_to_dead_letter(const redisReply *entry, struct dead_letter *d)
{
    const redisReply *fields;
    size_t i;

    memset(d, 0, sizeof(*d));
    if (!cv_queue_job_from_entry(entry, &d->job))
        return false;
    fields = entry->element[1];
    if (fields->type != REDIS_REPLY_ARRAY)
        return true;
    for (i = 0; i + 1 < fields->elements; i += 2)
        if (fields->element[i]->type == REDIS_REPLY_STRING &&
            fields->element[i + 1]->type == REDIS_REPLY_STRING &&
            strcmp(fields->element[i]->str, "reason") == 0)
            (void)snprintf(d->reason, sizeof(d->reason), "%s", fields->element[i + 1]->str);
    return true;
}

/* XRANGE start end COUNT max into out. */
static enum cv_status range(struct cv_redis *redis, const char *start, const char *end,
                            struct dead_letter *out, size_t max, size_t *count,
                            struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;
    size_t i;

    *count = 0;
    st = cv_redis_command(redis, true, &rep, err, "XRANGE %s %s %s COUNT %ld", CV_KEY_JOBS_DEAD,
                          start, end, (long)max);
    if (st != CV_OK)
        return st;
    if (rep->type == REDIS_REPLY_ERROR) {
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "XRANGE %s: %s", CV_KEY_JOBS_DEAD, rep->str);
    } else if (rep->type == REDIS_REPLY_ARRAY) {
        for (i = 0; i < rep->elements && *count < max; i++)
            if (entry_to_dead_letter(rep->element[i], &out[*count]))
                (*count)++;
    }
    freeReplyObject(rep);
    return st;
}

enum cv_status dead_letters_list(struct cv_redis *redis, const char *after_id,
                                 struct dead_letter *out, size_t max, size_t *count,
                                 struct cv_error *err)
{
    char start[2 * DEAD_LETTER_ID_PART_MAX_DIGITS + 3];

    *count = 0;
    if (max == 0 || max > DEAD_LETTERS_LIST_MAX)
        return cv_error_set(err, CV_ERR_INVALID, "at most %d entries at once",
                            DEAD_LETTERS_LIST_MAX);
    if (after_id == NULL || after_id[0] == '\0')
        return range(redis, "-", "+", out, max, count, err);
    if (!dead_letter_id_valid(after_id))
        return cv_error_set(err, CV_ERR_INVALID, "not an entry id: %.48s", after_id);
    (void)snprintf(start, sizeof(start), "(%s", after_id);   /* exclusive; fits */
    return range(redis, start, "+", out, max, count, err);
}

enum cv_status dead_letters_get(struct cv_redis *redis, const char *entry_id,
                                struct dead_letter *out, struct cv_error *err)
{
    enum cv_status st;
    size_t n;

    if (!dead_letter_id_valid(entry_id))
        return cv_error_set(err, CV_ERR_INVALID, "not an entry id: %.48s", entry_id);
    st = range(redis, entry_id, entry_id, out, 1, &n, err);
    if (st == CV_OK && n == 0)
        st = cv_error_set(err, CV_ERR_NOT_FOUND, "no dead letter %s", entry_id);
    return st;
}

enum cv_status dead_letters_drop(struct cv_redis *redis, const char *entry_id,
                                 struct cv_error *err)
{
    redisReply *rep;
    enum cv_status st;

    if (!dead_letter_id_valid(entry_id))
        return cv_error_set(err, CV_ERR_INVALID, "not an entry id: %.48s", entry_id);
    st = cv_redis_command(redis, true, &rep, err, "XDEL %s %s", CV_KEY_JOBS_DEAD, entry_id);
    if (st != CV_OK)
        return st;
    if (rep->type == REDIS_REPLY_ERROR)
        st = cv_error_set(err, CV_ERR_UNAVAILABLE, "XDEL: %s", rep->str);
    else if (rep->type != REDIS_REPLY_INTEGER || rep->integer == 0)
        st = cv_error_set(err, CV_ERR_NOT_FOUND, "no dead letter %s", entry_id);
    freeReplyObject(rep);
    return st;
}
