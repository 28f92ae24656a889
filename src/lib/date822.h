/*
 * date822.h: RFC 822 dates as qmail writes them.
 * date822_utc: "<mday> <Mon> <yyyy> <HH>:<MM>:<SS> -0000" (no weekday,
 * day not padded).  date822_local: same in local time with a numeric
 * offset "+hhmm"/"-hhmm" (predate).  Both append to out; 1 ok / 0 nomem.
 */
#ifndef DATE822_H
#define DATE822_H

#include <time.h>

#include "sa.h"

int date822_utc(sa *out, time_t t) WUR;
int date822_local(sa *out, time_t t) WUR;
/* gmtime_r without the time-zone machinery: sets tm_year, tm_mon,
   tm_mday, tm_wday, tm_hour, tm_min and tm_sec (nothing else); 0 when
   the year does not fit */
int date822_gmtime(time_t t, struct tm *tm) WUR;
/* the month abbreviation for 0..11 */
const char *date822_month(int m);

#endif
