/*
 * spawn.c: the engine behind qmail-lspawn and qmail-rspawn (spawn.h).
 * Trusts qmail-send, which holds fds 0 and 1, but still checks every
 * command before acting on it; a bad command costs one report, never
 * the process.  The parent keeps its own copy of each report pipe's
 * write end until the child is reaped, so EOF on the pipe means the
 * exit status is known (spec delivery.md 2.7).  With hooks, a program
 * may take deliveries itself (no child per delivery) and report them
 * later through spawn_report; the engine then only keeps the slot busy.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "auto.h"
#include "fd.h"
#include "spawn.h"

/* ---- the command parser (pure) ---- */

static void field_add(spawn_cmd *c, sa *x, char ch)
{
    if (!c->nomem && !sa_append(x, ch))
        c->nomem = 1;
}

/* NUL-terminate a finished field without counting the NUL */
static void field_end(spawn_cmd *c, sa *x)
{
    if (c->nomem)
        return;
    if (!sa_0(x))
        c->nomem = 1;
    else
        --x->len;
}

static void messid_add(spawn_cmd *c, char ch)
{
    if ((ch < '0' || ch > '9') && (ch != '/' || !c->messidlen))
        c->nonnumeric = 1;
    if (c->messidlen < SPAWN_MESSIDMAX + 1) {
        ++c->messidlen; /* saturates: only "too long" matters beyond */
        field_add(c, &c->messid, ch);
    }
}

static void cmd_start(spawn_cmd *c, char ch)
{
    c->slot = (unsigned char)ch;
    c->messid.len = c->sender.len = c->recip.len = 0;
    c->messidlen = 0;
    c->nonnumeric = 0;
    c->nomem = 0;
    c->stage = 1;
}

int spawn_cmd_feed(spawn_cmd *c, const char *buf, size_t len, size_t *used)
{
    size_t i;

    for (i = 0; i < len; ++i) {
        char ch = buf[i];
        switch (c->stage) {
        case 0:
            cmd_start(c, ch);
            break;
        case 1:
            if (ch) {
                messid_add(c, ch);
                break;
            }
            field_end(c, &c->messid);
            c->stage = 2;
            break;
        case 2:
            if (ch) {
                field_add(c, &c->sender, ch);
                break;
            }
            field_end(c, &c->sender);
            c->stage = 3;
            break;
        default:
            if (ch) {
                field_add(c, &c->recip, ch);
                break;
            }
            field_end(c, &c->recip);
            c->stage = 0;
            *used = i + 1;
            return SPAWN_DONE;
        }
    }
    *used = len;
    return SPAWN_MORE;
}

void spawn_cmd_free(spawn_cmd *c)
{
    sa_free(&c->messid);
    sa_free(&c->sender);
    sa_free(&c->recip);
}

const char *spawn_cmd_check(const spawn_cmd *c, unsigned nslots, int inuse)
{
    if (c->nomem)
        return "Zqmail-spawn out of memory. (#4.3.0)\n";
    if (c->slot >= nslots)
        return "ZInternal error: delnum too big. (#4.3.5)\n";
    if (inuse)
        return "ZInternal error: delnum in use. (#4.3.5)\n";
    if (c->nonnumeric)
        return "DInternal error: messid has nonnumerics. (#5.3.5)\n";
    if (c->messidlen + 1 > SPAWN_MESSIDMAX)
        return "DInternal error: messid too long. (#5.3.5)\n";
    if (!c->messidlen)
        return "DInternal error: messid too short. (#5.3.5)\n";
    if (!c->recip.len || !memchr(c->recip.s, '@', c->recip.len))
        return "DSorry, address must include host name. (#5.1.3)\n";
    return 0;
}

/* ---- the engine ---- */

enum { SLOT_FREE, SLOT_CHILD, SLOT_TAKEN }; /* taken: by hooks->start */

struct slot {
    int used;  /* SLOT_* */
    pid_t pid; /* 0 once reaped */
    int wstat;
    int fdin;  /* read end of the report pipe */
    int fdout; /* our copy of the write end; -1 once reaped */
    sa out;
};

struct spawn_engine {
    const spawn_prog *p;
    const spawn_hooks *h;
    struct slot s[AUTO_SPAWN];
    spawn_cmd cmd;
    int reading, writing;
    sigset_t waitmask; /* the mask during ppoll: SIGCHLD deliverable */
    sa txt;            /* a report being translated */
    sa rep;            /* a report being written */
};

/* only there to interrupt ppoll */
static void sigchld(int s)
{
    (void)s;
}

static void signals_setup(struct spawn_engine *e)
{
    struct sigaction act;
    sigset_t chld;

    memset(&act, 0, sizeof act);
    sigemptyset(&act.sa_mask);
    act.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &act, 0);
    act.sa_handler = sigchld;
    act.sa_flags = SA_NOCLDSTOP;
    sigaction(SIGCHLD, &act, 0);
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &e->waitmask);
    sigdelset(&e->waitmask, SIGCHLD);
}

/* write one report; a dead qmail-send only stops further reports */
static void emit(struct spawn_engine *e, unsigned char slot, const char *t,
                 size_t n)
{
    const char *nul = n ? memchr(t, 0, n) : 0;

    if (nul)
        n = (size_t)(nul - t);
    if (!e->writing)
        return;
    e->rep.len = 0;
    if (!sa_append(&e->rep, (char)slot) || !sa_catb(&e->rep, t, n) ||
        !sa_0(&e->rep)) {
        static const char nomem[] = "?Zqmail-spawn out of memory. (#4.3.0)\n";
        char b[sizeof nomem];
        memcpy(b, nomem, sizeof b);
        b[0] = (char)slot;
        if (write_all(1, b, sizeof b) == -1)
            e->writing = 0;
        return;
    }
    if (write_all(1, e->rep.s, e->rep.len) == -1)
        e->writing = 0;
}

static void emits(struct spawn_engine *e, unsigned char slot, const char *t)
{
    emit(e, slot, t, strlen(t));
}

static void reap(struct spawn_engine *e)
{
    pid_t pid;
    int st, mine;
    size_t i;

    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        mine = 0;
        for (i = 0; i < AUTO_SPAWN; ++i)
            if (e->s[i].used == SLOT_CHILD && e->s[i].pid == pid) {
                e->s[i].pid = 0;
                e->s[i].wstat = st;
                close(e->s[i].fdout);
                e->s[i].fdout = -1;
                mine = 1;
            }
        if (!mine && e->h)
            e->h->reaped(e->h->ctx, pid, st);
    }
}

/* the index of the last '@' of the recipient (spawn_cmd_check found one) */
static size_t last_at(const spawn_cmd *c)
{
    size_t at = c->recip.len;

    while (at && c->recip.s[at - 1] != '@')
        --at;
    return at - 1;
}

/* in the child: descriptors and signals as spawn.h promises */
static _Noreturn void child(struct spawn_engine *e, int fdmess, int fdw)
{
    const spawn_prog *p = e->p;
    size_t i;
    size_t at = last_at(&e->cmd);

    signal(SIGCHLD, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    sigprocmask(SIG_SETMASK, &e->waitmask, 0);
    for (i = 0; i < AUTO_SPAWN; ++i)
        if (e->s[i].used == SLOT_CHILD) {
            close(e->s[i].fdin);
            if (e->s[i].fdout != -1)
                close(e->s[i].fdout);
        }
    if (fd_move(0, fdmess) == -1 || fd_move(1, fdw) == -1 ||
        fd_copy(2, 1) == -1)
        _exit(p->exitsys);
    p->child(p->ctx, e->cmd.sender.s, e->cmd.recip.s, at);
    _exit(p->exitsys); /* child() must not return */
}

/* open and vet the message file: the fd, or -1 with *why set */
static int message_open(struct spawn_engine *e, const char **why)
{
    struct stat st;
    int fd = open_read(e->cmd.messid.s);

    if (fd == -1) {
        *why = "Zqmail-spawn unable to open message. (#4.3.0)\n";
        return -1;
    }
    *why = 0;
    if (fstat(fd, &st) == -1)
        *why = "Zqmail-spawn unable to fstat message. (#4.3.0)\n";
    else if (!S_ISREG(st.st_mode))
        *why = "ZSorry, message has wrong type. (#4.3.5)\n";
    else if (st.st_uid != e->p->owner)
        *why = "ZSorry, message has wrong owner. (#4.3.5)\n";
    else if (fcntl(fd, F_SETFL, 0) == -1) /* drop O_NONBLOCK */
        *why = "Zqmail-spawn unable to open message. (#4.3.0)\n";
    if (*why) {
        close(fd);
        return -1;
    }
    return fd;
}

static void docmd(struct spawn_engine *e)
{
    spawn_cmd *c = &e->cmd;
    unsigned char n = c->slot;
    struct slot *s = n < AUTO_SPAWN ? &e->s[n] : 0;
    const char *why = spawn_cmd_check(c, AUTO_SPAWN, s && s->used);
    int fd, pi[2];
    pid_t pid;

    if (why) {
        emits(e, n, why);
        return;
    }
    fd = message_open(e, &why);
    if (fd == -1) {
        emits(e, n, why);
        return;
    }
    if (e->h &&
        e->h->start(e->h->ctx, e, n, fd, c->sender.s, c->recip.s, last_at(c))) {
        s->used = SLOT_TAKEN;
        s->pid = 0;
        s->fdin = s->fdout = -1;
        return;
    }
    if (pipe2(pi, O_CLOEXEC) == -1) {
        close(fd);
        emits(e, n, "Zqmail-spawn unable to create pipe. (#4.3.0)\n");
        return;
    }
    pid = fork();
    if (pid == 0) {
        close(pi[0]);
        child(e, fd, pi[1]);
    }
    close(fd);
    if (pid == -1) {
        close(pi[0]);
        close(pi[1]);
        emits(e, n, "Zqmail-spawn unable to fork. (#4.3.0)\n");
        return;
    }
    s->used = SLOT_CHILD;
    s->pid = pid;
    s->fdin = pi[0];
    s->fdout = pi[1];
    s->out.len = 0;
}

static void readcmds(struct spawn_engine *e)
{
    char buf[1024];
    ssize_t r = read(0, buf, sizeof buf);
    size_t pos = 0, used;

    if (r == 0 || (r == -1 && errno != EINTR && errno != EAGAIN)) {
        e->reading = 0;
        return;
    }
    while (r > 0 && pos < (size_t)r) {
        int done = spawn_cmd_feed(&e->cmd, buf + pos, (size_t)r - pos, &used);
        pos += used;
        if (done == SPAWN_DONE)
            docmd(e);
    }
}

static void slot_report(struct spawn_engine *e, unsigned char n)
{
    struct slot *s = &e->s[n];

    e->txt.len = 0;
    if (!e->p->report(e->p->ctx, &e->txt, s->wstat, s->out.s, s->out.len))
        emits(e, n, "Zqmail-spawn out of memory. (#4.3.0)\n");
    else
        emit(e, n, e->txt.s, e->txt.len);
    close(s->fdin);
    s->used = SLOT_FREE;
    if (s->out.a > 65536)
        sa_free(&s->out);
}

static void readslot(struct spawn_engine *e, unsigned char n)
{
    struct slot *s = &e->s[n];
    char buf[4096];
    ssize_t r = read(s->fdin, buf, sizeof buf);
    size_t room, take;

    if (r == -1)
        return; /* EINTR and the like: poll again */
    if (r == 0 && s->pid == 0) {
        slot_report(e, n);
        return;
    }
    room = e->p->maxout > s->out.len ? e->p->maxout - s->out.len : 0;
    take = (size_t)r < room ? (size_t)r : room;
    if (take && !sa_catb(&s->out, buf, take))
        return; /* out of memory: report what we have */
}

static void loop_once(struct spawn_engine *e)
{
    struct pollfd pfd[AUTO_SPAWN + 1 + SPAWN_POLLMAX];
    unsigned char who[AUTO_SPAWN + 1];
    nfds_t n = 0, i, nh = 0;
    int r, timeout = -1;
    struct timespec ts;

    if (e->reading) {
        pfd[n].fd = 0;
        pfd[n].events = POLLIN;
        who[n++] = 0;
    }
    for (i = 0; i < AUTO_SPAWN; ++i)
        if (e->s[i].used == SLOT_CHILD) {
            pfd[n].fd = e->s[i].fdin;
            pfd[n].events = POLLIN;
            who[n++] = (unsigned char)i;
        }
    if (e->h)
        nh = e->h->pollset(e->h->ctx, pfd + n, SPAWN_POLLMAX, &timeout);
    for (i = 0; i < n + nh; ++i)
        pfd[i].revents = 0;
    ts.tv_sec = timeout / 1000;
    ts.tv_nsec = (long)(timeout % 1000) * 1000000;
    r = ppoll(pfd, n + nh, timeout < 0 ? 0 : &ts, &e->waitmask);
    if (r <= 0)
        for (i = 0; i < n + nh; ++i)
            pfd[i].revents = 0;
    reap(e);
    if (e->h)
        e->h->polled(e->h->ctx, e, pfd + n, nh);
    if (r <= 0)
        return;
    for (i = 0; i < n; ++i) {
        if (!pfd[i].revents)
            continue;
        if (e->reading && i == 0)
            continue;
        readslot(e, who[i]);
    }
    if (e->reading && pfd[0].revents)
        readcmds(e);
}

static int busy(const struct spawn_engine *e)
{
    size_t i;

    for (i = 0; i < AUTO_SPAWN; ++i)
        if (e->s[i].used)
            return 1;
    return 0;
}

static void engine_free(struct spawn_engine *e)
{
    size_t i;

    for (i = 0; i < AUTO_SPAWN; ++i)
        sa_free(&e->s[i].out);
    spawn_cmd_free(&e->cmd);
    sa_free(&e->txt);
    sa_free(&e->rep);
}

void spawn_report(struct spawn_engine *e, unsigned char slot, const char *t,
                  size_t len)
{
    if (e->s[slot].used != SLOT_TAKEN)
        return;
    e->s[slot].used = SLOT_FREE;
    emit(e, slot, t, len);
}

int spawn_run(const spawn_prog *p, const char **why)
{
    return spawn_run_hooks(p, 0, why);
}

int spawn_run_hooks(const spawn_prog *p, const spawn_hooks *h, const char **why)
{
    struct spawn_engine e;
    char ch = (char)AUTO_SPAWN;

    memset(&e, 0, sizeof e);
    e.p = p;
    e.h = h;
    e.reading = e.writing = 1;
    if (chdir(AUTO_QMAILHOME) == -1) {
        *why = "unable to chdir to " AUTO_QMAILHOME;
        return -1;
    }
    if (chdir("queue/mess") == -1) {
        *why = "unable to chdir to queue/mess";
        return -1;
    }
    signals_setup(&e);
    if (write_all(1, &ch, 1) == -1) {
        *why = "unable to write to qmail-send";
        return -1;
    }
    while (e.reading || busy(&e))
        loop_once(&e);
    engine_free(&e);
    return 0;
}
