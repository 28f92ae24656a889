/*
 * tcpinfo.h: what tcp-env learns about the TCP connection on an fd.
 * IPv4, and IPv6 where the socket is IPv6 (an IPv4-mapped IPv6 address
 * is shown as plain IPv4).
 *
 * tcpinfo_get: both ends of the connection on fd.  0 ok, -1 error
 *   (errno; EAFNOSUPPORT when fd is not an IP socket).
 * tcpinfo_name: the host name of an address (reverse lookup through
 *   getnameinfo), lowercased and NUL-terminated in out.  1 found,
 *   0 there is no name, -1 error: errno ENOMEM for no memory, anything
 *   else a temporary lookup failure.
 * tcpinfo_ident: ask the remote end's RFC 1413 server (port 113) who
 *   owns the connection, from the local address, each step within
 *   timeout seconds.  1 an answer is in out (NUL-terminated), 0 none.
 * tcpinfo_identparse: the answer in one reply line s[0..len): blanks
 *   (SP, TAB, CR) dropped, the text after the third ':' up to the LF,
 *   at most TCPINFO_IDENTMAX bytes.  1 done (out NUL-terminated),
 *   0 the line ended without LF first, -1 no memory.  Pure.
 */
#ifndef TCPINFO_H
#define TCPINFO_H

#include <netinet/in.h>
#include <sys/socket.h>

#include "sa.h"

#define TCPINFO_IDENTMAX 998

typedef struct tcpinfo_addr {
    struct sockaddr_storage ss;
    socklen_t len;
    char ip[INET6_ADDRSTRLEN];
    unsigned long port;
} tcpinfo_addr;

typedef struct tcpinfo_conn {
    tcpinfo_addr local;
    tcpinfo_addr remote;
} tcpinfo_conn;

#define TCPINFO_CONN_INIT                                                      \
    {                                                                          \
        {{0}, 0, {0}, 0},                                                      \
        {                                                                      \
            {0}, 0, {0}, 0                                                     \
        }                                                                      \
    }

int tcpinfo_get(int fd, tcpinfo_conn *c) WUR;
int tcpinfo_name(const tcpinfo_addr *a, sa *out) WUR;
int tcpinfo_ident(const tcpinfo_conn *c, unsigned timeout, sa *out) WUR;
int tcpinfo_identparse(const char *s, size_t len, sa *out) WUR;

#endif
