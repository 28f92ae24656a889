/*
 * smtpdata.h: the bytes after DATA (spec smtp-and-tools.md 1.9):
 * dot-unstuffing, CRLF to LF, the end-of-data line, the stray-LF rule,
 * the hop count of the header and the count of stored bytes.  A pure
 * streaming state machine: feed it input in pieces of any size; it
 * keeps a few integers, so a 4 GB header or body costs no memory.
 *
 * smtpdata_feed: raw client bytes in[0..len).  The bytes to be stored
 *   (queued) are written to out, which must have room for len + 2
 *   bytes, and counted in *olen.  Returns
 *     SMTPDATA_MORE   every input byte consumed, data not finished;
 *     SMTPDATA_END    the final "." CRLF line was consumed (*used bytes,
 *                     the last one its LF);
 *     SMTPDATA_BARELF a LF without CR before it (*used bytes, the last
 *                     one that LF): qmail-smtpd refuses the message.
 *   d->hops counts header lines starting "received" (8 bytes) or
 *   "delivered" (9 bytes), ASCII case-insensitive, on the raw input, up
 *   to the first empty line; it saturates.  d->bytes counts stored bytes
 *   and saturates at SIZE_MAX: no 32-bit counter anywhere.
 */
#ifndef SMTPDATA_H
#define SMTPDATA_H

#include <stddef.h>

enum { SMTPDATA_MORE, SMTPDATA_END, SMTPDATA_BARELF };

typedef struct smtpdata {
    int state;       /* position in the body state machine */
    int inheader;    /* still before the first empty line */
    unsigned pos;    /* bytes of the current header line seen, max 9 */
    int maybe_rcvd;  /* the line so far can be "received" */
    int maybe_dlvd;  /* the line so far can be "delivered" */
    int maybe_empty; /* the line so far can be CR LF */
    unsigned long hops;
    size_t bytes;
} smtpdata;

void smtpdata_init(smtpdata *d);
int smtpdata_feed(smtpdata *d, const char *in, size_t len, char *out,
                  size_t *olen, size_t *used);

#endif
