/*
 * clock.h (src/) - monotonic time and pauses: the one home of timespec
 * arithmetic and of sleeping a number of milliseconds. Wall-clock time
 * (epoch milliseconds, RFC 3339) is timefmt.h's.
 *
 * Pure functions of their arguments and the clock; thread safe.
 */
#ifndef CV_CLOCK_H
#define CV_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Milliseconds and nanoseconds in a second, for timespec arithmetic. */
#define CV_MS_PER_S 1000L
#define CV_NS_PER_MS 1000000L
#define CV_NS_PER_S 1000000000L

/* CLOCK_MONOTONIC now, in milliseconds: for deadlines and durations,
 * never for dates. */
int64_t cv_clock_now_ms(void);

/* CLOCK_MONOTONIC now into *now. */
void cv_clock_now(struct timespec *now);

/* Milliseconds from `from` to `to` (negative when `to` is earlier). */
long cv_ts_diff_ms(const struct timespec *from, const struct timespec *to);

/* Move *t forward by ms (ms >= 0), keeping tv_nsec below a second. */
void cv_ts_add_ms(struct timespec *t, long ms);

/* Seconds elapsed on CLOCK_MONOTONIC since *start. */
double cv_ts_elapsed_s(const struct timespec *start);

/* Pause for ms milliseconds, the whole of it: a signal that interrupts
 * the pause does not shorten it. */
void cv_sleep_ms(long ms);

/* Pause for at most ms milliseconds: a signal ends the pause early, so a
 * loop that sleeps between looks at a stop flag sees the flag at once. */
void cv_nap_ms(long ms);

#endif
