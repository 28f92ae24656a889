/*
 * qrecycle.h: queue/recycle, the emptied message and envelope files
 * that qmail-clean keeps for qmail-queue.
 *
 * The same reason as for queue/spare (qspare.h): on some filesystems a
 * new inode costs a scan of every recently freed one.  qmail-clean,
 * instead of removing a finished mess/S/N or intd/N, renames it into
 * one of QRECYCLE_SLOTS numbered slots of recycle/ (cut to length 0
 * first if longer than QRECYCLE_KEEP, so that the pool never holds
 * much disk space); qmail-queue claims a spare by renaming it to a name
 * of its own, writes the new message or envelope over the old contents
 * and cuts the file at the new length.
 *
 * A burst of finished messages (a full queue delivered at once) would
 * find the slots full, and each file removed then costs qmail-clean a
 * freeing of its blocks (a discard, waited for, on a filesystem mounted
 * with "discard"), one after the other while qmail-send waits for its
 * answers.  Such files go into overflow slots instead, numbered from
 * QRECYCLE_SLOTS to QRECYCLE_OVER - 1, if they are at most
 * QRECYCLE_OVER_KEEP long; claimers find them when they read the
 * directory, and qmail-clean removes those left over a few at a time
 * once it has been idle for a second (qrecycle_trim).
 *
 * Many qmail-queue processes draw from the pool at once, so every move
 * is a rename that refuses to replace its target (RENAME_NOREPLACE):
 * of two processes that try the same spare only one gets it, and a
 * slot is never filled twice.  A claimed spare is used only if it is a
 * regular file of ours under one name: qmail-clean moves intd/N into
 * the pool while todo/N, its second name, is still there, and that
 * envelope must not be written until todo/N is gone.  Such a spare is
 * given back by removing the claimer's name for it.
 *
 * A message file takes its id from its inode number.  A recycled inode
 * carries an id that was used before, exactly as an inode the
 * filesystem hands out again does; the pool holds only inodes whose
 * mess/ name is gone, so no two messages in the queue share an id.
 */
#ifndef QRECYCLE_H
#define QRECYCLE_H

#include <stddef.h>

#define QRECYCLE_DIR "recycle"
#define QRECYCLE_SLOTS 256
#define QRECYCLE_TRY 16     /* spares a claimer tries before it gives up */
#define QRECYCLE_GUESS 8    /* of them slots guessed before the pool is read */
#define QRECYCLE_KEEP 65536 /* longer spares are cut to length 0 */
#define QRECYCLE_OVER 4096  /* slots in all, overflow included */
#define QRECYCLE_OVER_KEEP 16384 /* longer files never overflow */

/* the consumer's view: the names it will try */
typedef struct qrecycle {
    unsigned long name[QRECYCLE_TRY];
    size_t len, pos;
    unsigned long seed;
    int listed; /* name[] holds names read from the pool, not guesses */
} qrecycle;

/* get ready to claim: the first claims try QRECYCLE_GUESS slots chosen
   by SEED, so that concurrent claimers spread over the pool; in a pool
   a quarter full, one of them is a spare nine times in ten, and the
   directory is not read.  After those, names are read from the pool
   (one batch of them, starting at an entry chosen by SEED). */
void qrecycle_list(qrecycle *r, unsigned long seed);
/* claim a spare under the name TO, which must not exist.  Returns a
   descriptor open for writing at offset 0 of a file that may hold old
   contents (up to QRECYCLE_KEEP bytes, zeroed in whole blocks by
   fd_prime, so that writing over them reads nothing from disk), to be
   cut at the length written, its atime set to now; or -1 with errno
   EEXIST (TO exists: nothing was taken) or ENOENT (no spare left:
   create the file instead) */
int qrecycle_claim(qrecycle *r, const char *to);

/* the producer, one process (qmail-clean) */
typedef struct qrecycle_pool {
    int on;
    unsigned long next; /* the next slot to try */
    unsigned long over; /* the next overflow slot to try */
    unsigned pause;     /* puts left before a full pool is tried again */
    unsigned skip;      /* puts left that go straight to overflow */
    int excess;         /* overflow slots may be in use */
} qrecycle_pool;

#define QRECYCLE_POOL_INIT {0, 0, QRECYCLE_SLOTS, 0, 0, 0}

/* is there a pool to fill; 1 or 0 */
int qrecycle_open(qrecycle_pool *p);
/* FN is done with: cut to length 0 if longer than QRECYCLE_KEEP, then
   into a free slot, or an overflow slot, or removed when there is no
   pool or no free slot.  A file with another name too (intd/N while
   todo/N is there) is only unlinked: its contents are still the other
   name's.  0, or -1 with errno as unlink(2) would set it for FN */
int qrecycle_put(qrecycle_pool *p, const char *fn);
/* removes at most MAX files from overflow slots; 1 if some may be left
   (p->excess stays set), 0 when none is */
int qrecycle_trim(qrecycle_pool *p, unsigned max);

#endif
