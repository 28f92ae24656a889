/*
 * fresh.h: make a forked child of a daemon look to the code it is about
 * to run as a freshly executed program would, for children that call
 * a library function (qlocal.h, getpw.h) instead of exec'ing the
 * program that wraps it: qmail-lspawn's and qmail-verify's children.
 */
#ifndef FRESH_H
#define FRESH_H

#include <stddef.h>

#include "sa.h" /* WUR */

/*
 * fresh_child: close every descriptor above 2 (what close-on-exec
 * would have done, and also any that was not marked), turn every
 * caught signal back to its default action (ignored ones stay ignored
 * and the signal mask is kept, as across exec), and name the process
 * name (at most 15 bytes are kept), as ps and top show it.  Call it
 * once the ids are dropped and fds 0, 1, 2 are in place.  0 ok, -1
 * error (errno set).
 */
int fresh_child(const char *name) WUR;

/* the mask of caught signals from the text of /proc/PID/status (its
   SigCgt line, bit s-1 for signal s) into *mask: 1, or 0 if there is
   no such line or it is malformed.  fresh_child uses it to reset only
   those signals, one system call each, instead of asking about every
   signal; without /proc it asks about every one. */
int fresh_sigcgt(const char *buf, size_t len, unsigned long long *mask);

#endif
