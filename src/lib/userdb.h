/*
 * userdb.h: users/assign and users/cdb (spec delivery.md 3.1a, 3.2).
 * qmail-newu turns each assign line into one cdb record with
 * userdb_line; qmail-lspawn finds the record for a local part with
 * userdb_find and splits it with userdb_fields.
 *
 * Keys: "!" + lowercased local part, followed by a NUL for an exact
 * ("=") line; wildcard ("+") keys have no NUL.  The record with the
 * empty key holds the set of last characters of wildcard keys: only
 * prefixes ending in one of them are probed.
 */
#ifndef USERDB_H
#define USERDB_H

#include <stddef.h>

#include "sa.h"

/*
 * userdb_line: one assign line (without its LF) into key and data
 * (the six fields user uid gid home dash ext, separated by NULs, with
 * no NUL after ext).  *wild is set to the key's last character for a
 * wildcard line with a non-empty prefix, else to -1.
 * Returns 1 ok, 0 bad format, -1 out of memory.  Pure.
 */
int userdb_line(const char *line, size_t len, sa *key, sa *data, int *wild);

/*
 * userdb_find: look local (original case) up in the open users/cdb.
 * On a hit, rec receives the record with the rest of local appended to
 * ext for a wildcard hit, and a final NUL, so it is six NUL-terminated
 * fields.  Returns 1 found, 0 no entry, -1 error (errno: ENOMEM, or
 * any other value for an unreadable database, including a missing
 * empty-key record: EPROTO).
 */
int userdb_find(int fd, const char *local, size_t len, sa *rec) WUR;

typedef struct userdb_rec {
    const char *user, *uid, *gid, *home, *dash, *ext;
} userdb_rec;

/*
 * userdb_fields: split a record of six NUL-terminated fields (as
 * userdb_find or qmail-getpw produce) into r; 1 ok, 0 malformed
 * (fewer than six fields).  Pure; r points into rec.
 */
int userdb_fields(const char *rec, size_t len, userdb_rec *r);

#endif
