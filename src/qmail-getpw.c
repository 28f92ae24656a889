/*
 * qmail-getpw: find the account for a local part when users/cdb has
 * none (spec delivery.md 3.3).  Run by qmail-lspawn's child as qmailp;
 * prints user NUL uid NUL gid NUL home NUL dash NUL ext NUL and exits
 * 0.  The local part comes from qmail-send and is only used as a
 * getpwnam key.  Failures are exit statuses for qmail-lspawn (qlx.h):
 * 100 usage, 115 temporary stat failure, 116 no alias account, 118
 * temporary account-database failure.
 */
#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acct.h"
#include "addr.h"
#include "auto.h"
#include "errtemp.h"
#include "exitcodes.h"
#include "fd.h"
#include "qlx.h"
#include "sa.h"

#define USERLEN 32 /* candidate names must be shorter than this */

/* a temporary failure of the account database, not "no such user" */
static int pw_temp(int e)
{
    return e == ETXTBSY || e == EIO || e == EINTR || e == ENOMEM ||
           e == EAGAIN || e == EMFILE || e == ENFILE || e == ETIMEDOUT;
}

/* set when the answer is the alias account of a private instance */
static int instalias;

/* the account named by local[0..n), if it is a usable one */
static struct passwd *candidate(const char *local, size_t n)
{
    char name[USERLEN];
    struct passwd *pw;
    struct stat st;

    memcpy(name, local, n);
    name[n] = 0;
    case_lowerb(name, n);
    if (AUTO_ACCOUNTS[0] && !strcmp(name, "alias")) {
        /* a private instance: "alias" is the instance's own account */
        pw = getpwnam(AUTO_ACCOUNTS);
        instalias = pw != 0;
        return pw;
    }
    errno = 0;
    pw = getpwnam(name);
    if (!pw) {
        if (pw_temp(errno))
            _exit(QLX_SYS);
        return 0;
    }
    if (pw->pw_uid == 0)
        return 0;
    if (stat(pw->pw_dir, &st) == -1) {
        if (errtemp(errno))
            _exit(QLX_NFS);
        return 0;
    }
    return st.st_uid == pw->pw_uid ? pw : 0;
}

/* longest first: the whole name, then each prefix before a break */
static struct passwd *userext(const char *local, size_t len, size_t *n)
{
    struct passwd *pw;
    size_t i = len;

    for (;;) {
        if (i < USERLEN && (i == len || local[i] == AUTO_BREAK[0])) {
            pw = candidate(local, i);
            if (pw) {
                *n = i;
                return pw;
            }
        }
        if (!i)
            return 0;
        --i;
    }
}

static void put(sa *out, const char *s)
{
    if (!sa_cats(out, s) || !sa_0(out))
        _exit(QLX_NOMEM);
}

int main(int argc, char **argv)
{
    const char *local = argc > 1 ? argv[1] : 0;
    const char *dash = "-", *ext;
    struct passwd *pw;
    size_t len, n = 0;
    sa out = SA_INIT;

    if (!local)
        _exit(EX_PERM);
    len = strlen(local);
    pw = userext(local, len, &n);
    if (pw) {
        dash = n == len ? "" : "-";
        ext = n == len ? local + len : local + n + 1;
    } else {
        ext = local;
        pw = getpwnam(acct_username(ACCT_ALIAS));
        if (!pw)
            _exit(QLX_NOALIAS);
        instalias = AUTO_ACCOUNTS[0] != 0;
    }
    put(&out, pw->pw_name);
    if (!sa_catulong(&out, (unsigned long)pw->pw_uid) || !sa_0(&out) ||
        !sa_catulong(&out, (unsigned long)pw->pw_gid) || !sa_0(&out))
        _exit(QLX_NOMEM);
    /* a private instance maps alias to its own account, whose home is
       elsewhere: the alias home is always QMAILHOME/alias there */
    put(&out, instalias ? AUTO_QMAILHOME "/alias" : pw->pw_dir);
    put(&out, dash);
    put(&out, ext);
    if (write_all(1, out.s, out.len) == -1)
        _exit(EX_TEMP);
    sa_free(&out);
    return EX_OK;
}
