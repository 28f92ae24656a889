/*
 * myaddr.c: the local address set, read once per process from
 * getifaddrs.  Never exits; a failure is the caller's temporary error.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "myaddr.h"

int myaddr_add(myaddr *m, const ipad *a)
{
    return sa_catb(&m->list, (const char *)a, sizeof *a);
}

static int add_sockaddr(myaddr *m, const struct sockaddr *s)
{
    ipad a;

    memset(&a, 0, sizeof a);
    if (s->sa_family == AF_INET) {
        memcpy(a.b, &((const struct sockaddr_in *)(const void *)s)->sin_addr,
               4);
    } else if (s->sa_family == AF_INET6) {
        a.v6 = 1;
        memcpy(a.b, &((const struct sockaddr_in6 *)(const void *)s)->sin6_addr,
               16);
    } else {
        return 1;
    }
    return myaddr_add(m, &a);
}

int myaddr_load(myaddr *m)
{
    struct ifaddrs *ifs, *i;
    ipad any;
    int ok = 1;

    m->list.len = 0;
    memset(&any, 0, sizeof any);
    if (!myaddr_add(m, &any))
        return 0;
    any.v6 = 1;
    if (!myaddr_add(m, &any))
        return 0;
    if (getifaddrs(&ifs) == -1)
        return 0;
    for (i = ifs; ok && i; i = i->ifa_next)
        if (i->ifa_addr && (i->ifa_flags & IFF_UP))
            ok = add_sockaddr(m, i->ifa_addr);
    freeifaddrs(ifs);
    if (!ok)
        errno = ENOMEM;
    return ok;
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
