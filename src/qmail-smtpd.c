/*
 * qmail-smtpd: receive mail over SMTP (spec smtp-and-tools.md 1) and
 * hand each message to qmail-queue.  Started by tcpserver (or inetd
 * through tcp-env) once per connection, as qmaild; the client is on fds
 * 0 and 1.  Everything the client sends is parsed by pure library code
 * (smtpcmd, smtpaddr, smtpdata) with bounded memory.  Local recipients
 * are checked with qmail-verify at RCPT time (rcptck.h), so unknown ones
 * get 550 instead of a later bounce.  Start-up trouble is a 421 reply;
 * I/O errors and timeouts end the session with exit 1 and queue nothing.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "auto.h"
#include "bio.h"
#include "cmap.h"
#include "ctl.h"
#include "err.h"
#include "fd.h"
#include "fmt.h"
#include "ipad.h"
#include "myaddr.h"
#include "qq.h"
#include "rcptck.h"
#include "rcpthosts.h"
#include "rcvd.h"
#include "sa.h"
#include "smtpaddr.h"
#include "smtpcmd.h"
#include "smtpdata.h"

#define MAXHOPS 100  /* Received + Delivered-To lines that mean a loop */
#define MAXRCPT 1000 /* recipients per message (RFC 5321 asks for 100) */
#define INSIZE 4096  /* network read buffer */

static struct {
    sa greeting, localiphost;
    myaddr ips;
    int havelih;
    unsigned timeout;
    unsigned long databytes;
    cmap bmf;
    rcpthosts rh;
    const char *remoteip, *remotehost, *remoteinfo, *local, *relayclient;
    int rcptcheck; /* ask qmail-verify about local recipients */
} cf;

static struct {
    sa helo;
    int seenmail, badfrom;
    sa from, rcpts; /* rcpts: each address NUL-terminated */
    size_t nrcpt;
    sa addr, tmp;
    int warned; /* the recipient check was unavailable once already */
} tx;

static rcptck rc = RCPTCK_INIT;
static char inbuf[INSIZE], outbuf[BIO_SIZE];
static bio in, out;
static smtpcmd cmd;

/* ---- output ---- */

static _Noreturn void die_io(void)
{
    _exit(1);
}

static void put(const char *s)
{
    if (bio_puts(&out, s) == -1)
        die_io();
}

static void flush(void)
{
    if (bio_flush(&out) == -1)
        die_io();
}

static void reply(const char *s)
{
    put(s);
    put("\r\n");
}

static _Noreturn void die_reply(const char *s)
{
    reply(s);
    flush();
    _exit(1);
}

static _Noreturn void die_nomem(void)
{
    die_reply("421 out of memory (#4.3.0)");
}
static _Noreturn void die_control(void)
{
    die_reply("421 unable to read controls (#4.3.0)");
}

/*
 * Replies are buffered and flushed only when we are about to wait for
 * the client: that is what makes pipelining work.  A read that times
 * out ends the session; EOF and errors end it silently.
 */
static ssize_t readop(int fd, char *buf, size_t n, unsigned timeout)
{
    ssize_t r;

    flush();
    r = bio_readop(fd, buf, n, timeout);
    if (r == -1 && errno == ETIMEDOUT)
        die_reply("451 timeout (#4.4.2)");
    if (r <= 0)
        die_io();
    return r;
}

static void more(void)
{
    if (!in.n)
        (void)bio_feed(&in); /* readop never returns without data */
}

/* a no-op handler (not SIG_IGN, which qmail-queue would inherit) */
static void nothing(int s)
{
    (void)s;
}

/* ---- configuration ---- */

static const char *env_or(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v ? v : def;
}

static void setup_controls(void)
{
    unsigned long t = 1200, on = 1;
    sa list = SA_INIT;
    int r;

    if (chdir(AUTO_QMAILHOME) == -1)
        die_control();
    /* me first, as qmail: one that cannot be read is an error even
       where smtpgreeting and localiphost leave it unused */
    if (ctl_me(&list) == -1)
        die_control();
    if (ctl_rldef(&cf.greeting, "control/smtpgreeting", 1, 0) != 1 ||
        !sa_0(&cf.greeting))
        die_control();
    r = ctl_rldef(&cf.localiphost, "control/localiphost", 1, 0);
    if (r == -1)
        die_control();
    cf.havelih = r == 1;
    if (ctl_readint(&t, "control/timeoutsmtpd") == -1)
        die_control();
    cf.timeout = t ? (t > 2000000 ? 2000000 : (unsigned)t) : 1;
    if (rcpthosts_load(&cf.rh) == -1)
        die_control();
    if (ctl_readfile(&list, "control/badmailfrom") == -1 ||
        !cmap_fromlist(&cf.bmf, &list, 0))
        die_control();
    sa_free(&list);
    if (ctl_readint(&cf.databytes, "control/databytes") == -1 ||
        ctl_readint(&on, "control/rcptcheck") == -1)
        die_control();
    cf.rcptcheck = on != 0;
}

/*
 * RCPTCHECK=0 (from tcp.smtp) switches the recipient check off for a
 * client; so does VERIFY="" (Debian's tcp.smtp spelling of "no check").
 * VERIFY=DEFER, Debian's default, and any other VERIFY value keep it on.
 */
static void setup_env(void)
{
    const char *v;

    if ((v = getenv("DATABYTES")))
        cf.databytes = scan_env(v);
    if ((v = getenv("RCPTCHECK")))
        cf.rcptcheck = scan_env(v) != 0;
    if ((v = getenv("VERIFY")) && !*v)
        cf.rcptcheck = 0;
    cf.remoteip = env_or("TCPREMOTEIP", "unknown");
    cf.remotehost = env_or("TCPREMOTEHOST", "unknown");
    cf.remoteinfo = getenv("TCPREMOTEINFO");
    cf.local = env_or("TCPLOCALHOST", env_or("TCPLOCALIP", "unknown"));
    cf.relayclient = getenv("RELAYCLIENT");
}

static void setup(void)
{
    signal(SIGPIPE, SIG_IGN);
    signal(SIGUSR1, nothing); /* "pkill -SIGUSR1 qmail" reloads others */
    err_prog = "qmail-smtpd";
    if (fd_sanitise() == -1)
        _exit(1);
    bio_init(&out, bio_writeop, 1, outbuf, sizeof outbuf);
    bio_init(&in, readop, 0, inbuf, sizeof inbuf);
    setup_controls();
    setup_env();
    out.timeout = in.timeout = cf.timeout;
    if (cf.rcptcheck && rcptck_load(&rc) == -1)
        die_control();
    if (!sa_copys(&tx.helo, cf.remotehost) || !sa_0(&tx.helo))
        die_nomem();
}

/* ---- addresses ---- */

/* a domain literal ("[d.d.d.d]", or an IPv6 one) naming one of our
   addresses becomes localiphost; the addresses are read when the first
   literal comes, not for every connection */
static void localiphost(sa *a)
{
    static int loaded;
    size_t at = a->len;
    ipad ip;

    while (at > 0 && a->s[at - 1] != '@')
        --at;
    if (!cf.havelih || !at || at == a->len || a->s[at] != '[')
        return;
    if (!ipad_scan(a->s + at, a->len - at, &ip))
        return;
    if (!loaded) {
        if (!myaddr_load(&cf.ips))
            die_reply("421 unable to figure out my IP addresses (#4.3.0)");
        loaded = 1;
    }
    if (!myaddr_has(&cf.ips, &ip))
        return;
    a->len = at;
    if (!sa_cat(a, &cf.localiphost) || !sa_0(a))
        die_nomem();
    --a->len;
}

/* the address of a MAIL/RCPT argument into tx.addr; 0 syntax error */
static int address(const char *arg, size_t len, size_t *end)
{
    int r = smtpaddr_parse(&tx.addr, arg, len, end);

    if (r == -1)
        die_nomem();
    if (r == 0)
        return 0;
    localiphost(&tx.addr);
    return !smtpaddr_toolong(&tx.addr);
}

/* ---- commands ---- */

static void greet_line(const char *code)
{
    put(code);
    put(cf.greeting.s);
    put("\r\n");
}

static void sethelo(const char *arg, size_t len)
{
    if (!sa_copyb(&tx.helo, arg, len) || !sa_0(&tx.helo))
        die_nomem();
    tx.seenmail = 0;
}

static void smtp_helo(const char *arg, size_t len)
{
    sethelo(arg, len);
    greet_line("250 ");
}

static void smtp_ehlo(const char *arg, size_t len)
{
    char num[FMT_ULONG];

    sethelo(arg, len);
    greet_line("250-");
    put("250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE");
    if (cf.databytes) {
        num[fmt_ulong(num, cf.databytes)] = 0;
        put(" ");
        put(num);
    }
    put("\r\n");
}

static void smtp_mail(const char *arg, size_t len)
{
    size_t end;
    unsigned long size;

    if (!address(arg, len, &end)) {
        reply("555 syntax error (#5.5.4)");
        return;
    }
    if (cf.databytes && smtpaddr_size(arg + end, len - end, &size) &&
        size > cf.databytes) {
        tx.seenmail = 0;
        reply("552 sorry, that message size exceeds my databytes limit "
              "(#5.3.4)");
        return;
    }
    if (!sa_copy(&tx.from, &tx.addr) || !sa_0(&tx.from))
        die_nomem();
    --tx.from.len;
    tx.badfrom = badmailfrom_match(&cf.bmf, tx.from.s, tx.from.len);
    tx.seenmail = 1;
    tx.rcpts.len = 0;
    tx.nrcpt = 0;
    reply("250 ok");
}

/*
 * The recipient check (design 6): an address that qmail-send would
 * deliver locally is looked up by qmail-verify the way qmail-lspawn
 * and qmail-local would.  Only a certain "no" refuses it; when the
 * check cannot be made the address is accepted (the bounce path still
 * exists) and the trouble is logged once per session.
 */
static int rcpt_exists(void)
{
    int r = rcptck_local(&rc, tx.addr.s, tx.addr.len, &tx.tmp);

    if (r == -1)
        die_nomem(); /* the controls were read at the start */
    if (r != REWRITE_LOCAL)
        return 1;
    r = rcptck_ask(&rc, tx.tmp.s, tx.tmp.len);
    if (r == RCPTCK_UNSURE && !tx.warned) {
        tx.warned = 1;
        WARN("recipients accepted unchecked: ", rc.why);
    }
    return r != RCPTCK_NO;
}

static void smtp_rcpt(const char *arg, size_t len)
{
    size_t end;
    int ok;

    if (!tx.seenmail) {
        reply("503 MAIL first (#5.5.1)");
        return;
    }
    if (!address(arg, len, &end)) {
        reply("555 syntax error (#5.5.4)");
        return;
    }
    if (tx.badfrom) {
        reply("553 sorry, your envelope sender is in my badmailfrom list "
              "(#5.7.1)");
        return;
    }
    if (cf.relayclient) {
        if (!sa_cats(&tx.addr, cf.relayclient))
            die_nomem();
    } else {
        ok = rcpthosts_ok(&cf.rh, tx.addr.s, tx.addr.len);
        if (ok == -1)
            die_control();
        if (!ok) {
            reply("553 sorry, that domain isn't in my list of allowed "
                  "rcpthosts (#5.7.1)");
            return;
        }
    }
    if (tx.nrcpt >= MAXRCPT) {
        reply("452 sorry, too many recipients (#4.5.3)");
        return;
    }
    if (cf.rcptcheck && !rcpt_exists()) {
        reply("550 sorry, no mailbox here by that name (#5.1.1)");
        return;
    }
    if (!sa_cat(&tx.rcpts, &tx.addr) || !sa_0(&tx.rcpts))
        die_nomem();
    ++tx.nrcpt;
    reply("250 ok");
}

/* ---- DATA ---- */

static struct {
    qq q;
    smtpdata d;
    int toobig, toomanyhops;
    char buf[INSIZE + 2];
} msg;

static void received(void)
{
    const char *helo = tx.helo.s;

    if (!case_diffb(helo, strlen(helo), cf.remotehost, strlen(cf.remotehost)))
        helo = 0;
    tx.tmp.len = 0;
    if (!rcvd_line(&tx.tmp, "SMTP", cf.local, cf.remoteip, cf.remotehost,
                   cf.remoteinfo, helo, time(0)))
        die_nomem();
    qq_put(&msg.q, tx.tmp.s, tx.tmp.len);
}

/* the body up to its final dot, into qmail-queue; bounded memory */
static void body(void)
{
    size_t olen, used;
    int r;

    smtpdata_init(&msg.d);
    msg.toobig = msg.toomanyhops = 0;
    for (;;) {
        more();
        r = smtpdata_feed(&msg.d, bio_peek(&in), in.n, msg.buf, &olen, &used);
        bio_seek(&in, used);
        if (msg.d.hops >= MAXHOPS)
            msg.toomanyhops = 1;
        if (cf.databytes && msg.d.bytes > cf.databytes)
            msg.toobig = 1;
        if (msg.toomanyhops || msg.toobig)
            qq_fail(&msg.q); /* stop feeding qmail-queue; keep reading */
        else
            qq_put(&msg.q, msg.buf, olen);
        if (r == SMTPDATA_END)
            return;
        if (r == SMTPDATA_BARELF) /* nothing is queued: the envelope
                                     never gets its final NUL */
            die_reply("451 See https://cr.yp.to/docs/smtplf.html.");
    }
}

static void data_result(const char *res)
{
    char num[FMT_ULONG];

    if (!*res) {
        put("250 ok ");
        num[fmt_ulong(num, (unsigned long)time(0))] = 0;
        put(num);
        put(" qp ");
        num[fmt_ulong(num, qq_qp(&msg.q))] = 0;
        put(num);
        put("\r\n");
    } else if (msg.toomanyhops)
        reply("554 too many hops, this message is looping (#5.4.6)");
    else if (msg.toobig)
        reply("552 sorry, that message size exceeds my databytes limit "
              "(#5.3.4)");
    else {
        put(*res == 'D' ? "554 " : "451 ");
        reply(res + 1);
    }
}

static void smtp_data(const char *arg, size_t len)
{
    size_t i;

    (void)arg;
    (void)len;
    if (!tx.seenmail) {
        reply("503 MAIL first (#5.5.1)");
        return;
    }
    if (!tx.nrcpt) {
        reply("503 RCPT first (#5.5.1)");
        return;
    }
    tx.seenmail = 0;
    if (qq_start(&msg.q) == -1) {
        reply("451 qqt failure (#4.3.0)");
        return;
    }
    reply("354 go ahead");
    flush();
    received();
    body();
    qq_from(&msg.q, tx.from.s);
    for (i = 0; i < tx.rcpts.len; i += strlen(tx.rcpts.s + i) + 1)
        qq_to(&msg.q, tx.rcpts.s + i);
    data_result(qq_close(&msg.q));
}

/* ---- the simple ones ---- */

static void smtp_rset(const char *a, size_t l)
{
    (void)a, (void)l;
    tx.seenmail = 0;
    reply("250 flushed");
}

static void smtp_noop(const char *a, size_t l)
{
    (void)a, (void)l;
    reply("250 ok");
}

static void smtp_vrfy(const char *a, size_t l)
{
    (void)a, (void)l;
    reply("252 send some mail, i'll try my best");
}

static void smtp_help(const char *a, size_t l)
{
    (void)a, (void)l;
    reply("214 netqmail home page: http://qmail.org/netqmail");
}

static void smtp_quit(const char *a, size_t l)
{
    (void)a, (void)l;
    greet_line("221 ");
    flush();
    _exit(0);
}

static void smtp_unimpl(const char *a, size_t l)
{
    (void)a, (void)l;
    reply("502 unimplemented (#5.5.1)");
}

/* ---- the dialogue ---- */

static const char *const verbs[] = {"rcpt", "mail", "data", "quit",
                                    "helo", "ehlo", "rset", "help",
                                    "noop", "vrfy", 0};
static const struct {
    void (*fn)(const char *arg, size_t len);
    int flush; /* reply at once rather than when we next wait */
} handlers[] = {
    {smtp_rcpt, 0}, {smtp_mail, 0}, {smtp_data, 1},   {smtp_quit, 1},
    {smtp_helo, 1}, {smtp_ehlo, 1}, {smtp_rset, 0},   {smtp_help, 1},
    {smtp_noop, 1}, {smtp_vrfy, 1}, {smtp_unimpl, 1},
};

static void command(void)
{
    size_t used;

    for (;;) {
        more();
        if (smtpcmd_feed(&cmd, bio_peek(&in), in.n, &used)) {
            bio_seek(&in, used);
            return;
        }
        bio_seek(&in, used);
    }
}

static void dispatch(void)
{
    size_t vlen, arg, alen, i;

    if (cmd.toolong) {
        reply("500 sorry, that line is too long (#5.5.2)");
        flush();
        return;
    }
    smtpcmd_split(cmd.line, cmd.len, &vlen, &arg, &alen);
    i = smtpcmd_verb(verbs, cmd.line, vlen);
    handlers[i].fn(cmd.line + arg, alen);
    if (handlers[i].flush)
        flush();
}

int main(void)
{
    setup();
    put("220 ");
    put(cf.greeting.s);
    put(" ESMTP\r\n");
    smtpcmd_init(&cmd);
    for (;;) {
        command();
        dispatch();
    }
}
