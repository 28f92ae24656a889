/*
 * qmail-verify: tell qmail-smtpd whether qmail-local would take mail
 * for a local address, so that unknown recipients are refused during
 * the SMTP dialogue (design 6: no backscatter).  A supervised service
 * run as root; listens on the UNIX socket QMAILHOME/verify.sock, which
 * only qmaild (and root) may use, and serves connections in workers
 * (see "the workers" below).  The only untrusted input is one address
 * of at most RCPTCK_ADDRMAX bytes per question (rcptck.h).  It resolves
 * the address as qmail-lspawn does (users/cdb, else qmail-getpw's
 * lookup in a child become qmailp).  An account's own address whose
 * home has no .qmail is answered from a stat and an lstat
 * (plain_default); otherwise the code of "qmail-local -n -e" (qlocal.h)
 * runs in a child become the recipient, which reads the .qmail files
 * but never executes or delivers anything; neither child execs.  A
 * lone "|fastforward ..." line is settled by running fastforward -n,
 * which only looks its cdb up.  No cache.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "acct.h"
#include "auto.h"
#include "bio.h"
#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "fmt.h"
#include "fresh.h"
#include "getpw.h"
#include "qlocal.h"
#include "rcptck.h"
#include "sa.h"
#include "userdb.h"

#define MAXCHILD 64     /* connections served at once (workers) */
#define IDLE 1200       /* seconds a connection may wait for a question */
#define CHILDTIME 60    /* seconds qmail-getpw or qmail-local may take */
#define GETPW_MAX 65536 /* more output than any account record needs */
#define LOCAL_KEEP 400  /* bytes of qmail-local's output kept for logs */
#define QUIET 125       /* a child could not be set up */

static struct {
    uid_t qmaild, qmailp;
    gid_t nofiles;
    int rootok; /* a private instance whose accounts are all root */
    int lfd;
} cf;

static sa path = SA_INIT;

/* ---- start-up ---- */

/* a handler, not SIG_IGN, so that the children run with the default */
static void nothing(int s)
{
    (void)s;
}

static void init(void)
{
    uid_t u;

    err_prog = "qmail-verify";
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, nothing);  /* nothing is cached: nothing to reload */
    signal(SIGUSR1, nothing); /* "pkill -SIGUSR1 qmail" */
    if (fd_sanitise() == -1)
        DIE(EX_TEMP, "unable to open /dev/null: ", ERRSYS);
    if (chdir(AUTO_QMAILHOME) == -1)
        DIE(EX_TEMP, "unable to chdir to ", AUTO_QMAILHOME, ": ", ERRSYS);
    if (acct_uid(ACCT_QMAILD, &cf.qmaild) != 1)
        DIE(EX_TEMP, "unable to find user ", acct_username(ACCT_QMAILD));
    if (acct_uid(ACCT_QMAILP, &cf.qmailp) != 1)
        DIE(EX_TEMP, "unable to find user ", acct_username(ACCT_QMAILP));
    if (acct_gid(ACCT_GNOFILES, &cf.nofiles) != 1)
        DIE(EX_TEMP, "unable to find group ", acct_groupname(ACCT_GNOFILES));
    /* as qmail-lspawn: only a private instance may answer for root */
    cf.rootok = AUTO_ACCOUNTS[0] && acct_uid(ACCT_ALIAS, &u) == 1 && u == 0;
    if (!rcptck_path(&path))
        DIE(EX_TEMP, "out of memory");
}

static int unaddr(struct sockaddr_un *un)
{
    memset(un, 0, sizeof *un);
    un->sun_family = AF_UNIX;
    if (path.len > sizeof un->sun_path)
        return -1;
    memcpy(un->sun_path, path.s, path.len);
    return 0;
}

/*
 * The socket lives in QMAILHOME, a directory only root can write, so
 * removing a stale one and binding cannot be raced.  It belongs to
 * qmaild with mode 0600; connections are also checked by peer uid.
 */
static void listen_socket(void)
{
    struct sockaddr_un un;
    int probe;

    if (unaddr(&un) == -1)
        DIE(EX_TEMP, "socket path too long: ", path.s);
    probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe != -1 && connect(probe, (struct sockaddr *)&un, sizeof un) == 0)
        DIE(EX_TEMP, "already running on ", path.s);
    if (probe != -1)
        close(probe);
    if (unlink(path.s) == -1 && errno != ENOENT)
        DIE(EX_TEMP, "unable to remove ", path.s, ": ", ERRSYS);
    cf.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (cf.lfd == -1)
        DIE(EX_TEMP, "unable to create socket: ", ERRSYS);
    umask(077);
    if (bind(cf.lfd, (struct sockaddr *)&un, sizeof un) == -1)
        DIE(EX_TEMP, "unable to bind ", path.s, ": ", ERRSYS);
    if (geteuid() == 0 && chown(path.s, cf.qmaild, (gid_t)-1) == -1)
        DIE(EX_TEMP, "unable to chown ", path.s, ": ", ERRSYS);
    if (chmod(path.s, 0600) == -1)
        DIE(EX_TEMP, "unable to chmod ", path.s, ": ", ERRSYS);
    if (listen(cf.lfd, 64) == -1)
        DIE(EX_TEMP, "unable to listen on ", path.s, ": ", ERRSYS);
}

/* ---- children ---- */

/* as qmail-lspawn: exactly uid and gid, no supplementary groups */
static void become(uid_t uid, gid_t gid)
{
    if (geteuid() != 0 && getuid() == uid && geteuid() == uid &&
        getgid() == gid && getegid() == gid)
        return;
    if (setgroups(1, &gid) == -1 || setgid(gid) == -1 || setuid(uid) == -1)
        _exit(QUIET);
}

/*
 * Read fd until EOF, keeping at most max bytes in out, for at most
 * CHILDTIME seconds; then reap pid.  Exit status, or -1 if it crashed
 * or took too long (it is killed then).
 */
static int collect(int fd, pid_t pid, sa *out, size_t max)
{
    time_t end = time(0) + CHILDTIME;
    struct pollfd p;
    char buf[1024];
    ssize_t r;
    int st, late = 0;

    out->len = 0;
    p.fd = fd;
    p.events = POLLIN;
    for (;;) {
        time_t now = time(0);
        int n = now >= end ? 0 : poll(&p, 1, (int)(end - now) * 1000);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == 0) {
            late = 1;
            kill(pid, SIGKILL);
            break;
        }
        r = read(fd, buf, sizeof buf);
        if (r == -1 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (out->len < max &&
            !sa_catb(out, buf,
                     (size_t)r > max - out->len ? max - out->len : (size_t)r))
            late = 1;
    }
    while (waitpid(pid, &st, 0) == -1)
        if (errno != EINTR)
            return -1;
    if (late || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

/* how a fastforward run differs: its directory and its environment */
struct ffenv {
    const char *dir;
    const sa *vars; /* "NAME=value\0" ... */
};

static void ffenv_apply(const struct ffenv *e)
{
    size_t i, eq, n;
    char *v;

    if (chdir(e->dir) == -1 || unsetenv("DEFAULT") == -1)
        _exit(QUIET);
    for (i = 0; i < e->vars->len; i += n + 1) {
        v = e->vars->s + i;
        n = strlen(v);
        eq = strcspn(v, "=");
        if (!v[eq])
            _exit(QUIET);
        v[eq] = 0; /* the child's own copy */
        if (setenv(v, v + eq + 1, 1) == -1)
            _exit(QUIET);
    }
}

/* what a child does once it has its ids, directory and descriptors */
struct job {
    const char *const *argv; /* an external program to exec, or */
    int argc;                /* qmail-local's code: qlocal_main, or */
    const char *local;       /* qmail-getpw's lookup for this local part */
};

static _Noreturn void job_do(const struct job *j)
{
    sa rec = SA_INIT;
    int r;

    if (!j->argc && !j->local) {
        execv(j->argv[0], (char *const *)j->argv);
        _exit(QUIET);
    }
    /* no exec, which costs more than the check (see qmail-lspawn.c):
       close and reset what exec would have, and more; the ids were
       dropped for good by become() */
    if (fresh_child(j->local ? "qmail-getpw" : "qmail-local") == -1)
        _exit(QUIET);
    if (j->argc)
        qlocal_main(j->argc, (char **)j->argv); /* only read */
    r = getpw_lookup(j->local, &rec);
    if (r)
        _exit(r);
    _exit(write_all(1, rec.s, rec.len) == -1 ? EX_TEMP : 0);
}

/*
 * Do j as uid/gid (in the directory and with the variables of e, if
 * given) with stdin /dev/null and stdout+stderr into a pipe; keep at
 * most max bytes of the output in out.  Returns the exit status, or -1
 * for a crash, a timeout or a failure to run it.
 */
static int run_in(const struct job *j, uid_t uid, gid_t gid,
                  const struct ffenv *e, sa *out, size_t max)
{
    int pi[2], st;
    pid_t pid;

    if (pipe2(pi, O_CLOEXEC) == -1)
        return -1;
    pid = fork();
    if (pid == -1) {
        close(pi[0]);
        close(pi[1]);
        return -1;
    }
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        become(uid, gid);
        if (e)
            ffenv_apply(e);
        if (fd_move(0, open_read("/dev/null")) == -1 ||
            fd_copy(1, pi[1]) == -1 || fd_move(2, pi[1]) == -1)
            _exit(QUIET);
        job_do(j);
    }
    close(pi[1]);
    st = collect(pi[0], pid, out, max);
    close(pi[0]);
    return st;
}

/* ---- one question ---- */

/* the account record for local, as qmail-lspawn finds it; 1 / 0 */
static int lookup(const char *local, sa *rec)
{
    struct job j = {0, 0, local};
    int fd = open_read("users/cdb");
    int r;

    if (fd != -1) {
        r = userdb_find(fd, local, strlen(local), rec);
        close(fd);
        if (r)
            return r == 1;
    } else if (errno != ENOENT)
        return 0;
    return run_in(&j, cf.qmailp, cf.nofiles, 0, rec, GETPW_MAX) == 0;
}

static int scan_id(const char *s, unsigned long *u)
{
    size_t n = strlen(s);

    return n && scan_ulong(s, n, u) == n && *u <= 0x7fffffffUL;
}

/* log why a question had no certain answer; every byte printable */
static void unsure(const char *addr, const sa *why)
{
    char a[200], w[LOCAL_KEEP + 1];
    size_t i, n;

    for (n = 0; addr[n] && n < sizeof a - 1; ++n)
        a[n] = addr[n] >= 32 && addr[n] < 127 ? addr[n] : '?';
    a[n] = 0;
    for (i = 0; i < why->len && i < LOCAL_KEEP; ++i)
        w[i] = why->s[i] >= 32 && why->s[i] < 127 ? why->s[i] : ' ';
    w[i] = 0;
    WARN("cannot tell about ", a, ": ", i ? w : "lookup failed");
}

/* ---- fastforward ---- */

#define FFWORDS 32 /* more words than a fastforward line needs */
#define FFBIN "/usr/bin/fastforward"

/*
 * Split the command of a program line into words, if the shell would
 * do just that (no quoting, expansion, redirection or other magic) and
 * it runs fastforward without an option -N of its own; then argv is
 * that fastforward with -n added.  1 if so, 0 if not.  cmd is modified.
 */
static int ff_argv(char *cmd, const char **argv)
{
    const char *w[FFWORDS], *base;
    size_t n = 0, i;

    if (cmd[strcspn(cmd, "\"'\\$`;&|<>()*?[]{}~#=!\n\r\v\f")])
        return 0;
    for (;;) {
        cmd += strspn(cmd, " \t");
        if (!*cmd)
            break;
        if (n == FFWORDS)
            return 0;
        w[n++] = cmd;
        cmd += strcspn(cmd, " \t");
        if (*cmd)
            *cmd++ = 0;
    }
    if (!n)
        return 0;
    base = strrchr(w[0], '/');
    base = base ? base + 1 : w[0];
    if (strcmp(base, "fastforward") || (base != w[0] && w[0][0] != '/'))
        return 0;
    /* its own -N (deliver), after our -n, would win: not asked then */
    for (i = 1; i < n && w[i][0] == '-' && strcmp(w[i], "--"); ++i)
        if (strchr(w[i], 'N'))
            return 0;
    argv[0] = base == w[0] ? FFBIN : w[0];
    argv[1] = "-n";
    for (i = 1; i < n; ++i)
        argv[i + 1] = w[i];
    argv[n + 1] = 0;
    return 1;
}

static int starts(const char *s, size_t n, const char *p)
{
    size_t l = strlen(p);

    return n >= l && !memcmp(s, p, l);
}

/*
 * From the output of "qmail-local -n -e": the command of the only
 * instruction, if that is a program, into cmd, and the "env" lines as
 * "NAME=value" strings into vars.  1 if it is one program line.
 */
static int ff_parse(const sa *out, sa *cmd, sa *vars)
{
    size_t pos = 0, n;
    const char *l;
    unsigned prog = 0, other = 0;

    cmd->len = vars->len = 0;
    while (pos < out->len) {
        l = out->s + pos;
        for (n = 0; pos + n < out->len && l[n] != '\n'; ++n)
            ;
        pos += n + 1;
        if (memchr(l, 0, n))
            return 0;
        if (starts(l, n, "env ")) {
            if (!sa_catb(vars, l + 4, n - 4) || !sa_0(vars))
                return 0;
        } else if (starts(l, n, "program ")) {
            ++prog;
            if (!sa_copyb(cmd, l + 8, n - 8) || !sa_0(cmd))
                return 0;
        } else if (starts(l, n, "forward ") || starts(l, n, "mbox ") ||
                   starts(l, n, "maildir "))
            ++other;
    }
    return prog == 1 && !other;
}

/*
 * qmail-local said Y with the output in why.  If that was one program
 * line running fastforward, ask fastforward itself (-n: it only looks
 * its cdb up) as the recipient, with qmail-local's variables: its exit
 * status, for which 99 (-p: found) counts as 0; else 0.
 */
static int ff_ask(sa *why, const char *home, uid_t uid, gid_t gid)
{
    const char *argv[FFWORDS + 2];
    sa cmd = SA_INIT, vars = SA_INIT;
    struct ffenv e;
    struct job j = {argv, 0, 0};
    int st = 0;

    if (ff_parse(why, &cmd, &vars) && ff_argv(cmd.s, argv)) {
        e.dir = home;
        e.vars = &vars;
        st = run_in(&j, uid, gid, &e, why, LOCAL_KEEP);
        if (st == 99)
            st = 0;
    }
    sa_free(&cmd);
    sa_free(&vars);
    return st;
}

/*
 * An account's own address, without extension, whose home has no
 * .qmail: qmail-local would take it with the default delivery.  Told
 * from a stat of the home and an lstat of home/.qmail, made here
 * without becoming the account, which open and read nothing of the
 * user's, instead of by a child: 1 if so.  Anything else (a .qmail of
 * any type, a home that qmail-local would refuse as writable, an
 * error) is left to the child, which tells exactly.
 */
static int plain_default(const char *home)
{
    struct stat st;
    sa fn = SA_INIT;
    int r;

    if (home[0] != '/' || stat(home, &st) == -1 || !S_ISDIR(st.st_mode) ||
        (st.st_mode & AUTO_PATRN))
        return 0;
    if (!sa_cats(&fn, home) || !sa_cats(&fn, "/.qmail") || !sa_0(&fn)) {
        sa_free(&fn);
        return 0;
    }
    r = lstat(fn.s, &st) == -1 && errno == ENOENT;
    sa_free(&fn);
    return r;
}

/*
 * The answer for addr (as qmail-send hands it to qmail-lspawn: local
 * part, '@', domain): 'Y', 'N' or '?'.  qmail-local -n exits 100 only
 * when delivery would bounce for sure ("no mailbox here by that name",
 * or an unusable home path); any other failure is temporary for it too.
 */
static char answer(const char *addr)
{
    const char *at = strrchr(addr, '@');
    const char *argv[13];
    struct job j = {argv, 12, 0};
    sa local = SA_INIT, rec = SA_INIT, why = SA_INIT;
    userdb_rec f;
    unsigned long uid, gid;
    int st = -1;

    if (!at)
        return '?';
    if (at == addr)
        return 'Y'; /* "@host" is the trash address: always taken */
    if (!sa_copyb(&local, addr, (size_t)(at - addr)) || !sa_0(&local))
        return '?';
    if (lookup(local.s, &rec) && userdb_fields(rec.s, rec.len, &f) &&
        scan_id(f.uid, &uid) && scan_id(f.gid, &gid) && (uid || cf.rootok)) {
        if (!*f.dash && !*f.ext && plain_default(f.home))
            st = 0;
        else {
            argv[0] = "qmail-local";
            argv[1] = "-n";
            argv[2] = "-e";
            argv[3] = "--";
            argv[4] = f.user;
            argv[5] = f.home;
            argv[6] = local.s;
            argv[7] = f.dash;
            argv[8] = f.ext;
            argv[9] = at + 1;
            argv[10] = "";          /* the sender plays no part in it */
            argv[11] = "./Mailbox"; /* neither does the default delivery */
            argv[12] = 0;
            st = run_in(&j, (uid_t)uid, (gid_t)gid, 0, &why, GETPW_MAX);
            /* a sticky home: the user is editing .qmail files, and the
               delivery waits for that (111); nothing is certain yet */
            if (memmem(why.s, why.len, QLOCAL_STICKY, sizeof QLOCAL_STICKY - 1))
                st = -1;
            else if (st == 0)
                st = ff_ask(&why, f.home, (uid_t)uid, (gid_t)gid);
        }
    }
    if (st != 0 && st != EX_PERM)
        unsure(addr, &why);
    sa_free(&local);
    sa_free(&rec);
    sa_free(&why);
    return st == 0 ? 'Y' : st == EX_PERM ? 'N' : '?';
}

/* one connection: questions until EOF, an idle timeout or an error */
static void serve(int fd)
{
    char buf[1024];
    bio in;
    sa q = SA_INIT;
    char a;
    int r;

    bio_init(&in, bio_readop, fd, buf, sizeof buf);
    in.timeout = IDLE;
    for (;;) {
        r = bio_getln(&in, &q, 0, RCPTCK_ADDRMAX + 1);
        if (r == 0 || (r == -1 && errno != E2BIG))
            break;
        if (r == -1 || !q.len || q.s[q.len - 1] != 0)
            a = '?'; /* too long, or cut off by EOF */
        else
            a = answer(q.s);
        if (write_all(fd, &a, 1) == -1)
            break;
    }
    sa_free(&q);
}

/* ---- the workers ----
 *
 * Connections are served by workers, each one connection at a time,
 * that then wait for the next one: a fork for every connection cost
 * more than the questions asked on it.  Only the root process holds
 * the listening socket (so a new qmail-verify can start as soon as this
 * root is gone); it accepts a connection and hands it to an idle worker
 * over that worker's own socket pair (SCM_RIGHTS), starting a worker
 * when none is idle, at most MAXCHILD.  A worker writes one byte back
 * when it is done with a connection.  The root ends a worker by closing
 * its end of the pair, when more than MAXIDLE are idle; a worker also
 * ends when the root is gone.
 */
#define MAXIDLE 4

static struct {
    pid_t pid; /* 0: a free slot */
    int fd;    /* the root's end of the pair */
    int busy;
} w[MAXCHILD];

/* the descriptor passed over fd, or -1 (end of file: leave) */
static int fd_recv(int fd)
{
    char byte, ctl[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {&byte, 1};
    struct msghdr m;
    struct cmsghdr *c;
    int got;
    ssize_t r;

    for (;;) {
        memset(&m, 0, sizeof m);
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        m.msg_control = ctl;
        m.msg_controllen = sizeof ctl;
        r = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
        if (r == -1 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        c = CMSG_FIRSTHDR(&m);
        if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
            c->cmsg_len == CMSG_LEN(sizeof(int))) {
            memcpy(&got, CMSG_DATA(c), sizeof got);
            return got;
        }
    }
}

static int fd_send(int fd, int passed)
{
    char byte = 0, ctl[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {&byte, 1};
    struct msghdr m;
    struct cmsghdr *c;

    memset(&m, 0, sizeof m);
    memset(ctl, 0, sizeof ctl);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = sizeof ctl;
    c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &passed, sizeof passed);
    return sendmsg(fd, &m, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

static _Noreturn void worker(int fd)
{
    int c;

    signal(SIGCHLD, SIG_DFL);
    for (;;) {
        c = fd_recv(fd);
        if (c == -1)
            _exit(0);
        serve(c);
        close(c);
        if (write_all(fd, "", 1) == -1)
            _exit(0);
    }
}

/* a new worker in a free slot; its index, or -1 */
static int worker_start(void)
{
    int i, j, sv[2];
    pid_t pid;

    for (i = 0; i < MAXCHILD && w[i].pid; ++i)
        ;
    if (i == MAXCHILD ||
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
        return -1;
    pid = fork();
    if (pid == -1) {
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    if (pid == 0) {
        close(cf.lfd);
        close(sv[0]);
        for (j = 0; j < MAXCHILD; ++j)
            if (w[j].pid)
                close(w[j].fd);
        worker(sv[1]);
    }
    close(sv[1]);
    w[i].pid = pid;
    w[i].fd = sv[0];
    w[i].busy = 0;
    return i;
}

static void worker_end(int i)
{
    close(w[i].fd);
    while (waitpid(w[i].pid, 0, 0) == -1 && errno == EINTR)
        ;
    w[i].pid = 0;
}

static int peer_ok(int fd)
{
    struct ucred uc;
    socklen_t len = sizeof uc;

    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1)
        return 0;
    return uc.uid == 0 || uc.uid == cf.qmaild || uc.uid == geteuid();
}

/* a connection waits: to an idle worker, or a new one */
static void take(void)
{
    int fd, i, idle = -1;

    for (i = 0; i < MAXCHILD; ++i)
        if (w[i].pid && !w[i].busy) {
            idle = i;
            break;
        }
    if (idle == -1 && (idle = worker_start()) == -1) {
        sleep(1); /* out of resources: let the workers finish */
        return;
    }
    /* lfd does not block; the connection does (accept4 does not pass
       O_NONBLOCK on) */
    fd = accept4(cf.lfd, 0, 0, SOCK_CLOEXEC);
    if (fd == -1) {
        if (errno == EMFILE || errno == ENFILE || errno == ENOMEM ||
            errno == ENOBUFS)
            sleep(1);
        return;
    }
    if (peer_ok(fd)) {
        if (fd_send(w[idle].fd, fd) == 0)
            w[idle].busy = 1;
        else
            worker_end(idle);
    }
    close(fd);
}

int main(void)
{
    struct pollfd p[MAXCHILD + 1];
    int at[MAXCHILD + 1], i, n, idle, busy;
    char b;

    init();
    listen_socket();
    if (fcntl(cf.lfd, F_SETFL, O_NONBLOCK) == -1)
        DIE(EX_TEMP, "unable to set up ", path.s, ": ", ERRSYS);
    signal(SIGCHLD, SIG_DFL); /* workers are reaped as they are ended */
    for (;;) {
        idle = busy = 0;
        for (i = 0; i < MAXCHILD; ++i)
            if (w[i].pid)
                w[i].busy ? ++busy : ++idle;
        n = 0;
        if (idle || busy < MAXCHILD) {
            p[n].fd = cf.lfd;
            p[n].events = POLLIN;
            at[n++] = -1;
        }
        for (i = 0; i < MAXCHILD; ++i)
            if (w[i].pid) {
                p[n].fd = w[i].fd;
                p[n].events = POLLIN;
                at[n++] = i;
            }
        if (poll(p, (nfds_t)n, -1) == -1)
            continue;
        for (i = 0; i < n; ++i) {
            if (!p[i].revents)
                continue;
            if (at[i] == -1) {
                take();
                continue;
            }
            /* a worker is done with its connection, or is gone */
            if (read(w[at[i]].fd, &b, 1) == 1 && idle < MAXIDLE) {
                w[at[i]].busy = 0;
                ++idle;
            } else
                worker_end(at[i]);
        }
    }
}
