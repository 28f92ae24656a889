/*
 * qmail-qmtpd: receive mail by QMTP (spec smtp-and-tools.md 4.4) and
 * queue it.  Started by tcpserver as qmaild; any number of messages per
 * connection.  Each message is three netstrings (message, sender,
 * recipient list) and gets one netstring answer per recipient.  The
 * rules are qmail-smtpd's: rcpthosts, morercpthosts.cdb, RELAYCLIENT,
 * databytes, and the qmail-verify recipient check.  Data is streamed to
 * qmail-queue, recipient answers are one byte each for at most MAXRCPT
 * recipients, so memory stays bounded.  Framing errors exit 100, over-
 * long lengths, control trouble and the one-hour limit exit 111, EOF 0.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auto.h"
#include "bio.h"
#include "ctl.h"
#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "fmt.h"
#include "netstr.h"
#include "qq.h"
#include "rcptck.h"
#include "rcpthosts.h"
#include "rcvd.h"
#include "sa.h"

#define MAXLEN 200000000UL /* longest netstring accepted */
#define ADDRMAX 1000       /* addresses this long or longer are refused */
#define MAXRCPT 10000      /* recipients per message; more get a Z */
#define SESSION 3600       /* seconds for the whole session */

static struct {
    unsigned long databytes;
    rcpthosts rh;
    const char *relayclient;
    int rcptcheck;
} cf;

static char inbuf[BIO_SIZE], outbuf[BIO_SIZE];
static bio in = BIO_INIT(bio_readop, 0, inbuf, sizeof inbuf, 0);
static bio out = BIO_INIT(bio_writeop, 1, outbuf, sizeof outbuf, 0);
static rcptck rc = RCPTCK_INIT;

static struct {
    qq q;
    int toobig, badsender;
    size_t nrcpt, nok;
    char st[MAXRCPT]; /* per recipient: K queued, H unacceptable, R not
                         in rcpthosts, N no such mailbox */
    sa addr, tmp;
} m;

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

/* answers wait in out; they are sent when we next wait for input */
static ssize_t readop(int fd, char *buf, size_t n, unsigned timeout)
{
    ssize_t r;

    if (bio_flush(&out) == -1)
        _exit(EX_OK);
    r = bio_readop(fd, buf, n, timeout);
    if (r <= 0)
        _exit(EX_OK);
    return r;
}

static char next(void)
{
    char c;

    (void)bio_get(&in, &c, 1); /* readop never returns without data */
    return c;
}

static unsigned long length(void)
{
    unsigned long n;
    int r = netstr_getlen(next, MAXLEN, &n);

    if (r != NETSTR_DONE)
        _exit(r == NETSTR_BIG ? EX_TEMP : EX_PERM);
    return n;
}

static void comma(void)
{
    if (next() != ',')
        _exit(EX_PERM);
}

static void setup(void)
{
    unsigned long on = 1;
    const char *v;

    err_prog = "qmail-qmtpd";
    signal(SIGPIPE, SIG_IGN);
    signal(SIGUSR1, nothing); /* "pkill -SIGUSR1 qmail" */
    signal(SIGALRM, onalarm);
    alarm(SESSION);
    in.op = readop;
    if (chdir(AUTO_QMAILHOME) == -1 ||
        ctl_readint(&cf.databytes, "control/databytes") == -1 ||
        ctl_readint(&on, "control/rcptcheck") == -1 ||
        rcpthosts_load(&cf.rh) == -1)
        _exit(EX_TEMP);
    if ((v = getenv("DATABYTES")))
        cf.databytes = scan_env(v);
    cf.rcptcheck = on != 0;
    if ((v = getenv("RCPTCHECK")))
        cf.rcptcheck = scan_env(v) != 0;
    if ((v = getenv("VERIFY")) && !*v)
        cf.rcptcheck = 0;
    cf.relayclient = getenv("RELAYCLIENT");
    if (cf.rcptcheck && rcptck_load(&rc) == -1)
        _exit(EX_TEMP);
}

static void received(void)
{
    const char *ip = getenv("TCPREMOTEIP");
    const char *host = getenv("TCPREMOTEHOST");
    const char *local = getenv("TCPLOCALHOST");

    if (!local)
        local = getenv("TCPLOCALIP");
    m.tmp.len = 0;
    if (!rcvd_line(&m.tmp, "QMTP", local ? local : "unknown",
                   ip ? ip : "unknown", host ? host : "unknown",
                   getenv("TCPREMOTEINFO"), 0, time(0)))
        _exit(EX_TEMP);
    qq_put(&m.q, m.tmp.s, m.tmp.len);
}

/* one byte of the message as stored; past databytes, none is queued */
static void store(unsigned long *stored, char c)
{
    if (m.toobig)
        return;
    if (cf.databytes && ++*stored > cf.databytes) {
        m.toobig = 1; /* read on, but queue no more of it */
        return;
    }
    qq_put(&m.q, &c, 1);
}

/* the message, n bytes after its line-ending byte, into the queue */
static void message(unsigned long n, int crlf)
{
    int held = 0; /* a CR waits to see whether a LF follows */
    unsigned long stored = 0;
    char c;

    while (n--) {
        c = next();
        if (crlf && held) {
            held = 0;
            if (c != '\n')
                store(&stored, '\r');
        }
        if (crlf && c == '\r')
            held = 1;
        else
            store(&stored, c);
    }
    if (held)
        store(&stored, '\r');
    comma();
}

/* an address netstring of n bytes into a; 0 if it is unacceptable */
static int address(sa *a, unsigned long n, size_t extra)
{
    int ok = n + extra < ADDRMAX;
    char c;

    a->len = 0;
    while (n--) {
        c = next();
        if (!c)
            ok = 0;
        if (ok && !sa_append(a, c))
            _exit(EX_TEMP);
    }
    comma();
    if (!sa_0(a))
        _exit(EX_TEMP);
    --a->len;
    return ok;
}

/* where a recipient may go: a status byte of m.st */
static char verdict(void)
{
    int r;

    if (cf.relayclient) {
        if (!sa_cats(&m.addr, cf.relayclient) || !sa_0(&m.addr))
            _exit(EX_TEMP);
        --m.addr.len;
    } else {
        r = rcpthosts_ok(&cf.rh, m.addr.s, m.addr.len);
        if (r == -1)
            _exit(EX_TEMP);
        if (!r)
            return 'R';
    }
    if (!cf.rcptcheck)
        return 'K';
    r = rcptck_local(&rc, m.addr.s, m.addr.len, &m.tmp);
    if (r == -1)
        _exit(EX_TEMP);
    if (r == REWRITE_LOCAL && rcptck_ask(&rc, m.tmp.s, m.tmp.len) == RCPTCK_NO)
        return 'N';
    return 'K';
}

/* the recipient list: netstrings inside a netstring */
static void recipients(void)
{
    unsigned long left = length(), n;
    netstr_len l;
    int r;
    char st;
    size_t extra = cf.relayclient ? strlen(cf.relayclient) : 0;

    while (left) {
        l.n = 0;
        l.digits = 0;
        do {
            if (!left--)
                _exit(EX_PERM);
            r = netstr_lenbyte(&l, next(), MAXLEN);
            if (r == NETSTR_BAD)
                _exit(EX_PERM);
            if (r == NETSTR_BIG)
                _exit(EX_TEMP);
        } while (r != NETSTR_DONE);
        n = l.n;
        if (n >= left)
            _exit(EX_PERM);
        left -= n + 1;
        st = address(&m.addr, n, extra) ? verdict() : 'H';
        if (m.nrcpt < MAXRCPT) {
            m.st[m.nrcpt] = st;
            if (st == 'K') {
                qq_to(&m.q, m.addr.s);
                ++m.nok;
            }
        }
        ++m.nrcpt;
    }
    comma();
}

static void put(const char *text)
{
    m.tmp.len = 0;
    if (!netstr_cat(&m.tmp, text, strlen(text)))
        _exit(EX_TEMP);
    if (bio_put(&out, m.tmp.s, m.tmp.len) == -1)
        _exit(EX_OK);
}

static void answers(const char *res)
{
    sa ok = SA_INIT;
    size_t i;

    if (m.toobig)
        res = "Dsorry, that message size exceeds my databytes limit (#5.3.4)";
    else if (m.badsender)
        res = "Dunacceptable sender (#5.1.7)";
    else if (!*res) {
        if (!sa_copys(&ok, "Kok ") ||
            !sa_catulong(&ok, (unsigned long)time(0)) ||
            !sa_cats(&ok, " qp ") || !sa_catulong(&ok, qq_qp(&m.q)) ||
            !sa_0(&ok))
            _exit(EX_TEMP);
        res = ok.s;
    }
    for (i = 0; i < m.nrcpt; ++i)
        switch (i < MAXRCPT ? m.st[i] : 'Z') {
        case 'K':
            put(res);
            break;
        case 'H':
            put("Dsorry, I can't handle that recipient (#5.1.3)");
            break;
        case 'R':
            put("Dsorry, that domain isn't in my list of allowed rcpthosts "
                "(#5.7.1)");
            break;
        case 'N':
            put("Dsorry, no mailbox here by that name (#5.1.1)");
            break;
        default:
            put("Zsorry, too many recipients (#4.5.3)");
        }
    sa_free(&ok);
}

/* one message: its three netstrings, then the answers */
static void one(void)
{
    unsigned long n = length();
    char c;

    if (!n)
        _exit(EX_PERM);
    c = next();
    if (c != '\n' && c != '\r')
        _exit(EX_PERM);
    m.toobig = m.badsender = 0;
    m.nrcpt = m.nok = 0;
    if (qq_start(&m.q) == -1)
        _exit(EX_TEMP);
    received();
    message(n - 1, c == '\r');
    m.badsender = !address(&m.addr, length(), 0);
    qq_from(&m.q, m.addr.s);
    recipients();
    if (m.toobig || m.badsender || !m.nok)
        qq_fail(&m.q);
    answers(qq_close(&m.q));
}

int main(void)
{
    setup();
    for (;;)
        one();
}
