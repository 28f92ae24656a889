/*
 * tests/unit/acct.c: role accounts by name (design 2, spec delivery.md
 * 0 "conf-users"): the names, then lookups of accounts that exist and
 * accounts that do not.  As root the test reads passwd and group files
 * of its own, bind-mounted over /etc in a private mount namespace, so
 * the answers are known; otherwise it checks against getpwnam.
 */
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>

#include "acct.h"
#include "auto.h"
#include "fd.h"
#include "ptest.h"

static const char *const unames[ACCT_NUSERS] = {
    "alias", "qmaild", "qmaill", "root", "qmailp", "qmailq", "qmailr", "qmails"};
static const char *const gnames[ACCT_NGROUPS] = {"qmail", "nofiles"};

static void t_names(void)
{
    int i, good = 1;

    for (i = 0; i < ACCT_NUSERS; ++i) {
        const char *exp = AUTO_ACCOUNTS[0] ? AUTO_ACCOUNTS : unames[i];
        if (strcmp(acct_username((enum acct_user)i), exp) != 0)
            good = 0;
    }
    OK(good, AUTO_ACCOUNTS[0] ? "every role user is ACCOUNTS"
                              : "the eight role user names, in order");
    good = 1;
    for (i = 0; i < ACCT_NGROUPS; ++i) {
        const char *exp = AUTO_ACCOUNTS[0] ? AUTO_ACCOUNTS : gnames[i];
        if (strcmp(acct_groupname((enum acct_group)i), exp) != 0)
            good = 0;
    }
    OK(good, AUTO_ACCOUNTS[0] ? "every group is ACCOUNTS"
                              : "the two group names, in order");
}

static int over(const char *dir, const char *name, const char *text,
                const char *target)
{
    char fn[256];
    int fd;

    snprintf(fn, sizeof fn, "%s/%s", dir, name);
    fd = open(fn, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd == -1 || write_all(fd, text, strlen(text)) == -1 || close(fd))
        return -1;
    return mount(fn, target, 0, MS_BIND, 0);
}

static int made; /* the temporary directory exists */

/* our own /etc/passwd and /etc/group; 1 when in place */
static int fake_etc(char *dir)
{
    char pw[512], gr[256];

    if (getuid() != 0 || !mkdtemp(dir))
        return 0;
    made = 1;
    if (unshare(CLONE_NEWNS) == -1 ||
        mount("none", "/", 0, MS_REC | MS_PRIVATE, 0) == -1)
        return 0;
    if (AUTO_ACCOUNTS[0])
        snprintf(pw, sizeof pw,
                 "root:x:0:0:root:/root:/bin/sh\n"
                 "%s:x:4242:4300::/nonexistent:/bin/false\n",
                 AUTO_ACCOUNTS);
    else
        snprintf(pw, sizeof pw,
                 "root:x:0:0:root:/root:/bin/sh\n"
                 "alias:x:4243:4343::/var/lib/qmail/alias:/bin/false\n"
                 "qmaild:x:4242:4343::/var/lib/qmail:/bin/false\n"
                 "qmailq:x:4244:4343::/var/lib/qmail:/bin/false\n");
    snprintf(gr, sizeof gr, "root:x:0:\nqmail:x:4343:\n");
    return over(dir, "passwd", pw, "/etc/passwd") == 0 &&
           over(dir, "group", gr, "/etc/group") == 0;
}

static void uid_is(enum acct_user u, int expr, uid_t expuid)
{
    uid_t uid = 99999;
    char name[80];

    snprintf(name, sizeof name, "user %s", acct_username(u));
    IS_INT(acct_uid(u, &uid), expr, name);
    IS_INT(uid, expr == 1 ? expuid : 99999, "uid (untouched when absent)");
}

static void gid_is(enum acct_group g, int expr, gid_t expgid)
{
    gid_t gid = 99999;
    char name[80];

    snprintf(name, sizeof name, "group %s", acct_groupname(g));
    IS_INT(acct_gid(g, &gid), expr, name);
    IS_INT(gid, expr == 1 ? expgid : 99999, "gid (untouched when absent)");
}

static void t_known(void)
{
    if (AUTO_ACCOUNTS[0]) {
        uid_is(ACCT_QMAILD, 1, 4242);
        uid_is(ACCT_QMAILS, 1, 4242);
        uid_is(ACCT_ROOT, 1, 4242);
        gid_is(ACCT_GQMAIL, 1, 4300); /* no such group: its primary gid */
        gid_is(ACCT_GNOFILES, 1, 4300);
        return;
    }
    uid_is(ACCT_ROOT, 1, 0);
    uid_is(ACCT_ALIAS, 1, 4243);
    uid_is(ACCT_QMAILD, 1, 4242);
    uid_is(ACCT_QMAILQ, 1, 4244);
    uid_is(ACCT_QMAILS, 0, 0);
    uid_is(ACCT_QMAILR, 0, 0);
    uid_is(ACCT_QMAILL, 0, 0);
    uid_is(ACCT_QMAILP, 0, 0);
    gid_is(ACCT_GQMAIL, 1, 4343);
    gid_is(ACCT_GNOFILES, 0, 0);
}

/* without root: whatever this machine says, acct agrees with it */
static void t_system(void)
{
    int i, good = 1;
    uid_t uid;
    gid_t gid;

    for (i = 0; i < ACCT_NUSERS; ++i) {
        struct passwd *pw = getpwnam(acct_username((enum acct_user)i));
        int r = acct_uid((enum acct_user)i, &uid);
        if (r != (pw ? 1 : 0) || (pw && uid != pw->pw_uid))
            good = 0;
    }
    OK(good, "acct_uid agrees with getpwnam for every role");
    for (i = 0; i < ACCT_NGROUPS; ++i) {
        struct group *gr = getgrnam(acct_groupname((enum acct_group)i));
        int r = acct_gid((enum acct_group)i, &gid);
        if (gr && (r != 1 || gid != gr->gr_gid))
            good = 0;
        if (!gr && !AUTO_ACCOUNTS[0] && r != 0)
            good = 0;
    }
    OK(good, "acct_gid agrees with getgrnam for every group");
    if (!AUTO_ACCOUNTS[0]) {
        IS_INT(acct_uid(ACCT_ROOT, &uid), 1, "root exists");
        IS_INT(uid, 0, "root is uid 0");
    }
}

int main(void)
{
    char dir[] = "/tmp/accttest.XXXXXX";

    char fn[64];

    t_names();
    if (fake_etc(dir))
        t_known();
    else
        t_system();
    if (made) {
        snprintf(fn, sizeof fn, "%s/passwd", dir);
        unlink(fn);
        snprintf(fn, sizeof fn, "%s/group", dir);
        unlink(fn);
        rmdir(dir);
    }
    return pt_done();
}
