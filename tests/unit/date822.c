/*
 * tests/unit/date822.c: RFC 822 dates as qmail writes them (spec
 * smtp-and-tools.md 0.5): known instants in UTC, an unpadded day of
 * month, and the local form with its numeric offset under TZ settings
 * written as POSIX rules (no zoneinfo files needed).
 */
#include <limits.h>
#include <stdlib.h>

#include "date822.h"
#include "ptest.h"

static void utc_is(time_t t, const char *exp)
{
    sa out = SA_INIT;

    OK(date822_utc(&out, t), "date822_utc");
    IS_SA(out, exp, exp);
    sa_free(&out);
}

static void local_is(const char *tz, time_t t, const char *exp)
{
    sa out = SA_INIT;

    setenv("TZ", tz, 1);
    tzset();
    OK(date822_local(&out, t), "date822_local");
    IS_SA(out, exp, tz);
    sa_free(&out);
}

static void t_utc(void)
{
    sa out = SA_INIT;

    utc_is(0, "1 Jan 1970 00:00:00 -0000");
    utc_is(1704243934, "3 Jan 2024 01:05:34 -0000");
    utc_is(1725598014, "6 Sep 2024 04:46:54 -0000");
    utc_is(1000000000, "9 Sep 2001 01:46:40 -0000");
    utc_is(1234567890, "13 Feb 2009 23:31:30 -0000");
    utc_is(1700000000, "14 Nov 2023 22:13:20 -0000");
    utc_is(951868799, "29 Feb 2000 23:59:59 -0000");
    utc_is(1709251199, "29 Feb 2024 23:59:59 -0000");
    utc_is(2147483647, "19 Jan 2038 03:14:07 -0000");
    utc_is((time_t)2147483648LL, "19 Jan 2038 03:14:08 -0000");
    utc_is((time_t)4102444800LL, "1 Jan 2100 00:00:00 -0000");

    OK(sa_copys(&out, "Date: "), "setup");
    OK(date822_utc(&out, 0), "appends");
    IS_SA(out, "Date: 1 Jan 1970 00:00:00 -0000", "appended to out");
    sa_free(&out);
}

static void t_local(void)
{
    /* the UTC form does not depend on TZ */
    setenv("TZ", "QQT-5:30", 1);
    tzset();
    utc_is(1704243934, "3 Jan 2024 01:05:34 -0000");

    local_is("UTC0", 1704243934, "3 Jan 2024 01:05:34 +0000");
    local_is("QQT-5:30", 0, "1 Jan 1970 05:30:00 +0530");
    local_is("QQT+3:30", 0, "31 Dec 1969 20:30:00 -0330");
    local_is("QQT+0:15", 1704243934, "3 Jan 2024 00:50:34 -0015");
    local_is("QQT-14", 1704243934, "3 Jan 2024 15:05:34 +1400");
    local_is("EST5EDT,M3.2.0,M11.1.0", 1704243934,
             "2 Jan 2024 20:05:34 -0500");
    local_is("EST5EDT,M3.2.0,M11.1.0", 1720000000,
             "3 Jul 2024 05:46:40 -0400");
}

/* what gmtime_r makes of t, in date822_utc's form (a year before 1 is
   printed as put() casts it); 0 if gmtime_r fails */
static int gm_form(time_t t, char *exp, size_t n)
{
    struct tm tm;

    if (!gmtime_r(&t, &tm))
        return 0;
    snprintf(exp, n, "%d %s %lu %02d:%02d:%02d -0000", tm.tm_mday,
             date822_month(tm.tm_mon), (unsigned long)(tm.tm_year + 1900),
             tm.tm_hour, tm.tm_min, tm.tm_sec);
    return 1;
}

/* the arithmetic agrees with the C library's gmtime_r over a spread of
   instants (every month, every hour, for centuries) and far values */
static void t_vs_gmtime(void)
{
    static const long long far[] = {
        -1, -86399, -86400, -86401, -951868800LL, -62135596800LL,
        -62167219200LL, -62167219201LL, 253402300799LL, 253402300800LL,
        67767976233316800LL, -67767976233316800LL};
    long long t;
    size_t i;
    int bad = 0, n = 0;
    char exp[64];
    sa a = SA_INIT;

    for (t = -12219292800LL; t < 32503680000LL; t += 86400 * 13 + 3601) {
        a.len = 0;
        ++n;
        if (!gm_form((time_t)t, exp, sizeof exp) ||
            !date822_utc(&a, (time_t)t) || a.len != strlen(exp) ||
            memcmp(a.s, exp, a.len))
            ++bad;
    }
    OK(n > 10000 && !bad, "the same dates as gmtime_r, 1582 to 3000");
    for (i = 0; i < sizeof far / sizeof far[0]; ++i) {
        a.len = 0;
        OK(gm_form((time_t)far[i], exp, sizeof exp) &&
               date822_utc(&a, (time_t)far[i]),
           "far instant");
        IS_SA(a, exp, exp);
    }
    OK(!date822_utc(&a, (time_t)LLONG_MAX),
       "a year beyond int is refused, as gmtime_r does");
    OK(!date822_utc(&a, (time_t)LLONG_MIN), "and before");
    sa_free(&a);
}

/* every field date822_gmtime sets, weekday included, as gmtime_r */
static void t_gmtime_fields(void)
{
    long long t;
    int bad = 0, n = 0;
    struct tm a, b;

    for (t = -12219292800LL; t < 32503680000LL; t += 86400 * 5 + 7207) {
        ++n;
        memset(&a, 0, sizeof a);
        if (!gmtime_r(&(time_t){(time_t)t}, &b) ||
            !date822_gmtime((time_t)t, &a) || a.tm_year != b.tm_year ||
            a.tm_mon != b.tm_mon || a.tm_mday != b.tm_mday ||
            a.tm_wday != b.tm_wday || a.tm_hour != b.tm_hour ||
            a.tm_min != b.tm_min || a.tm_sec != b.tm_sec)
            ++bad;
    }
    OK(n > 50000 && !bad, "date822_gmtime: the fields of gmtime_r, weekday too");
    OK(!date822_gmtime((time_t)LLONG_MAX, &a), "date822_gmtime refuses far years");
}

static void t_month(void)
{
    static const char *const m[] = {"Jan", "Feb", "Mar", "Apr",
                                    "May", "Jun", "Jul", "Aug",
                                    "Sep", "Oct", "Nov", "Dec"};
    int i;
    int good = 1;

    for (i = 0; i < 12; ++i)
        if (strcmp(date822_month(i), m[i]) != 0)
            good = 0;
    OK(good, "the twelve English month names");
    IS_STR(date822_month(12), "???", "out of range above");
    IS_STR(date822_month(-1), "???", "out of range below");
}

int main(void)
{
    t_utc();
    t_local();
    t_vs_gmtime();
    t_gmtime_fields();
    t_month();
    return pt_done();
}
