/*
 * cdbx.c: lookups and atomic builds of cdb files (tinycdb underneath).
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "cdbx.h"
#include "fd.h"

int cdbx_find(int fd, const char *key, size_t klen, sa *out)
{
    struct cdb c;
    int r;
    unsigned dl;

    if (klen > 0xffffffffU) {
        errno = EOVERFLOW;
        return -1;
    }
    if (cdb_init(&c, fd) == -1)
        return -1;
    r = cdb_find(&c, key, (unsigned)klen);
    if (r > 0) {
        dl = cdb_datalen(&c);
        if (!sa_ready(out, dl ? dl : 1))
            r = -1;
        else if (cdb_read(&c, out->s, dl, cdb_datapos(&c)) == -1)
            r = -1;
        else {
            out->len = dl;
            r = 1;
        }
    }
    cdb_free(&c);
    return r < 0 ? -1 : r;
}

int cdbx_lookup(const char *fn, const char *key, size_t klen, sa *out)
{
    int fd = open_read(fn);
    int r;

    if (fd == -1)
        return errno == ENOENT ? 0 : -1;
    r = cdbx_find(fd, key, klen, out);
    close(fd);
    return r;
}

int cdbx_start(cdbx_make *m, const char *tmp, const char *target)
{
    m->tmp = tmp;
    m->target = target;
    m->fd = open_trunc(tmp);
    if (m->fd == -1)
        return -1;
    if (cdb_make_start(&m->cm, m->fd) == -1) {
        cdbx_abort(m);
        return -1;
    }
    return 0;
}

int cdbx_add(cdbx_make *m, const char *k, size_t kl, const char *d, size_t dl)
{
    if (kl > 0x7fffffffU || dl > 0x7fffffffU) {
        errno = EOVERFLOW;
        return -1;
    }
    return cdb_make_add(&m->cm, k, (unsigned)kl, d, (unsigned)dl) == -1 ? -1
                                                                         : 0;
}

/* the fd is closed on every path (m->fd = -1), so a cdbx_abort after a
   failed finish removes tmp without closing someone else's fd */
int cdbx_finish(cdbx_make *m)
{
    int r = 0, e = 0;

    if (cdb_make_finish(&m->cm) == -1 || fsync(m->fd) == -1) {
        r = -1;
        e = errno;
    }
    if (close(m->fd) == -1 && !r) {
        r = -1;
        e = errno;
    }
    m->fd = -1;
    if (r) {
        errno = e;
        return -1;
    }
    if (!m->target)
        return 0; /* the caller renames, to tell the failures apart */
    return rename(m->tmp, m->target);
}

int cdbx_install(const char *tmp, const char *target)
{
    return rename(tmp, target);
}

void cdbx_abort(cdbx_make *m)
{
    int e = errno;

    if (m->fd != -1) {
        /* tinycdb frees its record lists only in cdb_make_finish; what
           it writes goes to the file about to be removed */
        if (cdb_make_finish(&m->cm) == -1) {
            /* nothing to do: the file is discarded anyway */
        }
        close(m->fd);
    }
    m->fd = -1;
    unlink(m->tmp);
    errno = e;
}
