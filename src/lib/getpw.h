/*
 * getpw.h: the account for a local part when users/cdb has none (spec
 * delivery.md 3.3): the longest prefix of the local part (the whole of
 * it, then each prefix before a '-') that names a usable account (not
 * root, its home owned by it), else the alias account.  Used by the
 * qmail-getpw program and by qmail-lspawn's child, which asks with the
 * effective ids of qmailp so that the home directories are looked at
 * with that account's rights.
 */
#ifndef GETPW_H
#define GETPW_H

#include "sa.h"

/*
 * getpw_lookup: appends the record user NUL uid NUL gid NUL home NUL
 * dash NUL ext NUL for local (a C string) to out.  Returns 0 when it
 * was found, else the exit status that qmail-getpw gives for the
 * failure (qlx.h): QLX_SYS temporary account-database failure, QLX_NFS
 * temporary failure to stat a home directory, QLX_NOALIAS no alias
 * account, QLX_NOMEM out of memory.
 */
int getpw_lookup(const char *local, sa *out) WUR;

#endif
