/*
 * qmail-qmqpd: receive one message by QMQP (spec smtp-and-tools.md
 * 4.1, 4.3) and queue it.  Started by tcpserver as qmaild, for trusted
 * clients only (it relays to any recipient).  The packet is one
 * netstring holding the message, the sender and the recipients, each a
 * netstring; everything is streamed to qmail-queue as it arrives, so
 * memory stays bounded.  Reply: one netstring starting K, Z or D.
 * Framing errors exit 100, lengths over 200000000 and the one-hour
 * session limit exit 111, EOF exits 0; none of these queue anything.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auto.h"
#include "bio.h"
#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "fmt.h"
#include "netstr.h"
#include "qq.h"
#include "rcvd.h"
#include "sa.h"

#define MAXLEN 200000000UL /* longest netstring accepted */
#define ADDRMAX 1000       /* addresses this long or longer are refused */
#define SESSION 3600       /* seconds for the whole session */

static char inbuf[BIO_SIZE];
static bio in = BIO_INIT(bio_readop, 0, inbuf, sizeof inbuf, 0);
static unsigned long left; /* bytes of the packet not read yet */
static qq q;

/* a no-op handler (not SIG_IGN, which qmail-queue would inherit) */
static void nothing(int s)
{
    (void)s;
}

static void onalarm(int s)
{
    (void)s;
    _exit(EX_TEMP);
}

/* the next byte of the stream; EOF and errors end the session */
static char next(void)
{
    char c;

    if (bio_get(&in, &c, 1) != 1)
        _exit(EX_OK);
    return c;
}

/* the next byte inside the packet; reading past its end is an error */
static char inner(void)
{
    if (!left)
        _exit(EX_PERM);
    --left;
    return next();
}

static unsigned long length(char (*get)(void))
{
    unsigned long n;
    int r = netstr_getlen(get, MAXLEN, &n);

    if (r != NETSTR_DONE)
        _exit(r == NETSTR_BIG ? EX_TEMP : EX_PERM);
    return n;
}

static void comma(char (*get)(void))
{
    if (get() != ',')
        _exit(EX_PERM);
}

/* the message netstring, copied to qmail-queue in pieces */
static void message(void)
{
    unsigned long n = length(inner);
    char buf[4096];
    ssize_t r;

    if (n > left)
        _exit(EX_PERM);
    while (n) {
        r = bio_get(&in, buf, n > sizeof buf ? sizeof buf : (size_t)n);
        if (r <= 0)
            _exit(EX_OK);
        qq_put(&q, buf, (size_t)r);
        n -= (unsigned long)r;
        left -= (unsigned long)r;
    }
    comma(inner);
}

/* an address netstring into a (NUL-terminated); 0 if unacceptable */
static int address(sa *a)
{
    unsigned long n = length(inner);
    int ok = n < ADDRMAX;
    char c;

    a->len = 0;
    if (n > left)
        _exit(EX_PERM);
    while (n--) {
        c = inner();
        if (!c)
            ok = 0;
        if (ok && !sa_append(a, c))
            _exit(EX_TEMP);
    }
    comma(inner);
    if (!sa_0(a))
        _exit(EX_TEMP);
    return ok;
}

static void received(void)
{
    sa r = SA_INIT;
    const char *ip = getenv("TCPREMOTEIP");
    const char *host = getenv("TCPREMOTEHOST");
    const char *local = getenv("TCPLOCALHOST");

    if (!local)
        local = getenv("TCPLOCALIP");
    if (!rcvd_line(&r, "QMQP", local ? local : "unknown", ip ? ip : "unknown",
                   host ? host : "unknown", getenv("TCPREMOTEINFO"), 0,
                   time(0)))
        _exit(EX_TEMP);
    qq_put(&q, r.s, r.len);
    sa_free(&r);
}

static void answer(const char *res)
{
    sa out = SA_INIT, text = SA_INIT;
    int ok;

    if (*res)
        ok = sa_copys(&text, res);
    else
        ok = sa_copys(&text, "Kok ") &&
             sa_catulong(&text, (unsigned long)time(0)) &&
             sa_cats(&text, " qp ") && sa_catulong(&text, qq_qp(&q));
    if (!ok || !netstr_cat(&out, text.s, text.len))
        _exit(EX_TEMP);
    if (write_all(1, out.s, out.len) == -1)
        _exit(EX_OK);
    sa_free(&out);
    sa_free(&text);
}

int main(void)
{
    sa a = SA_INIT;
    int bad = 0;
    const char *res;

    err_prog = "qmail-qmqpd";
    signal(SIGPIPE, SIG_IGN);
    signal(SIGUSR1, nothing); /* "pkill -SIGUSR1 qmail" */
    signal(SIGALRM, onalarm);
    alarm(SESSION);
    if (chdir(AUTO_QMAILHOME) == -1)
        _exit(EX_TEMP);
    left = length(next);
    if (qq_start(&q) == -1)
        _exit(EX_TEMP);
    received();
    message();
    if (!address(&a))
        bad = 1;
    qq_from(&q, a.s);
    while (left) {
        if (!address(&a))
            bad = 1;
        qq_to(&q, a.s);
    }
    comma(next);
    if (bad)
        qq_fail(&q);
    res = qq_close(&q);
    answer(bad ? "Dsorry, I can't accept addresses like that (#5.1.3)" : res);
    sa_free(&a);
    return EX_OK;
}
