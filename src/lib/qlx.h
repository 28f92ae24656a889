/*
 * qlx.h: the exit statuses by which qmail-lspawn's child (and
 * qmail-getpw, whose status it passes on) tell the spawn what went
 * wrong before qmail-local could run, and the translation of a child's
 * result into a spawn report (spec delivery.md 2.7).
 */
#ifndef QLX_H
#define QLX_H

#include <stddef.h>

#include "sa.h"

#define QLX_USAGE 112     /* internal trouble: bad record, setuid failed */
#define QLX_ROOT 113      /* would deliver as root */
#define QLX_NFS 115       /* temporary failure to stat a home directory */
#define QLX_NOALIAS 116   /* no alias account */
#define QLX_CDB 117       /* users/cdb unreadable */
#define QLX_SYS 118       /* other temporary failure */
#define QLX_NOMEM 119
#define QLX_EXECSOFT 120  /* qmail-local could not be run, temporarily */
#define QLX_EXECPW 121    /* qmail-getpw could not be run */
#define QLX_EXECHARD 126  /* qmail-local could not be run, permanently */

/* qmail-lspawn keeps at most this much of qmail-local's output */
#define QLX_TRUNC 3000

/*
 * qlx_report: the report (letter, text) for a child of qmail-lspawn
 * with wait status wstat and output s[0..len): a fixed text for the
 * statuses above, else K (0), Z (111, 71, 74, 75) or D (anything
 * else) followed by the output up to its first NUL, cut to fit
 * QLX_TRUNC bytes.  Appends to out; 1 ok, 0 out of memory.  Pure.
 */
int qlx_report(sa *out, int wstat, const char *s, size_t len) WUR;

#endif
