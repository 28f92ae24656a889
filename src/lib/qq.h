/*
 * qq.h: the client side of qmail-queue (spec smtp-and-tools.md 0.4).
 * qq_start forks $QMAILQUEUE or QMAILHOME/bin/qmail-queue with the
 * message pipe on fd 0, the envelope pipe on fd 1 and an error-text
 * pipe on fd 6.  The caller writes the message with qq_put, then the
 * envelope with qq_from / qq_to, then qq_close, which returns the
 * result string: "" for success, else "D..." (permanent) or "Z..."
 * (temporary) with a human text after the letter.
 * qq_fail marks the message as aborted: qq_close then omits the
 * envelope terminator, so qmail-queue refuses it.
 * Callers must ignore SIGPIPE.  qq_start: 0 ok, -1 error (errno).
 */
#ifndef QQ_H
#define QQ_H

#include <sys/types.h>

#include "bio.h"
#include "sa.h"

typedef struct qq {
    pid_t pid;
    int fdm;   /* message pipe, write end */
    int fde;   /* envelope pipe, write end */
    int fderr; /* error-text pipe, read end */
    int werr;  /* a write failed */
    int abort;
    bio b;
    char buf[BIO_SIZE];
    char msg[256];
} qq;

int qq_start(qq *q) WUR;
unsigned long qq_qp(const qq *q);
void qq_put(qq *q, const char *buf, size_t n);
void qq_puts(qq *q, const char *s);
void qq_from(qq *q, const char *s);
void qq_to(qq *q, const char *s);
void qq_fail(qq *q);
const char *qq_close(qq *q);

/* the result string for a qmail-queue exit code (pure; for tests) */
const char *qq_exitmsg(int code);

#endif
