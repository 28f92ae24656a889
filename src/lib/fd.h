/*
 * fd.h: file-descriptor helpers.  Every fd we open is close-on-exec,
 * except where a helper moves it to a fixed number for a child.
 * Return convention: syscall style, fd or 0 on success, -1 with errno.
 */
#ifndef FD_H
#define FD_H

#include <stddef.h>
#include <sys/types.h>

int open_read(const char *fn);
int open_write(const char *fn);           /* O_WRONLY, no create */
int open_trunc(const char *fn);           /* create/truncate, 0644 */
int open_excl(const char *fn, int mode);  /* O_CREAT|O_EXCL */
int open_append(const char *fn);
int fd_move(int to, int from);   /* dup2 then close from; clears cloexec */
int fd_copy(int to, int from);   /* dup2 only */
int fd_cloexec(int fd);
int fd_nonblock(int fd);
int fd_sanitise(void);   /* make sure 0,1,2 are open (on /dev/null) */
int dir_fsync(const char *dir);  /* open the directory and fsync it */
/* dir_fsync, or where DIR may not be read (a drop box, mode 0733): FD,
   a file just linked into DIR, fsynced after the link, and then its
   whole filesystem synced, either of which carries the new entry to
   disk on Linux's filesystems */
int dir_fsync_via(const char *dir, int fd);
ssize_t read_all(int fd, char *buf, size_t n);   /* retries EINTR */
int write_all(int fd, const char *buf, size_t n); /* 0 ok, -1 error */
/* a reused file about to be written over from offset 0: its first
   SIZE bytes (at most FD_PRIME_MAX) are overwritten with zeros in whole
   blocks of BLK bytes, so that no later partial write into an old block
   must first read it back from disk (the pages of a file left unused
   for a while may have been dropped from the cache) */
int fd_prime(int fd, off_t size, long blk);
#define FD_PRIME_MAX 65536

#endif
