/*
 * getpw.c: see getpw.h.  The local part comes from qmail-send and is
 * only used as a getpwnam key (lower-cased, shorter than USERLEN).
 * No I/O but the account database and stat of home directories; every
 * failure is a status, nothing here exits.
 */
#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>

#include "acct.h"
#include "addr.h"
#include "auto.h"
#include "errtemp.h"
#include "getpw.h"
#include "qlx.h"

#define USERLEN 32 /* candidate names must be shorter than this */

/* a temporary failure of the account database, not "no such user" */
static int pw_temp(int e)
{
    return e == ETXTBSY || e == EIO || e == EINTR || e == ENOMEM ||
           e == EAGAIN || e == EMFILE || e == ENFILE || e == ETIMEDOUT;
}

/*
 * The account named by local[0..n), if it is a usable one: 1 with *pw
 * set, 0 if not, or a failure status.  *instalias is set when the
 * answer is the alias account of a private instance.
 */
static int candidate(const char *local, size_t n, struct passwd **pw,
                     int *instalias)
{
    char name[USERLEN];
    struct stat st;

    memcpy(name, local, n);
    name[n] = 0;
    case_lowerb(name, n);
    if (AUTO_ACCOUNTS[0] && !strcmp(name, "alias")) {
        /* a private instance: "alias" is the instance's own account */
        *pw = getpwnam(AUTO_ACCOUNTS);
        *instalias = *pw != 0;
        return *pw != 0;
    }
    errno = 0;
    *pw = getpwnam(name);
    if (!*pw)
        return pw_temp(errno) ? QLX_SYS : 0;
    if ((*pw)->pw_uid == 0)
        return 0;
    if (stat((*pw)->pw_dir, &st) == -1)
        return errtemp(errno) ? QLX_NFS : 0;
    return st.st_uid == (*pw)->pw_uid;
}

/* longest first: the whole name, then each prefix before a break */
static int userext(const char *local, size_t len, size_t *n, struct passwd **pw,
                   int *instalias)
{
    size_t i = len;
    int r;

    for (;;) {
        if (i < USERLEN && (i == len || local[i] == AUTO_BREAK[0])) {
            r = candidate(local, i, pw, instalias);
            if (r == 1)
                *n = i;
            if (r)
                return r;
        }
        if (!i)
            return 0;
        --i;
    }
}

static int put(sa *out, const char *s)
{
    return sa_cats(out, s) && sa_0(out);
}

int getpw_lookup(const char *local, sa *out)
{
    const char *dash = "-", *ext;
    struct passwd *pw = 0;
    size_t len = strlen(local), n = 0;
    int instalias = 0, r;

    r = userext(local, len, &n, &pw, &instalias);
    if (r > 1)
        return r;
    if (r == 1) {
        dash = n == len ? "" : "-";
        ext = n == len ? local + len : local + n + 1;
    } else {
        ext = local;
        pw = getpwnam(acct_username(ACCT_ALIAS));
        if (!pw)
            return QLX_NOALIAS;
        instalias = AUTO_ACCOUNTS[0] != 0;
    }
    /* a private instance maps alias to its own account, whose home is
       elsewhere: the alias home is always QMAILHOME/alias there */
    if (!put(out, pw->pw_name) ||
        !sa_catulong(out, (unsigned long)pw->pw_uid) || !sa_0(out) ||
        !sa_catulong(out, (unsigned long)pw->pw_gid) || !sa_0(out) ||
        !put(out, instalias ? AUTO_QMAILHOME "/alias" : pw->pw_dir) ||
        !put(out, dash) || !put(out, ext))
        return QLX_NOMEM;
    return 0;
}
