/*
 * bio.h: the one buffered-I/O type (substdio-like, linear buffer).
 * A bio reads or writes one fd through an op function; with a non-zero
 * timeout (seconds) the op waits with poll() first and fails with
 * ETIMEDOUT when the peer is silent, so network reads are bounded.
 *
 * Return conventions:
 *   bio_get, bio_feed: bytes > 0, 0 at EOF, -1 on error.
 *   bio_getln: 1 line read (with its separator unless at EOF),
 *              0 EOF with nothing read, -1 error (errno; E2BIG when the
 *              line is longer than max: the whole line is consumed, its
 *              first max bytes are left in line, and the caller decides).
 *   bio_put*, bio_flush: 0 ok, -1 error.
 */
#ifndef BIO_H
#define BIO_H

#include <stddef.h>
#include <sys/types.h>

#include "sa.h"

typedef ssize_t (*bio_op)(int fd, char *buf, size_t n, unsigned timeout);

typedef struct bio {
    char *x;
    size_t p;      /* read: start of unread data; write: bytes buffered */
    size_t n;      /* read: bytes of unread data */
    size_t size;
    int fd;
    unsigned timeout;
    bio_op op;
} bio;

#define BIO_SIZE 8192

ssize_t bio_readop(int fd, char *buf, size_t n, unsigned timeout);
ssize_t bio_writeop(int fd, char *buf, size_t n, unsigned timeout);

#define BIO_INIT(op, fd, buf, len, to) {(buf), 0, 0, (len), (fd), (to), (op)}

void bio_init(bio *b, bio_op op, int fd, char *buf, size_t len);

ssize_t bio_feed(bio *b);                 /* refill an empty read buffer */
ssize_t bio_get(bio *b, char *buf, size_t n);
char *bio_peek(bio *b);                   /* pointer to unread bytes */
void bio_seek(bio *b, size_t n);          /* consume n unread bytes */
int bio_getln(bio *b, sa *line, int sep, size_t max) WUR;

int bio_put(bio *b, const char *buf, size_t n) WUR;
int bio_puts(bio *b, const char *s) WUR;
int bio_flush(bio *b) WUR;
int bio_putflush(bio *b, const char *buf, size_t n) WUR;

#endif
