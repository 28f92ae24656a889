/*
 * dnsans.h: a pure parser for DNS answers (RFC 1035 section 4), for
 * the lookups of remote delivery.  Every read is bounds-checked against
 * the message length; compression pointers must point strictly before
 * the pointer itself, so a loop cannot occur; an expanded name is at
 * most 255 bytes in wire form.
 *
 *   dnsans_name: expand the name at *pos into out as text ("a.b.c", no
 *     final dot; the root is ""); bytes outside 33..126 and dots inside
 *     a label become '?'.  *pos moves past the name as stored there.
 *     1 ok, 0 malformed, -1 no memory.
 *   dnsans_mx: every MX record of the answer section (whatever its
 *     owner, as a resolver's answer may start with a CNAME chain),
 *     appended to recs as dnsans_mxrec records whose name is an offset of
 *     a NUL-terminated name in names.  1 ok, 0 malformed, -1 no memory.
 *   dnsans_addr: every A (v6 = 0) or AAAA (v6 = 1) record of the answer
 *     section appended to out as ipad records; records of the wrong
 *     length are ignored.  1 ok, 0 malformed, -1 no memory.
 * A malformed answer is one the caller should treat as a temporary
 * lookup failure.
 */
#ifndef DNSANS_H
#define DNSANS_H

#include <stddef.h>

#include "ipad.h"
#include "sa.h"

#define DNSANS_T_A 1
#define DNSANS_T_CNAME 5
#define DNSANS_T_MX 15
#define DNSANS_T_AAAA 28

typedef struct dnsans_mxrec {
    unsigned pref;
    size_t name; /* offset into the names string */
} dnsans_mxrec;

int dnsans_name(const unsigned char *m, size_t len, size_t *pos, sa *out) WUR;
int dnsans_mx(const unsigned char *m, size_t len, sa *recs, sa *names) WUR;
int dnsans_addr(const unsigned char *m, size_t len, int v6, sa *out) WUR;

#endif
