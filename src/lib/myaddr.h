/*
 * myaddr.h: the addresses of this host (spec smtp-and-tools.md 0.7):
 * 0.0.0.0 and :: plus every IPv4 and IPv6 address of an interface that
 * is up, from getifaddrs (which, unlike SIOCGIFCONF, also sees
 * unlabelled secondary addresses).  qmail-remote uses it to notice that
 * a mail exchanger is this host.
 *   myaddr_load: 1 ok, 0 failed (errno).  myaddr_has: 1 listed, 0 not.
 */
#ifndef MYADDR_H
#define MYADDR_H

#include "ipad.h"
#include "sa.h"

typedef struct myaddr {
    sa list; /* an array of ipad */
} myaddr;

#define MYADDR_INIT {SA_INIT}

int myaddr_load(myaddr *m) WUR;
int myaddr_add(myaddr *m, const ipad *a) WUR; /* 1 ok, 0 no memory */
int myaddr_has(const myaddr *m, const ipad *a);
void myaddr_free(myaddr *m);

#endif
