/*
 * tcpinfo.c: see tcpinfo.h.  The ident query is best effort: every
 * failure (no server, timeout, garbage) simply means "no answer".
 * Never exits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "bio.h"
#include "fmt.h"
#include "tcpinfo.h"

/* an IPv4-mapped IPv6 address becomes the IPv4 address it maps */
static void unmap(tcpinfo_addr *a)
{
    struct sockaddr_in6 s6;
    struct sockaddr_in s4;

    if (a->ss.ss_family != AF_INET6)
        return;
    memcpy(&s6, &a->ss, sizeof s6);
    if (!IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr))
        return;
    memset(&s4, 0, sizeof s4);
    s4.sin_family = AF_INET;
    s4.sin_port = s6.sin6_port;
    memcpy(&s4.sin_addr, s6.sin6_addr.s6_addr + 12, 4);
    memset(&a->ss, 0, sizeof a->ss);
    memcpy(&a->ss, &s4, sizeof s4);
    a->len = sizeof s4;
}

static int describe(tcpinfo_addr *a)
{
    struct sockaddr_in s4;
    struct sockaddr_in6 s6;
    const char *r;

    unmap(a);
    if (a->ss.ss_family == AF_INET) {
        memcpy(&s4, &a->ss, sizeof s4);
        a->port = ntohs(s4.sin_port);
        r = inet_ntop(AF_INET, &s4.sin_addr, a->ip, sizeof a->ip);
    } else if (a->ss.ss_family == AF_INET6) {
        memcpy(&s6, &a->ss, sizeof s6);
        a->port = ntohs(s6.sin6_port);
        r = inet_ntop(AF_INET6, &s6.sin6_addr, a->ip, sizeof a->ip);
    } else {
        errno = EAFNOSUPPORT;
        return -1;
    }
    return r ? 0 : -1;
}

int tcpinfo_get(int fd, tcpinfo_conn *c)
{
    c->local.len = sizeof c->local.ss;
    if (getsockname(fd, (struct sockaddr *)&c->local.ss, &c->local.len))
        return -1;
    c->remote.len = sizeof c->remote.ss;
    if (getpeername(fd, (struct sockaddr *)&c->remote.ss, &c->remote.len))
        return -1;
    if (describe(&c->local) == -1 || describe(&c->remote) == -1)
        return -1;
    return 0;
}

int tcpinfo_name(const tcpinfo_addr *a, sa *out)
{
    char host[NI_MAXHOST];
    int r;

    r = getnameinfo((const struct sockaddr *)&a->ss, a->len, host, sizeof host,
                    0, 0, NI_NAMEREQD);
    if (r == EAI_NONAME || r == EAI_FAIL)
        return 0;
    if (r == EAI_MEMORY) {
        errno = ENOMEM;
        return -1;
    }
    if (r) {
        errno = EAGAIN;
        return -1;
    }
    if (!sa_copys(out, host)) {
        errno = ENOMEM;
        return -1;
    }
    case_lowerb(out->s, out->len);
    if (!sa_0(out)) {
        errno = ENOMEM;
        return -1;
    }
    return 1;
}

int tcpinfo_identparse(const char *s, size_t len, sa *out)
{
    size_t i;
    int colons = 0;

    out->len = 0;
    for (i = 0; i < len; ++i) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\r')
            continue;
        if (c == '\n')
            return sa_0(out) ? 1 : -1;
        if (colons < 3) {
            if (c == ':')
                ++colons;
            continue;
        }
        if (!sa_append(out, c))
            return -1;
        if (out->len == TCPINFO_IDENTMAX)
            return sa_0(out) ? 1 : -1;
    }
    return 0;
}

/* port 113 of the remote address, from the local address */
static int identconnect(const tcpinfo_conn *c, unsigned timeout)
{
    tcpinfo_addr to = c->remote;
    tcpinfo_addr from = c->local;
    struct pollfd p;
    int s, err = 0;
    socklen_t elen = sizeof err;

    if (to.ss.ss_family == AF_INET) {
        ((struct sockaddr_in *)(void *)&to.ss)->sin_port = htons(113);
        ((struct sockaddr_in *)(void *)&from.ss)->sin_port = 0;
    } else {
        ((struct sockaddr_in6 *)(void *)&to.ss)->sin6_port = htons(113);
        ((struct sockaddr_in6 *)(void *)&from.ss)->sin6_port = 0;
    }
    s = socket(to.ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s == -1)
        return -1;
    if (bind(s, (struct sockaddr *)&from.ss, from.len) == -1)
        goto fail;
    if (connect(s, (struct sockaddr *)&to.ss, to.len) == 0)
        return s;
    if (errno != EINPROGRESS)
        goto fail;
    p.fd = s;
    p.events = POLLOUT;
    if (poll(&p, 1, (int)timeout * 1000) != 1)
        goto fail;
    if (getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &elen) == -1 || err)
        goto fail;
    return s;
fail:
    close(s);
    return -1;
}

int tcpinfo_ident(const tcpinfo_conn *c, unsigned timeout, sa *out)
{
    char buf[256];
    char q[2 * FMT_ULONG + 8];
    size_t n;
    bio b;
    sa line = SA_INIT;
    int s, r;

    if (timeout > 3600)
        timeout = 3600;
    s = identconnect(c, timeout);
    if (s == -1)
        return 0;
    n = fmt_ulong(q, c->remote.port);
    memcpy(q + n, " , ", 3);
    n += 3;
    n += fmt_ulong(q + n, c->local.port);
    memcpy(q + n, "\r\n", 2);
    n += 2;
    bio_init(&b, bio_writeop, s, buf, sizeof buf);
    b.timeout = timeout ? timeout : 1;
    r = bio_putflush(&b, q, n);
    if (r == 0) {
        bio_init(&b, bio_readop, s, buf, sizeof buf);
        b.timeout = timeout ? timeout : 1;
        r = bio_getln(&b, &line, '\n', 8192);
        if (r == 1 || (r == -1 && errno == E2BIG))
            r = tcpinfo_identparse(line.s, line.len, out) == 1 ? 1 : 0;
        else
            r = 0;
    } else {
        r = 0;
    }
    sa_free(&line);
    close(s);
    return r;
}
