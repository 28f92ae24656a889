/*
 * cdbxmake.c: atomic builds of cdb files (tinycdb's writer underneath),
 * for qmail-newu and qmail-newmrh.  Kept apart from the reader in
 * cdbx.c so that programs which only look keys up do not link libcdb.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "cdbx.h"
#include "fd.h"

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
