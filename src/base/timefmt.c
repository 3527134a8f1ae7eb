/*
 * timefmt.c - epoch milliseconds and RFC 3339 (see timefmt.h).
 */
#include "timefmt.h"

#include <stdio.h>
#include <time.h>

int64_t cv_time_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cv_time_rfc3339(int64_t ms, char *out, size_t size)
{
    time_t secs = (time_t)(ms / 1000);
    int millis = (int)(ms % 1000);
    struct tm tm;

    if (millis < 0) {
        millis += 1000;
        secs -= 1;
    }
    if (gmtime_r(&secs, &tm) == NULL) {
        (void)snprintf(out, size, "1970-01-01T00:00:00.000Z");
        return;
    }
    (void)snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                   tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

int64_t cv_time_month_start_ms(int64_t ms)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;

    if (gmtime_r(&secs, &tm) == NULL)
        return 0;
    tm.tm_mday = 1;
    tm.tm_hour = 0;
    tm.tm_min = 0;
    tm.tm_sec = 0;
    return (int64_t)timegm(&tm) * 1000;
}
