/*
 * maildir2mbox: move the messages of a maildir to the end of an mbox
 * (spec smtp-and-tools.md 5.2).  Run by the mailbox owner with MAILDIR,
 * MAIL and MAILTMP in the environment.  The new mbox is built in
 * MAILTMP, synced and renamed over MAIL (and the directory synced)
 * before any maildir file is removed: a crash can repeat a message,
 * never lose one.  Every failure is temporary (111).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h> /* rename */
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bio.h"
#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "fromline.h"
#include "mdscan.h"
#include "pathdir.h"

static struct {
    const char *mbox;
    const char *tmp;
    const char *maildir;
    mdscan scan;
    int fdout;
    bio out;
    char obuf[BIO_SIZE];
} cf = {.fdout = -1};

static _Noreturn void die_nomem(void)
{
    DIE(EX_TEMP, "out of memory");
}
static _Noreturn void die_write(void)
{
    DIE(EX_TEMP, "unable to write to ", cf.tmp, ": ", ERRSYS);
}

static void environment(void)
{
    cf.mbox = getenv("MAIL");
    if (!cf.mbox)
        DIE(EX_TEMP, "MAIL not set");
    cf.tmp = getenv("MAILTMP");
    if (!cf.tmp)
        DIE(EX_TEMP, "MAILTMP not set");
    cf.maildir = getenv("MAILDIR");
    if (!cf.maildir)
        DIE(EX_TEMP, "MAILDIR not set");
}

/* from here on MAILDIR is the current directory: relative names in
   MAIL and MAILTMP are taken from there, as they always were */
static void scan(void)
{
    time_t now = time(0);

    if (chdir(cf.maildir) == -1)
        DIE(EX_TEMP, "unable to chdir to ", cf.maildir, ": ", ERRSYS);
    mdscan_clean(now);
    if (mdscan_add(&cf.scan, "new", now) == -1)
        DIE(EX_TEMP, "unable to ", cf.scan.failed, " $MAILDIR/new: ", ERRSYS);
    if (mdscan_add(&cf.scan, "cur", now) == -1)
        DIE(EX_TEMP, "unable to ", cf.scan.failed, " $MAILDIR/cur: ", ERRSYS);
    mdscan_sort(&cf.scan);
}

/* lock MAIL, start MAILTMP as a copy of it */
static void start(void)
{
    int fdlock, fdold;
    char buf[BIO_SIZE];
    ssize_t r;

    fdlock = open_append(cf.mbox);
    if (fdlock == -1 || flock(fdlock, LOCK_EX) == -1)
        DIE(EX_TEMP, "unable to lock ", cf.mbox, ": ", ERRSYS);
    fdold = open_read(cf.mbox);
    if (fdold == -1 || fcntl(fdold, F_SETFL, 0) == -1)
        DIE(EX_TEMP, "unable to read ", cf.mbox, ": ", ERRSYS);
    cf.fdout = open(cf.tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (cf.fdout == -1 || fchmod(cf.fdout, 0600) == -1)
        DIE(EX_TEMP, "unable to create ", cf.tmp, ": ", ERRSYS);
    bio_init(&cf.out, bio_writeop, cf.fdout, cf.obuf, sizeof cf.obuf);
    while ((r = read_all(fdold, buf, sizeof buf)) > 0)
        if (bio_put(&cf.out, buf, (size_t)r) == -1)
            die_write();
    if (r == -1)
        DIE(EX_TEMP, "unable to read ", cf.mbox, ": ", ERRSYS);
    close(fdold);
    /* fdlock stays open: the lock lasts until we exit */
}

static _Noreturn void die_readmsg(const char *fn)
{
    DIE(EX_TEMP, "unable to read $MAILDIR/", fn, ": ", ERRSYS);
}

#define FIRSTMAX 65536 /* longer first lines are no Return-Path */

/* up to and including the first LF, at most FIRSTMAX bytes */
static int firstline(bio *in, sa *first)
{
    ssize_t r;
    size_t k;
    char *p;

    while (first->len < FIRSTMAX) {
        r = bio_feed(in);
        if (r <= 0)
            return (int)r;
        k = in->n;
        if (k > FIRSTMAX - first->len)
            k = FIRSTMAX - first->len;
        p = memchr(bio_peek(in), '\n', k);
        if (p)
            k = (size_t)(p - bio_peek(in)) + 1;
        if (!sa_catb(first, bio_peek(in), k))
            die_nomem();
        bio_seek(in, k);
        if (p)
            return 1;
    }
    return 1;
}

/* the separator comes from the first line, so read that first */
static void onemessage(const char *fn, time_t mtime)
{
    char buf[BIO_SIZE];
    int fd = open_read(fn);
    bio in;
    sa first = SA_INIT;
    sa sep = SA_INIT;
    fromq q = FROMQ_INIT;
    ssize_t r;

    if (fd == -1 || fcntl(fd, F_SETFL, 0) == -1)
        die_readmsg(fn);
    bio_init(&in, bio_readop, fd, buf, sizeof buf);
    if (firstline(&in, &first) == -1)
        die_readmsg(fn);
    if (!fromline_make(&sep, first.s, first.len, mtime))
        die_nomem();
    if (bio_put(&cf.out, sep.s, sep.len) == -1 ||
        fromq_put(&q, &cf.out, first.s, first.len) == -1)
        die_write();
    while ((r = bio_feed(&in)) > 0) {
        if (fromq_put(&q, &cf.out, bio_peek(&in), in.n) == -1)
            die_write();
        bio_seek(&in, in.n);
    }
    if (r == -1)
        die_readmsg(fn);
    if (fromq_end(&q, &cf.out) == -1 || bio_put(&cf.out, "\n", 1) == -1)
        die_write();
    close(fd);
    sa_free(&first);
    sa_free(&sep);
}

/* MAILTMP on disk, then in place of MAIL, then the rename on disk */
static void commit(void)
{
    sa dir = SA_INIT;

    if (bio_flush(&cf.out) == -1 || fsync(cf.fdout) == -1 ||
        close(cf.fdout) == -1)
        die_write();
    if (rename(cf.tmp, cf.mbox) == -1)
        DIE(EX_TEMP, "unable to move ", cf.tmp, " to ", cf.mbox, ": ", ERRSYS);
    if (!pathdir_of(&dir, cf.mbox))
        die_nomem();
    if (dir_fsync(dir.s) == -1)
        DIE(EX_TEMP, "unable to sync the directory of ", cf.mbox, ": ", ERRSYS);
    sa_free(&dir);
}

static void removeall(void)
{
    size_t i;

    for (i = 0; i < cf.scan.n; ++i)
        if (unlink(mdscan_name(&cf.scan, i)) == -1)
            WARN("$MAILDIR/", mdscan_name(&cf.scan, i),
                 " will be delivered twice; unable to unlink: ", ERRSYS);
}

int main(void)
{
    size_t i;

    err_prog = "maildir2mbox";
    umask(077);
    if (fd_sanitise() == -1)
        DIE(EX_TEMP, "unable to open /dev/null: ", ERRSYS);
    environment();
    scan();
    if (!cf.scan.n)
        return EX_OK; /* nothing new: MAIL is not touched */
    start();
    for (i = 0; i < cf.scan.n; ++i)
        onemessage(mdscan_name(&cf.scan, i), cf.scan.e[i].mtime);
    commit();
    removeall();
    return EX_OK;
}
