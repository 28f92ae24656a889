/*
 * fmt.h, scan.h in one: number formatting and overflow-checked scanning.
 * fmt_* write into the buffer (which may be 0 to only count) and return
 * the length.  scan_ulong returns the number of digits consumed (0 if
 * none or on overflow, in which case *u is left alone).  scan_digits
 * returns 1 if the C string s is one or more ASCII digits and nothing
 * else (a queue file name, say), else 0.  scan_env reads a number from
 * an environment variable as qmail's servers do: its leading digits,
 * none is 0, too many saturate at ULONG_MAX (never a wrap).
 */
#ifndef FMT_H
#define FMT_H

#include <stddef.h>

#define FMT_ULONG 40 /* enough for any unsigned long, with room */

size_t fmt_ulong(char *s, unsigned long u);
size_t fmt_ulong0(char *s, unsigned long u, size_t width);
size_t scan_ulong(const char *s, size_t len, unsigned long *u);
int scan_digits(const char *s);
unsigned long scan_env(const char *s);

#endif
