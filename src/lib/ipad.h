/*
 * ipad.h: an IP address of either family, as remote delivery, the TCP
 * timeout table and the local-address set keep it.  Pure helpers.
 *   ipad_scan: the whole of s[0..len) is an address literal: d.d.d.d,
 *     [d.d.d.d], [IPv6:x:y::z] or [x:y::z].  1 yes (*a set), 0 no.
 *   ipad_fmt: append the text form (dotted quad, or RFC 5952 IPv6).
 *     1 ok, 0 no memory.
 *   ipad_eq: 1 when both are the same address of the same family.
 */
#ifndef IPAD_H
#define IPAD_H

#include <stddef.h>

#include "sa.h"

typedef struct ipad {
    int v6; /* 0: IPv4 in b[0..4); 1: IPv6 in b[0..16) */
    unsigned char b[16];
} ipad;

int ipad_scan(const char *s, size_t len, ipad *a) WUR;
int ipad_fmt(sa *out, const ipad *a) WUR;
int ipad_eq(const ipad *x, const ipad *y);

#endif
