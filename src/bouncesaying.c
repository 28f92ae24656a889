/*
 * bouncesaying: bounce a message with a given text (spec
 * smtp-and-tools.md 5.1).  Without a program it always prints the text
 * (a line on fd 2, which qmail-local puts into the bounce) and exits
 * 100.  With one, it bounces only when the program exits 0; 111 stays
 * 111; anything else is success.  Runs as the recipient.
 */
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "sa.h"
#include "xrun.h"

/* the text alone, as one line: it is the whole bounce reason */
static _Noreturn void bounce(const char *text)
{
    sa line = SA_INIT;

    if (sa_copys(&line, text) && sa_append(&line, '\n'))
        (void)write_all(2, line.s, line.len);
    else if (write_all(2, text, strlen(text)) == 0)
        (void)write_all(2, "\n", 1);
    _exit(EX_PERM);
}

static void runcheck(char **argv)
{
    int r = xrun_test(argv);

    if (r < 0)
        XRUN_DIE(r);
    if (r == XRUN_FALSE)
        _exit(EX_OK);
}

int main(int argc, char **argv)
{
    err_prog = "bouncesaying";
    if (argc < 2 || !argv[1])
        DIEX(EX_PERM, "usage: bouncesaying error [ program [ arg ... ] ]");
    if (fd_sanitise() == -1)
        DIE(EX_TEMP, "unable to open /dev/null: ", ERRSYS);
    if (argv[2])
        runcheck(argv + 2);
    bounce(argv[1]);
}
