/*
 * myaddr.c: the local address set, read once per process from the
 * kernel's routing socket: a dump of the links (for IFF_UP) and one of
 * the addresses, as getifaddrs does, but without its per-interface
 * allocations and the library code behind them (qmail-smtpd runs this
 * once per connection).  Never exits; a failure is the caller's
 * temporary error.  myaddr_nlscan is the pure parser of what the
 * kernel answers.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "myaddr.h"

#define NLBUF 32768 /* the most the kernel puts in one dump datagram */

int myaddr_add(myaddr *m, const ipad *a)
{
    return sa_catb(&m->list, (const char *)a, sizeof *a);
}

static size_t align4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

static int up_has(const sa *up, int index)
{
    size_t i;
    int x;

    for (i = 0; i + sizeof x <= up->len; i += sizeof x) {
        memcpy(&x, up->s + i, sizeof x);
        if (x == index)
            return 1;
    }
    return 0;
}

static int scan_link(const char *p, size_t len, sa *up)
{
    struct ifinfomsg ifi;

    if (len < sizeof ifi)
        return -1;
    memcpy(&ifi, p, sizeof ifi);
    if (!(ifi.ifi_flags & IFF_UP) || up_has(up, ifi.ifi_index))
        return 1;
    return sa_catb(up, (const char *)&ifi.ifi_index, sizeof ifi.ifi_index)
               ? 1
               : -2;
}

/* the interface's own address: IFA_LOCAL where the kernel gives one
   (on a point-to-point link IFA_ADDRESS is the peer), else IFA_ADDRESS */
static int scan_addr(const char *p, size_t len, const sa *up, myaddr *m)
{
    struct ifaddrmsg ifa;
    struct rtattr rta;
    const char *local = 0, *addr = 0;
    size_t pos, alen;
    ipad a;

    if (len < sizeof ifa)
        return -1;
    memcpy(&ifa, p, sizeof ifa);
    if (ifa.ifa_family == AF_INET)
        alen = 4;
    else if (ifa.ifa_family == AF_INET6)
        alen = 16;
    else
        return 1;
    for (pos = align4(sizeof ifa); pos + sizeof rta <= len;
         pos += align4(rta.rta_len)) {
        memcpy(&rta, p + pos, sizeof rta);
        if (rta.rta_len < sizeof rta || rta.rta_len > len - pos)
            return -1;
        if (rta.rta_len - sizeof rta != alen)
            continue;
        if (rta.rta_type == IFA_LOCAL)
            local = p + pos + sizeof rta;
        else if (rta.rta_type == IFA_ADDRESS)
            addr = p + pos + sizeof rta;
    }
    if (!local)
        local = addr;
    if (!local || !up_has(up, (int)ifa.ifa_index))
        return 1;
    memset(&a, 0, sizeof a);
    a.v6 = alen == 16;
    memcpy(a.b, local, alen);
    return myaddr_add(m, &a) ? 1 : -2;
}

int myaddr_nlscan(myaddr *m, sa *up, const char *buf, size_t len,
                  unsigned seq)
{
    struct nlmsghdr h;
    struct nlmsgerr e;
    size_t pos = 0;
    int r;

    while (len - pos >= sizeof h) {
        memcpy(&h, buf + pos, sizeof h);
        if (h.nlmsg_len < sizeof h || h.nlmsg_len > len - pos)
            break;
        if (h.nlmsg_seq == seq) {
            const char *p = buf + pos + NLMSG_HDRLEN;
            size_t n = h.nlmsg_len - NLMSG_HDRLEN;

            r = 1;
            if (h.nlmsg_type == NLMSG_DONE)
                return 0;
            if (h.nlmsg_type == NLMSG_ERROR) {
                if (n < sizeof e)
                    break;
                memcpy(&e, p, sizeof e);
                errno = e.error < 0 ? -e.error : EPROTO;
                return -1;
            }
            if (h.nlmsg_type == RTM_NEWLINK)
                r = scan_link(p, n, up);
            else if (h.nlmsg_type == RTM_NEWADDR)
                r = scan_addr(p, n, up, m);
            if (r == -2) {
                errno = ENOMEM;
                return -1;
            }
            if (r == -1)
                break;
        }
        pos += align4(h.nlmsg_len);
        if (pos > len)
            pos = len;
    }
    if (pos != len) {
        errno = EPROTO;
        return -1;
    }
    return 1;
}

/* one dump (RTM_GETLINK or RTM_GETADDR) through fd, scanned to its end */
static int dump(int fd, int type, unsigned seq, sa *buf, sa *up, myaddr *m)
{
    struct {
        struct nlmsghdr h;
        struct rtgenmsg g;
    } req;
    struct sockaddr_nl kernel;
    socklen_t klen;
    ssize_t n;
    int r = 1;

    memset(&req, 0, sizeof req);
    req.h.nlmsg_len = sizeof req;
    req.h.nlmsg_type = (unsigned short)type;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.h.nlmsg_seq = seq;
    req.g.rtgen_family = AF_UNSPEC;
    memset(&kernel, 0, sizeof kernel);
    kernel.nl_family = AF_NETLINK;
    if (sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&kernel,
               sizeof kernel) != (ssize_t)sizeof req)
        return -1;
    while (r == 1) {
        klen = sizeof kernel;
        n = recvfrom(fd, buf->s, NLBUF, MSG_TRUNC, (struct sockaddr *)&kernel,
                     &klen);
        if (n == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n > NLBUF) {
            errno = EMSGSIZE;
            return -1;
        }
        if (klen != sizeof kernel || kernel.nl_pid != 0)
            continue; /* not from the kernel: ignored */
        r = myaddr_nlscan(m, up, buf->s, (size_t)n, seq);
    }
    return r;
}

int myaddr_load(myaddr *m)
{
    sa buf = SA_INIT, up = SA_INIT;
    ipad any;
    int fd, r = -1, e;

    m->list.len = 0;
    memset(&any, 0, sizeof any);
    if (!myaddr_add(m, &any))
        return 0;
    any.v6 = 1;
    if (!myaddr_add(m, &any))
        return 0;
    if (!sa_ready(&buf, NLBUF))
        return 0;
    fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd != -1) {
        r = dump(fd, RTM_GETLINK, 1, &buf, &up, m);
        if (r == 0)
            r = dump(fd, RTM_GETADDR, 2, &buf, &up, m);
        e = errno;
        close(fd);
        errno = e;
    }
    sa_free(&buf);
    sa_free(&up);
    return r == 0;
}

int myaddr_has(const myaddr *m, const ipad *a)
{
    size_t i, n = m->list.len / sizeof(ipad);
    ipad x;

    for (i = 0; i < n; ++i) {
        memcpy(&x, m->list.s + i * sizeof x, sizeof x);
        if (ipad_eq(&x, a))
            return 1;
    }
    return 0;
}

void myaddr_free(myaddr *m)
{
    sa_free(&m->list);
}
