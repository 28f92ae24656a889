/*
 * qmail-start: wires qmail-send to its helpers and starts them under
 * their accounts (spec delivery.md 2.1).  Runs as root; parses nothing
 * but its arguments.  qmail-start [defaultdelivery [logger arg ...]]
 * The process itself becomes qmail-send.  Any set-up failure: exit 111.
 */
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acct.h"
#include "exitcodes.h"
#include "fd.h"
#include "sig.h"

static char *const *logger;
static const char *dd = "./Mailbox";
static uid_t uids[ACCT_NUSERS];
static gid_t gqmail, gnofiles;

static _Noreturn void die(void)
{
    _exit(EX_TEMP);
}

static void become(uid_t u, gid_t g)
{
    if (getuid() == u && getgid() == g && geteuid() == u)
        return; /* a private instance running as its own account */
    if (setgroups(1, &g) == -1 || setgid(g) == -1 || setuid(u) == -1)
        die();
}

static void lookup(void)
{
    static const enum acct_user need[] = {ACCT_QMAILL, ACCT_QMAILR, ACCT_QMAILQ,
                                          ACCT_QMAILS};
    size_t i;

    for (i = 0; i < sizeof need / sizeof need[0]; ++i)
        if (acct_uid(need[i], &uids[need[i]]) != 1)
            die();
    if (acct_gid(ACCT_GQMAIL, &gqmail) != 1 ||
        acct_gid(ACCT_GNOFILES, &gnofiles) != 1)
        die();
}

static void closeplaceholders(void)
{
    int fd;

    for (fd = 2; fd <= 6; ++fd)
        close(fd);
}

static void start_logger(void)
{
    int pi[2];

    if (!logger || !*logger)
        return;
    if (pipe(pi) == -1)
        die();
    switch (fork()) {
    case -1:
        die();
    case 0:
        become(uids[ACCT_QMAILL], gnofiles);
        if (fd_move(0, pi[0]) == -1)
            die();
        close(pi[1]);
        closeplaceholders();
        execvp(logger[0], logger);
        die();
    default:
        break;
    }
    close(pi[0]);
    if (fd_move(1, pi[1]) == -1)
        die();
}

/* child: its fd 0 reads from "in", its fd 1 writes to "out" */
static void start_child(int pi[12], int in, int out, const char *prog,
                        const char *arg, int acct)
{
    int i;

    switch (fork()) {
    case -1:
        die();
    case 0:
        if (acct >= 0)
            become(uids[acct], gqmail);
        if (fd_copy(0, pi[in]) == -1 || fd_copy(1, pi[out]) == -1)
            die();
        closeplaceholders();
        for (i = 0; i < 12; ++i)
            close(pi[i]);
        execlp(prog, prog, arg, (char *)0);
        die();
    default:
        break;
    }
}

int main(int argc, char **argv)
{
    int pi[12];
    int i;

    sig_survive(SIGUSR1); /* "pkill -USR1 qmail" must not kill us */
    if (chdir("/") == -1)
        die();
    umask(077);
    if (argc > 1)
        dd = argv[1];
    if (argc > 2)
        logger = argv + 2;
    lookup();
    if (getuid() == 0 && (setgroups(1, &gqmail) == -1 || setgid(gqmail) == -1))
        die();
    for (i = 2; i <= 6; ++i) /* placeholders: new pipes get fds >= 7 */
        if (fd_copy(i, 0) == -1)
            die();
    start_logger();
    for (i = 0; i < 6; ++i)
        if (pipe(pi + 2 * i) == -1)
            die();
    /* pairs: 0/1 send->lspawn, 2/3 lspawn->send, 4/5 send->rspawn,
       6/7 rspawn->send, 8/9 send->clean, 10/11 clean->send */
    start_child(pi, 0, 3, "qmail-lspawn", dd, -1);
    start_child(pi, 4, 7, "qmail-rspawn", 0, ACCT_QMAILR);
    start_child(pi, 8, 11, "qmail-clean", 0, ACCT_QMAILQ);
    become(uids[ACCT_QMAILS], gqmail);
    if (fd_copy(0, 1) == -1 || fd_copy(1, pi[1]) == -1 ||
        fd_copy(2, pi[2]) == -1 || fd_copy(3, pi[5]) == -1 ||
        fd_copy(4, pi[6]) == -1 || fd_copy(5, pi[9]) == -1 ||
        fd_copy(6, pi[10]) == -1)
        die();
    for (i = 0; i < 12; ++i)
        close(pi[i]);
    execlp("qmail-send", "qmail-send", (char *)0);
    die();
}
