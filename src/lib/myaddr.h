/*
 * myaddr.h: the addresses of this host (spec smtp-and-tools.md 0.7):
 * 0.0.0.0 and :: plus every IPv4 and IPv6 address of an interface that
 * is up, from the kernel's routing socket as getifaddrs reads them
 * (which, unlike SIOCGIFCONF, also sees unlabelled secondary
 * addresses).  qmail-remote uses it to notice that a mail exchanger is
 * this host, qmail-smtpd to rewrite address literals (localiphost).
 *   myaddr_load: 1 ok, 0 failed (errno).  myaddr_has: 1 listed, 0 not.
 *   myaddr_nlscan: one datagram (buf, len) of an rtnetlink dump with
 *     sequence number seq: each RTM_NEWLINK of an interface that is up
 *     adds its index to up (an array of int), each RTM_NEWADDR of such
 *     an interface adds its address to m; messages of another sequence
 *     are skipped.  1 the dump goes on, 0 it ended (NLMSG_DONE), -1
 *     error (errno: from NLMSG_ERROR, EPROTO malformed, ENOMEM).
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
int myaddr_nlscan(myaddr *m, sa *up, const char *buf, size_t len,
                  unsigned seq) WUR;
void myaddr_free(myaddr *m);

#endif
