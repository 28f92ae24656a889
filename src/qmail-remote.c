/*
 * qmail-remote: delivers one message to the recipients at one remote
 * host by SMTP (spec smtp-and-tools.md 2.2-2.9).  Run by qmail-rspawn
 * as qmailr, with the message on fd 0; every result goes to fd 1 in
 * qmail's report protocol (r/h/s per recipient, then K/Z/D) and the
 * exit status is always 0.  Nothing read from the network or from DNS
 * is trusted: replies are bounded in size and in time, answers are
 * parsed by the bounded parsers of the library.
 * With -w it is instead a persistent worker of qmail-rspawn: jobs and
 * reports travel over the socket on fd 0 (rjob.h), and an SMTP
 * connection is kept open between jobs for the same destination.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auto.h"
#include "bio.h"
#include "ctl.h"
#include "fmt.h"
#include "ipad.h"
#include "mxfind.h"
#include "myaddr.h"
#include "rjob.h"
#include "sa.h"
#include "sig.h"
#include "smtpenc.h"
#include "smtpreply.h"
#include "smtproutes.h"
#include "tcpto.h"

#define R_NOMEM "ZOut of memory. (#4.3.0)\n"
#define R_SYS "ZSystem resources temporarily unavailable. (#4.3.0)\n"
#define R_READ "ZUnable to read message. (#4.3.0)\n"

enum { DONE, NEXT }; /* after an address: stop, or try the next one */

/* worker mode: a kept connection is closed after this long unused, or
   after this many messages; at most RJOB_KEEP are kept */
#define KEEP_IDLE_MS 5000
#define KEEP_MAX 100

static struct {
    unsigned long timeoutconnect, timeoutremote, port;
    sa helohost, routes, lookup, cands, fail, line, chunk;
    const char *sender;
    char **rcpt;
    int relay;
    myaddr me;
    mxfind dns;
    unsigned long long seed;
    /* the connection in progress */
    sa ip;           /* its address as text */
    smtpreply reply; /* the last reply */
    int said;        /* its text is not printed yet */
    int opening;     /* MAIL FROM not accepted yet */
    int critical;    /* the final dot was sent */
    int hassize;     /* the server announced SIZE */
    int pipelining;  /* the server announced PIPELINING */
    long long deadline;
    int fd;              /* its socket, or -1 */
    int ready;           /* the server took EHLO or HELO */
    int reusing;         /* worker: a kept connection, MAIL not yet sent */
    int keep;            /* worker: the dialogue ended in step */
    unsigned long mails; /* MAIL commands accepted on it */
    /* worker mode */
    int worker;
    int msgfd;    /* the message */
    sa job, vec;  /* the job packet, its fields */
    sa key;       /* the job's destination: host and route */
    jmp_buf next; /* back to the job loop once a report is out */
} cfg = {.fd = -1};

/* worker mode: connections kept from earlier jobs, each idle and in
   step (the last reply read, nothing unread) */
static struct keep {
    int fd; /* -1: a free entry */
    sa key; /* the destination it was made for (cfg.key) */
    sa ip;
    int hassize, pipelining;
    unsigned long mails;
    long long since; /* when it was last used */
} kept[RJOB_KEEP];

/* PIPELINING (RFC 2920): where the server announced it, MAIL, every
   RCPT and DATA go out in one write (after RSET on a kept connection),
   and their replies are read in order.  A group longer than PIPE_MAX
   goes one command at a time instead: the replies to a short group
   always fit in the socket buffers, so neither side can block the
   other's writes */
#define PIPE_MAX 8192
static struct {
    int on;      /* this transaction's commands went as one group */
    int rset;    /* the group starts with RSET (a kept connection) */
    size_t left; /* its replies not read yet; DATA's is the last */
} grp;

static char outbuf[1024], netinbuf[BIO_SIZE], netoutbuf[BIO_SIZE];
static char msgbuf[BIO_SIZE];
static bio out = BIO_INIT(bio_writeop, 1, outbuf, sizeof outbuf, 0);
static bio netin, netout;
static bio msg = BIO_INIT(bio_readop, 0, msgbuf, sizeof msgbuf, 0);

/* ---- the report protocol on fd 1 ---------------------------------- */

static _Noreturn void job_end(void);

/* a write error on fd 1 leaves nobody to tell: exit 0 all the same */
static _Noreturn void finish(void)
{
    if (bio_flush(&out) == -1)
        _exit(0);
    if (cfg.worker)
        job_end();
    _exit(0);
}

static void outb(const char *s, size_t n)
{
    if (bio_put(&out, s, n) == -1)
        _exit(0);
}

static void outs(const char *s)
{
    outb(s, strlen(s));
}
static void zero(void)
{
    outb("", 1);
}

static _Noreturn void report(const char *s)
{
    outs(s);
    zero();
    finish();
}

static void nomem(void)
{
    report(R_NOMEM);
}

/* the reply text as "Remote host said: ...", once */
static int said(sa *x)
{
    if (!cfg.said)
        return 1;
    cfg.said = 0;
    return sa_cats(x, "Remote host said: ") && sa_cat(x, &cfg.reply.text);
}

/* "<pre><ip><post>.\n" and the reply text into x */
static void describe(sa *x, const char *pre, const char *post)
{
    x->len = 0;
    if (!sa_cats(x, pre) || !sa_cat(x, &cfg.ip) || !sa_cats(x, post) ||
        !sa_cats(x, ".\n") || !said(x))
        nomem();
}

/* ---- the connection ----------------------------------------------- */

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_fd(int fd, short ev, long long ms)
{
    struct pollfd p;
    int r;

    p.fd = fd;
    p.events = ev;
    p.revents = 0;
    do
        r = poll(&p, 1, ms > 2000000000 ? 2000000000 : ms < 0 ? 0 : (int)ms);
    while (r == -1 && errno == EINTR);
    if (r == 0)
        errno = ETIMEDOUT;
    return r > 0 ? 0 : -1;
}

/* reads end at cfg.deadline: one whole reply within timeoutremote */
static ssize_t net_read(int fd, char *buf, size_t n, unsigned timeout)
{
    ssize_t r;

    (void)timeout;
    for (;;) {
        if (wait_fd(fd, POLLIN, cfg.deadline - now_ms()) == -1)
            return -1;
        r = read(fd, buf, n);
        if (r == -1 && (errno == EINTR || errno == EAGAIN))
            continue;
        return r;
    }
}

/* each write within timeoutremote seconds; the socket is non-blocking,
   so the write is tried first and poll waits only when it is full */
static ssize_t net_write(int fd, char *buf, size_t n, unsigned timeout)
{
    ssize_t r;

    (void)timeout;
    for (;;) {
        r = write(fd, buf, n);
        if (r == -1 && errno == EINTR)
            continue;
        if (r != -1 || errno != EAGAIN)
            return r;
        if (wait_fd(fd, POLLOUT, (long long)cfg.timeoutremote * 1000) == -1)
            return -1;
    }
}

static void sockaddr_of(const ipad *ip, struct sockaddr_storage *ss,
                        socklen_t *len)
{
    memset(ss, 0, sizeof *ss);
    if (ip->v6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((unsigned short)cfg.port);
        memcpy(&s6->sin6_addr, ip->b, 16);
        *len = sizeof *s6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons((unsigned short)cfg.port);
        memcpy(&s4->sin_addr, ip->b, 4);
        *len = sizeof *s4;
    }
}

/* a connected socket, or -1 with *timedout telling why it failed */
static int connect_to(const ipad *ip, int *timedout)
{
    struct sockaddr_storage ss;
    socklen_t len, elen = sizeof(int);
    int fd, e = 0;

    *timedout = 0;
    sockaddr_of(ip, &ss, &len);
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        if (errno == EAFNOSUPPORT)
            return -1; /* no IPv6 here: as if unreachable */
        report(R_SYS);
    }
    if (connect(fd, (struct sockaddr *)&ss, len) == -1) {
        if (errno != EINPROGRESS)
            e = errno;
        else if (wait_fd(fd, POLLOUT, (long long)cfg.timeoutconnect * 1000))
            e = errno;
        else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) == -1)
            e = errno;
    }
    if (!e)
        return fd;
    *timedout = e == ETIMEDOUT;
    close(fd);
    return -1;
}

/* ---- the timeout table -------------------------------------------- */

static int tcpto_avoid(const ipad *ip)
{
    tcpto t;
    const char *why;
    int r;

    if (tcpto_open(&t, TCPTO_FILE, &why) == -1)
        return 0;
    r = tcpto_skip(t.t, ip, (unsigned long)time(0), (unsigned long)getpid());
    tcpto_close(&t);
    return r;
}

static void tcpto_result(const ipad *ip, int timedout)
{
    tcpto t;
    const char *why;
    size_t n;
    long off;

    if (tcpto_open(&t, TCPTO_FILE, &why) == -1)
        return;
    off = tcpto_note(t.t, ip, timedout, (unsigned long)time(0), &n);
    if (off >= 0 && tcpto_write(&t, off, n) == -1) {
        /* the table is advice; a failed update only loses advice */
    }
    tcpto_close(&t);
}

/* ---- the SMTP dialogue -------------------------------------------- */

/* sends QUIT without waiting for its answer */
static void send_quit(void)
{
    if (bio_putflush(&netout, "QUIT\r\n", 6) == -1) {
        /* the connection is being dropped anyway */
    }
}

/* the dialogue ends in step: a worker keeps the connection for later */
static _Noreturn void quit(const char *pre, const char *post)
{
    if (cfg.worker && cfg.ready)
        cfg.keep = 1;
    else
        send_quit();
    describe(&cfg.line, pre, post);
    outb(cfg.line.s, cfg.line.len);
    zero();
    finish();
}

/* a temporary failure before any recipient: remember it, try on */
static int give_up(const char *pre, const char *post)
{
    send_quit();
    describe(&cfg.fail, pre, post);
    return NEXT;
}

/* timeout, EOF, I/O error, or a reply out of bounds */
static int lost(void)
{
    sa *x = cfg.opening ? &cfg.fail : &cfg.line;

    x->len = 0;
    if (!sa_cats(x, "ZConnected to ") || !sa_cat(x, &cfg.ip) ||
        !sa_cats(x, " but connection died. ") ||
        (cfg.critical && !sa_cats(x, "Possible duplicate! ")) ||
        !sa_cats(x, "(#4.4.2)\n"))
        nomem();
    if (cfg.opening)
        return NEXT;
    outb(x->s, x->len);
    zero();
    finish();
}

/* the next reply's code, -1 when the connection is lost; a code that
   is not three digits from 100 to 599 counts as 421 */
static int reply_into(smtpreply *r)
{
    size_t used;
    int st;

    smtpreply_start(r);
    cfg.deadline = now_ms() + (long long)cfg.timeoutremote * 1000;
    do {
        if (bio_feed(&netin) <= 0)
            return -1;
        st = smtpreply_feed(r, bio_peek(&netin), netin.n, &used);
        bio_seek(&netin, used);
    } while (st == SMTPREPLY_MORE);
    if (st == SMTPREPLY_NOMEM)
        nomem();
    if (st != SMTPREPLY_DONE)
        return -1;
    if (r->code < 100 || r->code > 599)
        return 421;
    return (int)r->code;
}

static int reply(void)
{
    int code;

    cfg.said = 0;
    code = reply_into(&cfg.reply);
    cfg.said = code >= 0;
    return code;
}

/* sends the line in cfg.line (CRLF added) and reads the reply */
static int command(void)
{
    if (bio_put(&netout, cfg.line.s, cfg.line.len) == -1 ||
        bio_putflush(&netout, "\r\n", 2) == -1)
        return -1;
    return reply();
}

static int command2(const char *verb, const sa *arg)
{
    if (!sa_copys(&cfg.line, verb) || !sa_cat(&cfg.line, arg))
        nomem();
    return command();
}

/* the message's size in octets with CRLF line ends (RFC 1870 SIZE);
   0 when fd 0 is not a file that can be measured and rewound */
static int message_size(unsigned long *n)
{
    struct stat st;
    off_t start = lseek(cfg.msgfd, 0, SEEK_CUR);
    ssize_t r, i;

    *n = 0;
    if (start == -1 || fstat(cfg.msgfd, &st) == -1 || !S_ISREG(st.st_mode))
        return 0;
    while ((r = read(cfg.msgfd, msgbuf, sizeof msgbuf)) > 0)
        for (*n += (unsigned long)r, i = 0; i < r; ++i)
            *n += msgbuf[i] == '\n';
    if (r == -1 || lseek(cfg.msgfd, start, SEEK_SET) == -1)
        report(R_READ);
    return 1;
}

static int greet(void)
{
    const char *arg;
    size_t arglen;
    int code = reply();

    if (code < 0)
        return lost();
    if (code / 100 == 4)
        return give_up("ZConnected to ", " but greeting failed");
    if (code != 220)
        quit("ZConnected to ", " but greeting failed");
    if ((code = command2("EHLO ", &cfg.helohost)) < 0)
        return lost();
    if (code == 250) {
        cfg.hassize = smtpreply_ext(cfg.reply.text.s, cfg.reply.text.len,
                                    "SIZE", &arg, &arglen);
        cfg.pipelining = smtpreply_ext(cfg.reply.text.s, cfg.reply.text.len,
                                       "PIPELINING", &arg, &arglen);
        cfg.ready = 1;
        return DONE;
    }
    if (code / 100 != 4 && (code = command2("HELO ", &cfg.helohost)) < 0)
        return lost();
    if (code / 100 == 4)
        return give_up("ZConnected to ", " but my name was rejected");
    if (code != 250)
        quit("ZConnected to ", " but my name was rejected");
    cfg.ready = 1;
    return DONE;
}

/* "MAIL FROM:<sender>", with SIZE where announced, appended to x */
static void mail_line(sa *x)
{
    unsigned long size;
    char num[FMT_ULONG];
    int withsize = cfg.hassize && message_size(&size);

    if (!sa_cats(x, "MAIL FROM:<") ||
        !smtpenc_addr(x, cfg.sender, strlen(cfg.sender)) || !sa_append(x, '>'))
        nomem();
    if (withsize &&
        (!sa_cats(x, " SIZE=") || !sa_catb(x, num, fmt_ulong(num, size))))
        nomem();
}

/* "RCPT TO:<r>" appended to x */
static void rcpt_line(sa *x, const char *r)
{
    if (!sa_cats(x, "RCPT TO:<") || !smtpenc_addr(x, r, strlen(r)) ||
        !sa_append(x, '>'))
        nomem();
}

/* the next reply of the group, or of the command just sent */
static int pipe_reply(void)
{
    if (grp.left)
        --grp.left;
    return reply();
}

/* a command's reply: read when the group went out, else the command
   in cfg.line sent and its reply read */
static int step(void)
{
    return grp.on ? pipe_reply() : command();
}

/* the whole group in one write, where the server allows it and it is
   short; RSET's reply read here.  NEXT: RSET failed on a kept
   connection (nothing was reported; the caller closes it) */
static int pipe_start(void)
{
    char **r;
    size_t n = 0;

    grp.on = 0;
    grp.left = 0;
    if (!cfg.pipelining)
        return DONE;
    cfg.chunk.len = 0;
    if (grp.rset && !sa_cats(&cfg.chunk, "RSET\r\n"))
        nomem();
    mail_line(&cfg.chunk);
    if (!sa_cats(&cfg.chunk, "\r\n"))
        nomem();
    for (r = cfg.rcpt; *r && cfg.chunk.len <= PIPE_MAX; ++r, ++n) {
        rcpt_line(&cfg.chunk, *r);
        if (!sa_cats(&cfg.chunk, "\r\n"))
            nomem();
    }
    if (!sa_cats(&cfg.chunk, "DATA\r\n"))
        nomem();
    if (cfg.chunk.len > PIPE_MAX) {
        if (grp.rset) { /* one at a time, as without PIPELINING */
            if (!sa_copys(&cfg.line, "RSET"))
                nomem();
            if (command() != 250)
                return NEXT;
        }
        return DONE;
    }
    if (bio_putflush(&netout, cfg.chunk.s, cfg.chunk.len) == -1)
        return grp.rset ? NEXT : lost();
    grp.on = 1;
    grp.left = (size_t)grp.rset + 1 + n + 1;
    if (grp.rset && pipe_reply() != 250)
        return NEXT;
    return DONE;
}

/* before the dialogue ends early: the group's remaining replies, so
   that a kept connection is in step; if the server accepted DATA all
   the same, the empty message is ended with a lone dot (RFC 2920 3.1)
   and that reply read too.  A connection in trouble is not kept */
static void pipe_settle(void)
{
    static smtpreply r = SMTPREPLY_INIT; /* the reply that ends the
                                            dialogue stays in cfg.reply */
    int code = 0;

    for (; grp.on && grp.left; --grp.left)
        if ((code = reply_into(&r)) < 0) {
            cfg.ready = 0;
            break;
        }
    if (grp.on && code == 354 &&
        (bio_putflush(&netout, ".\r\n", 3) == -1 || reply_into(&r) < 0))
        cfg.ready = 0;
    grp.on = 0;
}

static int mail_from(void)
{
    int code;

    cfg.line.len = 0;
    if (!grp.on)
        mail_line(&cfg.line);
    if ((code = step()) < 0)
        return lost();
    if (code >= 400 && cfg.reusing) { /* ask again on a fresh connection */
        send_quit();
        return NEXT;
    }
    if (code >= 500) {
        pipe_settle();
        quit("DConnected to ", " but sender was rejected");
    }
    if (code >= 400)
        return give_up("ZConnected to ", " but sender was rejected");
    cfg.opening = 0;
    cfg.reusing = 0;
    ++cfg.mails;
    return DONE;
}

/* one report per recipient; 1 when at least one was accepted */
static int rcpt_to(void)
{
    int any = 0, code;
    char **r;

    for (r = cfg.rcpt; *r; ++r) {
        cfg.line.len = 0;
        if (!grp.on)
            rcpt_line(&cfg.line, *r);
        if ((code = step()) < 0)
            lost();
        /* RFC 5321 4.5.3.1.10: 552 here is "too many recipients",
           temporary, unless SIZE says it is about the size */
        if (code == 552 && !cfg.hassize)
            code = 452;
        if (code < 400) {
            any = 1;
            outs("r");
            zero();
            continue;
        }
        describe(&cfg.line, code >= 500 ? "h" : "s",
                 " does not like recipient");
        outb(cfg.line.s, cfg.line.len);
        zero();
    }
    return any;
}

/* the message as DATA: CRLF, dot-stuffed, then the final dot */
static void body(void)
{
    smtpenc e = SMTPENC_INIT;
    ssize_t r;
    int end;

    while ((r = bio_feed(&msg)) > 0) {
        cfg.chunk.len = 0;
        if (!smtpenc_body(&e, bio_peek(&msg), (size_t)r, &cfg.chunk))
            nomem();
        bio_seek(&msg, (size_t)r);
        if (bio_put(&netout, cfg.chunk.s, cfg.chunk.len) == -1)
            lost();
    }
    if (r == -1)
        report(R_READ);
    cfg.chunk.len = 0;
    end = smtpenc_end(&e, &cfg.chunk);
    if (end == -1)
        nomem();
    if (!end)
        report("DSMTP cannot transfer messages with partial final lines. "
               "(#5.6.2)\n");
    if (bio_putflush(&netout, cfg.chunk.s, cfg.chunk.len) == -1)
        lost();
    cfg.critical = 1;
}

static void data(void)
{
    int code;

    if (!sa_copys(&cfg.line, "DATA"))
        nomem();
    if ((code = step()) < 0)
        lost();
    grp.on = 0;
    if (code >= 500)
        quit("D", " failed on DATA command");
    if (code >= 400)
        quit("Z", " failed on DATA command");
    if (code != 354)
        cfg.ready = 0; /* odd server: not worth keeping */
    body();
    if ((code = reply()) < 0)
        lost();
    if (code >= 500)
        quit("D", " failed after I sent the message");
    if (code >= 400)
        quit("Z", " failed after I sent the message");
    quit("K", " accepted message");
}

/* one message from MAIL on; returns only NEXT */
static int transaction(void)
{
    cfg.opening = 1;
    cfg.critical = 0;
    cfg.said = 0;
    if (pipe_start() == NEXT || mail_from() == NEXT)
        return NEXT;
    if (!rcpt_to()) {
        pipe_settle();
        quit("DGiving up on ", "");
    }
    data();
    return DONE; /* not reached: data() always reports */
}

/* the whole dialogue on a connected socket; returns only NEXT */
static int smtp(int fd, const ipad *ip)
{
    cfg.ip.len = 0;
    if (!ipad_fmt(&cfg.ip, ip))
        nomem();
    bio_init(&netin, net_read, fd, netinbuf, sizeof netinbuf);
    bio_init(&netout, net_write, fd, netoutbuf, sizeof netoutbuf);
    cfg.opening = 1;
    cfg.critical = 0;
    cfg.hassize = 0;
    cfg.pipelining = 0;
    grp.rset = 0;
    cfg.said = 0;
    cfg.ready = 0;
    cfg.mails = 0;
    if (greet() == NEXT)
        return NEXT;
    return transaction();
}

/* ---- finding and trying addresses --------------------------------- */

static unsigned long rnd(void *ctx)
{
    unsigned long long *x = ctx;

    *x ^= *x << 13; /* xorshift64: only spreads load over equal MXes */
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return (unsigned long)(*x >> 11);
}

static void seed(void)
{
    struct timespec ts;

    if (getrandom(&cfg.seed, sizeof cfg.seed, GRND_NONBLOCK) !=
        (ssize_t)sizeof cfg.seed) {
        clock_gettime(CLOCK_REALTIME, &ts);
        cfg.seed = (unsigned long long)ts.tv_nsec ^
                   ((unsigned long long)getpid() << 32) ^
                   (unsigned long long)ts.tv_sec;
    }
    cfg.seed |= 1;
}

/* the host name for a message: bytes outside 33..126 become '?' */
static void host_named(const char *host)
{
    size_t i;

    cfg.line.len = 0;
    if (!sa_cats(&cfg.line, "DSorry, I couldn't find any host named "))
        nomem();
    for (i = 0; host[i]; ++i)
        if (!sa_append(&cfg.line,
                       host[i] < 33 || host[i] > 126 ? '?' : host[i]))
            nomem();
    if (!sa_cats(&cfg.line, ". (#5.1.2)\n") || !sa_0(&cfg.line))
        nomem();
    report(cfg.line.s);
}

/* the route to host: cfg.relay, cfg.lookup (the name to look up),
   cfg.port */
static void route(const char *host)
{
    const char *relay;
    size_t rlen;

    cfg.relay = smtproutes_find(&cfg.routes, host, strlen(host), &relay, &rlen,
                                &cfg.port);
    if (!cfg.relay)
        cfg.port = 25;
    if (!sa_copyb(&cfg.lookup, cfg.relay ? relay : host,
                  cfg.relay ? rlen : strlen(host)) ||
        !sa_0(&cfg.lookup))
        nomem();
}

/* cfg.cands: where to connect, best first */
static void find_addresses(void)
{
    int st;

    cfg.cands.len = 0;
    seed();
    if (cfg.relay)
        st = mxfind_ip(&cfg.dns, cfg.lookup.s, 0, &cfg.cands);
    else
        st = mxfind_mx(&cfg.dns, cfg.lookup.s, rnd, &cfg.seed, &cfg.cands);
    if (st == MXFIND_NOMEM)
        nomem();
    if (st == MXFIND_SOFT)
        report("ZSorry, I couldn't find any host by that name. (#4.1.2)\n");
    if (st == MXFIND_HARD)
        host_named(cfg.lookup.s);
    if (!cfg.cands.len)
        report("DSorry, I couldn't find a mail exchanger or IP address. "
               "(#5.4.4)\n");
}

/* an MX pointing at this host would loop: only better ones are used */
static void not_myself(void)
{
    if (cfg.relay)
        return;
    if (!myaddr_load(&cfg.me))
        report(errno == ENOMEM ? R_NOMEM : R_SYS);
    if (!mxfind_self(&cfg.cands, &cfg.me))
        report("DSorry. Although I'm listed as a best-preference MX or A "
               "for that host,\nit isn't in my control/locals file, so I "
               "don't treat it as local. (#5.4.6)\n");
}

static _Noreturn void deliver(void)
{
    size_t i, n = cfg.cands.len / sizeof(mxfind_cand);
    mxfind_cand c;
    int fd, timedout;

    for (i = 0; i < n; ++i) {
        memcpy(&c, cfg.cands.s + i * sizeof c, sizeof c);
        if (tcpto_avoid(&c.ip))
            continue;
        fd = connect_to(&c.ip, &timedout);
        tcpto_result(&c.ip, timedout);
        if (fd == -1)
            continue;
        cfg.fd = fd;
        smtp(fd, &c.ip);
        close(fd);
        cfg.fd = -1;
    }
    if (cfg.fail.len) { /* the last server that answered, and how */
        outb(cfg.fail.s, cfg.fail.len);
        zero();
        finish();
    }
    report("ZSorry, I wasn't able to establish an SMTP connection. "
           "(#4.4.1)\n");
}

/* ---- start-up ------------------------------------------------------ */

/*
 * A worker reads the control files again for each job, as a
 * qmail-remote started for each delivery would, but only when one of
 * them may have changed since it last read them: it stats each first,
 * and what it read last time stays when every file is still the same
 * (device, inode, size, modification and change time) or still absent.
 * File times advance by a clock tick at a time, so a file written twice
 * within one tick could look unchanged: what was read is kept only when
 * every file it came from had last changed more than a second before
 * the stat that preceded the reading.
 */
static const char *const ctlname[] = {
    "control/timeoutconnect", "control/timeoutremote", "control/helohost",
    "control/me", "control/smtproutes"};
#define NCTL (sizeof ctlname / sizeof *ctlname)
struct ctlstamp {
    int there; /* 1 a file, 0 absent, -1 could not tell */
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtim, ctim;
};
static struct ctlstamp ctlseen[NCTL];
static int ctlkeep; /* ctlseen is what cfg was read from, and is old */
static int inhome;

static void ctl_stamp(struct ctlstamp *t, const char *fn)
{
    struct stat st;

    memset(t, 0, sizeof *t);
    if (stat(fn, &st) == 0) {
        t->there = 1;
        t->dev = st.st_dev;
        t->ino = st.st_ino;
        t->size = st.st_size;
        t->mtim = st.st_mtim;
        t->ctim = st.st_ctim;
    } else
        t->there = errno == ENOENT ? 0 : -1;
}

static int ctl_same(const struct ctlstamp *a, const struct ctlstamp *b)
{
    return a->there == b->there && a->there != -1 &&
           (!a->there ||
            (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
             a->mtim.tv_sec == b->mtim.tv_sec &&
             a->mtim.tv_nsec == b->mtim.tv_nsec &&
             a->ctim.tv_sec == b->ctim.tv_sec &&
             a->ctim.tv_nsec == b->ctim.tv_nsec));
}

static void controls(void)
{
    struct ctlstamp now[NCTL];
    time_t t;
    size_t i;
    int same;

    if (!inhome && chdir(AUTO_QMAILHOME) == -1)
        report("ZUnable to switch to home directory. (#4.3.0)\n");
    inhome = 1; /* and nothing here changes directory */
    t = time(0);
    same = ctlkeep;
    for (i = 0; i < NCTL; ++i) {
        ctl_stamp(&now[i], ctlname[i]);
        same = same && ctl_same(&now[i], &ctlseen[i]);
    }
    if (same)
        return;
    ctlkeep = 0;
    ctl_me_forget();
    cfg.timeoutconnect = 60;
    cfg.timeoutremote = 1200;
    if (ctl_readint(&cfg.timeoutconnect, "control/timeoutconnect") == -1 ||
        ctl_readint(&cfg.timeoutremote, "control/timeoutremote") == -1 ||
        ctl_rldef(&cfg.helohost, "control/helohost", 1, 0) != 1 ||
        ctl_readfile(&cfg.routes, "control/smtproutes") == -1)
        report(errno == ENOMEM ? R_NOMEM
                               : "ZUnable to read control files. (#4.3.0)\n");
    if (cfg.timeoutconnect > 86400000)
        cfg.timeoutconnect = 86400000; /* keeps milliseconds in range */
    if (cfg.timeoutremote > 86400000)
        cfg.timeoutremote = 86400000;
    ctlkeep = 1;
    for (i = 0; i < NCTL; ++i) {
        ctlseen[i] = now[i];
        if (now[i].there == -1 ||
            (now[i].there &&
             (now[i].ctim.tv_sec >= t - 1 || now[i].mtim.tv_sec >= t - 1)))
            ctlkeep = 0;
    }
}

/* ---- worker mode ---------------------------------------------------- */

static ssize_t job_write(int fd, char *buf, size_t n, unsigned timeout)
{
    (void)timeout;
    return rjob_senddata(fd, buf, n);
}

static void kept_close(struct keep *k, int polite)
{
    if (k->fd == -1)
        return;
    if (polite && write(k->fd, "QUIT\r\n", 6) == -1) {
        /* it is being closed anyway */
    }
    close(k->fd);
    k->fd = -1;
}

static void kept_closeall(void)
{
    size_t i;

    for (i = 0; i < RJOB_KEEP; ++i)
        kept_close(&kept[i], 1);
}

/* an entry for cfg.fd: a free one, else the one unused longest */
static struct keep *kept_slot(void)
{
    struct keep *k = &kept[0];
    size_t i;

    for (i = 0; i < RJOB_KEEP; ++i) {
        if (kept[i].fd == -1)
            return &kept[i];
        if (kept[i].since < k->since)
            k = &kept[i];
    }
    kept_close(k, 1);
    return k;
}

/* the report is out: keep or close the connection, end the job */
static _Noreturn void job_end(void)
{
    int keep = cfg.fd != -1 && cfg.keep && !netin.n;
    struct keep *k;

    if (keep && cfg.mails >= KEEP_MAX) {
        send_quit();
        keep = 0;
    }
    if (keep) {
        k = kept_slot();
        if (!sa_copy(&k->ip, &cfg.ip) || !sa_copy(&k->key, &cfg.key))
            keep = 0;
        else {
            k->fd = cfg.fd;
            k->hassize = cfg.hassize;
            k->pipelining = cfg.pipelining;
            k->mails = cfg.mails;
            k->since = now_ms();
        }
    }
    if (!keep && cfg.fd != -1)
        close(cfg.fd);
    cfg.fd = -1;
    if (rjob_end(0, keep) == -1)
        _exit(0); /* qmail-rspawn is gone */
    longjmp(cfg.next, 1);
}

/* cfg.key: the host, the route to it, and the name it greets with: a
   connection greeted with an older helohost is not reused */
static void job_key(const char *host)
{
    char num[FMT_ULONG];

    if (!sa_copys(&cfg.key, host) || !sa_append(&cfg.key, 0) ||
        !sa_cat(&cfg.key, &cfg.lookup) ||
        !sa_append(&cfg.key, cfg.relay ? 'r' : 'm') ||
        !sa_catb(&cfg.key, num, fmt_ulong(num, cfg.port)) ||
        !sa_append(&cfg.key, 0) || !sa_cat(&cfg.key, &cfg.helohost))
        nomem();
}

/* a kept connection for cfg.key, taken out of the cache; 0 if none */
static struct keep *kept_find(void)
{
    size_t i;

    for (i = 0; i < RJOB_KEEP; ++i)
        if (kept[i].fd != -1 && kept[i].key.len == cfg.key.len &&
            !memcmp(kept[i].key.s, cfg.key.s, cfg.key.len))
            return &kept[i];
    return 0;
}

/* the message on a kept connection: RSET, then as usual from MAIL on;
   back only when the connection turned out unusable before the server
   accepted MAIL (then closed, and nothing reported) */
static void job_reuse(struct keep *k)
{
    cfg.fd = k->fd;
    k->fd = -1;
    if (!sa_copy(&cfg.ip, &k->ip))
        nomem();
    bio_init(&netin, net_read, cfg.fd, netinbuf, sizeof netinbuf);
    bio_init(&netout, net_write, cfg.fd, netoutbuf, sizeof netoutbuf);
    cfg.hassize = k->hassize;
    cfg.pipelining = k->pipelining;
    cfg.mails = k->mails;
    cfg.ready = 1;
    cfg.said = 0;
    cfg.opening = 1;
    if (cfg.pipelining) { /* RSET leads the group */
        grp.rset = 1;
        cfg.reusing = 1;
        transaction();
        cfg.reusing = 0;
        grp.rset = 0;
    } else {
        if (!sa_copys(&cfg.line, "RSET"))
            nomem();
        if (command() == 250) {
            cfg.reusing = 1;
            transaction();
            cfg.reusing = 0;
        }
    }
    close(cfg.fd);
    cfg.fd = -1;
    cfg.fail.len = 0;
}

static void job_run(char **f)
{
    struct keep *k;

    cfg.sender = f[1];
    cfg.rcpt = f + 2;
    cfg.fail.len = 0;
    cfg.keep = 0;
    cfg.reusing = 0;
    /* a report ends a job by longjmp, wherever the dialogue was */
    grp.on = grp.rset = 0;
    grp.left = 0;
    bio_init(&msg, bio_readop, cfg.msgfd, msgbuf, sizeof msgbuf);
    controls();
    route(f[0]);
    job_key(f[0]);
    if ((k = kept_find()))
        job_reuse(k);
    find_addresses();
    not_myself();
    deliver();
}

/* waits for the next job, minding the kept connections meanwhile:
   0 a job is there, -1 qmail-rspawn has gone */
static int job_wait(void)
{
    struct pollfd p[RJOB_KEEP + 1];
    long long left, now;
    int r, wait;
    size_t i;

    for (;;) {
        p[0].fd = 0;
        p[0].events = POLLIN;
        p[0].revents = 0;
        wait = -1;
        now = now_ms();
        for (i = 0; i < RJOB_KEEP; ++i) {
            left = kept[i].since + KEEP_IDLE_MS - now;
            if (kept[i].fd != -1 && left <= 0)
                kept_close(&kept[i], 1); /* unused too long */
            p[i + 1].fd = kept[i].fd;    /* -1 is not polled */
            p[i + 1].events = POLLIN;
            p[i + 1].revents = 0;
            if (kept[i].fd != -1 && (wait == -1 || left < wait))
                wait = (int)left;
        }
        r = poll(p, RJOB_KEEP + 1, wait);
        if (r == -1 && errno != EINTR)
            return -1;
        for (i = 0; r > 0 && i < RJOB_KEEP; ++i)
            if (p[i + 1].revents) /* the server spoke or hung up */
                kept_close(&kept[i], 0);
        if (r > 0 && p[0].revents)
            return 0;
    }
}

/* serves jobs until qmail-rspawn closes the socket */
static _Noreturn void worker(void)
{
    ssize_t r;
    int fd;
    size_t i;

    sig_survive(SIGUSR1); /* "pkill -USR1 qmail" must not cost a job */
    bio_init(&out, job_write, 0, outbuf, sizeof outbuf);
    cfg.worker = 1;
    cfg.msgfd = -1;
    for (i = 0; i < RJOB_KEEP; ++i)
        kept[i].fd = -1;
    if (!sa_ready(&cfg.job, RJOB_MAX))
        _exit(111);
    setjmp(cfg.next);
    if (cfg.msgfd != -1)
        close(cfg.msgfd);
    cfg.msgfd = -1;
    for (;;) {
        if (job_wait() == -1)
            _exit(111);
        r = rjob_recv(0, cfg.job.s, RJOB_MAX, &fd, 0);
        if (r == 0) {
            kept_closeall();
            _exit(0);
        }
        if (r == -1 && errno != EMSGSIZE)
            _exit(111);
        cfg.msgfd = fd;
        if (r == -1 || fd == -1 ||
            rjob_split(cfg.job.s, (size_t)r, &cfg.vec) == -1)
            report("ZI (qmail-remote) received a malformed job. (#4.3.5)\n");
        job_run((char **)(void *)cfg.vec.s);
    }
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc == 2 && !strcmp(argv[1], "-w"))
        worker();
    if (argc < 4)
        report("DI (qmail-remote) was invoked improperly. (#5.3.5)\n");
    cfg.sender = argv[2];
    cfg.rcpt = argv + 3;
    cfg.msgfd = 0;
    controls();
    route(argv[1]);
    find_addresses();
    not_myself();
    deliver();
}
