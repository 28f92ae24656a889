/*
 * mdscan.c: see mdscan.h.  Works on relative paths: the caller has
 * already changed into the maildir.  Never exits.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mdscan.h"

void mdscan_clean(time_t now)
{
    DIR *d = opendir("tmp");
    struct dirent *e;
    struct stat st;
    sa fn = SA_INIT;

    if (!d)
        return;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (!sa_copys(&fn, "tmp/") || !sa_cats(&fn, e->d_name) || !sa_0(&fn))
            break;
        if (stat(fn.s, &st) == 0 && now > st.st_atime + MDSCAN_OSSIFIED)
            unlink(fn.s);
    }
    closedir(d);
    sa_free(&fn);
}

static int grow(mdscan *m)
{
    mdscan_ent *p;
    size_t na;

    if (m->n < m->a)
        return 1;
    na = m->a ? m->a : 16;
    if (m->a && __builtin_mul_overflow(m->a, (size_t)2, &na)) {
        errno = EOVERFLOW;
        return 0;
    }
    p = reallocarray(m->e, na, sizeof *p);
    if (!p) {
        errno = ENOMEM;
        return 0;
    }
    m->e = p;
    m->a = na;
    return 1;
}

/* one directory entry; 1 ok (kept or not), 0 out of memory */
static int entry(mdscan *m, const char *subdir, const char *name, time_t now)
{
    size_t pos = m->names.len;
    struct stat st;

    if (!sa_cats(&m->names, subdir) || !sa_append(&m->names, '/') ||
        !sa_cats(&m->names, name) || !sa_0(&m->names))
        return 0;
    if (stat(m->names.s + pos, &st) == -1 || st.st_mtime >= now) {
        m->names.len = pos;
        return 1;
    }
    if (!grow(m))
        return 0;
    m->e[m->n].mtime = st.st_mtime;
    m->e[m->n].pos = pos;
    ++m->n;
    return 1;
}

int mdscan_add(mdscan *m, const char *subdir, time_t now)
{
    DIR *d = opendir(subdir);
    struct dirent *e;
    int ok = 1;

    if (!d) {
        m->failed = "scan";
        return -1;
    }
    for (;;) {
        errno = 0;
        e = readdir(d);
        if (!e)
            break;
        if (e->d_name[0] == '.')
            continue;
        if (!entry(m, subdir, e->d_name, now)) {
            ok = 0;
            break;
        }
    }
    if (!ok || errno) {
        int err = errno ? errno : ENOMEM;
        closedir(d);
        m->failed = "read";
        errno = err;
        return -1;
    }
    closedir(d);
    return 0;
}

static int cmp(const void *a, const void *b, void *base)
{
    const mdscan_ent *x = a;
    const mdscan_ent *y = b;
    const char *names = base;

    if (x->mtime != y->mtime)
        return x->mtime < y->mtime ? -1 : 1;
    return strcmp(names + x->pos, names + y->pos);
}

void mdscan_sort(mdscan *m)
{
    if (m->n > 1)
        qsort_r(m->e, m->n, sizeof *m->e, cmp, m->names.s);
}

const char *mdscan_name(const mdscan *m, size_t i)
{
    return m->names.s + m->e[i].pos;
}

void mdscan_reset(mdscan *m)
{
    m->names.len = 0;
    m->n = 0;
    m->failed = 0;
}

void mdscan_free(mdscan *m)
{
    sa_free(&m->names);
    free(m->e);
    m->e = 0;
    m->n = m->a = 0;
}
