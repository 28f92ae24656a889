/*
 * splogger: copy log lines from fd 0 to syslog (spec smtp-and-tools.md
 * 5.6).  Started as qmaill by qmail-start (or by hand) as the logger of
 * qmail-send.  Each line gets a "seconds.microseconds" stamp; lines
 * starting "alert:" or "warning:" get those priorities, others
 * LOG_INFO.  Long lines are cut into 799-byte pieces that share the
 * stamp, joined by '+'.  Exits 0 at end of input, 111 on a read error.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <syslog.h>
#include <unistd.h>

#include "bio.h"
#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "fmt.h"

#define CHUNK 799 /* syslog implementations cut or choke on more */

static struct {
    char buf[CHUNK + 1];
    size_t len;
    int cont; /* a piece of this line has been logged */
    int prio;
    char stamp[2 * FMT_ULONG + 2];
} cf;

static void stamp(void)
{
    struct timeval tv;
    size_t n;

    gettimeofday(&tv, 0);
    n = fmt_ulong(cf.stamp, (unsigned long)tv.tv_sec);
    cf.stamp[n++] = '.';
    n += fmt_ulong0(cf.stamp + n, (unsigned long)tv.tv_usec, 6);
    cf.stamp[n] = 0;
}

static void flush(void)
{
    if (!cf.len)
        return;
    cf.buf[cf.len] = 0;
    if (cf.cont) {
        syslog(cf.prio, "%s+%s", cf.stamp, cf.buf);
    } else {
        stamp();
        cf.prio = LOG_INFO;
        if (!strncmp(cf.buf, "warning:", 8))
            cf.prio = LOG_WARNING;
        if (!strncmp(cf.buf, "alert:", 6))
            cf.prio = LOG_ALERT;
        syslog(cf.prio, "%s %s", cf.stamp, cf.buf);
        cf.cont = 1;
    }
    cf.len = 0;
}

static void take(const char *s, size_t n)
{
    size_t i;
    unsigned char c;

    for (i = 0; i < n; ++i) {
        c = (unsigned char)s[i];
        if (c == '\n') {
            flush();
            cf.cont = 0;
            continue;
        }
        if (cf.len == CHUNK)
            flush();
        cf.buf[cf.len++] = (c < 32 || c > 126) ? '?' : (char)c;
    }
}

/* tag and facility number, as qmail-start's logger arguments give */
static void openit(int argc, char **argv)
{
    unsigned long fac;
    int facility = LOG_MAIL;

    if (argc > 2 && scan_ulong(argv[2], strlen(argv[2]), &fac) &&
        fac <= (LOG_FACMASK >> 3))
        facility = (int)(fac << 3);
    openlog(argc > 1 ? argv[1] : "splogger", 0, facility);
}

int main(int argc, char **argv)
{
    char buf[BIO_SIZE];
    ssize_t r;

    err_prog = "splogger";
    if (fd_sanitise() == -1)
        DIE(EX_TEMP, "unable to open /dev/null: ", ERRSYS);
    openit(argc, argv);
    while ((r = read_all(0, buf, sizeof buf)) > 0)
        take(buf, (size_t)r);
    flush(); /* a last line without LF is logged too */
    if (r == -1)
        DIE(EX_TEMP, "unable to read input: ", ERRSYS);
    return EX_OK;
}
