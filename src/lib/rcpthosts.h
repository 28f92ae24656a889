/*
 * rcpthosts.h: who may send to which domains (spec smtp-and-tools.md
 * 1.8), shared by qmail-smtpd and qmail-qmtpd, and the badmailfrom test.
 *
 * rcpthosts_load: read control/rcpthosts (a list) and, only when it
 *   exists, open control/morercpthosts.cdb (absent is fine).  Paths are
 *   relative: the caller is in QMAILHOME.  1 ok, -1 error (errno).
 * rcpthosts_ok: may addr[0..len) be a recipient?  Without
 *   control/rcpthosts every address may; an address without '@' always
 *   may; otherwise the host after the last '@', lowercased, and each of
 *   its suffixes that starts with '.' are looked up in rcpthosts (ASCII
 *   case-insensitive) and in morercpthosts.cdb.  1 yes, 0 no, -1 the
 *   cdb could not be read (errno).
 * rcpthosts_cands: the pure part: the candidate keys for host h, one at
 *   a time: *i starts at 0; returns 1 with [*off, hlen) the next
 *   candidate, 0 when there is none left.
 * badmailfrom_match: 1 if the sender addr[0..len), or "@" and the part
 *   after its last '@', is in the set bmf (case-insensitive); the null
 *   sender never matches.  Pure.
 */
#ifndef RCPTHOSTS_H
#define RCPTHOSTS_H

#include <stddef.h>

#include "cmap.h"
#include "sa.h"

typedef struct rcpthosts {
    int have; /* control/rcpthosts exists */
    cmap set;
    int fdmore; /* control/morercpthosts.cdb, or -1 */
    sa key;     /* scratch for lookups */
} rcpthosts;

#define RCPTHOSTS_INIT                                                         \
    {                                                                          \
        0, CMAP_INIT, -1, SA_INIT                                              \
    }

int rcpthosts_load(rcpthosts *r) WUR;
int rcpthosts_ok(rcpthosts *r, const char *addr, size_t len) WUR;
void rcpthosts_free(rcpthosts *r); /* memory and the cdb's fd */
int rcpthosts_cands(const char *h, size_t hlen, size_t *i, size_t *off);
int badmailfrom_match(const cmap *bmf, const char *addr, size_t len);

#endif
