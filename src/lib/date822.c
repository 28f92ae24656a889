/*
 * date822.c: date formatting without strftime's locale dependence.
 */
#include <time.h>

#include "date822.h"

static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

const char *date822_month(int m)
{
    return (m >= 0 && m < 12) ? months[m] : "???";
}

static int put(sa *out, const struct tm *tm)
{
    return sa_catulong(out, (unsigned long)tm->tm_mday) &&
           sa_append(out, ' ') && sa_cats(out, date822_month(tm->tm_mon)) &&
           sa_append(out, ' ') &&
           sa_catulong(out, (unsigned long)(tm->tm_year + 1900)) &&
           sa_append(out, ' ') &&
           sa_catulong0(out, (unsigned long)tm->tm_hour, 2) &&
           sa_append(out, ':') &&
           sa_catulong0(out, (unsigned long)tm->tm_min, 2) &&
           sa_append(out, ':') &&
           sa_catulong0(out, (unsigned long)tm->tm_sec, 2);
}

int date822_utc(sa *out, time_t t)
{
    struct tm tm;

    if (!gmtime_r(&t, &tm))
        return 0;
    return put(out, &tm) && sa_cats(out, " -0000");
}

int date822_local(sa *out, time_t t)
{
    struct tm tm;
    long off;
    char sign = '+';

    if (!localtime_r(&t, &tm))
        return 0;
    off = tm.tm_gmtoff / 60; /* minutes east of UTC */
    if (off < 0) {
        sign = '-';
        off = -off;
    }
    return put(out, &tm) && sa_append(out, ' ') && sa_append(out, sign) &&
           sa_catulong0(out, (unsigned long)(off / 60), 2) &&
           sa_catulong0(out, (unsigned long)(off % 60), 2);
}
