/*
 * bio.c: buffered reads and writes with optional poll() timeouts.
 * Never exits; every failure is returned to the caller.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "bio.h"

static int bio_wait(int fd, short ev, unsigned timeout)
{
    struct pollfd p;
    int r;

    if (!timeout)
        return 0;
    p.fd = fd;
    p.events = ev;
    p.revents = 0;
    do
        r = poll(&p, 1, (int)(timeout > 2000000 ? 2000000000 : timeout * 1000));
    while (r == -1 && errno == EINTR);
    if (r == -1)
        return -1;
    if (r == 0) {
        errno = ETIMEDOUT;
        return -1;
    }
    return 0;
}

ssize_t bio_readop(int fd, char *buf, size_t n, unsigned timeout)
{
    ssize_t r;

    for (;;) {
        if (bio_wait(fd, POLLIN, timeout) == -1)
            return -1;
        r = read(fd, buf, n);
        if (r == -1 && (errno == EINTR || (timeout && errno == EAGAIN)))
            continue;
        return r;
    }
}

ssize_t bio_writeop(int fd, char *buf, size_t n, unsigned timeout)
{
    ssize_t r;

    for (;;) {
        if (bio_wait(fd, POLLOUT, timeout) == -1)
            return -1;
        r = write(fd, buf, n);
        if (r == -1 && (errno == EINTR || (timeout && errno == EAGAIN)))
            continue;
        return r;
    }
}

void bio_init(bio *b, bio_op op, int fd, char *buf, size_t len)
{
    b->x = buf;
    b->p = 0;
    b->n = 0;
    b->size = len;
    b->fd = fd;
    b->timeout = 0;
    b->op = op;
}

ssize_t bio_feed(bio *b)
{
    ssize_t r;

    if (b->n)
        return (ssize_t)b->n;
    r = b->op(b->fd, b->x, b->size, b->timeout);
    if (r <= 0)
        return r;
    b->p = 0;
    b->n = (size_t)r;
    return r;
}

char *bio_peek(bio *b) { return b->x + b->p; }

void bio_seek(bio *b, size_t n)
{
    b->p += n;
    b->n -= n;
}

ssize_t bio_get(bio *b, char *buf, size_t n)
{
    ssize_t r;

    if (!n)
        return 0;
    if (!b->n && n >= b->size)
        return b->op(b->fd, buf, n, b->timeout);
    r = bio_feed(b);
    if (r <= 0)
        return r;
    if (n > b->n)
        n = b->n;
    memcpy(buf, b->x + b->p, n);
    bio_seek(b, n);
    return (ssize_t)n;
}

int bio_getln(bio *b, sa *line, int sep, size_t max)
{
    ssize_t r;
    char *p;
    size_t k;
    int toolong = 0;

    line->len = 0;
    for (;;) {
        r = bio_feed(b);
        if (r < 0)
            return -1;
        if (r == 0) {
            if (toolong) {
                errno = E2BIG;
                return -1;
            }
            return line->len ? 1 : 0;
        }
        p = memchr(b->x + b->p, sep, b->n);
        k = p ? (size_t)(p - (b->x + b->p)) + 1 : b->n;
        if (!toolong) {
            size_t room = max - line->len;
            size_t take = k > room ? room : k;
            if (!sa_catb(line, b->x + b->p, take))
                return -1;
            if (take < k)
                toolong = 1;
        }
        bio_seek(b, k);
        if (p) {
            if (toolong) {
                errno = E2BIG;
                return -1;
            }
            return 1;
        }
    }
}

int bio_flush(bio *b)
{
    size_t off = 0;
    ssize_t w;

    while (off < b->p) {
        w = b->op(b->fd, b->x + off, b->p - off, b->timeout);
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return -1;
        }
        off += (size_t)w;
    }
    b->p = 0;
    return 0;
}

int bio_put(bio *b, const char *buf, size_t n)
{
    ssize_t w;

    if (n <= b->size - b->p) {
        memcpy(b->x + b->p, buf, n);
        b->p += n;
        return 0;
    }
    if (bio_flush(b) == -1)
        return -1;
    if (n <= b->size) {
        memcpy(b->x, buf, n);
        b->p = n;
        return 0;
    }
    while (n) { /* large writes go straight through */
        w = b->op(b->fd, (char *)buf, n, b->timeout);
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return -1;
        }
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

int bio_puts(bio *b, const char *s) { return bio_put(b, s, strlen(s)); }

int bio_putflush(bio *b, const char *buf, size_t n)
{
    if (bio_put(b, buf, n) == -1)
        return -1;
    return bio_flush(b);
}
