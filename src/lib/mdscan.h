/*
 * mdscan.h: listing the messages of a maildir (the current directory)
 * for the maildir readers maildir2mbox and maildirwatch.
 *
 * mdscan_clean: unlink every file in tmp/ whose name does not start
 *   with '.' and whose last access is more than 36 hours before now
 *   (a delivery that died); errors are ignored.
 * mdscan_add: add the files of subdir ("new" or "cur") whose names do
 *   not start with '.' and whose mtime is before now (a message that
 *   arrived this very second waits for the next run, so the order by
 *   mtime cannot be mixed up).  0 ok; -1 error with errno and
 *   m->failed = "scan" (opendir) or "read" (readdir, memory).
 * mdscan_sort: order by mtime, then by name.
 * mdscan_name: the path ("new/..." or "cur/...") of entry i.
 */
#ifndef MDSCAN_H
#define MDSCAN_H

#include <stddef.h>
#include <time.h>

#include "sa.h"

#define MDSCAN_OSSIFIED 129600 /* 36 hours */

typedef struct mdscan_ent {
    time_t mtime;
    size_t pos; /* of the NUL-terminated path in names */
} mdscan_ent;

typedef struct mdscan {
    sa names;
    mdscan_ent *e;
    size_t n;
    size_t a;
    const char *failed;
} mdscan;

#define MDSCAN_INIT                                                            \
    {                                                                          \
        SA_INIT, 0, 0, 0, 0                                                    \
    }

void mdscan_clean(time_t now);
int mdscan_add(mdscan *m, const char *subdir, time_t now) WUR;
void mdscan_sort(mdscan *m);
const char *mdscan_name(const mdscan *m, size_t i);
void mdscan_reset(mdscan *m);
void mdscan_free(mdscan *m);

#endif
