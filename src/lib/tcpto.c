/*
 * tcpto.c: the TCP timeout table.  The decisions are pure functions on
 * an image of the file; the file is read and written under an exclusive
 * lock.  A table that cannot be used is the caller's "no information",
 * never an error that stops a delivery.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "fd.h"
#include "tcpto.h"

#define MAXCOUNT 10

/* where record i lives and how it is laid out */
static size_t rec_off(size_t i)
{
    return i < 64 ? i * 16 : TCPTO_V4SIZE + (i - 64) * 32;
}
static size_t rec_cnt(size_t i)
{
    return i < 64 ? 4 : 16;
}
static size_t rec_time(size_t i)
{
    return i < 64 ? 8 : 24;
}

static unsigned long get32(const unsigned char *p)
{
    return (unsigned long)p[0] | (unsigned long)p[1] << 8 |
           (unsigned long)p[2] << 16 | (unsigned long)p[3] << 24;
}

static void put32(unsigned char *p, unsigned long u)
{
    p[0] = (unsigned char)u;
    p[1] = (unsigned char)(u >> 8);
    p[2] = (unsigned char)(u >> 16);
    p[3] = (unsigned char)(u >> 24);
}

/* the record of ip, or -1; first..last is its family's range */
static long find(const unsigned char *t, const ipad *ip, size_t *first,
                 size_t *last)
{
    size_t i, alen = ip->v6 ? 16 : 4;

    *first = ip->v6 ? 64 : 0;
    *last = *first + 64;
    for (i = *first; i < *last; ++i)
        if (!memcmp(t + rec_off(i), ip->b, alen))
            return (long)i;
    return -1;
}

int tcpto_skip(const unsigned char *t, const ipad *ip, unsigned long now,
               unsigned long pid)
{
    size_t first, last;
    long i = find(t, ip, &first, &last);
    const unsigned char *r;
    unsigned long when;

    if (i < 0)
        return 0;
    r = t + rec_off((size_t)i);
    when = get32(r + rec_time((size_t)i));
    if (r[rec_cnt((size_t)i)] < 2 || when > now)
        return 0; /* a clock that went back forgets, never blocks */
    return now - when < (60 + pid % 32) * 64;
}

/* a slot for a new record: a free one, else the oldest and least bad */
static size_t victim(const unsigned char *t, size_t first, size_t last)
{
    size_t i, best = first;
    unsigned long score, bestscore = (unsigned long)-1;

    for (i = first; i < last; ++i) {
        const unsigned char *r = t + rec_off(i);
        if (!r[rec_cnt(i)])
            return i;
        score = get32(r + rec_time(i)) + (unsigned long)r[rec_cnt(i)] * 1024;
        if (score < bestscore) {
            bestscore = score;
            best = i;
        }
    }
    return best;
}

long tcpto_note(unsigned char *t, const ipad *ip, int timedout,
                unsigned long now, size_t *n)
{
    size_t first, last, k;
    long i = find(t, ip, &first, &last);
    unsigned char *r;

    if (!timedout) {
        if (i < 0 || !t[rec_off((size_t)i) + rec_cnt((size_t)i)])
            return -1;
        t[rec_off((size_t)i) + rec_cnt((size_t)i)] = 0;
    } else if (i >= 0) {
        k = (size_t)i;
        r = t + rec_off(k);
        if (r[rec_cnt(k)] && now >= get32(r + rec_time(k)) &&
            now - get32(r + rec_time(k)) < 120)
            return -1; /* the same outage, already counted */
        if (r[rec_cnt(k)] < MAXCOUNT)
            ++r[rec_cnt(k)];
        put32(r + rec_time(k), now);
    } else {
        k = victim(t, first, last);
        i = (long)k;
        r = t + rec_off(k);
        memset(r, 0, k < 64 ? 16 : 32);
        memcpy(r, ip->b, ip->v6 ? 16 : 4);
        r[rec_cnt(k)] = 1;
        put32(r + rec_time(k), now);
    }
    *n = (size_t)i < 64 ? 16 : 32;
    return (long)rec_off((size_t)i);
}

int tcpto_get(const unsigned char *t, size_t i, ipad *ip, unsigned *count,
              unsigned long *when)
{
    const unsigned char *r = t + rec_off(i);

    memset(ip, 0, sizeof *ip);
    ip->v6 = i >= 64;
    memcpy(ip->b, r, ip->v6 ? 16 : 4);
    *count = r[rec_cnt(i)];
    *when = get32(r + rec_time(i));
    return *count > 0;
}

int tcpto_open(tcpto *x, const char *fn, const char **why)
{
    int fdr = -1;
    ssize_t r = -1;

    memset(x->t, 0, sizeof x->t);
    *why = "open";
    x->fd = open(fn, O_WRONLY | O_NDELAY | O_CLOEXEC);
    if (x->fd == -1)
        return -1;
    *why = "lock";
    if (flock(x->fd, LOCK_EX) == 0) {
        *why = "read";
        fdr = open_read(fn);
    }
    if (fdr != -1) {
        r = read_all(fdr, (char *)x->t, sizeof x->t);
        close(fdr);
    }
    if (r == -1) {
        tcpto_close(x);
        return -1;
    }
    return 0;
}

int tcpto_write(tcpto *x, long off, size_t n)
{
    ssize_t w;

    if (off < 0 || (size_t)off + n > sizeof x->t) {
        errno = EINVAL;
        return -1;
    }
    do
        w = pwrite(x->fd, x->t + off, n, off);
    while (w == -1 && errno == EINTR);
    if (w == -1)
        return -1;
    if ((size_t)w != n) {
        errno = EIO;
        return -1;
    }
    return 0;
}

void tcpto_close(tcpto *x)
{
    if (x->fd != -1) {
        int e = errno;
        close(x->fd);
        errno = e;
    }
    x->fd = -1;
}
