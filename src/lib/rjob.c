/*
 * rjob.c: packets between qmail-rspawn and its qmail-remote workers
 * (rjob.h).  Both ends trust each other (same user, same package), but
 * every packet is still bounded: a job by RJOB_MAX, data by RJOB_DATA,
 * and a descriptor that arrives where none is expected is closed.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "rjob.h"

int rjob_send(int sock, int fd, const char *job, size_t len)
{
    struct msghdr m;
    struct iovec iov;
    union {
        struct cmsghdr h;
        char b[CMSG_SPACE(sizeof(int))];
    } c;
    struct cmsghdr *h;
    ssize_t r;

    if (len > RJOB_MAX) {
        errno = EMSGSIZE;
        return -1;
    }
    memset(&m, 0, sizeof m);
    memset(&c, 0, sizeof c);
    iov.iov_base = (char *)job;
    iov.iov_len = len;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = c.b;
    m.msg_controllen = sizeof c.b;
    h = CMSG_FIRSTHDR(&m);
    h->cmsg_level = SOL_SOCKET;
    h->cmsg_type = SCM_RIGHTS;
    h->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(h), &fd, sizeof fd);
    do
        r = sendmsg(sock, &m, MSG_NOSIGNAL);
    while (r == -1 && errno == EINTR);
    if (r == -1)
        return -1;
    if ((size_t)r != len) { /* cannot happen with SOCK_SEQPACKET */
        errno = EPROTO;
        return -1;
    }
    return 0;
}

/* the descriptors of a received packet: the first kept, others closed */
static void take_fds(struct msghdr *m, int *fd)
{
    struct cmsghdr *h;
    size_t i, n;
    int x;

    for (h = CMSG_FIRSTHDR(m); h; h = CMSG_NXTHDR(m, h)) {
        if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
            continue;
        n = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (i = 0; i < n; ++i) {
            memcpy(&x, CMSG_DATA(h) + i * sizeof(int), sizeof x);
            if (*fd == -1)
                *fd = x;
            else
                close(x);
        }
    }
}

ssize_t rjob_recv(int sock, char *buf, size_t n, int *fd, int nonblock)
{
    struct msghdr m;
    struct iovec iov;
    union {
        struct cmsghdr h;
        char b[CMSG_SPACE(sizeof(int) * 4)];
    } c;
    ssize_t r;

    *fd = -1;
    memset(&m, 0, sizeof m);
    iov.iov_base = buf;
    iov.iov_len = n;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = c.b;
    m.msg_controllen = sizeof c.b;
    do
        r = recvmsg(sock, &m, MSG_CMSG_CLOEXEC | (nonblock ? MSG_DONTWAIT : 0));
    while (r == -1 && errno == EINTR);
    if (r == -1)
        return -1;
    take_fds(&m, fd);
    if (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
        if (*fd != -1)
            close(*fd);
        *fd = -1;
        errno = EMSGSIZE;
        return -1;
    }
    return r;
}

ssize_t rjob_senddata(int sock, const char *buf, size_t n)
{
    struct msghdr m;
    struct iovec iov[2];
    ssize_t r;

    if (n > RJOB_DATA)
        n = RJOB_DATA;
    memset(&m, 0, sizeof m);
    iov[0].iov_base = (char *)"d";
    iov[0].iov_len = 1;
    iov[1].iov_base = (char *)buf;
    iov[1].iov_len = n;
    m.msg_iov = iov;
    m.msg_iovlen = 2;
    do
        r = sendmsg(sock, &m, MSG_NOSIGNAL);
    while (r == -1 && errno == EINTR);
    if (r == -1)
        return -1;
    if ((size_t)r != n + 1) {
        errno = EPROTO;
        return -1;
    }
    return (ssize_t)n;
}

int rjob_end(int sock, int kept)
{
    char b[2];
    ssize_t r;

    b[0] = 'e';
    b[1] = kept ? '1' : '0';
    do
        r = send(sock, b, 2, MSG_NOSIGNAL);
    while (r == -1 && errno == EINTR);
    return r == 2 ? 0 : -1;
}

int rjob_split(char *buf, size_t len, sa *vec)
{
    size_t i, start = 0;
    int n = 0;
    char *p;

    vec->len = 0;
    if (!len || buf[len - 1]) {
        errno = EPROTO;
        return -1;
    }
    for (i = 0; i < len; ++i) {
        if (buf[i])
            continue;
        p = buf + start;
        if (!sa_catb(vec, (const char *)&p, sizeof p))
            return -1;
        ++n;
        start = i + 1;
    }
    p = 0;
    if (!sa_catb(vec, (const char *)&p, sizeof p))
        return -1;
    if (n < 3) {
        errno = EPROTO;
        return -1;
    }
    return n;
}
