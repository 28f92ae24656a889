/*
 * qmail-pop3d: the transaction half of a POP3 server for one maildir
 * (spec smtp-and-tools.md 5.3).  Run by a checkpassword program as the
 * authenticated user, in that user's home directory, with the client on
 * fds 0 and 1:  qmail-pop3d Maildir.  Messages are listed once (new/
 * and cur/, oldest first); DELE only marks, QUIT unlinks the marked
 * ones and moves the rest from new/ to cur/.  Refuses to run as root.
 * Every failure is a "-ERR" reply; EOF or 20 idle minutes end the
 * session without deleting anything.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h> /* rename() only */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bio.h"
#include "err.h"
#include "fd.h"
#include "fmt.h"
#include "mdscan.h"
#include "sa.h"
#include "smtpcmd.h"

#define IDLE 1200

typedef struct msg {
    size_t size;
    int deleted;
} msg;

static char inbuf[1024], outbuf[BIO_SIZE];
static bio in, out;
static smtpcmd cmd;
static mdscan md = MDSCAN_INIT;
static msg *m;
static unsigned long last;

static _Noreturn void die(void)
{
    _exit(0);
}

static void put(const char *s, size_t n)
{
    if (bio_put(&out, s, n) == -1)
        die();
}

static void puts_(const char *s)
{
    put(s, strlen(s));
}

static void flush(void)
{
    if (bio_flush(&out) == -1)
        die();
}

static void say(const char *s)
{
    puts_(s);
    puts_("\r\n");
    flush();
}

static void putnum(unsigned long u)
{
    char num[FMT_ULONG];

    put(num, fmt_ulong(num, u));
}

/* a reply that ends the session: exit 0, so that qmail-popup does not
   add a second reply ("-ERR authorization failed") of its own */
static _Noreturn void die_say(const char *s)
{
    say(s);
    die();
}

static ssize_t readop(int fd, char *buf, size_t n, unsigned timeout)
{
    ssize_t r;

    flush();
    r = bio_readop(fd, buf, n, timeout);
    if (r <= 0)
        die();
    return r;
}

/* ---- the mailbox ---- */

static void scan(const char *dir)
{
    time_t now = time(0);
    struct stat st;
    size_t i;

    if (!dir || chdir(dir) == -1)
        die_say("-ERR this user has no $HOME/Maildir");
    mdscan_clean(now);
    if (mdscan_add(&md, "new", now) == -1 || mdscan_add(&md, "cur", now) == -1)
        die_say("-ERR unable to scan $HOME/Maildir");
    mdscan_sort(&md);
    m = md.n ? calloc(md.n, sizeof *m) : 0;
    if (md.n && !m)
        die_say("-ERR out of memory");
    for (i = 0; i < md.n; ++i)
        m[i].size =
            stat(mdscan_name(&md, i), &st) == 0 ? (size_t)st.st_size : 0;
}

/* the message number in arg, 0-based in *i; 0 with a reply if bad */
static int number(const char *arg, size_t *i)
{
    unsigned long u;
    size_t n = strspn(arg, "0123456789");

    if (!n || scan_ulong(arg, n, &u) != n) {
        say("-ERR syntax error");
        return 0;
    }
    if (!u) {
        say("-ERR messages are counted from 1");
        return 0;
    }
    if (u > md.n) {
        say("-ERR not that many messages");
        return 0;
    }
    *i = u - 1;
    if (m[*i].deleted) {
        say("-ERR already deleted");
        return 0;
    }
    return 1;
}

/* UIDL: the name without "new/" or "cur/" and without ":info" */
static void uid(size_t i)
{
    const char *name = mdscan_name(&md, i) + 4;
    const char *colon = strchr(name, ':');

    put(name, colon ? (size_t)(colon - name) : strlen(name));
}

static void listone(size_t i, int uidl)
{
    putnum(i + 1);
    puts_(" ");
    if (uidl)
        uid(i);
    else
        putnum(m[i].size);
    puts_("\r\n");
}

static void pop_list(const char *arg, int uidl)
{
    size_t i;

    if (*arg) {
        if (!number(arg, &i))
            return;
        puts_("+OK ");
        listone(i, uidl);
        flush();
        return;
    }
    puts_("+OK \r\n");
    for (i = 0; i < md.n; ++i)
        if (!m[i].deleted)
            listone(i, uidl);
    say(".");
}

static void pop_stat(const char *arg)
{
    size_t i, octets = 0;

    (void)arg;
    for (i = 0; i < md.n; ++i)
        if (!m[i].deleted)
            octets += m[i].size;
    puts_("+OK ");
    putnum(md.n);
    puts_(" ");
    putnum(octets);
    say("");
}

/* the message with LF as CRLF and leading dots doubled; with a limit,
   only the header and the first limit lines of the body.  A last line
   without LF is sent with its CRLF, so the empty line that follows is
   still an empty line (spec 5.3).  A read error drops the connection
   without the final dot: a message cut short must not look complete to
   a client, which would then DELE it */
static void print(int fd, int limited, unsigned long limit)
{
    char buf[BIO_SIZE];
    bio b;
    ssize_t r;
    int bol = 1, inhead = 1;
    unsigned long lines = 0;
    char *p;
    size_t k;

    bio_init(&b, bio_readop, fd, buf, sizeof buf);
    while ((r = bio_feed(&b)) > 0) {
        p = bio_peek(&b);
        for (k = 0; k < (size_t)r; ++k) {
            if (!inhead && limited && lines >= limit)
                return;
            if (bol && p[k] == '.')
                put(".", 1);
            if (p[k] == '\n') {
                put("\r\n", 2);
                if (inhead && bol)
                    inhead = 0;
                else if (!inhead)
                    ++lines;
                bol = 1;
            } else {
                put(p + k, 1);
                bol = 0;
            }
        }
        bio_seek(&b, (size_t)r);
    }
    if (r == -1)
        die();
    if (!bol)
        put("\r\n", 2);
}

static void pop_top(const char *arg)
{
    size_t i;
    unsigned long limit = 0;
    const char *s;
    int fd, limited = 0;

    if (!number(arg, &i))
        return;
    s = arg + strspn(arg, "0123456789");
    s += strspn(s, " ");
    if (*s)
        limited = scan_ulong(s, strlen(s), &limit) > 0;
    fd = open_read(mdscan_name(&md, i));
    if (fd == -1) {
        say("-ERR unable to open that message");
        return;
    }
    puts_("+OK \r\n");
    print(fd, limited, limit);
    close(fd);
    say("\r\n.");
}

static void pop_dele(const char *arg)
{
    size_t i;

    if (!number(arg, &i))
        return;
    m[i].deleted = 1;
    if (i + 1 > last)
        last = i + 1;
    say("+OK ");
}

static void pop_last(const char *arg)
{
    (void)arg;
    puts_("+OK ");
    putnum(last);
    say("");
}

static void pop_rset(const char *arg)
{
    size_t i;

    (void)arg;
    for (i = 0; i < md.n; ++i)
        m[i].deleted = 0;
    last = 0;
    say("+OK ");
}

static void pop_noop(const char *arg)
{
    (void)arg;
    say("+OK ");
}

/* unlink what was deleted; what is left in new/ moves to cur/.  Each
   unlink that fails gets its -ERR line, and "+OK " still follows (spec
   5.3, as qmail); a message already gone (ENOENT) is no failure */
static _Noreturn void pop_quit(const char *arg)
{
    sa to = SA_INIT;
    size_t i;
    const char *name;

    (void)arg;
    for (i = 0; i < md.n; ++i) {
        name = mdscan_name(&md, i);
        if (m[i].deleted) {
            if (unlink(name) == -1 && errno != ENOENT)
                puts_("-ERR unable to unlink all deleted messages\r\n");
        } else if (!strncmp(name, "new/", 4)) {
            to.len = 0;
            if (sa_cats(&to, "cur/") && sa_cats(&to, name + 4) &&
                sa_cats(&to, ":2,") && sa_0(&to))
                (void)rename(name, to.s);
        }
    }
    say("+OK ");
    _exit(0);
}

static void pop_listn(const char *arg)
{
    pop_list(arg, 0);
}
static void pop_uidl(const char *arg)
{
    pop_list(arg, 1);
}

static const char *const verbs[] = {"stat", "list", "uidl", "retr",
                                    "top",  "dele", "last", "rset",
                                    "noop", "quit", 0};
static void (*const handlers[])(const char *) = {
    pop_stat, pop_listn, pop_uidl, pop_top,  pop_top,
    pop_dele, pop_last,  pop_rset, pop_noop, pop_quit,
};

static void command(void)
{
    size_t used, vlen, arg, alen, v;

    for (;;) {
        if (!in.n)
            (void)bio_feed(&in);
        if (smtpcmd_feed(&cmd, bio_peek(&in), in.n, &used))
            break;
        bio_seek(&in, used);
    }
    bio_seek(&in, used);
    smtpcmd_split(cmd.line, cmd.len, &vlen, &arg, &alen);
    cmd.line[arg + alen] = 0;
    v = smtpcmd_verb(verbs, cmd.line, vlen);
    if (cmd.toolong || !verbs[v])
        say("-ERR unimplemented");
    else
        handlers[v](cmd.line + arg);
}

int main(int argc, char **argv)
{
    static const char root[] = "qmail-pop3d invoked as uid 0, terminating\n";

    err_prog = "qmail-pop3d";
    signal(SIGPIPE, SIG_IGN);
    if (getuid() == 0) {
        (void)write_all(2, root, sizeof root - 1);
        _exit(1);
    }
    bio_init(&out, bio_writeop, 1, outbuf, sizeof outbuf);
    bio_init(&in, readop, 0, inbuf, sizeof inbuf);
    in.timeout = out.timeout = IDLE;
    scan(argc > 1 ? argv[1] : 0);
    say("+OK ");
    smtpcmd_init(&cmd);
    for (;;)
        command();
}
