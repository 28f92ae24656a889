/*
 * preline: feed a program the message with the UUCP From_ line, the
 * Return-Path and the Delivered-To line on top, for programs that know
 * nothing of qmail-local's environment (spec delivery.md 3.5,
 * smtp-and-tools.md 5.1).  Runs as the recipient; the lines come from
 * UFLINE, RPLINE and DTLINE.  Exits with the program's exit status
 * (also when it stops reading early); its own failures are 111,
 * except a permanent exec failure (100).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bio.h"
#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "sgopt.h"
#include "xrun.h"

static struct {
    const char *line[3]; /* UFLINE, RPLINE, DTLINE */
    int want[3];
    char **argv;
} cf = {{0, 0, 0}, {1, 1, 1}, 0};

static _Noreturn void usage(void)
{
    DIEX(EX_PERM, "usage: preline cmd [ arg ... ]");
}

static void options(int argc, char **argv)
{
    static const char letters[] = "frdFRD";
    sgopt g = SGOPT_INIT;
    int c, i;

    cf.line[0] = getenv("UFLINE");
    cf.line[1] = getenv("RPLINE");
    cf.line[2] = getenv("DTLINE");
    if (!cf.line[0] || !cf.line[1] || !cf.line[2])
        usage();
    while ((c = sgopt_next(&g, argc, argv, letters)) != -1) {
        if (c == '?')
            usage();
        for (i = 0; i < 6; ++i)
            if (letters[i] == c)
                cf.want[i % 3] = i < 3 ? 0 : 1;
    }
    cf.argv = argv + g.ind;
    if (!cf.argv[0])
        usage();
}

static pid_t start(int *fdw)
{
    const char *why;
    pid_t pid = xrun_feed(cf.argv, fdw, &why);

    if (pid == -1)
        DIE(EX_TEMP, why, ERRSYS);
    return pid;
}

/* the wanted lines, then the message, to the program's input */
static void feed(int fd)
{
    int rderr;

    if (xrun_pour(fd, cf.line, cf.want, sizeof cf.want / sizeof cf.want[0],
                  &rderr) == -1)
        DIE(EX_TEMP,
            rderr ? "unable to read input: " : "unable to copy input: ",
            ERRSYS);
}

int main(int argc, char **argv)
{
    pid_t pid;
    int fd, code;

    err_prog = "preline";
    signal(SIGPIPE, SIG_IGN);
    if (fd_sanitise() == -1)
        DIE(EX_TEMP, "unable to open /dev/null: ", ERRSYS);
    options(argc, argv);
    pid = start(&fd);
    feed(fd);
    code = xrun_code(pid);
    if (code < 0)
        XRUN_DIE(code);
    return code;
}
