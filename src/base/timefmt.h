/*
 * timefmt.h - wall-clock time in milliseconds since the epoch (as BSON
 * dates store it) and its RFC 3339 rendering ("2026-11-24T10:00:00.000Z").
 * Pure and thread safe.
 */
#ifndef CV_TIMEFMT_H
#define CV_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define CV_TIME_RFC3339_SIZE 32   /* "YYYY-MM-DDTHH:MM:SS.mmmZ" + NUL, with room */

int64_t cv_time_now_ms(void);

/* Render ms as RFC 3339 UTC with milliseconds into out (at least
 * CV_TIME_RFC3339_SIZE bytes). */
void cv_time_rfc3339(int64_t ms, char *out, size_t size);

/* Midnight UTC of the first day of the month that contains ms. */
int64_t cv_time_month_start_ms(int64_t ms);

#endif
