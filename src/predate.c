/*
 * predate: run a child with "Date: <local time> <+hhmm>" LF followed by
 * our own stdin on its stdin (spec smtp-and-tools.md 3.10), so that
 * qmail-inject finds a local-time Date and adds no UTC one.  Runs as
 * the caller.  Exits with the child's status; 100 for usage; 111 when
 * a system call fails or the child dies of a signal.  A child that
 * stops reading is its own business: we stop writing and report its
 * status.  If our input fails, the child is killed so it cannot take a
 * truncated message for a whole one.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "date822.h"
#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "sa.h"

static struct {
    pid_t child;
    int fdout; /* write end of the child's stdin */
} cfg = {0, -1};

static _Noreturn void exec_child(int fdin, char **argv)
{
    if (fd_move(0, fdin) == -1)
        DIE(EX_TEMP, "unable to set up fds: ", ERRSYS);
    execvp(argv[0], argv);
    DIE(EX_TEMP, "unable to run ", argv[0], ": ", ERRSYS);
}

static void start(char **argv)
{
    int pi[2];

    if (pipe2(pi, O_CLOEXEC) == -1)
        DIE(EX_TEMP, "unable to create pipe: ", ERRSYS);
    cfg.child = fork();
    if (cfg.child == -1)
        DIE(EX_TEMP, "unable to fork: ", ERRSYS);
    if (cfg.child == 0)
        exec_child(pi[0], argv);
    close(pi[0]);
    cfg.fdout = pi[1];
}

/* 0 while the child still takes input, -1 once it stopped reading */
static int put(const char *buf, size_t n)
{
    return write_all(cfg.fdout, buf, n);
}

static void feed(const sa *date)
{
    char buf[8192];
    ssize_t r;

    if (put(date->s, date->len) == -1)
        return;
    for (;;) {
        r = read(0, buf, sizeof buf);
        if (r == -1 && errno == EINTR)
            continue;
        if (r == -1) {
            kill(cfg.child, SIGTERM);
            DIE(EX_TEMP, "unable to read input: ", ERRSYS);
        }
        if (r == 0 || put(buf, (size_t)r) == -1)
            return;
    }
}

static _Noreturn void finish(void)
{
    int status;

    close(cfg.fdout);
    while (waitpid(cfg.child, &status, 0) == -1)
        if (errno != EINTR)
            DIE(EX_TEMP, "wait failed: ", ERRSYS);
    if (!WIFEXITED(status))
        DIE(EX_TEMP, "child crashed");
    _exit(WEXITSTATUS(status));
}

int main(int argc, char **argv)
{
    sa date = SA_INIT;

    err_prog = "predate";
    if (argc < 2)
        DIEX(EX_PERM, "usage: predate child");
    if (fd_sanitise() == -1)
        _exit(EX_TEMP);
    if (!sa_copys(&date, "Date: ") || !date822_local(&date, time(0)) ||
        !sa_append(&date, '\n'))
        DIE(EX_TEMP, "out of memory");
    start(argv + 1);
    signal(SIGPIPE, SIG_IGN); /* only here: the child keeps the default */
    feed(&date);
    finish();
}
