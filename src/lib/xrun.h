/*
 * xrun.h: running one child program from a small wrapper (except,
 * bouncesaying, condredirect, preline).  The exec-failure classes are
 * those of spec smtp-and-tools.md 0.3.
 *
 * xrun_errtemp: 1 if an exec failure with errno e is temporary (the
 *   wrapper reports 111), 0 if it is permanent (100).
 * xrun_spawn: fork; the child restores the default SIGPIPE action and
 *   execs argv[0] (PATH search) with argv; if that fails the child
 *   exits 111 or 100 by xrun_errtemp, silently.  Returns the child's
 *   pid, or -1 (errno) when fork failed.
 * xrun_wait: wait for pid, retrying EINTR.  Returns 1 when it exited
 *   (*code = exit status), 0 when a signal killed it (*code = signal
 *   number), -1 on error (errno).
 */
#ifndef XRUN_H
#define XRUN_H

#include <sys/types.h>

#include "sa.h"

int xrun_errtemp(int e);
pid_t xrun_spawn(char *const *argv) WUR;
int xrun_wait(pid_t pid, int *code) WUR;

#endif
