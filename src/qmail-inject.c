/*
 * qmail-inject: prepare a message from a local user and queue it
 * (spec smtp-and-tools.md 3.1-3.8).  Runs as the calling user: reads
 * the message on stdin, the environment, QMAILMFTFILE and the controls
 * defaultdomain, defaulthost, plusdomain, idhost; rewrites addresses in
 * the header, adds missing fields and hands the result to qmail-queue
 * (or prints it with -n).  The header is held in memory, the body is
 * streamed.  Exit 0 done, 100 permanent (usage, syntax, queue refusal),
 * 111 temporary.  Header parsing lives in src/lib/rfc822.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "auto.h"
#include "bio.h"
#include "cmap.h"
#include "ctl.h"
#include "date822.h"
#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "qq.h"
#include "rfc822.h"
#include "sa.h"
#include "sgopt.h"

enum { RECIP_DEFAULT, RECIP_ARGS, RECIP_HEADER, RECIP_BOTH };
enum { RW_HOST, RW_PLUS, RW_DOM, RW_N };
/* what a header field's addresses are used for */
enum { USE_NONE, USE_TOCC, USE_HR, USE_HRR, USE_RETURN, USE_SENDER };

static struct {
    int namecomment, delsender, delfrom, delmessid, verprecip, verpmess;
    const char *user, *host, *name, *suser, *shost;
    int queue;    /* 0 with -n: print instead */
    int strategy; /* RECIP_* */
    time_t start;
    unsigned long pid;
    sa idhost;
    sa rwbuf[RW_N];
    r822_toks rwtok[RW_N];
    r822_rw rw;
    int havesender;
    sa sender;
    sa recips;        /* from the arguments, each NUL-terminated */
    sa hr, hrr, tocc; /* from the header: normal, resent, To and Cc */
    sa saved;         /* the header fields that are kept */
    int seen[R822_H_NUM];
    int resent;
    int mft;
    cmap mftset; /* QMAILMFTFILE's addresses, case-insensitive */
    qq q;
    bio out;
    char outbuf[BIO_SIZE];
    sa tmp, tmp2, addrs;
} c = {.queue = 1};

/* ---- failures ---- */

static _Noreturn void die_nomem(void)
{
    DIE(EX_TEMP, "out of memory");
}

static _Noreturn void die_read(void)
{
    if (errno == ENOMEM)
        die_nomem();
    DIE(EX_TEMP, "read error");
}

/* the offending text goes out whole (it may be long or hold any byte),
   ended by LF also when it is a control value that has none */
static _Noreturn void die_parse(const char *s, size_t len)
{
    static const char msg[] =
        "qmail-inject: fatal: unable to parse this line:\n";

    if (write_all(2, msg, sizeof msg - 1) == 0 && write_all(2, s, len) == 0 &&
        (!len || s[len - 1] != '\n'))
        (void)!write_all(2, "\n", 1);
    _exit(EX_PERM);
}

/* ---- output: to qmail-queue, or to stdout with -n ---- */

/* with -n a failed write to stdout is fatal (exit 111) rather than
   silently ignored, so a full disk or a vanished reader shows */
static void put(const char *s, size_t n)
{
    if (!n)
        return;
    if (c.queue)
        qq_put(&c.q, s, n);
    else if (bio_put(&c.out, s, n) == -1)
        DIE(EX_TEMP, "unable to write output: ", ERRSYS);
}

static void puts_(const char *s)
{
    put(s, strlen(s));
}
static void put_sa(const sa *x)
{
    put(x->s, x->len);
}

/* quote the local part if needed; the null address stays empty */
static void quote2(sa *out, const char *s, size_t len)
{
    out->len = 0;
    if (len && !addr_quote(out, s, len))
        die_nomem();
}

static void list_add(sa *list, const char *s, size_t len)
{
    if (!sa_catb(list, s, len) || !sa_0(list))
        die_nomem();
}

/* ---- environment, controls, options ---- */

static const char *env_first(const char *const *names)
{
    const char *v;

    for (; *names; ++names)
        if ((v = getenv(*names)))
            return v;
    return 0;
}

static void env_setup(void)
{
    const char *o = getenv("QMAILINJECT");

    for (; o && *o; ++o)
        switch (*o) {
        case 'c':
            c.namecomment = 1;
            break;
        case 's':
            c.delsender = 1;
            break;
        case 'f':
            c.delfrom = 1;
            break;
        case 'i':
            c.delmessid = 1;
            break;
        case 'r':
            c.verprecip = 1;
            break;
        case 'm':
            c.verpmess = 1;
            break;
        }
    c.host = env_first((const char *const[]){"QMAILHOST", "MAILHOST", 0});
    c.shost = getenv("QMAILSHOST");
    if (!c.shost)
        c.shost = c.host;
    c.user = env_first(
        (const char *const[]){"QMAILUSER", "MAILUSER", "USER", "LOGNAME", 0});
    if (!c.user)
        c.user = "anonymous";
    c.suser = getenv("QMAILSUSER");
    if (!c.suser)
        c.suser = c.user;
    c.name =
        env_first((const char *const[]){"QMAILNAME", "MAILNAME", "NAME", 0});
}

/* a single-line control, overridden by the environment */
static void ctl_get(sa *val, const char *fn, const char *def, const char *var)
{
    const char *x = getenv(var);

    if (ctl_rldef(val, fn, 1, def) != 1)
        die_read();
    if (x && !sa_copys(val, x))
        die_nomem();
}

/* the rewriting tokens: prefix ('@' or '.') then the control's value */
static void rw_load(int k, char prefix, const char *fn, const char *def,
                    const char *var)
{
    int r;

    ctl_get(&c.tmp2, fn, def, var);
    if (!sa_copyb(&c.tmp, &prefix, 1) || !sa_cat(&c.tmp, &c.tmp2))
        die_nomem();
    r = r822_tokenise(&c.rwtok[k], &c.rwbuf[k], c.tmp.s, c.tmp.len);
    if (r == -1)
        die_nomem();
    if (r == 0)
        die_parse(c.tmp.s, c.tmp.len);
}

static void controls_read(void)
{
    const char *fn = getenv("QMAILMFTFILE");

    if (fn) { /* relative to the caller's directory */
        c.mft = ctl_readfile(&c.tmp, fn);
        if (c.mft == -1)
            die_read();
        if (c.mft == 1 && !cmap_fromlist(&c.mftset, &c.tmp, 0))
            die_nomem();
    }
    if (chdir(AUTO_QMAILHOME) == -1)
        DIE(EX_TEMP, "internal bug");
    rw_load(RW_DOM, '.', "control/defaultdomain", "defaultdomain",
            "QMAILDEFAULTDOMAIN");
    rw_load(RW_HOST, '@', "control/defaulthost", "defaulthost",
            "QMAILDEFAULTHOST");
    rw_load(RW_PLUS, '.', "control/plusdomain", "plusdomain",
            "QMAILPLUSDOMAIN");
    ctl_get(&c.idhost, "control/idhost", "idhost", "QMAILIDHOST");
    c.rw.host = c.rwtok[RW_HOST].t;
    c.rw.nhost = c.rwtok[RW_HOST].len;
    c.rw.plus = c.rwtok[RW_PLUS].t;
    c.rw.nplus = c.rwtok[RW_PLUS].len;
    c.rw.dom = c.rwtok[RW_DOM].t;
    c.rw.ndom = c.rwtok[RW_DOM].len;
}

static void opt_sender(const char *arg)
{
    int r = r822_addr(&c.sender, arg, strlen(arg), &c.rw);

    if (r == -1)
        die_nomem();
    if (r == 0) {
        quote2(&c.tmp, arg, strlen(arg));
        die_parse(c.tmp.s, c.tmp.len);
    }
    c.havesender = 1;
}

static void recip_arg(const char *arg)
{
    int r = r822_addr(&c.tmp, arg, strlen(arg), &c.rw);

    if (r == -1)
        die_nomem();
    if (r == 0)
        DIE(EX_PERM, "unable to parse address: ", arg);
    list_add(&c.recips, c.tmp.s, c.tmp.len);
}

static void options(int argc, char **argv)
{
    sgopt g = SGOPT_INIT;
    int opt;

    while ((opt = sgopt_next(&g, argc, argv, "aAhHnNf:")) != -1)
        switch (opt) {
        case 'a':
            c.strategy = RECIP_ARGS;
            break;
        case 'A':
            c.strategy = RECIP_DEFAULT;
            break;
        case 'h':
            c.strategy = RECIP_HEADER;
            break;
        case 'H':
            c.strategy = RECIP_BOTH;
            break;
        case 'n':
            c.queue = 0;
            break;
        case 'N':
            c.queue = 1;
            break;
        case 'f':
            opt_sender(g.arg);
            break;
        default:
            _exit(EX_PERM);
        }
    argv += g.ind;
    if (c.strategy == RECIP_DEFAULT)
        c.strategy = *argv ? RECIP_ARGS : RECIP_HEADER;
    if (c.strategy != RECIP_HEADER)
        for (; *argv; ++argv)
            recip_arg(*argv);
}

/* ---- header fields ---- */

static int field_use(int h)
{
    switch (h) {
    case R822_H_TO:
    case R822_H_CC:
        return USE_TOCC;
    case R822_H_BCC:
    case R822_H_APPARENTLYTO:
        return USE_HR;
    case R822_H_R_TO:
    case R822_H_R_CC:
    case R822_H_R_BCC:
        return USE_HRR;
    case R822_H_RETURNPATH:
        return USE_RETURN;
    case R822_H_SENDER:
    case R822_H_FROM:
    case R822_H_REPLYTO:
    case R822_H_RETURNRECEIPTTO:
    case R822_H_ERRORSTO:
    case R822_H_R_SENDER:
    case R822_H_R_FROM:
    case R822_H_R_REPLYTO:
        return USE_SENDER;
    default:
        return USE_NONE;
    }
}

/* the first address of a Return-Path (as collected) is the sender */
static void set_return(const sa *addrs)
{
    if (c.havesender || !addrs->len)
        return;
    if (!sa_copys(&c.sender, addrs->s) ||
        (c.verprecip && !sa_cats(&c.sender, "-@[]")))
        die_nomem();
    c.havesender = 1;
}

/* To and Cc count for the envelope and for Mail-Followup-To */
static void collect(int use, const sa *addrs)
{
    if (use == USE_TOCC && !sa_cat(&c.tocc, addrs))
        die_nomem();
    if ((use == USE_TOCC || use == USE_HR) && !sa_cat(&c.hr, addrs))
        die_nomem();
    if (use == USE_HRR && !sa_cat(&c.hrr, addrs))
        die_nomem();
    if (use == USE_RETURN)
        set_return(addrs);
}

static void header_field(const sa *f)
{
    int h = r822_hfknown(f->s, f->len);
    int use = field_use(h), r;

    if ((c.delfrom && h == R822_H_FROM) ||
        (c.delmessid && h == R822_H_MESSAGEID) ||
        (c.delsender && h == R822_H_RETURNPATH))
        return;
    c.seen[h] = 1;
    if (use != USE_NONE) {
        c.tmp.len = 0;
        c.addrs.len = 0;
        r = r822_field(&c.tmp, &c.addrs, f->s, f->len, &c.rw);
        if (r == -1)
            die_nomem();
        if (r == 0)
            die_parse(f->s, f->len);
        collect(use, &c.addrs);
        f = &c.tmp;
    }
    if (h == R822_H_BCC || h == R822_H_R_BCC || h == R822_H_RETURNPATH ||
        h == R822_H_CONTENTLENGTH)
        return;
    if (!sa_cat(&c.saved, f))
        die_nomem();
}

/* ---- generated fields ---- */

/* a generated field as tokens, emitted, then parsed and rewritten
   like any other field; the result is in c.tmp, addresses in c.addrs */
static void gen_field(const r822_tok *t, size_t n)
{
    int r;

    c.tmp2.len = 0;
    if (!r822_unparse(&c.tmp2, t, n, R822_LINELEN))
        die_nomem();
    c.tmp.len = 0;
    c.addrs.len = 0;
    r = r822_field(&c.tmp, &c.addrs, c.tmp2.s, c.tmp2.len, &c.rw);
    if (r == -1)
        die_nomem();
    if (r == 0)
        die_parse(c.tmp2.s, c.tmp2.len);
}

static r822_tok tok(int type, const char *s)
{
    r822_tok t = {type, s, s ? strlen(s) : 0};

    return t;
}

static void default_returnpath(void)
{
    sa user = SA_INIT;
    r822_tok t[5];
    size_t n = 0;

    if (!sa_copys(&user, c.suser))
        die_nomem();
    if (c.verpmess && (!sa_append(&user, '-') ||
                       !sa_catulong(&user, (unsigned long)c.start) ||
                       !sa_append(&user, '.') || !sa_catulong(&user, c.pid)))
        die_nomem();
    if (c.verprecip && !sa_append(&user, '-'))
        die_nomem();
    t[n++] = tok(R822_ATOM, "Return-Path");
    t[n++] = tok(R822_COLON, 0);
    t[n++] = (r822_tok){R822_QUOTE, user.s, user.len};
    if (c.shost) {
        t[n++] = tok(R822_AT, 0);
        t[n++] = tok(R822_ATOM, c.shost);
    }
    gen_field(t, n);
    set_return(&c.addrs);
    sa_free(&user);
}

static void default_from(const char *prefix)
{
    r822_tok t[8];
    size_t n = 0;
    int angle = c.name && !c.namecomment;

    t[n++] = tok(R822_ATOM, "From");
    t[n++] = tok(R822_COLON, 0);
    if (angle) {
        t[n++] = tok(R822_QUOTE, c.name);
        t[n++] = tok(R822_LEFT, 0);
    }
    t[n++] =
        tok(addr_needquote(c.user, strlen(c.user)) ? R822_QUOTE : R822_ATOM,
            c.user);
    if (c.host) {
        t[n++] = tok(R822_AT, 0);
        t[n++] = tok(R822_ATOM, c.host);
    }
    if (angle)
        t[n++] = tok(R822_RIGHT, 0);
    if (c.name && c.namecomment)
        t[n++] = tok(R822_COMMENT, c.name);
    gen_field(t, n);
    puts_(prefix);
    put_sa(&c.tmp);
}

static void gen_date(const char *prefix)
{
    c.tmp.len = 0;
    if (!sa_cats(&c.tmp, prefix) || !sa_cats(&c.tmp, "Date: ") ||
        !date822_utc(&c.tmp, c.start) || !sa_append(&c.tmp, '\n'))
        die_nomem();
    put_sa(&c.tmp);
}

static void gen_msgid(const char *prefix)
{
    struct tm tm;
    sa *x = &c.tmp;

    if (!date822_gmtime(c.start, &tm))
        BUG();
    x->len = 0;
    if (!sa_cats(x, prefix) || !sa_cats(x, "Message-ID: <") ||
        !sa_catulong(x, (unsigned long)tm.tm_year + 1900) ||
        !sa_catulong0(x, (unsigned long)tm.tm_mon + 1, 2) ||
        !sa_catulong0(x, (unsigned long)tm.tm_mday, 2) ||
        !sa_catulong0(x, (unsigned long)tm.tm_hour, 2) ||
        !sa_catulong0(x, (unsigned long)tm.tm_min, 2) ||
        !sa_catulong0(x, (unsigned long)tm.tm_sec, 2) || !sa_append(x, '.') ||
        !sa_catulong(x, c.pid) || !sa_cats(x, ".qmail@") ||
        !sa_cat(x, &c.idhost) || !sa_cats(x, ">\n"))
        die_nomem();
    put_sa(x);
}

/* the entry of a NUL-terminated list that ends before *end; 0 if none */
static int list_prev(const sa *l, size_t *end, size_t *start)
{
    size_t s;

    if (!*end)
        return 0;
    s = *end - 1; /* the entry's NUL */
    while (s > 0 && l->s[s - 1])
        --s;
    *start = s;
    *end = s;
    return 1;
}

static int mft_match(void)
{
    const char *v;
    size_t i, n, vl;

    for (i = 0; i < c.tocc.len; i += n + 1) {
        n = strlen(c.tocc.s + i);
        if (cmap_get(&c.mftset, c.tocc.s + i, n, &v, &vl))
            return 1;
    }
    return 0;
}

/* Mail-Followup-To: every To and Cc address, last collected first */
static void gen_mft(void)
{
    size_t end = c.tocc.len, start;
    int first = 1;

    if (c.mft != 1 || c.seen[R822_H_MAILFOLLOWUPTO] || !mft_match())
        return;
    puts_("Mail-Followup-To: ");
    while (list_prev(&c.tocc, &end, &start)) {
        if (!first)
            puts_(",\n  ");
        first = 0;
        quote2(&c.tmp, c.tocc.s + start, strlen(c.tocc.s + start));
        put_sa(&c.tmp);
    }
    puts_("\n");
}

static void header_done(void)
{
    static const int rtypes[] = {
        R822_H_R_SENDER, R822_H_R_FROM, R822_H_R_REPLYTO, R822_H_R_TO,
        R822_H_R_CC,     R822_H_R_BCC,  R822_H_R_DATE,    R822_H_R_MESSAGEID};
    const char *pre;
    size_t i;

    for (i = 0; i < sizeof rtypes / sizeof rtypes[0]; ++i)
        c.resent |= c.seen[rtypes[i]];
    if (!c.havesender)
        default_returnpath();
    if (!c.sender.s && !sa_copys(&c.sender, ""))
        die_nomem();
    if (!c.queue) {
        quote2(&c.tmp, c.sender.s, c.sender.len);
        puts_("Return-Path: <");
        put_sa(&c.tmp);
        puts_(">\n");
    } else if (qq_start(&c.q) == -1)
        DIE(EX_TEMP, "unable to run qmail-queue");
    pre = c.resent ? "Resent-" : "";
    if (!c.seen[c.resent ? R822_H_R_DATE : R822_H_DATE])
        gen_date(pre);
    if (!c.seen[c.resent ? R822_H_R_MESSAGEID : R822_H_MESSAGEID])
        gen_msgid(pre);
    if (!c.seen[c.resent ? R822_H_R_FROM : R822_H_FROM])
        default_from(pre);
    if (c.resent ? !c.seen[R822_H_R_TO] && !c.seen[R822_H_R_CC]
                 : !c.seen[R822_H_TO] && !c.seen[R822_H_CC]) {
        puts_(pre);
        puts_("Cc: recipient list not shown: ;\n");
    }
    if (!c.resent)
        gen_mft();
    put_sa(&c.saved);
}

/* ---- input ---- */

static void events(int m, const r822_hb *hb, const char *line, size_t len)
{
    if (m == -1)
        die_nomem();
    if (m & R822_HB_FIELD)
        header_field(&hb->done);
    if (m & R822_HB_END)
        header_done();
    if (m & R822_HB_BLANK)
        put("\n", 1);
    if (m & R822_HB_BODY)
        put(line, len);
}

/* the body is copied as it comes, NUL bytes and any other byte
   included; a final partial line gets its LF.  (A NUL in the header
   either ends the header, when it is in a field name, or stays in the
   field; an envelope address is cut at a NUL, see rfc822.h.) */
static void body(bio *in)
{
    ssize_t n;
    char last = '\n';

    while ((n = bio_feed(in)) != 0) {
        if (n < 0)
            die_read();
        put(bio_peek(in), (size_t)n);
        last = bio_peek(in)[n - 1];
        bio_seek(in, (size_t)n);
    }
    if (last != '\n')
        put("\n", 1);
}

static void input(void)
{
    char buf[BIO_SIZE];
    bio in = BIO_INIT(bio_readop, 0, buf, sizeof buf, 0);
    r822_hb hb = R822_HB_INIT;
    sa line = SA_INIT;
    int r, m;

    for (;;) {
        r = bio_getln(&in, &line, '\n', SIZE_MAX);
        if (r == -1)
            die_read();
        if (r == 0) {
            events(r822_hbeof(&hb), &hb, 0, 0);
            break;
        }
        if (line.s[line.len - 1] != '\n' && !sa_append(&line, '\n'))
            die_nomem();
        m = r822_hbline(&hb, line.s, line.len);
        events(m, &hb, line.s, line.len);
        if (m & R822_HB_END) {
            body(&in);
            break;
        }
    }
    r822_hbfree(&hb);
    sa_free(&line);
}

/* ---- the end: envelope and queue result ---- */

static void send_list(const sa *l)
{
    size_t i;

    for (i = 0; i < l->len; i += strlen(l->s + i) + 1)
        qq_to(&c.q, l->s + i);
}

static _Noreturn void finish(void)
{
    const char *res;

    if (!c.queue) {
        if (bio_flush(&c.out) == -1)
            DIE(EX_TEMP, "unable to write output: ", ERRSYS);
        _exit(EX_OK);
    }
    if (!sa_0(&c.sender))
        die_nomem();
    qq_from(&c.q, c.sender.s);
    send_list(&c.recips);
    if (c.strategy != RECIP_ARGS)
        send_list(c.resent ? &c.hrr : &c.hr);
    res = qq_close(&c.q);
    if (*res)
        DIE(*res == 'D' ? EX_PERM : EX_TEMP, res + 1);
    _exit(EX_OK);
}

int main(int argc, char **argv)
{
    err_prog = "qmail-inject";
    if (fd_sanitise() == -1)
        _exit(EX_TEMP);
    signal(SIGPIPE, SIG_IGN);
    c.start = time(0);
    c.pid = (unsigned long)getpid();
    bio_init(&c.out, bio_writeop, 1, c.outbuf, sizeof c.outbuf);
    env_setup();
    controls_read();
    options(argc, argv);
    input();
    finish();
}
