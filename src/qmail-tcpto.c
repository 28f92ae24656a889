/*
 * qmail-tcpto: prints the TCP timeout table (spec smtp-and-tools.md
 * 2.11): one line per address that timed out recently, IPv4 records
 * first, then IPv6.  Run by the administrator as root or qmailr (it
 * takes the table's lock, which needs write access).  Reads only the
 * table; messages, errors included, go to stdout as in qmail.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auto.h"
#include "bio.h"
#include "exitcodes.h"
#include "fmt.h"
#include "ipad.h"
#include "sa.h"
#include "tcpto.h"

static char outbuf[BIO_SIZE];
static bio out = BIO_INIT(bio_writeop, 1, outbuf, sizeof outbuf, 0);

static _Noreturn void fail(const char *what)
{
    const char *why = strerror(errno);

    if (bio_puts(&out, "fatal: ") == -1 || bio_puts(&out, what) == -1 ||
        bio_puts(&out, ": ") == -1 || bio_puts(&out, why) == -1 ||
        bio_puts(&out, "\n") == -1 || bio_flush(&out) == -1)
        _exit(EX_TEMP);
    _exit(EX_TEMP);
}

/* "<ip> timed out <n> seconds ago; # recent timeouts: <count>" */
static int line(sa *x, const ipad *ip, unsigned long ago, unsigned count)
{
    x->len = 0;
    return ipad_fmt(x, ip) && sa_cats(x, " timed out ") &&
           sa_catulong(x, ago) &&
           sa_cats(x, " seconds ago; # recent timeouts: ") &&
           sa_catulong(x, count) && sa_append(x, '\n');
}

int main(void)
{
    tcpto t;
    sa x = SA_INIT;
    unsigned long now = (unsigned long)time(0), when;
    unsigned count;
    size_t i;
    const char *why;
    ipad ip;

    if (chdir(AUTO_QMAILHOME) == -1)
        fail("unable to chdir");
    if (tcpto_open(&t, TCPTO_FILE, &why) == -1)
        fail(!strcmp(why, "open")   ? "unable to open tcpto"
             : !strcmp(why, "lock") ? "unable to lock tcpto"
                                    : "unable to read tcpto");
    for (i = 0; i < TCPTO_RECORDS; ++i) {
        if (!tcpto_get(t.t, i, &ip, &count, &when))
            continue;
        if (!line(&x, &ip, when > now ? 0 : now - when, count))
            fail("out of memory");
        if (bio_put(&out, x.s, x.len) == -1)
            _exit(EX_TEMP);
    }
    tcpto_close(&t);
    sa_free(&x);
    if (bio_flush(&out) == -1)
        _exit(EX_TEMP);
    return EX_OK;
}
