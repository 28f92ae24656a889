/*
 * condredirect: redirect the message to another address when a test
 * program says so (spec delivery.md 3.5, smtp-and-tools.md 5.1).  Runs
 * as the recipient from a .qmail file.  Program exit 0: submit DTLINE
 * plus the message (envelope sender SENDER) to the new address and
 * exit 99, so the rest of the .qmail file is skipped; 111: exit 111;
 * anything else: exit 0 and let the .qmail file go on.
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "fmt.h"
#include "qq.h"
#include "qqfd.h"
#include "xrun.h"

static struct {
    const char *sender;
    const char *dtline;
    qq q;
} cf;

/* returns only when the program asked for the redirection */
static void test(char **argv)
{
    int r = xrun_test(argv);

    if (r < 0)
        XRUN_DIE(r);
    if (r == XRUN_FALSE)
        _exit(EX_OK);
}

static void redirect(char *to)
{
    char num[FMT_ULONG];
    char *list[2] = {to, 0};
    const char *r, *why;

    r = qqfd_submit(&cf.q, cf.dtline, 0, cf.sender, list, &why);
    if (!r)
        DIE(EX_TEMP, why, ERRSYS);
    if (*r)
        DIE(*r == 'D' ? EX_PERM : EX_TEMP, r + 1);
    num[fmt_ulong(num, qq_qp(&cf.q))] = 0;
    DIEX(EX_STOP, "qp ", num);
}

int main(int argc, char **argv)
{
    err_prog = "condredirect";
    if (argc < 3 || !argv[1] || !argv[2])
        DIEX(EX_PERM, "usage: condredirect newaddress program [ arg ... ]");
    if (fd_sanitise() == -1)
        DIE(EX_TEMP, "unable to open /dev/null: ", ERRSYS);
    test(argv + 2);
    if (lseek(0, 0, SEEK_SET) == -1)
        DIE(EX_TEMP, "unable to rewind: ", ERRSYS);
    signal(SIGPIPE, SIG_IGN);
    cf.sender = getenv("SENDER");
    if (!cf.sender)
        DIE(EX_PERM, "SENDER not set");
    cf.dtline = getenv("DTLINE");
    if (!cf.dtline)
        DIE(EX_PERM, "DTLINE not set");
    redirect(argv[1]);
    return EX_OK;
}
