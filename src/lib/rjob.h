/*
 * rjob.h: the job protocol between qmail-rspawn and its persistent
 * qmail-remote workers (qmail-remote -w), over an AF_UNIX
 * SOCK_SEQPACKET socketpair, one packet per record:
 *
 *   job     rspawn -> worker: host NUL sender NUL recipient NUL ...
 *           (at least one recipient), the message file descriptor
 *           attached with SCM_RIGHTS; at most RJOB_MAX bytes
 *   data    worker -> rspawn: 'd' then report bytes, exactly those
 *           one-shot qmail-remote writes to fd 1, in order
 *   end     worker -> rspawn: 'e' then '1' when the worker kept its
 *           SMTP connection to host open, '0' when not; ends the job
 *
 * A worker that goes away before 'e' has not finished its job.
 * Return conventions: rjob_send*, rjob_end: 0 ok, -1 error (errno);
 * rjob_recv: bytes > 0, 0 at EOF, -1 error; rjob_split: the number of
 * fields, -1 when malformed (errno EPROTO) or out of memory (ENOMEM).
 */
#ifndef RJOB_H
#define RJOB_H

#include <stddef.h>
#include <sys/types.h>

#include "sa.h"

#define RJOB_MAX 65536 /* a job packet, and the largest packet read */
#define RJOB_DATA 4096 /* report bytes per data packet */
#define RJOB_KEEP 8    /* connections a worker keeps open at most */

/* one job packet from the fields in job (len bytes), with fd attached */
int rjob_send(int sock, int fd, const char *job, size_t len) WUR;

/*
 * One packet into buf (room for n bytes); a descriptor that came with
 * it is stored in *fd (else -1).  A packet larger than n fails with
 * EMSGSIZE (its descriptor, if any, closed).  Retries EINTR; with
 * nonblock set, EAGAIN when nothing is there.
 */
ssize_t rjob_recv(int sock, char *buf, size_t n, int *fd, int nonblock);

/* a data packet of n (at most RJOB_DATA) bytes: n, or -1 */
ssize_t rjob_senddata(int sock, const char *buf, size_t n);
int rjob_end(int sock, int kept) WUR;

/*
 * Splits a job packet in place: vec becomes an array of char *
 * pointing at each NUL-terminated field, followed by a null pointer.
 * The packet must end in NUL and hold at least three fields.  Pure.
 */
int rjob_split(char *buf, size_t len, sa *vec);

#endif
