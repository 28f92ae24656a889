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
    int r;

    err_prog = "except";
    if (argc < 2 || !argv[1])
        DIEX(EX_PERM, "usage: except program [ arg ... ]");
    if (fd_sanitise() == -1)
        DIE(EX_TEMP, "unable to open /dev/null: ", ERRSYS);
    r = xrun_test(argv + 1);
    if (r < 0)
        XRUN_DIE(r);
    if (r == XRUN_TRUE)
        return EX_PERM;
    return EX_OK;
}
