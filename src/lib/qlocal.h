/*
 * qlocal.h: qmail-local's work as a function, so that the root daemons
 * that start a delivery or a check (qmail-lspawn, qmail-verify) can run
 * it in a forked child that has become the recipient, without an exec
 * (spec delivery.md 3.4; the qmail-local program is a thin main()).
 * Such a child first calls fresh_child("qmail-local") (fresh.h).
 */
#ifndef QLOCAL_H
#define QLOCAL_H

/*
 * qlocal_main: qmail-local with its command line (argv[0] is ignored):
 * [-nNe] [--] user home local dash ext domain sender aliasempty, the
 * message on fd 0, results on fds 1 and 2.  Never returns: it ends the
 * process with qmail-local's exit status (0 done, 100 permanent
 * failure, 111 temporary failure), by _exit, so no atexit handler of
 * the caller runs.
 */
_Noreturn void qlocal_main(int argc, char **argv);

/* what -n prints for a sticky home, where a delivery would wait (111);
   qmail-verify looks for it to tell "not yet" from "no such mailbox" */
#define QLOCAL_STICKY "Warning: home directory is sticky."

#endif
