/*
 * fd.c: open wrappers with O_CLOEXEC, fd shuffling for children,
 * directory fsync (the durability rule of design section 5).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fd.h"

int open_read(const char *fn)
{
    return open(fn, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

int open_write(const char *fn)
{
    return open(fn, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
}

int open_trunc(const char *fn)
{
    return open(fn, O_WRONLY | O_NONBLOCK | O_TRUNC | O_CREAT | O_CLOEXEC,
                0644);
}

int open_excl(const char *fn, int mode)
{
    return open(fn, O_WRONLY | O_EXCL | O_CREAT | O_CLOEXEC, mode);
}

int open_append(const char *fn)
{
    return open(fn, O_WRONLY | O_NONBLOCK | O_APPEND | O_CREAT | O_CLOEXEC,
                0600);
}

int fd_copy(int to, int from)
{
    if (to == from)
        return 0;
    if (dup2(from, to) == -1)
        return -1;
    return 0;
}

int fd_move(int to, int from)
{
    int flags;

    if (to == from) {
        flags = fcntl(to, F_GETFD);
        if (flags == -1)
            return -1;
        return fcntl(to, F_SETFD, flags & ~FD_CLOEXEC);
    }
    if (dup2(from, to) == -1)
        return -1;
    close(from);
    return 0;
}

int fd_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);

    if (flags == -1)
        return -1;
    return fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

int fd_nonblock(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags == -1)
        return -1;
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int fd_sanitise(void)
{
    int fd;

    for (;;) {
        fd = open("/dev/null", O_RDWR);
        if (fd == -1)
            return -1;
        if (fd > 2) {
            close(fd);
            return 0;
        }
    }
}

int dir_fsync(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int r;

    if (fd == -1)
        return -1;
    r = fsync(fd);
    if (r == -1 && errno == EINVAL)
        r = 0; /* filesystems that cannot sync directories */
    close(fd);
    return r;
}

int dir_fsync_via(const char *dir, int fd)
{
    int r = dir_fsync(dir);

    if (r == -1 && errno == EACCES && fd != -1)
        r = fsync(fd) == 0 && syncfs(fd) == 0 ? 0 : -1;
    return r;
}

ssize_t read_all(int fd, char *buf, size_t n)
{
    ssize_t r;

    do
        r = read(fd, buf, n);
    while (r == -1 && errno == EINTR);
    return r;
}

int write_all(int fd, const char *buf, size_t n)
{
    ssize_t w;

    while (n) {
        w = write(fd, buf, n);
        if (w == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

int fd_prime(int fd, off_t size, long blk)
{
    static char zero[FD_PRIME_MAX]; /* .bss: never written, costs nothing */
    size_t n, off = 0;
    ssize_t w;

    if (size <= 0)
        return 0;
    if (blk <= 0 || blk > FD_PRIME_MAX)
        blk = 4096;
    if (size > FD_PRIME_MAX)
        size = FD_PRIME_MAX;
    /* whole blocks: a write that covers a block entirely never reads it */
    n = ((size_t)size + (size_t)blk - 1) / (size_t)blk * (size_t)blk;
    if (n > FD_PRIME_MAX)
        n -= (size_t)blk;
    while (off < n) {
        w = pwrite(fd, zero, n - off, (off_t)off);
        if (w == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        off += (size_t)w;
    }
    return 0;
}
