/*
 * sendmail: the sendmail-compatible front end (spec smtp-and-tools.md
 * 3.9).  Runs as the caller.  It translates sendmail options into a
 * qmail-inject command line and execs bin/qmail-inject relative to
 * QMAILHOME; -bp (or the name mailq) execs bin/qmail-qread, -bs execs
 * bin/qmail-smtpd with a local-client environment.  It reads nothing
 * but argv and the environment.  Its own failures: 100 for usage and
 * for the name newaliases, 111 when QMAILHOME or a program is missing.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auto.h"
#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "sgopt.h"

#define USAGE                                                                  \
    "usage: sendmail [ -t ] [ -fsender ] [ -Fname ] [ -bp ] "                  \
    "[ -bs ] [ arg ... ]"

static struct {
    int flagh;          /* -t: header recipients as well */
    const char *sender; /* -f */
    int first;          /* index of the first recipient argument */
} cfg;

static _Noreturn void die_nomem(void)
{
    DIE(EX_TEMP, "out of memory");
}
static _Noreturn void die_usage(void)
{
    DIEX(EX_PERM, USAGE);
}

static void put_env(const char *name, const char *value)
{
    if (setenv(name, value, 1) == -1)
        die_nomem();
}

static _Noreturn void run(const char *path, char *const *argv, const char *what)
{
    execv(path, argv);
    DIE(EX_TEMP, "unable to run ", what);
}

static _Noreturn void run_qread(void)
{
    char *const argv[] = {(char *)"qmail-qread", 0};

    run("bin/qmail-qread", argv, "qmail-qread");
}

/* -bs: a local SMTP session; when not already under a TCP server the
   client is this host, trusted to relay and without a size limit */
static _Noreturn void run_smtpd(void)
{
    static const char *const env[][2] = {{"RELAYCLIENT", ""},
                                         {"DATABYTES", "0"},
                                         {"PROTO", "TCP"},
                                         {"TCPLOCALIP", "127.0.0.1"},
                                         {"TCPLOCALHOST", "localhost"},
                                         {"TCPREMOTEIP", "127.0.0.1"},
                                         {"TCPREMOTEHOST", "localhost"},
                                         {"TCPREMOTEINFO", "sendmail-bs"}};
    char *const argv[] = {(char *)"qmail-smtpd", 0};
    size_t i;

    if (!getenv("PROTO"))
        for (i = 0; i < sizeof env / sizeof env[0]; ++i)
            put_env(env[i][0], env[i][1]);
    run("bin/qmail-smtpd", argv, "qmail-smtpd");
}

/* -b: only the first letter counts, as in the original */
static void mode(const char *arg)
{
    switch (arg[0]) {
    case 'm':
        return;
    case 'p':
        run_qread();
    case 's':
        run_smtpd();
    default:
        die_usage();
    }
}

static void options(int argc, char **argv)
{
    sgopt g = SGOPT_INIT;
    int c;

    while ((c = sgopt_next(&g, argc, argv, "vimte:f:p:o:B:F:EJxb:")) != -1)
        switch (c) {
        case 't':
            cfg.flagh = 1;
            break;
        case 'f':
            cfg.sender = g.arg;
            break;
        case 'F':
            put_env("MAILNAME", g.arg);
            break;
        case 'b':
            mode(g.arg);
            break;
        case 'E':
        case 'J': /* the rest of this argument is their parameter */
            if (g.pos) {
                ++g.ind;
                g.pos = 0;
            }
            break;
        /* -v -i -m -x, and -e -p -o -B with their argument, mean
           nothing to qmail: one delivery mode, one error mode */
        case 'v':
        case 'i':
        case 'm':
        case 'x':
        case 'e':
        case 'p':
        case 'o':
        case 'B':
            break;
        default:
            die_usage();
        }
    cfg.first = g.ind;
}

/* -f also decides the generated From: user and host come from the
   sender, and no personal name from the environment goes with it */
static void sender_env(const char *s)
{
    static const char *const drop[] = {"QMAILNAME", "MAILNAME", "NAME",
                                       "QMAILHOST", "MAILHOST"};
    const char *at = strrchr(s, '@');
    char *user;
    size_t i;

    for (i = 0; i < sizeof drop / sizeof drop[0]; ++i)
        if (unsetenv(drop[i]) == -1)
            die_nomem();
    if (!at) {
        put_env("QMAILUSER", s);
        return;
    }
    put_env("QMAILHOST", at + 1);
    user = strndup(s, (size_t)(at - s));
    if (!user)
        die_nomem();
    put_env("QMAILUSER", user);
    free(user);
}

static _Noreturn void run_inject(int argc, char **argv)
{
    char **qi;
    size_t n = 0;
    int i;

    qi = calloc((size_t)argc + 6, sizeof *qi);
    if (!qi)
        die_nomem();
    qi[n++] = (char *)"qmail-inject";
    qi[n++] = (char *)(cfg.flagh ? "-H" : "-a");
    if (cfg.sender) {
        qi[n++] = (char *)"-f";
        qi[n++] = (char *)cfg.sender;
        sender_env(cfg.sender);
    }
    qi[n++] = (char *)"--";
    for (i = cfg.first; i < argc; ++i)
        qi[n++] = argv[i];
    qi[n] = 0;
    run("bin/qmail-inject", qi, "qmail-inject");
}

int main(int argc, char **argv)
{
    const char *name;

    err_prog = "sendmail";
    if (fd_sanitise() == -1)
        _exit(EX_TEMP);
    if (chdir(AUTO_QMAILHOME) == -1)
        DIE(EX_TEMP, "unable to switch to qmail home directory");
    options(argc, argv);
    name = argc > 0 && argv[0] ? argv[0] : "sendmail";
    if (strrchr(name, '/'))
        name = strrchr(name, '/') + 1;
    if (!strcmp(name, "mailq"))
        run_qread();
    if (!strcmp(name, "newaliases"))
        DIE(EX_PERM, "please use fastforward/newaliases instead");
    run_inject(argc, argv);
}
