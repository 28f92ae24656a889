/*
 * qmail-tcpok: empties the TCP timeout table (spec smtp-and-tools.md
 * 2.11), so that qmail-remote tries every host again at once.  Run by
 * the administrator as root or qmailr.  The table goes back to its
 * installed form: 1024 NUL bytes, without IPv6 records.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "auto.h"
#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "tcpto.h"

#define WHERE AUTO_QMAILHOME "/" TCPTO_FILE ": "

int main(void)
{
    char zero[TCPTO_V4SIZE];
    int fd;

    err_prog = "qmail-tcpok";
    if (chdir(AUTO_QMAILHOME) == -1)
        DIE(EX_TEMP, "unable to chdir to " AUTO_QMAILHOME ": ", ERRSYS);
    fd = open(TCPTO_FILE, O_WRONLY | O_NDELAY | O_CLOEXEC);
    if (fd == -1)
        DIE(EX_TEMP, "unable to write " WHERE, ERRSYS);
    if (flock(fd, LOCK_EX) == -1)
        DIE(EX_TEMP, "unable to lock " WHERE, ERRSYS);
    memset(zero, 0, sizeof zero);
    if (write_all(fd, zero, sizeof zero) == -1 ||
        ftruncate(fd, TCPTO_V4SIZE) == -1)
        DIE(EX_TEMP, "unable to clear " WHERE, ERRSYS);
    return EX_OK;
}
