/*
 * acct.c: role accounts by name.  Nothing numeric is compiled in, so
 * one binary package works whatever ids the machine gave the accounts.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>

#include "acct.h"
#include "auto.h"

static const char *const users[ACCT_NUSERS] = {
    "alias", "qmaild", "qmaill", "root", "qmailp", "qmailq", "qmailr", "qmails"};
static const char *const groups[ACCT_NGROUPS] = {"qmail", "nofiles"};

const char *acct_username(enum acct_user u)
{
    if (AUTO_ACCOUNTS[0])
        return AUTO_ACCOUNTS;
    return users[u];
}

const char *acct_groupname(enum acct_group g)
{
    if (AUTO_ACCOUNTS[0])
        return AUTO_ACCOUNTS;
    return groups[g];
}

int acct_uid(enum acct_user u, uid_t *uid)
{
    struct passwd *pw;

    errno = 0;
    pw = getpwnam(acct_username(u));
    if (!pw)
        return errno && errno != ENOENT && errno != ESRCH ? -1 : 0;
    *uid = pw->pw_uid;
    return 1;
}

int acct_gid(enum acct_group g, gid_t *gid)
{
    struct group *gr;
    struct passwd *pw;

    errno = 0;
    gr = getgrnam(acct_groupname(g));
    if (gr) {
        *gid = gr->gr_gid;
        return 1;
    }
    if (!AUTO_ACCOUNTS[0])
        return errno && errno != ENOENT && errno != ESRCH ? -1 : 0;
    /* a private instance: the account's own primary group */
    pw = getpwnam(AUTO_ACCOUNTS);
    if (!pw)
        return 0;
    *gid = pw->pw_gid;
    return 1;
}
