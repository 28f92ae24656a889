/*
 * qmail-lspawn: run one local delivery per command, as the recipient
 * (spec delivery.md 2.7 and 3.1).  Started by qmail-start as root;
 * talks to qmail-send through the spawn engine (spawn.h).  For each
 * delivery a forked child finds the recipient's account in users/cdb
 * or, failing that, with qmail-getpw's lookup (getpw.h, done with
 * qmailp's effective ids), becomes that user and runs qmail-local's
 * code (qlocal.h) without an exec.  It parses nothing from the
 * network: the recipient comes from qmail-send.  Startup failures exit
 * 111 (100 for usage); a child's trouble becomes a report through its
 * exit status (qlx.h).
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "acct.h"
#include "auto.h"
#include "err.h"
#include "errtemp.h"
#include "exitcodes.h"
#include "fd.h"
#include "fmt.h"
#include "fresh.h"
#include "getpw.h"
#include "qlocal.h"
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

/*
 * qmail-getpw's lookup, made with the ids the qmail-getpw program runs
 * with: qmailp, group nofiles and no other groups, so that homes are
 * looked at with that account's rights.  Only the effective ids change (the real and
 * saved ones stay root, so qmailp can neither signal nor trace this
 * process); become() replaces all of them afterwards.
 */
static void getpw(sa *rec, const char *local)
{
    uid_t eu = geteuid();
    gid_t eg = getegid();
    int r;

    if (eu != 0 && getuid() == cf.uidp && eu == cf.uidp &&
        getgid() == cf.gidn && eg == cf.gidn)
        eu = (uid_t)-1; /* already qmailp (an unprivileged instance) */
    else if (setgroups(1, &cf.gidn) == -1 || setegid(cf.gidn) == -1 ||
             seteuid(cf.uidp) == -1)
        _exit(QLX_USAGE);
    rec->len = 0;
    r = getpw_lookup(local, rec);
    if (eu != (uid_t)-1 && (seteuid(eu) == -1 || setegid(eg) == -1))
        _exit(QLX_USAGE);
    if (r)
        _exit(r);
    if (rec->len > GETPW_MAX)
        _exit(QLX_SYS);
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

/*
 * The delivering child is a bare fork of a root process, not an exec:
 * starting a program costs more here than the delivery itself (make
 * bench, E1).  What exec would have given is done by hand before any
 * of qmail-local's code runs: every descriptor above 2 is closed,
 * caught signals go back to their defaults (fresh_child), and the ids
 * are dropped for good (become).  qmail-lspawn holds no secret a
 * recipient could want, and after the setuid the kernel makes the child
 * untraceable and undumpable, so the copy of this process's memory
 * stays out of the recipient's reach; a program named in a .qmail file
 * starts with a fresh image through exec as before.
 */
static void child(void *ctx, const char *sender, const char *recip, size_t at)
{
    sa local = SA_INIT, rec = SA_INIT;
    userdb_rec f;
    unsigned long uid, gid;
    char *argv[11];

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
    if (fresh_child("qmail-local") == -1)
        _exit(errtemp(errno) ? QLX_EXECSOFT : QLX_EXECHARD);
    /* qlocal_main only reads its arguments */
    argv[0] = (char *)"qmail-local";
    argv[1] = (char *)"--";
    argv[2] = (char *)f.user;
    argv[3] = (char *)f.home;
    argv[4] = local.s;
    argv[5] = (char *)f.dash;
    argv[6] = (char *)f.ext;
    argv[7] = (char *)recip + at + 1;
    argv[8] = (char *)sender;
    argv[9] = (char *)cf.aliasempty;
    argv[10] = 0;
    qlocal_main(10, argv);
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
