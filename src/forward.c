/*
 * forward: pass the message on to other addresses (spec delivery.md
 * 3.5, smtp-and-tools.md 5.1).  Run from .qmail files as the
 * recipient; submits DTLINE plus the message on fd 0 through
 * qmail-queue, with envelope sender NEWSENDER, to every argument.
 * Exits 0 (printing the qp), 100 or 111 by the queue's answer.
 */
#include <signal.h>
#include <stdlib.h>

#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "fmt.h"
#include "qq.h"
#include "qqfd.h"

static struct {
    const char *sender;
    const char *dtline;
    qq q;
} cf;

int main(int argc, char **argv)
{
    char num[FMT_ULONG];
    const char *r, *why;

    (void)argc; /* the addresses are argv's NULL-ended tail */
    err_prog = "forward";
    signal(SIGPIPE, SIG_IGN);
    if (fd_sanitise() == -1)
        DIE(EX_TEMP, "unable to open /dev/null: ", ERRSYS);
    cf.sender = getenv("NEWSENDER");
    if (!cf.sender)
        DIE(EX_PERM, "NEWSENDER not set");
    cf.dtline = getenv("DTLINE");
    if (!cf.dtline)
        DIE(EX_PERM, "DTLINE not set");
    r = qqfd_submit(&cf.q, cf.dtline, 0, cf.sender, argv + 1, &why);
    if (!r)
        DIE(EX_TEMP, why, ERRSYS);
    if (*r)
        DIE(*r == 'D' ? EX_PERM : EX_TEMP, r + 1);
    num[fmt_ulong(num, qq_qp(&cf.q))] = 0;
    DIEX(EX_OK, "qp ", num);
}
