/*
 * acct.h: the role accounts, looked up by name at run time (design 2).
 * A build with ACCOUNTS=NAME maps every role user and both groups to
 * NAME (a private test instance); otherwise the real names are used.
 * Return convention: 1 found, 0 no such account, -1 lookup error.
 */
#ifndef ACCT_H
#define ACCT_H

#include <sys/types.h>

enum acct_user {
    ACCT_ALIAS,
    ACCT_QMAILD,
    ACCT_QMAILL,
    ACCT_ROOT,
    ACCT_QMAILP,
    ACCT_QMAILQ,
    ACCT_QMAILR,
    ACCT_QMAILS,
    ACCT_NUSERS
};

enum acct_group { ACCT_GQMAIL, ACCT_GNOFILES, ACCT_NGROUPS };

const char *acct_username(enum acct_user u);
const char *acct_groupname(enum acct_group g);
int acct_uid(enum acct_user u, uid_t *uid);
int acct_gid(enum acct_group g, gid_t *gid);

#endif
