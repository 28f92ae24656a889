/*
 * msghead.h: reading a message as header fields, then body lines.
 * A header field is a line "name: value" plus the continuation lines
 * (starting with SP or TAB) that follow it.  The header ends at the
 * first empty line (consumed, not returned), at EOF, or at a line that
 * is neither a field nor a continuation (returned as the first body
 * line).  Lines longer than MSGHEAD_MAXLINE are cut there (the rest is
 * skipped) and a field keeps at most MSGHEAD_MAXFIELD bytes, so memory
 * stays bounded whatever the input.
 *
 * msghead_get: 1 a header field in out (its lines with their LFs),
 *   2 a body line in out (with its LF unless it ends the input),
 *   0 EOF, -1 read or memory error (errno).
 * msghead_is: when the field f[0..len) is called name (ASCII case-
 *   insensitive; blanks allowed before the colon), the offset of its
 *   value (after the colon and any SP/TAB); otherwise 0.  Pure.
 */
#ifndef MSGHEAD_H
#define MSGHEAD_H

#include <stddef.h>

#include "bio.h"
#include "sa.h"

#define MSGHEAD_MAXLINE 65536
#define MSGHEAD_MAXFIELD (16 * MSGHEAD_MAXLINE)

typedef struct msghead {
    int inhead;
    int havenext;
    sa next;
} msghead;

#define MSGHEAD_INIT                                                           \
    {                                                                          \
        1, 0, SA_INIT                                                          \
    }

int msghead_get(msghead *m, bio *in, sa *out) WUR;
size_t msghead_is(const char *f, size_t len, const char *name);
void msghead_free(msghead *m);

#endif
