/*
 * qmail-rspawn: carries out remote deliveries for qmail-send (spec
 * smtp-and-tools.md 2.1), through the spawn engine.  Each delivery goes
 * to one of a pool of persistent qmail-remote workers (qmail-remote -w,
 * rjob.h), which keep SMTP connections open between messages; with
 * QMAILREMOTE set, one program is run per delivery as in qmail.
 * Runs as qmailr, started by qmail-start.  Trusts qmail-send's commands
 * only after the engine's checks; parses qmail-remote's reports.  A
 * worker that dies during a delivery makes it a temporary failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "acct.h"
#include "auto.h"
#include "err.h"
#include "errtemp.h"
#include "exitcodes.h"
#include "fd.h"
#include "rjob.h"
#include "sa.h"
#include "sig.h"
#include "spawn.h"

static void child(void *ctx, const char *sender, const char *recip, size_t at)
{
    const char *prog = getenv("QMAILREMOTE");

    (void)ctx;
    if (!prog || !*prog)
        prog = "qmail-remote";
    execlp(prog, prog, recip + at + 1, sender, recip, (char *)0);
    _exit(errtemp(errno) ? EX_TEMP : EX_PERM);
}

static int better(char a, char b) /* is class a better than class b? */
{
    static const char order[] = "DZK";

    return strchr(order, a) > strchr(order, b);
}

/* the first two NUL-terminated fields of qmail-remote's output */
static int translate(sa *out, const char *s, size_t len)
{
    const char *nul = memchr(s, 0, len);
    size_t l1 = nul ? (size_t)(nul - s) : len;
    const char *f2 = nul ? nul + 1 : 0;
    size_t l2 = 0;
    const char *m = 0;
    char cls, r = s[0];

    if (f2) {
        const char *n2 = memchr(f2, 0, len - (size_t)(f2 - s));
        l2 = n2 ? (size_t)(n2 - f2) : len - (size_t)(f2 - s);
    }
    if (strchr("KZD", r))
        m = s; /* the message report itself comes first */
    else if (f2 && l2 && strchr("KZD", f2[0]))
        m = f2;
    cls = m ? m[0] : 'D';
    if (r == 's')
        cls = 'Z';
    else if (r == 'h')
        cls = 'D';
    if (!sa_append(out, cls) || !sa_catb(out, s + 1, l1 ? l1 - 1 : 0))
        return 0;
    if (m == f2 && f2 && l2 && !better(f2[0], cls))
        return sa_catb(out, f2 + 1, l2 - 1);
    return 1;
}

static int report(void *ctx, sa *out, int wstat, const char *s, size_t len)
{
    (void)ctx;
    out->len = 0;
    if (WIFSIGNALED(wstat))
        return sa_cats(out, "Zqmail-remote crashed.\n");
    if (!WIFEXITED(wstat))
        return sa_cats(out, "Zqmail-remote crashed.\n");
    if (WEXITSTATUS(wstat) == EX_TEMP)
        return sa_cats(out, "ZUnable to run qmail-remote.\n");
    if (WEXITSTATUS(wstat))
        return sa_cats(out, "DUnable to run qmail-remote.\n");
    if (!len)
        return sa_cats(out, "Zqmail-remote produced no output.\n");
    return translate(out, s, len);
}

/* ---- the pool of workers ------------------------------------------ */

#define WORKER_IDLE_MS 60000 /* a worker unused this long is let go */

struct worker {
    pid_t pid; /* 0 once reaped */
    int wstat;
    int fd;    /* its socket; -1 once closed */
    int slot;  /* the delivery in hand, -1 when idle */
    int ended; /* its end packet came */
    sa host;   /* of the delivery in hand */
    /* the hosts it keeps connections to, as far as we know: each
       NUL-terminated, the last used first, RJOB_KEEP at most */
    sa hosts;
    sa out;          /* report bytes of the delivery in hand */
    long long since; /* idle since */
};

static struct pool {
    spawn_engine *e; /* to report through */
    struct worker w[AUTO_SPAWN];
    size_t n;
    sa job;
    char buf[RJOB_MAX];
} pool;

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* in the new process: the socket as fds 0, 1 and 2, then exec */
static _Noreturn void worker_child(int sock)
{
    sigset_t none;
    const char *prog = "qmail-remote";

    signal(SIGCHLD, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, 0);
    if (fd_copy(0, sock) == -1 || fd_copy(1, sock) == -1 ||
        fd_copy(2, sock) == -1)
        _exit(EX_TEMP);
    execlp(prog, prog, "-w", (char *)0);
    _exit(errtemp(errno) ? EX_TEMP : EX_PERM);
}

static struct worker *worker_new(void)
{
    struct worker *w;
    int sv[2];
    pid_t pid;

    if (pool.n >= AUTO_SPAWN)
        return 0;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
        return 0;
    pid = fork();
    if (pid == 0) {
        close(sv[0]);
        worker_child(sv[1]);
    }
    close(sv[1]);
    if (pid == -1) {
        close(sv[0]);
        return 0;
    }
    w = &pool.w[pool.n++];
    w->pid = pid;
    w->fd = sv[0];
    w->slot = -1;
    w->host.len = 0;
    w->hosts.len = 0;
    w->since = now_ms();
    return w;
}

/* where host is in w's list (its length at hlen), or -1 */
static long hosts_find(const struct worker *w, const char *host, size_t hlen)
{
    size_t i = 0, l;

    while (i < w->hosts.len) {
        l = strlen(w->hosts.s + i);
        if (l == hlen && !memcmp(w->hosts.s + i, host, hlen))
            return (long)i;
        i += l + 1;
    }
    return -1;
}

static size_t hosts_count(const struct worker *w)
{
    size_t i, n = 0;

    for (i = 0; i < w->hosts.len; ++i)
        n += !w->hosts.s[i];
    return n;
}

/* after a delivery to w->host: first in the list if kept, else out */
static void hosts_note(struct worker *w, int kept)
{
    long at;
    size_t l = w->host.len + 1, n = 0, i;

    if (!w->host.s)
        return; /* not known (out of memory) */
    at = hosts_find(w, w->host.s, w->host.len);
    if (at >= 0) {
        memmove(w->hosts.s + at, w->hosts.s + at + (long)l,
                w->hosts.len - (size_t)at - l);
        w->hosts.len -= l;
    }
    if (!kept)
        return;
    if (!sa_readyplus(&w->hosts, l))
        return;
    memmove(w->hosts.s + l, w->hosts.s, w->hosts.len);
    memcpy(w->hosts.s, w->host.s, l);
    w->hosts.len += l;
    for (i = 0; i < w->hosts.len; ++i) /* the worker drops the oldest */
        if (!w->hosts.s[i] && ++n == RJOB_KEEP)
            w->hosts.len = i + 1;
}

/* an idle worker for host: one connected to it, else the idle one with
   the fewest connections, else a new one */
static struct worker *worker_pick(const char *host, size_t hlen)
{
    struct worker *w, *best = 0;
    size_t i, n, bestn = 0;

    for (i = 0; i < pool.n; ++i) {
        w = &pool.w[i];
        if (w->fd == -1 || w->slot != -1)
            continue;
        if (hosts_find(w, host, hlen) >= 0)
            return w;
        n = hosts_count(w);
        if (!best || n < bestn) {
            best = w;
            bestn = n;
        }
    }
    return best ? best : worker_new();
}

static void worker_close(struct worker *w)
{
    if (w->fd != -1)
        close(w->fd);
    w->fd = -1;
}

static int start(void *ctx, spawn_engine *e, unsigned char slot, int fdmess,
                 const char *sender, const char *recip, size_t at)
{
    const char *host = recip + at + 1;
    struct worker *w;
    int tries;

    (void)ctx;
    pool.e = e;
    pool.job.len = 0;
    if (!sa_cats(&pool.job, host) || !sa_append(&pool.job, 0) ||
        !sa_cats(&pool.job, sender) || !sa_append(&pool.job, 0) ||
        !sa_cats(&pool.job, recip) || !sa_append(&pool.job, 0) ||
        pool.job.len > RJOB_MAX)
        return 0; /* the engine runs qmail-remote for this one */
    for (tries = 0; tries < 3; ++tries) {
        w = worker_pick(host, strlen(host));
        if (!w)
            return 0;
        if (rjob_send(w->fd, fdmess, pool.job.s, pool.job.len) == 0) {
            close(fdmess);
            w->slot = slot;
            w->ended = 0;
            w->out.len = 0;
            if (!sa_copys(&w->host, host) || !sa_0(&w->host))
                w->host.len = 0;
            else
                --w->host.len;
            return 1;
        }
        worker_close(w); /* it died while idle */
    }
    return 0;
}

static size_t pollset(void *ctx, struct pollfd *pfd, size_t max, int *timeout)
{
    size_t i, n = 0;
    long long now = now_ms(), left;

    (void)ctx;
    for (i = 0; i < pool.n && n < max; ++i) {
        if (pool.w[i].fd == -1)
            continue;
        pfd[n].fd = pool.w[i].fd;
        pfd[n++].events = POLLIN;
        if (pool.w[i].slot != -1)
            continue;
        left = pool.w[i].since + WORKER_IDLE_MS - now;
        if (left < 0)
            left = 0;
        if (*timeout == -1 || left < *timeout)
            *timeout = (int)left;
    }
    return n;
}

/* the delivery in hand is over: its report goes to qmail-send */
static void worker_done(struct worker *w, sa *rep)
{
    static const char nomem[] = "Zqmail-spawn out of memory. (#4.3.0)\n";

    rep->len = 0;
    if (w->ended) {
        if (!report(0, rep, 0, w->out.s, w->out.len))
            rep->len = 0;
    } else if (w->pid) {
        return; /* died: wait for its exit status */
    } else if (WIFEXITED(w->wstat) && w->wstat && !w->out.len) {
        if (!report(0, rep, w->wstat, "", 0)) /* it could not be run */
            rep->len = 0;
    } else if (!sa_cats(rep, "Zqmail-remote crashed.\n")) {
        rep->len = 0;
    }
    if (!rep->len)
        spawn_report(pool.e, (unsigned char)w->slot, nomem, sizeof nomem - 1);
    else
        spawn_report(pool.e, (unsigned char)w->slot, rep->s, rep->len);
    w->slot = -1;
    w->since = now_ms();
    if (w->out.a > 65536)
        sa_free(&w->out);
}

/* reads what a worker sent; 0 when it must be dropped */
static int worker_read(struct worker *w, sa *rep)
{
    ssize_t r;
    int fd;

    for (;;) {
        r = rjob_recv(w->fd, pool.buf, sizeof pool.buf, &fd, 1);
        if (fd != -1)
            close(fd);
        if (r == -1)
            return errno == EAGAIN;
        if (r == 0 || w->slot == -1)
            return 0; /* gone, or speaking out of turn */
        if (pool.buf[0] == 'd') {
            size_t take = (size_t)r - 1, room = (1 << 20) - w->out.len;
            if (w->out.len < (1 << 20) &&
                !sa_catb(&w->out, pool.buf + 1, take < room ? take : room))
                return 0;
        } else if (pool.buf[0] == 'e' && r == 2) {
            w->ended = 1;
            hosts_note(w, pool.buf[1] == '1');
            worker_done(w, rep);
        } else {
            return 0;
        }
    }
}

static void polled(void *ctx, spawn_engine *e, const struct pollfd *pfd,
                   size_t n)
{
    static sa rep;
    size_t i, j;
    long long now = now_ms();
    struct worker *w;

    (void)ctx;
    pool.e = e;
    for (i = 0; i < n; ++i) {
        if (!pfd[i].revents)
            continue;
        for (j = 0; j < pool.n && pool.w[j].fd != pfd[i].fd; ++j)
            ;
        if (j == pool.n)
            continue;
        w = &pool.w[j];
        if (!worker_read(w, &rep)) {
            if (w->pid && w->slot != -1)
                kill(w->pid, SIGKILL); /* a broken protocol: no report */
            worker_close(w);
            if (w->slot != -1)
                worker_done(w, &rep);
        }
    }
    for (i = pool.n; i-- > 0;) {
        w = &pool.w[i];
        if (w->fd != -1 && w->slot == -1 && now - w->since >= WORKER_IDLE_MS)
            worker_close(w); /* it sees EOF, says QUIT and exits */
        if (w->fd != -1 || w->pid || w->slot != -1)
            continue;
        sa_free(&w->host); /* gone: the last entry takes its place */
        sa_free(&w->hosts);
        sa_free(&w->out);
        pool.w[i] = pool.w[--pool.n];
    }
}

/* a worker's exit status; the entry itself goes in polled */
static void reaped(void *ctx, pid_t pid, int wstat)
{
    static sa rep;
    size_t i;
    struct worker *w;

    (void)ctx;
    for (i = 0; i < pool.n; ++i) {
        w = &pool.w[i];
        if (w->pid != pid)
            continue;
        w->pid = 0;
        w->wstat = wstat;
        if (w->fd == -1 && w->slot != -1)
            worker_done(w, &rep);
        return;
    }
}

/* clear the TCP timeout table: every run starts with fresh knowledge */
static void tcpto_clear(void)
{
    char zero[1024];
    int fd = open_write(AUTO_QMAILHOME "/queue/lock/tcpto");

    if (fd == -1)
        return;
    memset(zero, 0, sizeof zero);
    if (write_all(fd, zero, sizeof zero) == -1) {
        /* qmail-remote copes with a stale table */
    }
    if (ftruncate(fd, sizeof zero) == -1) {
        /* stale IPv6 records after the first 1024 bytes expire anyway */
    }
    close(fd);
}

int main(void)
{
    spawn_prog p;
    spawn_hooks h;
    const char *why = "";
    const char *prog = getenv("QMAILREMOTE");

    err_prog = "qmail-rspawn";
    sig_survive(SIGUSR1); /* "pkill -USR1 qmail" must not kill us */
    memset(&p, 0, sizeof p);
    if (acct_uid(ACCT_QMAILQ, &p.owner) != 1)
        DIE(EX_TEMP, "unable to find user ", acct_username(ACCT_QMAILQ));
    p.maxout = 1 << 20;
    p.exitsys = EX_TEMP;
    p.child = child;
    p.report = report;
    p.ctx = 0;
    memset(&h, 0, sizeof h);
    h.start = start;
    h.pollset = pollset;
    h.polled = polled;
    h.reaped = reaped;
    tcpto_clear();
    if (spawn_run_hooks(&p, prog && *prog ? 0 : &h, &why) == -1)
        DIE(EX_TEMP, why, ": ", ERRSYS);
    return 0;
}
