/*
 * smtproutes.h: the route lookup of control/smtproutes (spec
 * smtp-and-tools.md 2.3).  list is the file as ctl_readfile stores it
 * (NUL-terminated lines).  Each line is domain:relay or
 * domain:relay:port; the keys tried for host a.b.c are a.b.c, .b.c, .c
 * and the empty key, case-insensitively, and the first line whose key
 * matches decides.  A relay may be an IPv6 literal in brackets
 * ([2001:db8::1] or [IPv6:2001:db8::1]); its colons do not end it.
 *
 * smtproutes_find: 1 a relay applies (*relay, *rlen: its text;
 * *port: the port, 25 unless given; the port's leading digits are used,
 * and a port with none, or above 65535, is 0, which no connection can
 * use); 0 no route, or a
 * route with an empty relay (normal MX lookup).  Pure.
 */
#ifndef SMTPROUTES_H
#define SMTPROUTES_H

#include <stddef.h>

#include "sa.h"

int smtproutes_find(const sa *list, const char *host, size_t hlen,
                    const char **relay, size_t *rlen, unsigned long *port);

#endif
