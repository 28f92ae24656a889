/*
 * maildirwatch: show a summary of the new mail in a maildir, again and
 * again (spec smtp-and-tools.md 5.2).  Run by the mailbox owner in a
 * VT100-style terminal with MAILDIR set; every 30 seconds it clears the
 * screen and lists each message of new/ (oldest first) with its
 * Return-Path, Delivered-To, From field and the start of its text.
 * Never exits by itself; fatal errors exit 111.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "bio.h"
#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "mdscan.h"
#include "msghead.h"

#define TEXTMAX 158
#define PERIOD 30

static struct {
    sa sender, recipient, from, text;
    mdscan scan;
    bio out;
    char obuf[BIO_SIZE];
} cf;

static _Noreturn void die_nomem(void)
{
    DIE(EX_TEMP, "out of memory");
}
static _Noreturn void die_write(void)
{
    DIE(EX_TEMP, "unable to write output: ", ERRSYS);
}

static void addtext(const char *s, size_t n)
{
    if (cf.text.len + n > TEXTMAX)
        n = TEXTMAX - cf.text.len;
    if (!sa_catb(&cf.text, s, n))
        die_nomem();
}

/* a field's value without the final LF */
static void value(sa *to, const sa *f, size_t v)
{
    size_t end = f->len;

    if (end > v && f->s[end - 1] == '\n')
        --end;
    if (!sa_copyb(to, f->s + v, end - v))
        die_nomem();
}

static void field(const sa *f)
{
    size_t v;

    if ((v = msghead_is(f->s, f->len, "Subject")))
        addtext(f->s + v, f->len - v);
    else if ((v = msghead_is(f->s, f->len, "Delivered-To")))
        value(&cf.recipient, f, v);
    else if ((v = msghead_is(f->s, f->len, "Return-Path")))
        value(&cf.sender, f, v);
    else if (msghead_is(f->s, f->len, "From"))
        value(&cf.from, f, 0);
}

static void readmsg(int fd)
{
    char buf[BIO_SIZE];
    bio in = BIO_INIT(bio_readop, fd, buf, sizeof buf, 0);
    msghead m = MSGHEAD_INIT;
    sa x = SA_INIT;
    int r;

    if (!sa_copys(&cf.sender, "?") || !sa_copys(&cf.recipient, "?"))
        die_nomem();
    cf.from.len = 0;
    cf.text.len = 0;
    while ((r = msghead_get(&m, &in, &x)) > 0) {
        if (r == 1)
            field(&x);
        else if (cf.text.len < TEXTMAX)
            addtext(x.s, x.len);
        else
            break;
    }
    if (r == -1)
        DIE(EX_TEMP, "trouble reading new message: ", ERRSYS);
    msghead_free(&m);
    sa_free(&x);
}

static void visible(sa *x, char sub)
{
    size_t i;

    for (i = 0; i < x->len; ++i)
        if ((unsigned char)x->s[i] < 32 || (unsigned char)x->s[i] > 126)
            x->s[i] = sub;
}

static void put(const char *s, size_t n)
{
    if (bio_put(&cf.out, s, n) == -1)
        die_write();
}
#define PUTS(s) put((s), sizeof(s) - 1)
#define PUTSA(x) put((x).s, (x).len)

static void summary(void)
{
    visible(&cf.from, '/');
    visible(&cf.sender, '?');
    visible(&cf.recipient, '?');
    visible(&cf.text, '/');
    PUTS("FROM ");
    PUTSA(cf.sender);
    PUTS(" TO <");
    PUTSA(cf.recipient);
    PUTS(">\n");
    if (cf.from.len) {
        PUTS("\033[1m");
        PUTSA(cf.from);
        PUTS("\033[0m\n");
    }
    PUTSA(cf.text);
    PUTS("\n\n");
}

static void pass(void)
{
    time_t now = time(0);
    size_t i;
    int fd;

    mdscan_clean(now);
    mdscan_reset(&cf.scan);
    if (mdscan_add(&cf.scan, "new", now) == -1)
        DIE(EX_TEMP, "unable to ", cf.scan.failed, " $MAILDIR/new: ", ERRSYS);
    mdscan_sort(&cf.scan);
    PUTS("\033[;H\033[;J");
    if (bio_flush(&cf.out) == -1)
        die_write();
    for (i = 0; i < cf.scan.n; ++i) {
        fd = open_read(mdscan_name(&cf.scan, i));
        if (fd == -1)
            continue; /* read or moved meanwhile */
        if (fcntl(fd, F_SETFL, 0) == -1)
            DIE(EX_TEMP, "trouble reading new message: ", ERRSYS);
        readmsg(fd);
        close(fd);
        summary();
    }
    if (bio_flush(&cf.out) == -1)
        die_write();
}

int main(void)
{
    const char *maildir;

    err_prog = "maildirwatch";
    if (fd_sanitise() == -1)
        DIE(EX_TEMP, "unable to open /dev/null: ", ERRSYS);
    maildir = getenv("MAILDIR");
    if (!maildir)
        DIE(EX_TEMP, "MAILDIR not set");
    if (chdir(maildir) == -1)
        DIE(EX_TEMP, "unable to chdir to ", maildir, ": ", ERRSYS);
    bio_init(&cf.out, bio_writeop, 1, cf.obuf, sizeof cf.obuf);
    for (;;) {
        pass();
        sleep(PERIOD);
    }
}
