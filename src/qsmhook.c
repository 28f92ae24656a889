/*
 * qsmhook: run a sendmail-style local delivery agent from a .qmail file
 * (spec smtp-and-tools.md 5.2).  Runs as the recipient under
 * qmail-local; %g, %h and %u in the arguments become SENDER, HOST and
 * LOCAL, and the agent reads the message with the From_ line (and, by
 * option, Return-Path and Delivered-To) on top.  Exits with the agent's
 * status, which qmail-local reads sendmail-style; its own trouble is
 * 111, bad usage and a permanent exec failure 100.
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
#include "sa.h"
#include "sgopt.h"
#include "smhook.h"
#include "xrun.h"

enum { LINE_UF, LINE_RP, LINE_DT, LINES };

static struct {
    const char *line[LINES]; /* UFLINE, RPLINE, DTLINE */
    int want[LINES];
    smhook_env env;
    const char *prefix; /* -x: cut from LOCAL for %u */
    char **argv;        /* the agent, expanded */
} cf = {{0, 0, 0}, {1, 0, 0}, {0, 0, 0}, "", 0};

static _Noreturn void usage(void)
{
    DIE(EX_PERM, "incorrect usage");
}

static const char *need(const char *name)
{
    const char *v = getenv(name);

    if (!v)
        usage();
    return v;
}

/* the letters are sendmail's mailer flags: n no From_ line, P a
   Return-Path line, l (local mailer) a Delivered-To line; D F M m s
   are accepted and mean nothing here */
static int options(int argc, char **argv)
{
    sgopt g = SGOPT_INIT;
    int c;

    cf.line[LINE_DT] = need("DTLINE");
    cf.line[LINE_RP] = need("RPLINE");
    cf.line[LINE_UF] = need("UFLINE");
    cf.env.local = need("LOCAL");
    cf.env.host = need("HOST");
    cf.env.sender = need("SENDER");
    while ((c = sgopt_next(&g, argc, argv, "lnPx:DFMms")) != -1) {
        if (c == '?')
            usage();
        if (c == 'n')
            cf.want[LINE_UF] = 0;
        else if (c == 'P')
            cf.want[LINE_RP] = 1;
        else if (c == 'l')
            cf.want[LINE_DT] = 1;
        else if (c == 'x')
            cf.prefix = g.arg;
    }
    if (g.ind >= argc)
        usage();
    return g.ind;
}

static void expand(int argc, char **argv, int first)
{
    size_t n = (size_t)(argc - first), i;
    sa arg = SA_INIT;

    cf.env.local = smhook_strip(cf.env.local, cf.prefix);
    cf.argv = calloc(n + 1, sizeof *cf.argv);
    if (!cf.argv)
        DIE(EX_TEMP, "out of memory");
    for (i = 0; i < n; ++i) {
        if (!smhook_expand(&arg, argv[first + (int)i], &cf.env))
            DIE(EX_TEMP, "out of memory");
        cf.argv[i] = arg.s; /* kept until exec */
        arg = (sa)SA_INIT;
    }
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
            rderr ? "unable to read message: " : "unable to write message: ",
            ERRSYS);
}

int main(int argc, char **argv)
{
    pid_t pid;
    int fd, code;

    err_prog = "qsmhook";
    signal(SIGPIPE, SIG_IGN);
    if (fd_sanitise() == -1)
        DIE(EX_TEMP, "unable to open /dev/null: ", ERRSYS);
    expand(argc, argv, options(argc, argv));
    pid = start(&fd);
    feed(fd);
    code = xrun_code(pid);
    if (code < 0)
        XRUN_DIE(code);
    return code;
}
