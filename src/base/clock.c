/*
 * clock.c - monotonic time and pauses (see clock.h).
 */
#include "clock.h"

#include <errno.h>

int64_t cv_clock_now_ms(void)
{
    struct timespec ts;

    cv_clock_now(&ts);
    return (int64_t)ts.tv_sec * CV_MS_PER_S + ts.tv_nsec / CV_NS_PER_MS;
}

void cv_clock_now(struct timespec *now)
{
    /* CLOCK_MONOTONIC cannot fail on Linux; zero keeps a caller sane if
     * it ever did. */
    if (clock_gettime(CLOCK_MONOTONIC, now) != 0)
        *now = (struct timespec){ 0, 0 };
}

long cv_ts_diff_ms(const struct timespec *from, const struct timespec *to)
{
    return (long)(to->tv_sec - from->tv_sec) * CV_MS_PER_S +
           (to->tv_nsec - from->tv_nsec) / CV_NS_PER_MS;
}

void cv_ts_add_ms(struct timespec *t, long ms)
{
    t->tv_sec += ms / CV_MS_PER_S;
    t->tv_nsec += (ms % CV_MS_PER_S) * CV_NS_PER_MS;
    if (t->tv_nsec >= CV_NS_PER_S) {
        t->tv_sec++;
        t->tv_nsec -= CV_NS_PER_S;
    }
}

double cv_ts_elapsed_s(const struct timespec *start)
{
    struct timespec now;

    cv_clock_now(&now);
    return (double)(now.tv_sec - start->tv_sec) +
           (double)(now.tv_nsec - start->tv_nsec) / (double)CV_NS_PER_S;
}

static struct timespec ms_to_ts(long ms)
{
    return (struct timespec){ ms / CV_MS_PER_S, (ms % CV_MS_PER_S) * CV_NS_PER_MS };
}

void cv_sleep_ms(long ms)
{
    struct timespec ts = ms_to_ts(ms);

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

void cv_nap_ms(long ms)
{
    struct timespec ts = ms_to_ts(ms);

    (void)nanosleep(&ts, NULL);
}
