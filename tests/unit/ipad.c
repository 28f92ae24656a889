/*
 * tests/unit/ipad.c: address literals (plain, bracketed, IPv6 with and
 * without the IPv6: tag), their text form, and equality; plus the local
 * address set, which always holds 0.0.0.0 and ::, agrees with
 * getifaddrs, and is parsed from canned rtnetlink dumps (links up and
 * down, point-to-point, other sequences, errors, truncation).
 */
#include <errno.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>

#include "ipad.h"
#include "myaddr.h"
#include "ptest.h"

static void scan_is(const char *s, int ok, const char *text)
{
    ipad a;
    sa x = SA_INIT;

    IS_INT(ipad_scan(s, strlen(s), &a), ok, s);
    if (ok) {
        OK(ipad_fmt(&x, &a), "fmt");
        IS_SA(x, text, text);
    }
    sa_free(&x);
}

/* every address of an interface that is up, from getifaddrs, is in
   the set, and the set holds nothing else (besides 0.0.0.0 and ::) */
static void vs_getifaddrs(const myaddr *me)
{
    struct ifaddrs *ifs, *i;
    myaddr g = MYADDR_INIT;
    ipad a;
    size_t k, n;
    int bad = 0;

    if (getifaddrs(&ifs) == -1) {
        SKIP("as getifaddrs", "getifaddrs failed");
        return;
    }
    for (i = ifs; i; i = i->ifa_next) {
        if (!i->ifa_addr || !(i->ifa_flags & IFF_UP))
            continue;
        memset(&a, 0, sizeof a);
        if (i->ifa_addr->sa_family == AF_INET)
            memcpy(a.b, &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr,
                   4);
        else if (i->ifa_addr->sa_family == AF_INET6) {
            a.v6 = 1;
            memcpy(a.b,
                   &((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr,
                   16);
        } else
            continue;
        if (!myaddr_add(&g, &a) || !myaddr_has(me, &a))
            ++bad;
    }
    freeifaddrs(ifs);
    n = me->list.len / sizeof a;
    for (k = 2; k < n; ++k) {
        memcpy(&a, me->list.s + k * sizeof a, sizeof a);
        if (!myaddr_has(&g, &a))
            ++bad;
    }
    OK(!bad, "the same addresses as getifaddrs");
    myaddr_free(&g);
}

/* canned rtnetlink datagrams */
static size_t put_hdr(char *b, size_t at, size_t len, int type, unsigned seq)
{
    struct nlmsghdr h;

    memset(&h, 0, sizeof h);
    h.nlmsg_len = (unsigned)len;
    h.nlmsg_type = (unsigned short)type;
    h.nlmsg_seq = seq;
    memcpy(b + at, &h, sizeof h);
    return at + NLMSG_HDRLEN;
}

static size_t put_link(char *b, size_t at, int index, unsigned flags,
                       unsigned seq)
{
    struct ifinfomsg ifi;
    size_t len = NLMSG_HDRLEN + sizeof ifi;

    memset(&ifi, 0, sizeof ifi);
    ifi.ifi_index = index;
    ifi.ifi_flags = flags;
    at = put_hdr(b, at, len, RTM_NEWLINK, seq);
    memcpy(b + at, &ifi, sizeof ifi);
    return NLMSG_ALIGN(at + sizeof ifi);
}

/* an address message with IFA_ADDRESS addr and, if local, IFA_LOCAL */
static size_t put_addr(char *b, size_t at, int family, int index,
                       const unsigned char *addr, const unsigned char *local,
                       unsigned seq)
{
    struct ifaddrmsg ifa;
    struct rtattr rta;
    size_t alen = family == AF_INET ? 4 : 16;
    size_t one = RTA_ALIGN(sizeof rta + alen);
    size_t len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof ifa) + one * (local ? 2 : 1);

    memset(&ifa, 0, sizeof ifa);
    ifa.ifa_family = (unsigned char)family;
    ifa.ifa_index = (unsigned)index;
    at = put_hdr(b, at, len, RTM_NEWADDR, seq);
    memcpy(b + at, &ifa, sizeof ifa);
    at += NLMSG_ALIGN(sizeof ifa);
    rta.rta_len = (unsigned short)(sizeof rta + alen);
    rta.rta_type = IFA_ADDRESS;
    memcpy(b + at, &rta, sizeof rta);
    memcpy(b + at + sizeof rta, addr, alen);
    at += one;
    if (local) {
        rta.rta_type = IFA_LOCAL;
        memcpy(b + at, &rta, sizeof rta);
        memcpy(b + at + sizeof rta, local, alen);
        at += one;
    }
    return at;
}

static int has(const myaddr *m, const char *text)
{
    ipad a;

    return ipad_scan(text, strlen(text), &a) && myaddr_has(m, &a);
}

static void nlscan(void)
{
    static const unsigned char v4a[4] = {192, 0, 2, 10}, v4p[4] = {192, 0, 2, 99},
                               v4l[4] = {198, 51, 100, 1},
                               v4d[4] = {203, 0, 113, 5},
                               v6a[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    char b[1024];
    myaddr m = MYADDR_INIT;
    sa up = SA_INIT;
    size_t n = 0, cut;
    struct nlmsgerr e;

    memset(b, 0, sizeof b);
    n = put_link(b, n, 1, IFF_UP, 7);
    n = put_link(b, n, 2, 0, 7); /* down */
    n = put_link(b, n, 3, IFF_UP, 8); /* another dump: skipped */
    n = put_link(b, n, 4, IFF_UP, 7);
    IS_INT(myaddr_nlscan(&m, &up, b, n, 7), 1, "links: the dump goes on");
    IS_INT(up.len, 2 * sizeof(int), "two links are up");
    put_hdr(b, 0, NLMSG_HDRLEN, NLMSG_DONE, 7);
    IS_INT(myaddr_nlscan(&m, &up, b, NLMSG_HDRLEN, 7), 0, "done");

    n = 0;
    n = put_addr(b, n, AF_INET, 1, v4a, 0, 9);
    n = put_addr(b, n, AF_INET, 4, v4p, v4l, 9); /* point-to-point */
    n = put_addr(b, n, AF_INET, 2, v4d, 0, 9);   /* link down */
    n = put_addr(b, n, AF_INET6, 4, v6a, 0, 9);
    n = put_addr(b, n, AF_INET, 4, v4d, 0, 3); /* other sequence */
    cut = n;
    n = put_hdr(b, n, NLMSG_HDRLEN, NLMSG_DONE, 9);
    IS_INT(myaddr_nlscan(&m, &up, b, n, 9), 0, "addresses, then done");
    OK(has(&m, "192.0.2.10"), "an address of a link that is up");
    OK(has(&m, "198.51.100.1") && !has(&m, "192.0.2.99"),
       "point-to-point: the local end, not the peer");
    OK(!has(&m, "203.0.113.5"), "nothing of a link that is down");
    OK(has(&m, "2001:db8::1"), "IPv6");
    IS_INT(m.list.len, 3 * sizeof(ipad), "three in all");

    IS_INT(myaddr_nlscan(&m, &up, b, cut - 1, 9), -1, "truncated: error");
    IS_INT(errno, EPROTO, "EPROTO");
    IS_INT(myaddr_nlscan(&m, &up, b, 10, 9), -1, "a bare fragment: error");
    memset(&e, 0, sizeof e);
    e.error = -EPERM;
    n = put_hdr(b, 0, NLMSG_HDRLEN + sizeof e, NLMSG_ERROR, 9);
    memcpy(b + n, &e, sizeof e);
    IS_INT(myaddr_nlscan(&m, &up, b, n + sizeof e, 9), -1, "NLMSG_ERROR");
    IS_INT(errno, EPERM, "its errno");
    IS_INT(myaddr_nlscan(&m, &up, b, 0, 9), 1, "empty: goes on");
    myaddr_free(&m);
    sa_free(&up);
}

int main(void)
{
    ipad a, b;
    myaddr me = MYADDR_INIT;

    scan_is("1.2.3.4", 1, "1.2.3.4");
    scan_is("[10.0.0.1]", 1, "10.0.0.1");
    scan_is("[IPv6:2001:DB8:0:0::1]", 1, "2001:db8::1");
    scan_is("[ipv6:::1]", 1, "::1");
    scan_is("[::ffff:1.2.3.4]", 1, "::ffff:1.2.3.4");
    scan_is("[IPv6:1.2.3.4]", 0, "");
    scan_is("1.2.3", 0, "");
    scan_is("256.1.1.1", 0, "");
    scan_is("[127.000.0.1]", 1, "127.0.0.1");
    scan_is("[0127.0.0.001]", 1, "127.0.0.1");
    scan_is("1.2.3.4.", 0, "");
    scan_is("1..3.4", 0, "");
    scan_is("1.2.3.4 ", 0, "");
    scan_is("00000000000000000001.2.3.4", 1, "1.2.3.4");
    scan_is("1.2.3.99999999999999999999", 0, "");
    scan_is("example.com", 0, "");
    scan_is("[1.2.3.4", 0, "");
    scan_is("[]", 0, "");
    scan_is("", 0, "");
    OK(ipad_scan("1.2.3.4", 7, &a) && ipad_scan("[1.2.3.4]", 9, &b) &&
           ipad_eq(&a, &b),
       "equal");
    OK(ipad_scan("::1.2.3.4", 9, &b) && !ipad_eq(&a, &b),
       "other family: not equal");
    OK(!ipad_scan("1.2.3.4\0x", 9, &a), "NUL inside: no");
    OK(myaddr_load(&me), "local addresses");
    OK(ipad_scan("0.0.0.0", 7, &a) && myaddr_has(&me, &a), "0.0.0.0 is me");
    OK(ipad_scan("::", 2, &a) && myaddr_has(&me, &a), ":: is me");
    OK(ipad_scan("192.0.2.77", 10, &a) && !myaddr_has(&me, &a),
       "a documentation address is not me");
    vs_getifaddrs(&me);
    myaddr_free(&me);
    nlscan();
    return pt_done();
}
