/*
 * qmail-newmrh: compile control/morercpthosts into
 * control/morercpthosts.cdb for qmail-smtpd and qmail-qmtpd (spec
 * smtp-and-tools.md 5.5).  Run by the administrator (root).  Each line
 * is lowercased and becomes a key with empty data; blank and '#' lines
 * are skipped.  The database is written to morercpthosts.tmp, fsynced
 * and renamed, so readers see the old or the new one, never half of
 * one.  Any failure: a message on fd 2 and exit 111, database untouched.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "auto.h"
#include "cdbx.h"
#include "ctl.h"
#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "sa.h"

#define SRC "control/morercpthosts"
#define TMP "control/morercpthosts.tmp"
#define DST "control/morercpthosts.cdb"

int main(void)
{
    sa list = SA_INIT;
    cdbx_make m;
    size_t i, n;
    int r;

    err_prog = "qmail-newmrh";
    umask(033);
    if (chdir(AUTO_QMAILHOME) == -1)
        DIE(EX_TEMP, "unable to chdir to ", AUTO_QMAILHOME, ": ", ERRSYS);
    r = ctl_readfile(&list, SRC);
    if (r != 1) {
        if (r == 0)
            errno = ENOENT;
        DIE(EX_TEMP, "unable to read ", SRC, ": ", ERRSYS);
    }
    if (cdbx_start(&m, TMP, 0) == -1)
        DIE(EX_TEMP, "unable to write ", TMP, ": ", ERRSYS);
    for (i = 0; i < list.len; i += n + 1) {
        n = strlen(list.s + i);
        case_lowerb(list.s + i, n);
        if (cdbx_add(&m, list.s + i, n, "", 0) == -1) {
            int e = errno;
            cdbx_abort(&m);
            errno = e;
            DIE(EX_TEMP, "unable to write ", TMP, ": ", ERRSYS);
        }
    }
    if (cdbx_finish(&m) == -1)
        DIE(EX_TEMP, "unable to write ", TMP, ": ", ERRSYS);
    if (cdbx_install(TMP, DST) == -1)
        DIE(EX_TEMP, "unable to move ", TMP, " to ", DST, ": ", ERRSYS);
    if (dir_fsync("control") == -1)
        DIE(EX_TEMP, "unable to fsync control: ", ERRSYS);
    sa_free(&list);
    return EX_OK;
}
