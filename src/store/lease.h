/*
 * lease.h (src/) - a lease on a Redis key: a lock that expires by itself,
 * held by an owner token, so a crashed holder blocks others for one TTL
 * at most. The analysis lease of the worker and the per-user billing lock
 * of cv-api are both this.
 *
 * Acquire is SET NX PX; release and extend act only while the key still
 * holds the caller's token (one Lua script each, atomic in Redis), so an
 * owner whose lease expired and was taken never frees or extends the new
 * owner's. Thread safety follows the struct cv_redis passed in.
 */
#ifndef CV_LEASE_H
#define CV_LEASE_H

#include <stdbool.h>

#include "cv_status.h"
#include "redis_conn.h"

/* Take key for owner for ttl_ms unless someone holds it: *acquired true
 * when taken, false when held by another. CV_ERR_UNAVAILABLE when Redis
 * is down or answers an error. */
enum cv_status cv_lease_acquire(struct cv_redis *redis, const char *key, const char *owner,
                                long ttl_ms, bool *acquired, struct cv_error *err) CV_WARN_UNUSED;

/* Delete key if it still holds owner (it may have expired and been taken
 * meanwhile). CV_ERR_UNAVAILABLE when Redis could not be asked; the lease
 * then expires by itself, so a caller may ignore the result (or log it). */
enum cv_status cv_lease_release(struct cv_redis *redis, const char *key, const char *owner,
                                struct cv_error *err);

/* Set key's TTL to ttl_ms if it still holds owner: *held false when the
 * lease was lost. CV_ERR_UNAVAILABLE when Redis is down. */
enum cv_status cv_lease_extend(struct cv_redis *redis, const char *key, const char *owner,
                               long ttl_ms, bool *held, struct cv_error *err) CV_WARN_UNUSED;

#endif
