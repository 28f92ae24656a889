/*
 * sig.h: signal set-up shared by the daemons.
 * sig_survive: catch sig with a handler that does nothing (SA_RESTART),
 *   so that "pkill -USR1 qmail", the reload habit of qmail admins,
 *   cannot kill the process.  Unlike SIG_IGN, a caught signal goes back
 *   to its default action across exec, so programs started for a
 *   delivery are not affected.  Returns 0 ok, -1 error.
 */
#ifndef SIG_H
#define SIG_H

int sig_survive(int sig);

#endif
