/*
 * rcptck.c: the client of qmail-verify (see rcptck.h).  Runs inside
 * qmail-smtpd as qmaild; every failure is "unsure", never fatal, so a
 * missing or broken qmail-verify only brings back qmail's old
 * accept-then-bounce behaviour.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "auto.h"
#include "ctl.h"
#include "rcptck.h"

static int read_locals(rewrite_conf *rw)
{
    sa list = SA_INIT;
    int r = ctl_readfile(&list, "control/locals");

    if (r == 0) { /* no locals: me is the one local domain (qmail-send) */
        r = ctl_me(&list);
        if (r == 1 && !sa_0(&list))
            r = -1;
    }
    if (r == 1 && !cmap_fromlist(&rw->locals, &list, 0))
        r = -1;
    sa_free(&list);
    return r == 1 ? 1 : -1;
}

static int load(rewrite_conf *rw)
{
    sa list = SA_INIT;
    int ok = read_locals(rw) == 1 &&
             ctl_readfile(&list, "control/virtualdomains") >= 0 &&
             cmap_fromlist(&rw->vdoms, &list, 1) &&
             ctl_readfile(&list, "control/percenthack") >= 0 &&
             cmap_fromlist(&rw->percenthack, &list, 0) &&
             ctl_rldef(&rw->envnoathost, "control/envnoathost", 1,
                       "envnoathost") == 1;

    sa_free(&list);
    return ok ? 1 : -1;
}

int rcptck_load(rcptck *r)
{
    if (!r->loaded) {
        if (load(&r->rw) == -1)
            return -1;
        r->loaded = 1;
    }
    return 1;
}

int rcptck_local(rcptck *r, const char *addr, size_t len, sa *out)
{
    int k;

    if (rcptck_load(r) == -1)
        return -1;
    k = rewrite_recip(&r->rw, addr, len, out);
    if (!k || !sa_0(out))
        return -1;
    --out->len;
    return k;
}

int rcptck_path(sa *out)
{
    return sa_copys(out, AUTO_QMAILHOME) && sa_append(out, '/') &&
           sa_cats(out, RCPTCK_SOCKET) && sa_0(out);
}

static int connect_verify(rcptck *r)
{
    struct sockaddr_un un;
    sa path = SA_INIT;
    int ok;

    memset(&un, 0, sizeof un);
    un.sun_family = AF_UNIX;
    ok = rcptck_path(&path) && path.len <= sizeof un.sun_path;
    if (ok)
        memcpy(un.sun_path, path.s, path.len);
    sa_free(&path);
    if (!ok) {
        r->why = "socket path too long";
        return -1;
    }
    r->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (r->fd == -1) {
        r->why = "unable to create a socket";
        return -1;
    }
    if (connect(r->fd, (struct sockaddr *)&un, sizeof un) == -1) {
        r->why = "qmail-verify is not running";
        rcptck_close(r);
        return -1;
    }
    return 0;
}

/* wait for ev on r->fd within the time left; 0 ok, -1 timeout/error */
static int await(rcptck *r, short ev)
{
    struct pollfd p;
    int n;

    p.fd = r->fd;
    p.events = ev;
    do
        n = poll(&p, 1, RCPTCK_TIMEOUT * 1000);
    while (n == -1 && errno == EINTR);
    if (n <= 0) {
        r->why = n ? "poll failed" : "qmail-verify timed out";
        return -1;
    }
    return 0;
}

/* one question on the open connection; the answer byte, or -1 */
static int question(rcptck *r, const char *addr, size_t len)
{
    size_t off = 0, total = len + 1; /* with its NUL */
    ssize_t w;
    char c;

    while (off < total) {
        if (await(r, POLLOUT) == -1)
            return -1;
        w = send(r->fd, addr + off, total - off, MSG_NOSIGNAL);
        if (w == -1 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (w <= 0) {
            r->why = "lost the connection to qmail-verify";
            return -1;
        }
        off += (size_t)w;
    }
    for (;;) {
        if (await(r, POLLIN) == -1)
            return -1;
        w = read(r->fd, &c, 1);
        if (w == 1)
            return (unsigned char)c;
        if (w == -1 && (errno == EINTR || errno == EAGAIN))
            continue;
        r->why = "lost the connection to qmail-verify";
        return -1;
    }
}

int rcptck_ask(rcptck *r, const char *addr, size_t len)
{
    int tries, a = -1;

    if (len > RCPTCK_ADDRMAX || memchr(addr, 0, len)) {
        r->why = "address too long to check";
        return RCPTCK_UNSURE;
    }
    /* a kept connection may have been closed: one fresh try */
    for (tries = 0; tries < 2 && a == -1; ++tries) {
        int fresh = r->fd == -1;
        if (fresh && connect_verify(r) == -1)
            return RCPTCK_UNSURE;
        a = question(r, addr, len);
        if (a == -1) {
            rcptck_close(r);
            if (fresh)
                break;
        }
    }
    if (a == 'Y')
        return RCPTCK_YES;
    if (a == 'N')
        return RCPTCK_NO;
    if (a != -1)
        r->why = "qmail-verify cannot tell";
    return RCPTCK_UNSURE;
}

void rcptck_close(rcptck *r)
{
    if (r->fd != -1)
        close(r->fd);
    r->fd = -1;
}
