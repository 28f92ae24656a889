/*
 * qmail-rspawn: runs one qmail-remote per remote delivery for
 * qmail-send (spec smtp-and-tools.md 2.1), through the spawn engine.
 * Runs as qmailr, started by qmail-start.  Trusts qmail-send's commands
 * only after the engine's checks; parses qmail-remote's reports.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "acct.h"
#include "auto.h"
#include "err.h"
#include "errtemp.h"
#include "exitcodes.h"
#include "fd.h"
#include "sa.h"
#include "sig.h"
#include "spawn.h"

static void child(void *ctx, const char *sender, const char *recip, size_t at)
{
    const char *prog = getenv("QMAILREMOTE");

    (void)ctx;
    if (!prog || !*prog)
        prog = "qmail-remote";
    execlp(prog, prog, recip + at + 1, sender, recip, (char *)0);
    _exit(errtemp(errno) ? EX_TEMP : EX_PERM);
}

static int better(char a, char b) /* is class a better than class b? */
{
    static const char order[] = "DZK";

    return strchr(order, a) > strchr(order, b);
}

/* the first two NUL-terminated fields of qmail-remote's output */
static int translate(sa *out, const char *s, size_t len)
{
    const char *nul = memchr(s, 0, len);
    size_t l1 = nul ? (size_t)(nul - s) : len;
    const char *f2 = nul ? nul + 1 : 0;
    size_t l2 = 0;
    const char *m = 0;
    char cls, r = s[0];

    if (f2) {
        const char *n2 = memchr(f2, 0, len - (size_t)(f2 - s));
        l2 = n2 ? (size_t)(n2 - f2) : len - (size_t)(f2 - s);
    }
    if (strchr("KZD", r))
        m = s; /* the message report itself comes first */
    else if (f2 && l2 && strchr("KZD", f2[0]))
        m = f2;
    cls = m ? m[0] : 'D';
    if (r == 's')
        cls = 'Z';
    else if (r == 'h')
        cls = 'D';
    if (!sa_append(out, cls) || !sa_catb(out, s + 1, l1 ? l1 - 1 : 0))
        return 0;
    if (m == f2 && f2 && l2 && !better(f2[0], cls))
        return sa_catb(out, f2 + 1, l2 - 1);
    return 1;
}

static int report(void *ctx, sa *out, int wstat, const char *s, size_t len)
{
    (void)ctx;
    out->len = 0;
    if (WIFSIGNALED(wstat))
        return sa_cats(out, "Zqmail-remote crashed.\n");
    if (!WIFEXITED(wstat))
        return sa_cats(out, "Zqmail-remote crashed.\n");
    if (WEXITSTATUS(wstat) == EX_TEMP)
        return sa_cats(out, "ZUnable to run qmail-remote.\n");
    if (WEXITSTATUS(wstat))
        return sa_cats(out, "DUnable to run qmail-remote.\n");
    if (!len)
        return sa_cats(out, "Zqmail-remote produced no output.\n");
    return translate(out, s, len);
}

/* clear the TCP timeout table: every run starts with fresh knowledge */
static void tcpto_clear(void)
{
    char zero[1024];
    int fd = open_write(AUTO_QMAILHOME "/queue/lock/tcpto");

    if (fd == -1)
        return;
    memset(zero, 0, sizeof zero);
    if (write_all(fd, zero, sizeof zero) == -1) {
        /* qmail-remote copes with a stale table */
    }
    if (ftruncate(fd, sizeof zero) == -1) {
        /* stale IPv6 records after the first 1024 bytes expire anyway */
    }
    close(fd);
}

int main(void)
{
    spawn_prog p;
    const char *why = "";

    err_prog = "qmail-rspawn";
    sig_survive(SIGUSR1); /* "pkill -USR1 qmail" must not kill us */
    memset(&p, 0, sizeof p);
    if (acct_uid(ACCT_QMAILQ, &p.owner) != 1)
        DIE(EX_TEMP, "unable to find user ", acct_username(ACCT_QMAILQ));
    p.maxout = 1 << 20;
    p.exitsys = EX_TEMP;
    p.child = child;
    p.report = report;
    p.ctx = 0;
    tcpto_clear();
    if (spawn_run(&p, &why) == -1)
        DIE(EX_TEMP, why, ": ", ERRSYS);
    return 0;
}
