/*
 * exitcodes.h: the exit codes that are interfaces.  Programs return
 * these; callers (qmail-send, tcpserver, shells) interpret them.
 */
#ifndef EXITCODES_H
#define EXITCODES_H

/* every program */
#define EX_OK 0
#define EX_STOP 99   /* success, stop reading this .qmail file */
#define EX_PERM 100  /* permanent failure */
#define EX_TEMP 111  /* temporary failure */

/* qmail-queue: 11..40 permanent, anything else temporary */
#define QQ_ADDR_TOO_LONG 11
#define QQ_PERM_REFUSED 31
#define QQ_NOMEM 51
#define QQ_TIMEOUT 52
#define QQ_WRITE 53
#define QQ_READ 54
#define QQ_CONFIG 55
#define QQ_NETWORK 56
#define QQ_HOME 61
#define QQ_QUEUEDIR 62
#define QQ_PID 63
#define QQ_MESS 64
#define QQ_INTD 65
#define QQ_TODO 66
#define QQ_TEMP_REFUSED 71
#define QQ_CONN_TIMEOUT 72
#define QQ_CONN_REJECTED 73
#define QQ_COMM_FAILED 74
#define QQ_BUG 81
#define QQ_CUSTOM 82
#define QQ_ENVELOPE 91
#define QQ_EXEC 120 /* the client's child could not exec qmail-queue */

#endif
