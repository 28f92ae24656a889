/*
 * qmail-qmqpc: give a message to a QMQP server instead of the local
 * queue (spec smtp-and-tools.md 4.2): the "mini-qmail" null client.
 * It has qmail-queue's interface (message on fd 0, envelope on fd 1,
 * result only as a qmail-queue exit status), so it is installed as
 * bin/qmail-queue on a null client, or named by QMAILQUEUE.  Runs as
 * the caller.  Servers are the IPv4 addresses in control/qmqpservers,
 * tried in order, port 628.  It reads the whole message into memory
 * (a pipe has no size to announce) and trusts nothing from the server
 * but its first K, Z or D byte.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auto.h"
#include "bio.h"
#include "ctl.h"
#include "envelope.h"
#include "exitcodes.h"
#include "fd.h"
#include "netstr.h"
#include "sa.h"

#define PORT 628
#define CONNTIME 10 /* seconds to connect */
#define TALKTIME 60 /* seconds for each read and write */

static sa msg, env, servers;

static _Noreturn void die(int code)
{
    _exit(code);
}

static void read_message(void)
{
    ssize_t r;

    for (;;) {
        if (!sa_readyplus(&msg, 65536))
            die(QQ_NOMEM);
        r = read_all(0, msg.s + msg.len, 65536);
        if (r == -1)
            die(QQ_READ);
        if (!r)
            return;
        msg.len += (size_t)r;
    }
}

/* the envelope, checked byte by byte as qmail-queue does */
static void read_envelope(void)
{
    envelope e = ENVELOPE_INIT;
    char buf[1024];
    ssize_t r;
    size_t used;
    int st;

    for (;;) {
        r = read_all(1, buf, sizeof buf);
        if (r == -1)
            die(QQ_READ);
        if (!r)
            die(QQ_ENVELOPE);
        st = envelope_feed(&e, buf, (size_t)r, &used);
        if (st == ENV_BAD)
            die(QQ_ENVELOPE);
        if (st == ENV_LONG)
            die(QQ_ADDR_TOO_LONG);
        if (!sa_catb(&env, buf, used))
            die(QQ_NOMEM);
        if (st == ENV_DONE)
            return;
    }
}

/* the inner netstrings after the message: sender, then recipients */
static int addrs(sa *out)
{
    size_t i, n;

    for (i = 0; i + 1 < env.len; i += n + 1) {
        n = strlen(env.s + i);
        if (!netstr_cat(out, env.s + i + 1, n - 1))
            return 0;
    }
    return 1;
}

/* the packet's head: outer length, then the message's own prefix */
static int head(sa *h, const sa *tail)
{
    sa mlen = SA_INIT;
    size_t total;
    int ok;

    ok = sa_catulong(&mlen, (unsigned long)msg.len) && sa_append(&mlen, ':');
    total = mlen.len + msg.len + 1 + tail->len;
    ok = ok && sa_catulong(h, (unsigned long)total) && sa_append(h, ':') &&
         sa_cat(h, &mlen);
    sa_free(&mlen);
    return ok;
}

static int wait_fd(int fd, short ev, int secs)
{
    struct pollfd p;
    int r;

    p.fd = fd;
    p.events = ev;
    do
        r = poll(&p, 1, secs * 1000);
    while (r == -1 && errno == EINTR);
    if (r == 0)
        errno = ETIMEDOUT;
    return r > 0 ? 0 : -1;
}

/* connect within CONNTIME; 0 ok, else the exit status to remember */
static int dial(int fd, const struct sockaddr_in *sin)
{
    int err = 0;
    socklen_t len = sizeof err;

    if (connect(fd, (const struct sockaddr *)sin, sizeof *sin) == 0)
        return 0;
    if (errno != EINPROGRESS)
        return QQ_CONN_REJECTED;
    if (wait_fd(fd, POLLOUT, CONNTIME) == -1)
        return errno == ETIMEDOUT ? QQ_CONN_TIMEOUT : QQ_CONN_REJECTED;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 || err)
        return err == ETIMEDOUT ? QQ_CONN_TIMEOUT : QQ_CONN_REJECTED;
    return 0;
}

static ssize_t netop(int fd, char *buf, size_t n, unsigned t)
{
    return bio_writeop(fd, buf, n, t);
}

/* the packet and the answer; exits with the result */
static _Noreturn void talk(int fd, const sa *h, const sa *tail)
{
    char obuf[BIO_SIZE], c;
    bio o = BIO_INIT(netop, fd, obuf, sizeof obuf, TALKTIME);
    ssize_t r;

    if (bio_put(&o, h->s, h->len) == -1 || bio_put(&o, msg.s, msg.len) == -1 ||
        bio_put(&o, ",", 1) == -1 || bio_put(&o, tail->s, tail->len) == -1 ||
        bio_put(&o, ",", 1) == -1 || bio_flush(&o) == -1)
        die(QQ_COMM_FAILED);
    for (;;) {
        if (wait_fd(fd, POLLIN, TALKTIME) == -1)
            die(QQ_COMM_FAILED);
        r = read(fd, &c, 1);
        if (r == -1 && errno == EINTR)
            continue;
        if (r != 1)
            die(QQ_COMM_FAILED);
        if (c == 'K')
            die(EX_OK);
        if (c == 'Z')
            die(QQ_TEMP_REFUSED);
        if (c == 'D')
            die(QQ_PERM_REFUSED);
    }
}

int main(void)
{
    sa h = SA_INIT, tail = SA_INIT;
    struct sockaddr_in sin;
    size_t i, n;
    int code = QQ_CONFIG, fd, r;

    signal(SIGPIPE, SIG_IGN);
    if (chdir(AUTO_QMAILHOME) == -1)
        die(QQ_HOME);
    if (ctl_readfile(&servers, "control/qmqpservers") != 1)
        die(QQ_CONFIG);
    read_message();
    read_envelope();
    if (!addrs(&tail) || !head(&h, &tail))
        die(QQ_NOMEM);
    for (i = 0; i < servers.len; i += n + 1) {
        char ip[16];
        n = strlen(servers.s + i);
        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        sin.sin_port = htons(PORT);
        r = (int)strspn(servers.s + i, "0123456789.");
        if (r < 7 || r > 15)
            continue; /* lines that do not begin with an address */
        memcpy(ip, servers.s + i, (size_t)r);
        ip[r] = 0;
        if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1)
            continue;
        fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd == -1)
            die(QQ_NETWORK);
        code = dial(fd, &sin);
        if (!code)
            talk(fd, &h, &tail);
        close(fd);
    }
    die(code);
}
