/*
 * rcptck.h: asking qmail-verify whether a local recipient exists, the
 * client side used by qmail-smtpd (and the protocol both sides share).
 *
 * The question is the one qmail-send and qmail-lspawn answer later:
 * rcptck_local rewrites an envelope recipient exactly as qmail-send
 * does (envnoathost, percenthack, locals, virtualdomains: rewrite.h),
 * reading the control files when it is first called; only a LOCAL
 * result is worth asking about.  rcptck_ask then sends the rewritten
 * address to qmail-verify over the UNIX socket RCPTCK_SOCKET.
 *
 * Protocol (one connection per SMTP session, any number of questions):
 *   question: the address (no NUL, at most RCPTCK_ADDRMAX bytes), NUL;
 *   answer:   one byte: 'Y' qmail-local would take it, 'N' qmail-local
 *             would bounce it ("no mailbox here by that name"), '?'
 *             cannot tell now (a temporary problem).
 *
 * Return conventions:
 *   rcptck_local: REWRITE_LOCAL or REWRITE_REMOTE (out = rewritten
 *     address, NUL-terminated), -1 the controls are unreadable or no
 *     memory (errno).
 *   rcptck_ask: addr[len] must be a NUL (it is sent too).  RCPTCK_YES,
 *     RCPTCK_NO, or RCPTCK_UNSURE with r->why naming the trouble
 *     (qmail-verify not running, a timeout, an answer '?').
 */
#ifndef RCPTCK_H
#define RCPTCK_H

#include <stddef.h>

#include "rewrite.h"
#include "sa.h"

#define RCPTCK_SOCKET "verify.sock" /* in QMAILHOME */
#define RCPTCK_ADDRMAX 4096
#define RCPTCK_TIMEOUT 30 /* seconds for one answer */

enum { RCPTCK_NO, RCPTCK_YES, RCPTCK_UNSURE };

typedef struct rcptck {
    int fd;     /* connection to qmail-verify, or -1 */
    int loaded; /* rw holds the control files */
    rewrite_conf rw;
    const char *why;
} rcptck;

#define RCPTCK_INIT                                                            \
    {                                                                          \
        -1, 0, {CMAP_INIT, CMAP_INIT, CMAP_INIT, SA_INIT}, 0                   \
    }

int rcptck_load(rcptck *r) WUR; /* read the controls now: 1 / -1 */
int rcptck_local(rcptck *r, const char *addr, size_t len, sa *out) WUR;
int rcptck_ask(rcptck *r, const char *addr, size_t len) WUR;
void rcptck_close(rcptck *r);

/* rcptck_path: the socket's absolute path, NUL-terminated; 1 / 0 */
int rcptck_path(sa *out) WUR;

#endif
