/*
 * cdbx.c: key lookups in cdb files (spec smtp-and-tools.md 7), read
 * with pread: no mapping, no library beyond libc, so that qmail-smtpd
 * and the other readers stay small.  The file is untrusted as far as
 * its structure goes: every offset and length is checked against the
 * file's size before it is used, and a file that does not hold
 * together is an error (EPROTO), never a crash or a huge allocation.
 * The writer is in cdbxmake.c.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cdbx.h"
#include "fd.h"

#define HEADER 2048 /* 256 (position, slots) pairs */

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

uint32_t cdbx_hash(const char *key, size_t klen)
{
    uint32_t h = 5381;
    size_t i;

    for (i = 0; i < klen; ++i)
        h = ((h << 5) + h) ^ (unsigned char)key[i];
    return h;
}

/* exactly n bytes at pos; 0 ok, -1 error (a short read: EPROTO) */
static int readat(int fd, void *buf, size_t n, uint64_t pos)
{
    char *p = buf;
    ssize_t r;

    while (n > 0) {
        r = pread(fd, p, n, (off_t)pos);
        if (r == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0) {
            errno = EPROTO;
            return -1;
        }
        p += r;
        n -= (size_t)r;
        pos += (uint64_t)r;
    }
    return 0;
}

/* 1 the n bytes at pos are key, 0 not, -1 error */
static int samekey(int fd, uint64_t pos, const char *key, size_t n)
{
    char b[256];
    size_t k;

    while (n > 0) {
        k = n < sizeof b ? n : sizeof b;
        if (readat(fd, b, k, pos) == -1)
            return -1;
        if (memcmp(b, key, k))
            return 0;
        key += k;
        pos += k;
        n -= k;
    }
    return 1;
}

/* the record at pos: 1 its key is key (its data then in out), 0 another
   key (out untouched), -1 error */
static int record(int fd, uint64_t size, uint64_t pos, const char *key,
                  size_t klen, sa *out)
{
    unsigned char h[8];
    uint64_t kl, dl;
    int r;

    if (pos < HEADER || pos > size || size - pos < 8) {
        errno = EPROTO;
        return -1;
    }
    if (readat(fd, h, 8, pos) == -1)
        return -1;
    kl = get32(h);
    dl = get32(h + 4);
    if (kl + dl > size - pos - 8) {
        errno = EPROTO;
        return -1;
    }
    if (kl != klen)
        return 0;
    r = samekey(fd, pos + 8, key, klen);
    if (r != 1)
        return r;
    /* the data fits in the file, so this allocation is bounded */
    if (!sa_ready(out, dl ? (size_t)dl : 1))
        return -1;
    if (readat(fd, out->s, (size_t)dl, pos + 8 + kl) == -1)
        return -1;
    out->len = (size_t)dl;
    return 1;
}

int cdbx_find(int fd, const char *key, size_t klen, sa *out)
{
    struct stat st;
    unsigned char b[8];
    uint32_t h;
    uint64_t size, tpos, nslots, slot, i;
    int r;

    if (klen > 0xffffffffU) {
        errno = EOVERFLOW;
        return -1;
    }
    if (fstat(fd, &st) == -1)
        return -1;
    size = (uint64_t)st.st_size;
    if (size < HEADER) {
        errno = EPROTO;
        return -1;
    }
    h = cdbx_hash(key, klen);
    if (readat(fd, b, 8, (h & 255) * 8) == -1)
        return -1;
    tpos = get32(b);
    nslots = get32(b + 4);
    if (!nslots)
        return 0;
    if (tpos < HEADER || tpos > size || nslots > (size - tpos) / 8) {
        errno = EPROTO;
        return -1;
    }
    slot = (h >> 8) % nslots;
    for (i = 0; i < nslots; ++i) {
        if (readat(fd, b, 8, tpos + slot * 8) == -1)
            return -1;
        if (!get32(b + 4))
            return 0; /* an empty slot ends the probe */
        if (get32(b) == h) {
            r = record(fd, size, get32(b + 4), key, klen, out);
            if (r)
                return r;
        }
        if (++slot == nslots)
            slot = 0;
    }
    return 0;
}

int cdbx_lookup(const char *fn, const char *key, size_t klen, sa *out)
{
    int fd = open_read(fn);
    int r, e;

    if (fd == -1)
        return errno == ENOENT ? 0 : -1;
    r = cdbx_find(fd, key, klen, out);
    e = errno;
    close(fd);
    errno = e;
    return r;
}
