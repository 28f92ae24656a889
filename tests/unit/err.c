/*
 * tests/unit/err.c: the diagnostics API.  DIE exits with its code and
 * prints "prog: fatal: ..." with ERRSYS replaced by the errno text of the
 * moment; DIEX, WARN and SAY; BUG() names file and line and exits 111;
 * one line is one write(2) (checked through a SOCK_SEQPACKET socket,
 * which keeps write boundaries), long lines are cut, errno survives.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "err.h"
#include "exitcodes.h"
#include "ptest.h"

static void die_open(void *arg)
{
    (void)arg;
    err_prog = "errtest";
    errno = ENOENT;
    DIE(EX_TEMP, "unable to open ", "control/me", ": ", ERRSYS);
}

static void die_perm(void *arg)
{
    (void)arg;
    err_prog = "errtest";
    DIE(EX_PERM, "usage: errtest [ -x ] file");
}

static void diex(void *arg)
{
    (void)arg;
    err_prog = "errtest";
    DIEX(QQ_WRITE, "no kind at all");
}

static void warn_then_exit(void *arg)
{
    (void)arg;
    err_prog = "errtest";
    errno = EACCES;
    WARN("unable to read ", "x", ": ", ERRSYS);
    if (errno != EACCES)
        _exit(3);
    SAY("plain ", "words");
    _exit(7);
}

static void bug(void *arg)
{
    (void)arg;
    err_prog = "errtest";
    BUG();
}
enum { BUG_LINE = __LINE__ - 2 }; /* the line of BUG() just above */

static void long_line(void *arg)
{
    static char big[5000];

    (void)arg;
    memset(big, 'x', sizeof big - 1);
    err_prog = "errtest";
    DIE(EX_TEMP, big, "tail");
}

static void t_die(void)
{
    char err[8192];
    char exp[128];
    size_t n = 0;

    IS_INT(pt_capture(die_open, 0, err, sizeof err, 0), 111, "DIE(111)");
    IS_STR(err,
           "errtest: fatal: unable to open control/me: No such file or "
           "directory\n",
           "message with the errno text");
    IS_INT(pt_capture(die_perm, 0, err, sizeof err, 0), 100, "DIE(100)");
    IS_STR(err, "errtest: fatal: usage: errtest [ -x ] file\n", "message");
    IS_INT(pt_capture(diex, 0, err, sizeof err, 0), 53, "DIEX(53)");
    IS_STR(err, "errtest: no kind at all\n", "DIEX has no kind");
    IS_INT(pt_capture(warn_then_exit, 0, err, sizeof err, 0), 7,
           "WARN returns, errno kept");
    IS_STR(err,
           "errtest: warning: unable to read x: Permission denied\n"
           "errtest: plain words\n",
           "WARN and SAY");
    IS_INT(pt_capture(bug, 0, err, sizeof err, 0), 111, "BUG() exits 111");
    snprintf(exp, sizeof exp,
             "errtest: fatal: internal bug at tests/unit/err.c:%d\n",
             BUG_LINE);
    IS_STR(err, exp, "BUG() names file and line");
    IS_INT(pt_capture(long_line, 0, err, sizeof err, &n), 111, "long DIE");
    IS_INT(n, 4096, "cut to 4095 bytes and a newline");
    OK(memcmp(err, "errtest: fatal: xxx", 19) == 0 && err[4094] == 'x' &&
           err[4095] == '\n',
       "the start is kept");
}

/* one message, one write: read one packet from a SEQPACKET socket */
static void t_one_write(void)
{
    int s[2], st;
    pid_t pid;
    char buf[8192];
    ssize_t r;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, s) == -1) {
        SKIP("one write per message", "no SOCK_SEQPACKET");
        return;
    }
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        close(s[0]);
        dup2(s[1], 2);
        err_prog = "errtest";
        errno = EIO;
        WARN("part one, ", "part two, ", "part three: ", ERRSYS);
        _exit(0);
    }
    close(s[1]);
    waitpid(pid, &st, 0);
    r = recv(s[0], buf, sizeof buf, 0);
    IS_MEM(buf, r > 0 ? (size_t)r : 0,
           "errtest: warning: part one, part two, part three: "
           "Input/output error\n",
           strlen("errtest: warning: part one, part two, part three: "
                  "Input/output error\n"),
           "the whole line in the first write");
    close(s[0]);
}

int main(void)
{
    t_die();
    t_one_write();
    return pt_done();
}
