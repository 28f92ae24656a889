/*
 * date822.c: date formatting without strftime's locale dependence.
 * The UTC form is computed here rather than by gmtime_r: glibc's
 * gmtime_r loads the local time zone (/etc/localtime, through stdio and
 * malloc) on first use, which costs every short-lived program that only
 * stamps a UTC date (qmail-smtpd, qmail-queue) syscalls and memory.
 */
#include <limits.h>
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

/* the proleptic Gregorian calendar date of day number days (0 is
   1 Jan 1970).  Days are counted from 1 Mar 0000 instead, so that the
   leap day ends each year and every 400-year era has 146097 days. */
static long long civil(long long days, struct tm *tm)
{
    long long z = days + 719468; /* days from 1 Mar 0000 to 1 Jan 1970 */
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;                       /* 0..146096 */
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* 0..365 */
    long long mp = (5 * doy + 2) / 153; /* 0 is March .. 11 February */
    long long year = era * 400 + yoe + (mp >= 10);

    tm->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
    tm->tm_mon = (int)(mp < 10 ? mp + 2 : mp - 10);
    return year;
}

int date822_gmtime(time_t t, struct tm *tm)
{
    long long s = (long long)t;
    long long days = s / 86400;
    long long rem = s % 86400;
    long long year;

    if (rem < 0) {
        rem += 86400;
        --days;
    }
    /* a year that fits tm_year; anything further away is no date a
       message can carry (gmtime_r fails there too) */
    year = civil(days, tm);
    if (year > INT_MAX || year < (long long)INT_MIN + 1900)
        return 0;
    tm->tm_year = (int)(year - 1900);
    tm->tm_hour = (int)(rem / 3600);
    tm->tm_min = (int)(rem / 60 % 60);
    tm->tm_sec = (int)(rem % 60);
    tm->tm_wday = (int)(((days % 7) + 11) % 7); /* 1 Jan 1970: Thursday */
    return 1;
}

int date822_utc(sa *out, time_t t)
{
    struct tm tm;

    if (!date822_gmtime(t, &tm))
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
