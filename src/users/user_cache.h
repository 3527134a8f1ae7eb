/*
 * user_cache.h (src/users) - the user's card in Redis: what authenticating
 * a request and GET /api/auth/me need of a user, served without a
 * database round trip in the common case, and never older than a write
 * whose writer has answered.
 *
 * The card is a copy of facts whose record is MongoDB: the users document
 * (email, name, plan, createdAt), the month's usage slots (quota.h) and
 * the notification settings (user_settings_repo.h). It is never written
 * from anything but a fresh database read, and never read as the truth by
 * a writer (a quota is taken against the slots, a plan is changed against
 * the document).
 *
 * Exactness, by a generation per user (CV_KEY_USER_CARD_GEN_PREFIX, a
 * value Redis never gives twice):
 *   - every writer of one of those facts, once its database write has
 *     returned (committed, failed or unknown), calls user_cache_invalidate:
 *     one script sets a new generation and deletes the card;
 *   - a reader that misses gets the current generation G from the same
 *     script that found no card (creating one if there was none), then
 *     reads the database, then stores the card with user_cache_fill, whose
 *     script stores it only if the generation is still G.
 * A stored card was therefore read from the database after every write
 * whose invalidation came before the fill, and a write whose invalidation
 * comes after the fill deletes it. So once a writer's invalidation is done
 * (before it answers), no reader sees the old value: the classic race of a
 * slow reader putting back what it read before the write is closed by the
 * compare in the fill script, not by timing. A generation that expired or
 * was lost (a Redis restart) reads as absent, which no ticket equals, and
 * new ones embed Redis's clock, so an old ticket never matches again.
 *
 * What is not exact: between a write's commit and its invalidation
 * (microseconds), readers may still see the card from before, as they
 * would a read made just before the write. If Redis cannot be reached at
 * the invalidation (it is retried once on a fresh connection), or the
 * writer dies between the two, or someone edits the database by hand,
 * the old card lives at most USER_CACHE_TTL_S; readers meanwhile get 503
 * while Redis is down.
 *
 * Redis down: user_cache_lookup fails (CV_ERR_UNAVAILABLE) and the caller
 * answers 503 as before the cache; a fill that fails only costs the next
 * request a miss. Thread safety follows ctx.
 */
#ifndef CV_USER_CACHE_H
#define CV_USER_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "ctx.h"
#include "cv_status.h"
#include "user_repo.h"
#include "user_settings_repo.h"

/* A card lives at most this long, so a missed invalidation heals. */
#define USER_CACHE_TTL_S 60
/* A generation lives this long after it was set: far longer than a
 * reader's database reads (each bounded by CV_MONGO_TIMEOUT_MS); a reader
 * that outlives it just does not store its card. */
#define USER_CACHE_GEN_TTL_S 3600
/* "<seconds>.<microseconds>.<counter>" and its NUL. */
#define USER_CACHE_TICKET_MAX 64

/*
 * What authentication and /api/auth/me know of a user. user holds id,
 * email, name, plan and created_at_ms only: never the password hash, the
 * Stripe ids or updated_at (load the document, user_repo_find_by_id, to
 * use those).
 */
struct user_card {
    struct cv_user user;
    int64_t month_ms;           /* start of the month used counts */
    int used;                   /* analyses taken this month */
    struct user_settings settings;
};

/*
 * One Redis round trip: is token jti revoked (CV_KEY_REVOKED_TOKEN_PREFIX),
 * and user_id's card for the month starting at month_ms. *revoked true:
 * nothing else is filled. Else *hit true: *card is filled. Else ticket is
 * the generation to pass to user_cache_fill after reading the database.
 * CV_ERR_UNAVAILABLE when Redis fails.
 */
enum cv_status user_cache_lookup(struct cv_ctx *ctx, const char *user_id, const char *jti,
                                 int64_t month_ms, bool *revoked, bool *hit,
                                 struct user_card *card, char ticket[USER_CACHE_TICKET_MAX],
                                 struct cv_error *err) CV_WARN_UNUSED;

/* The card from MongoDB: the user, the month of now_ms's usage, the
 * settings. CV_ERR_NOT_FOUND when the user does not exist. */
enum cv_status user_cache_load(struct cv_ctx *ctx, const char *user_id, int64_t now_ms,
                               struct user_card *card, struct cv_error *err) CV_WARN_UNUSED;

/* Store card (read from the database after ticket was had) unless a
 * writer changed the generation since. Best effort: a failure is logged
 * and costs only a miss. */
void user_cache_fill(struct cv_ctx *ctx, const char *ticket, const struct user_card *card);

/* The card of user_id for the month starting at month_ms as cached, if
 * any (*present), without touching the generation: for `cv-admin check`
 * to compare with the database. A malformed card is present and zeroed
 * but for its id. CV_ERR_UNAVAILABLE when Redis fails. */
enum cv_status user_cache_peek(struct cv_ctx *ctx, const char *user_id, int64_t month_ms,
                               bool *present, struct user_card *card,
                               struct cv_error *err) CV_WARN_UNUSED;

/* After a write to one of the card's facts of user_id (whether it
 * committed or not): a new generation, and the card deleted. Best effort:
 * a failure is logged (the card then lives at most USER_CACHE_TTL_S). */
void user_cache_invalidate(struct cv_ctx *ctx, const char *user_id);

#endif
