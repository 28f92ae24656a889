/*
 * except: run a program and turn its verdict around (spec
 * smtp-and-tools.md 5.1), for use in .qmail files: exit 0 becomes 100
 * (bounce), 111 stays 111, anything else becomes 0.  Runs as the
 * recipient under qmail-local; the program inherits fds and environment.
 */
#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "xrun.h"

int main(int argc, char **argv)
{
    pid_t pid;
    int code;

    err_prog = "except";
    if (argc < 2 || !argv[1])
        DIEX(EX_PERM, "usage: except program [ arg ... ]");
    if (fd_sanitise() == -1)
        DIE(EX_TEMP, "unable to open /dev/null: ", ERRSYS);
    pid = xrun_spawn(argv + 1);
    if (pid == -1)
        DIE(EX_TEMP, "unable to fork: ", ERRSYS);
    switch (xrun_wait(pid, &code)) {
    case -1:
        DIE(EX_TEMP, "wait failed: ", ERRSYS);
    case 0:
        DIE(EX_TEMP, "child crashed");
    default:
        break;
    }
    if (code == 0)
        return EX_PERM;
    if (code == EX_TEMP)
        DIE(EX_TEMP, "temporary child error");
    return EX_OK;
}
