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
 * xrun_code: xrun_wait folded into one value: the exit status (>= 0),
 *   or XRUN_EWAIT (errno) or XRUN_CRASH.
 * xrun_test: run argv as a test and classify its exit: XRUN_TRUE for
 *   0, XRUN_TEMP for 111, XRUN_FALSE for any other status; or
 *   XRUN_EFORK (errno), XRUN_EWAIT (errno), XRUN_CRASH.
 * xrun_why: the diagnostic text for a negative result of xrun_code or
 *   xrun_test; XRUN_DIE(r) prints it (with the errno reason where r
 *   carries one) and exits 111.  The macro is for programs only.
 */
#ifndef XRUN_H
#define XRUN_H

#include <sys/types.h>

#include "err.h"
#include "exitcodes.h"
#include "sa.h"

enum {
    XRUN_FALSE = 0,
    XRUN_TRUE = 1,
    XRUN_EFORK = -1,
    XRUN_EWAIT = -2,
    XRUN_CRASH = -3,
    XRUN_TEMP = -4
};

/* evaluates r twice */
#define XRUN_DIE(r) \
    DIE(EX_TEMP, xrun_why(r), (r) >= XRUN_EWAIT ? ERRSYS : "")

int xrun_errtemp(int e);
pid_t xrun_spawn(char *const *argv) WUR;
/* xrun_feed: run argv with a fresh pipe as its fd 0; *fdw gets the
   write end (close-on-exec).  Returns the pid, or -1 with errno set and
   *why naming the step ("unable to create pipe: ", "unable to fork: ").
   In the child a failure prints "prog: fatal: unable to run X: reason"
   and exits 111 or 100 by errno class, like the qmail helpers. */
pid_t xrun_feed(char *const *argv, int *fdw, const char **why) WUR;
/* xrun_pour: write to fd each head[i] (i < n) whose want[i] is set,
   then all of fd 0, and close fd.  A program that stops reading (EPIPE)
   is not an error: its exit status tells what it made of the input.
   Returns 0, or -1 on a read error of fd 0 (*rderr 1) or a write error
   (*rderr 0), errno set, fd left open. */
int xrun_pour(int fd, const char *const *head, const int *want, size_t n,
              int *rderr) WUR;
int xrun_wait(pid_t pid, int *code) WUR;
int xrun_code(pid_t pid);
int xrun_test(char *const *argv);
const char *xrun_why(int r);

#endif
