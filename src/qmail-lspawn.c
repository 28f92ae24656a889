/*
 * qmail-lspawn: start one qmail-local per local delivery, as the
 * recipient (spec delivery.md 2.7 and 3.1).  Started by qmail-start as
 * root; talks to qmail-send through the spawn engine (spawn.h).  For
 * each delivery a child finds the recipient's account in users/cdb or
 * through qmail-getpw (run as qmailp), becomes that user and runs
 * bin/qmail-local.  It parses nothing from the network: the recipient
 * comes from qmail-send.  Startup failures exit 111 (100 for usage);
 * a child's trouble becomes a report through its exit status (qlx.h).
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "acct.h"
#include "auto.h"
#include "err.h"
#include "errtemp.h"
#include "exitcodes.h"
#include "fd.h"
#include "fmt.h"
#include "qlx.h"
#include "sa.h"
#include "sig.h"
#include "spawn.h"
#include "userdb.h"

#define GETPW_MAX 65536 /* more output than any passwd entry needs */

static struct {
    const char *aliasempty;
    uid_t uidq, uidp;
    gid_t gidn;
    int rootok; /* deliveries as root are allowed: see become() */
} cf;

static void init(int argc, char **argv)
{
    uid_t u;

    err_prog = "qmail-lspawn";
    if (argc < 2)
        DIEX(EX_PERM, "usage: qmail-lspawn defaultdelivery");
    cf.aliasempty = argv[1];
    if (acct_uid(ACCT_QMAILQ, &cf.uidq) != 1)
        DIE(EX_TEMP, "unable to find user ", acct_username(ACCT_QMAILQ));
    if (acct_uid(ACCT_QMAILP, &cf.uidp) != 1)
        DIE(EX_TEMP, "unable to find user ", acct_username(ACCT_QMAILP));
    if (acct_gid(ACCT_GNOFILES, &cf.gidn) != 1)
        DIE(EX_TEMP, "unable to find group ", acct_groupname(ACCT_GNOFILES));
    /*
     * A private instance (built with ACCOUNTS=NAME, AUTO_ACCOUNTS
     * non-empty) whose every role account is root, as the test suite
     * has when it runs as root: then the users it delivers to are root
     * too, and refusing would make the instance useless.  A real
     * installation (AUTO_ACCOUNTS empty) never delivers as root.
     */
    cf.rootok = AUTO_ACCOUNTS[0] && acct_uid(ACCT_ALIAS, &u) == 1 && u == 0;
}

/*
 * Take on uid and gid with no supplementary groups.  Unprivileged (a
 * private instance run by its owner) we cannot change ids: if they
 * already are the wanted ones there is nothing to do, otherwise
 * setgroups fails and the delivery is deferred, never done as the
 * wrong user.
 */
static void become(uid_t uid, gid_t gid)
{
    if (geteuid() != 0 && getuid() == uid && geteuid() == uid &&
        getgid() == gid && getegid() == gid)
        return;
    if (setgroups(1, &gid) == -1 || setgid(gid) == -1 || setuid(uid) == -1)
        _exit(QLX_USAGE);
}

/* run bin/qmail-getpw as qmailp; its output is the record */
static void getpw(sa *rec, const char *local)
{
    int pi[2], st;
    pid_t pid;
    char buf[4096];
    ssize_t r;

    if (pipe(pi) == -1)
        _exit(QLX_SYS);
    pid = fork();
    if (pid == -1)
        _exit(QLX_SYS);
    if (pid == 0) {
        become(cf.uidp, cf.gidn);
        close(pi[0]);
        if (fd_move(1, pi[1]) == -1)
            _exit(QLX_SYS);
        execl("bin/qmail-getpw", "qmail-getpw", local, (char *)0);
        _exit(QLX_EXECPW);
    }
    close(pi[1]);
    rec->len = 0;
    while ((r = read_all(pi[0], buf, sizeof buf)) != 0) {
        if (r == -1 || rec->len + (size_t)r > GETPW_MAX)
            _exit(QLX_SYS);
        if (!sa_catb(rec, buf, (size_t)r))
            _exit(QLX_NOMEM);
    }
    close(pi[0]);
    while (waitpid(pid, &st, 0) == -1)
        if (errno != EINTR)
            _exit(QLX_SYS);
    if (!WIFEXITED(st))
        _exit(QLX_SYS);
    if (WEXITSTATUS(st))
        _exit(WEXITSTATUS(st));
}

/* users/cdb first (absent: qmail-getpw); exits on every failure */
static void lookup(sa *rec, const char *local)
{
    int fd = open_read("users/cdb");
    int r;

    if (fd == -1) {
        if (errno != ENOENT)
            _exit(QLX_CDB);
        getpw(rec, local);
        return;
    }
    r = userdb_find(fd, local, strlen(local), rec);
    close(fd);
    if (r == -1)
        _exit(errno == ENOMEM ? QLX_NOMEM : QLX_CDB);
    if (r == 0)
        getpw(rec, local);
}

static int scan_id(const char *s, unsigned long *u)
{
    size_t n = strlen(s);

    return n && scan_ulong(s, n, u) == n && *u <= 0x7fffffffUL;
}

static void child(void *ctx, const char *sender, const char *recip, size_t at)
{
    sa local = SA_INIT, rec = SA_INIT;
    userdb_rec f;
    unsigned long uid, gid;
    const char *argv[12];

    (void)ctx;
    if (!sa_copyb(&local, recip, at) || !sa_0(&local))
        _exit(QLX_NOMEM);
    if (!at)
        _exit(0); /* "@host": the trash address */
    if (chdir(AUTO_QMAILHOME) == -1)
        _exit(QLX_USAGE);
    lookup(&rec, local.s);
    if (!userdb_fields(rec.s, rec.len, &f) || !scan_id(f.uid, &uid) ||
        !scan_id(f.gid, &gid))
        _exit(QLX_USAGE);
    become((uid_t)uid, (gid_t)gid);
    if (getuid() == 0 && !cf.rootok)
        _exit(QLX_ROOT);
    argv[0] = "qmail-local";
    argv[1] = "--";
    argv[2] = f.user;
    argv[3] = f.home;
    argv[4] = local.s;
    argv[5] = f.dash;
    argv[6] = f.ext;
    argv[7] = recip + at + 1;
    argv[8] = sender;
    argv[9] = cf.aliasempty;
    argv[10] = 0;
    execv("bin/qmail-local", (char *const *)argv);
    _exit(errtemp(errno) ? QLX_EXECSOFT : QLX_EXECHARD);
}

static int report(void *ctx, sa *out, int wstat, const char *s, size_t len)
{
    (void)ctx;
    return qlx_report(out, wstat, s, len);
}

int main(int argc, char **argv)
{
    spawn_prog p;
    const char *why;

    init(argc, argv);
    sig_survive(SIGUSR1); /* "pkill -USR1 qmail" must not kill us */
    p.owner = cf.uidq;
    p.maxout = QLX_TRUNC + 1; /* one more, to know it was too long */
    p.exitsys = QLX_SYS;
    p.ctx = 0;
    p.child = child;
    p.report = report;
    if (spawn_run(&p, &why) == -1)
        DIE(EX_TEMP, why, ": ", ERRSYS);
    return EX_OK;
}
