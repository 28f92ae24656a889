/*
 * qspare.h: a pool of emptied queue files, kept for reuse.
 *
 * Creating a file means allocating an inode; removing one frees it.
 * Some filesystems make a freed inode expensive to hand out again:
 * ext4 without a journal skips every inode freed in the last minute
 * (five when its table block is still dirty), testing them one by one,
 * so in a queue that creates and removes thousands of files a minute
 * each creation scans most of an inode group.  A queue file that is
 * done with is therefore renamed into the pool directory instead of
 * being removed, and the next file is written into a spare and renamed
 * into place.  Spares are named by decimal numbers; one process owns a
 * pool.  A spare is reused only if it is a regular file of ours with a
 * single link: a crash that left a file under two names (possible only
 * where rename is not atomic on disk, and fsck then counts two links)
 * never lets a live queue file be overwritten.
 */
#ifndef QSPARE_H
#define QSPARE_H

#include <stddef.h>
#include <sys/stat.h>

#include "sa.h"

typedef struct qspare {
    const char *dir; /* 0: no pool, files are created and removed */
    unsigned long *name; /* a ring: len names from head on, oldest first */
    size_t head, len, cap;
    unsigned long next; /* the next name for a file put in */
} qspare;

#define QSPARE_INIT {0, 0, 0, 0, 0, 0}

/* read DIR's spares, at most MAX (the rest are removed); 0 if DIR is
   unusable, and the pool stays off */
int qspare_open(qspare *p, const char *dir, size_t max);
/* a spare, the one longest in the pool, open for writing at offset 0
   (its old blocks zeroed by fd_prime, so that writing over them reads
   nothing from disk), its name in *FN; -1 if none */
int qspare_take(qspare *p, sa *fn);
/* the spare FD (name FN) written, LEN bytes from offset 0: cut it at
   LEN and rename it to TO, which it replaces; 0, or -1 with errno (the
   spare is then removed) */
int qspare_place(int fd, off_t len, const sa *fn, const char *to);
/* FN is done with: into the pool, or removed when the pool is off or
   full; 0, or -1 with errno as unlink(2) would set it */
int qspare_put(qspare *p, const char *fn);

/* a usable spare: a regular file of ours (the effective uid) under one
   name; queue/recycle's claims use the same rule */
int qspare_ok(const struct stat *st);

#endif
