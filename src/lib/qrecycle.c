/*
 * qrecycle.c: queue/recycle, spares for qmail-queue (see qrecycle.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fd.h"
#include "fmt.h"
#include "qrecycle.h"
#include "qspare.h"

#define SCAN_MAX 64  /* names read to pick from: one read of the directory */
#define PUT_TRY 8    /* slots tried before a pause */
#define PUT_PAUSE 64 /* puts removed after a full pool */

/* "recycle/N" into BUF, which has room for any N */
static void slot_name(char buf[64], unsigned long n)
{
    size_t len = sizeof QRECYCLE_DIR - 1;

    memcpy(buf, QRECYCLE_DIR "/", len + 1);
    len += 1 + fmt_ulong(buf + len + 1, n);
    buf[len] = 0;
}

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1 /* linux/fs.h, not in every libc's headers */
#endif

/* rename, but never over an existing TO (EEXIST).  The system call
   itself: not every libc wraps renameat2 */
static int move_new(const char *from, const char *to)
{
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to,
                        RENAME_NOREPLACE);
}

void qrecycle_list(qrecycle *r, unsigned long seed)
{
    size_t i;

    r->seed = seed;
    r->listed = 0;
    r->len = r->pos = 0;
    /* 61 is prime to the slot count: the guesses are distinct slots */
    for (i = 0; i < QRECYCLE_GUESS; ++i)
        r->name[r->len++] = (seed + i * 61) % QRECYCLE_SLOTS;
}

/* after the guesses: up to QRECYCLE_TRY names from the first SCAN_MAX
   entries of the pool (one read of the directory) */
static void list_pool(qrecycle *r)
{
    unsigned long all[SCAN_MAX];
    DIR *d;
    struct dirent *e;
    size_t n = 0, i;
    unsigned long v;

    r->listed = 1;
    r->len = r->pos = 0;
    d = opendir(QRECYCLE_DIR);
    if (!d)
        return;
    while (n < SCAN_MAX && (e = readdir(d)))
        if (scan_digits(e->d_name) &&
            scan_ulong(e->d_name, strlen(e->d_name), &v))
            all[n++] = v;
    closedir(d);
    for (i = 0; i < n && i < QRECYCLE_TRY; ++i)
        r->name[r->len++] = all[(r->seed + i) % n];
}

int qrecycle_claim(qrecycle *r, const char *to)
{
    static const struct timespec atime_now[2] = {{0, UTIME_NOW},
                                                 {0, UTIME_OMIT}};
    char from[64];
    struct stat st;
    int fd;

    for (;;) {
        if (r->pos == r->len) {
            if (r->listed)
                break;
            list_pool(r);
            continue;
        }
        slot_name(from, r->name[r->pos]);
        if (move_new(from, to) == -1) {
            if (errno == EEXIST)
                return -1; /* the spare stays for the caller's next name */
            if (errno == EINVAL || errno == ENOSYS)
                break; /* no RENAME_NOREPLACE here: no pool */
            ++r->pos;  /* an empty slot, or another claimer was first */
            continue;
        }
        ++r->pos;
        /* O_NONBLOCK: a FIFO put there must not hang us */
        fd = open(to, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd != -1) {
            if (fstat(fd, &st) == 0 && qspare_ok(&st) &&
                futimens(fd, atime_now) == 0) {
                /* only saves a read: the writes that follow report
                   any trouble */
                (void)fd_prime(fd, st.st_size, (long)st.st_blksize);
                return fd;
            }
            close(fd);
        }
        /* given back: its other name, if any, stays */
        if (unlink(to) == -1 && errno == EISDIR)
            rmdir(to);
    }
    r->pos = r->len;
    errno = ENOENT;
    return -1;
}

int qrecycle_open(qrecycle_pool *p)
{
    DIR *d = opendir(QRECYCLE_DIR);
    struct dirent *e;
    unsigned long v;

    p->on = 0;
    p->next = 0;
    p->over = QRECYCLE_SLOTS;
    p->pause = 0;
    p->skip = 0;
    p->excess = 0;
    if (!d)
        return 0;
    /* go on after the highest slot in use: the slots before it are
       likely full */
    while ((e = readdir(d)))
        if (scan_digits(e->d_name) &&
            scan_ulong(e->d_name, strlen(e->d_name), &v)) {
            if (v >= QRECYCLE_SLOTS)
                p->excess = 1; /* left from before: trimmed when idle */
            else if (v >= p->next)
                p->next = v + 1;
        }
    closedir(d);
    p->next %= QRECYCLE_SLOTS;
    p->on = 1;
    return 1;
}

/* FN into the first free one of PUT_TRY slots from *cur on, which
   wraps within [lo, hi): 0 done, 1 every one tried was full, -1 any
   other trouble (errno) */
static int put_slots(const char *fn, unsigned long *cur, unsigned long lo,
                     unsigned long hi)
{
    char to[64];
    int i;

    for (i = 0; i < PUT_TRY; ++i) {
        slot_name(to, *cur);
        if (++*cur >= hi)
            *cur = lo;
        if (move_new(fn, to) == 0)
            return 0;
        if (errno != EEXIST)
            return -1;
    }
    return 1;
}

/* FN into the pool: 0 done, 1 no free slot, -1 trouble (errno) */
static int put_pool(qrecycle_pool *p, const char *fn, off_t size)
{
    int r;

    /* the slots found full a moment ago are not tried again at once:
       in a burst, each try would be a failed rename */
    if (p->skip && size <= QRECYCLE_OVER_KEEP) {
        --p->skip;
        r = 1;
    } else if ((r = put_slots(fn, &p->next, 0, QRECYCLE_SLOTS)) == 1)
        p->skip = PUT_PAUSE;
    if (r == 1 && size <= QRECYCLE_OVER_KEEP) {
        r = put_slots(fn, &p->over, QRECYCLE_SLOTS, QRECYCLE_OVER);
        if (r == 0)
            p->excess = 1;
        else if (r == 1) /* overflow full too: stop trying for a while */
            p->pause = PUT_PAUSE;
    }
    return r;
}

int qrecycle_put(qrecycle_pool *p, const char *fn)
{
    struct stat st;
    int r, e, fd = -1;

    if (!p->on)
        return unlink(fn);
    if (p->pause) {
        --p->pause;
        return unlink(fn);
    }
    /* a file with a second name keeps its contents for that name */
    if (stat(fn, &st) == -1 || st.st_nlink != 1)
        return unlink(fn); /* and ENOENT means FN is gone indeed */
    /* a small file keeps its blocks, which the claimer overwrites: to
       free them and take new ones costs more (a discard, with the
       "discard" mount option) than the write itself.  A long one is
       cut to length 0, but only once it is in the pool: should FN stay
       where it is, its contents must too */
    if (st.st_size > QRECYCLE_KEEP &&
        (fd = open(fn, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) == -1)
        return unlink(fn);
    r = put_pool(p, fn, st.st_size);
    e = errno;
    if (r == 0) {
        if (fd != -1 && ftruncate(fd, 0) == -1) {
            /* a long spare: claimers cut it at their own length */
        }
        if (fd != -1)
            close(fd);
        return 0;
    }
    if (fd != -1)
        close(fd);
    if (r == 1)
        return unlink(fn);
    if (e == EINVAL || e == ENOSYS) {
        p->on = 0;
        return unlink(fn);
    }
    r = unlink(fn);
    if (r == 0 && e == ENOENT)
        p->on = 0; /* FN was there, so recycle/ is gone */
    return r;
}

int qrecycle_trim(qrecycle_pool *p, unsigned max)
{
    DIR *d;
    struct dirent *e;
    unsigned long v;
    char fn[64];
    unsigned n = 0;
    int more = 0;

    if (!p->on || !p->excess)
        return 0;
    d = opendir(QRECYCLE_DIR);
    if (!d)
        return 1; /* tried again when next idle */
    while ((e = readdir(d)))
        if (scan_digits(e->d_name) &&
            scan_ulong(e->d_name, strlen(e->d_name), &v) &&
            v >= QRECYCLE_SLOTS) {
            if (n == max) {
                more = 1;
                break;
            }
            slot_name(fn, v);
            unlink(fn); /* gone already: claimed meanwhile */
            ++n;
        }
    closedir(d);
    p->excess = more;
    return more;
}
