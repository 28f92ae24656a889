/*
 * qspare.c: the pool of emptied queue files (see qspare.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fd.h"
#include "fmt.h"
#include "qspare.h"

static int spare_name(const qspare *p, sa *fn, unsigned long n)
{
    fn->len = 0;
    return sa_cats(fn, p->dir) && sa_append(fn, '/') && sa_catulong(fn, n) &&
           sa_0(fn);
}

int qspare_ok(const struct stat *st)
{
    static uid_t euid = (uid_t)-1; /* ours does not change */

    if (euid == (uid_t)-1)
        euid = geteuid();
    return S_ISREG(st->st_mode) && st->st_nlink == 1 && st->st_uid == euid;
}

int qspare_open(qspare *p, const char *dir, size_t max)
{
    DIR *d;
    struct dirent *e;
    struct stat st;
    unsigned long n;
    sa fn = SA_INIT;

    p->dir = 0;
    p->head = p->len = 0;
    p->next = 0;
    free(p->name);
    p->name = 0;
    p->cap = max;
    if (!max || max > ((size_t)-1) / sizeof *p->name)
        return 0;
    p->name = malloc(max * sizeof *p->name);
    if (!p->name)
        return 0;
    d = opendir(dir);
    if (!d) {
        free(p->name);
        p->name = 0;
        return 0;
    }
    p->dir = dir;
    while ((e = readdir(d))) {
        if (!scan_digits(e->d_name) ||
            !scan_ulong(e->d_name, strlen(e->d_name), &n) ||
            !spare_name(p, &fn, n) || lstat(fn.s, &st) == -1)
            continue;
        if (n >= p->next)
            p->next = n + 1;
        if (qspare_ok(&st) && p->len < p->cap)
            p->name[p->len++] = n;
        else
            unlink(fn.s);
    }
    closedir(d);
    sa_free(&fn);
    return 1;
}

int qspare_take(qspare *p, sa *fn)
{
    struct stat st;
    unsigned long n;
    int fd;

    while (p->dir && p->len) {
        /* the oldest: a spare put in moments ago may still be being
           written out, and a write to it would wait for that */
        n = p->name[p->head];
        p->head = (p->head + 1) % p->cap;
        --p->len;
        if (!spare_name(p, fn, n))
            return -1;
        fd = open(fn->s, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd == -1)
            continue; /* gone: try the next */
        if (fstat(fd, &st) == 0 && qspare_ok(&st)) {
            /* only saves a read: the writes that follow report trouble */
            (void)fd_prime(fd, st.st_size, (long)st.st_blksize);
            return fd;
        }
        close(fd);
        unlink(fn->s);
    }
    return -1;
}

int qspare_place(int fd, off_t len, const sa *fn, const char *to)
{
    int e;

    if (ftruncate(fd, len) == 0 && rename(fn->s, to) == 0)
        return 0;
    e = errno;
    unlink(fn->s);
    errno = e;
    return -1;
}

int qspare_put(qspare *p, const char *fn)
{
    sa to = SA_INIT;
    int r;

    if (!p->dir || p->len >= p->cap || !spare_name(p, &to, p->next)) {
        sa_free(&to);
        return unlink(fn);
    }
    r = rename(fn, to.s);
    sa_free(&to);
    if (r == -1)
        return unlink(fn); /* and ENOENT means FN is gone indeed */
    p->name[(p->head + p->len++) % p->cap] = p->next++;
    return 0;
}
