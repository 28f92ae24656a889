/*
 * mxfind.h: the addresses remote delivery tries for a host (spec
 * smtp-and-tools.md 2.5), through the system resolver (res_nquery, no
 * search list, EDNS0 and a 64 KiB answer buffer; the resolver retries
 * over TCP when an answer is truncated).
 *
 * Each candidate is an mxfind_cand appended to the cands string.
 * Status codes: MXFIND_OK (the lookups worked; cands may still be
 * empty, e.g. for a null MX), MXFIND_HARD (no such name or no data),
 * MXFIND_SOFT (try again later: no answer, a server failure, or an
 * answer that does not parse), MXFIND_NOMEM.
 *
 *   mxfind_ip: the addresses of one name: a literal as it is, else its
 *     A records then its AAAA records, each tagged with pref.  An
 *     IPv4-mapped IPv6 address (::ffff:a.b.c.d) is kept as IPv4.
 *   mxfind_mx: the MX records of name in increasing preference, equal
 *     preferences in random order (rnd), each exchanger's addresses as
 *     mxfind_ip gives them; a name without MX records is its own
 *     exchanger with preference 0.  At most MXFIND_MAXMX exchangers and
 *     MXFIND_MAXADDR addresses are kept (the least preferred go).
 *   mxfind_order: the sorting and shuffling of mxfind_mx.  Pure.
 *   mxfind_self: keep only candidates whose preference is strictly
 *     below that of the best candidate that is this host; returns how
 *     many are left.  Pure.
 */
#ifndef MXFIND_H
#define MXFIND_H

#include <resolv.h>

#include "dnsans.h"
#include "ipad.h"
#include "myaddr.h"
#include "sa.h"

#define MXFIND_MAXMX 64
#define MXFIND_MAXADDR 256

enum { MXFIND_OK, MXFIND_HARD, MXFIND_SOFT, MXFIND_NOMEM };

typedef struct mxfind_cand {
    ipad ip;
    unsigned long pref;
} mxfind_cand;

typedef unsigned long (*mxfind_rnd)(void *ctx);

typedef struct mxfind {
    struct __res_state res;
    int ready;
    sa buf, recs, names;
} mxfind;

#define MXFIND_INIT {{0}, 0, SA_INIT, SA_INIT, SA_INIT}

int mxfind_ip(mxfind *f, const char *name, unsigned long pref, sa *cands);
int mxfind_mx(mxfind *f, const char *name, mxfind_rnd rnd, void *ctx,
              sa *cands);
void mxfind_order(dnsans_mxrec *mx, size_t n, mxfind_rnd rnd, void *ctx);
size_t mxfind_self(sa *cands, const myaddr *me);
void mxfind_free(mxfind *f);

#endif
