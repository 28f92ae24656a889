/*
 * envelope.h: the qmail-queue envelope, "F" sender NUL, then "T" recip
 * NUL for each recipient, then one extra NUL.  A pure streaming parser:
 * feed it bytes as they arrive; it validates byte by byte, so errors
 * are reported at the same point as a byte-at-a-time reader would.
 *
 * envelope_feed returns:
 *   ENV_MORE  all len bytes consumed, envelope not finished;
 *   ENV_DONE  finished: *used bytes consumed, the last one the final NUL
 *             (fed again once finished: ENV_DONE with *used 0);
 *   ENV_BAD   format error (qmail-queue exit 91) at byte *used;
 *   ENV_LONG  an address over ENV_MAXADDR bytes (exit 11) at byte *used.
 * Bytes before *used are valid envelope bytes (to be copied verbatim).
 */
#ifndef ENVELOPE_H
#define ENVELOPE_H

#include <stddef.h>

#define ENV_MAXADDR 1002

enum { ENV_MORE, ENV_DONE, ENV_BAD, ENV_LONG };

typedef struct envelope {
    int state;
    size_t alen;
    size_t nrcpt;
} envelope;

#define ENVELOPE_INIT {0, 0, 0}

int envelope_feed(envelope *e, const char *buf, size_t len, size_t *used);

/*
 * Records of queue files (todo, info, local, remote): a type byte, text,
 * NUL.  rec_next finds the record starting at *pos: 1 found (type in
 * *type, text in [*start, *start+*len), *pos advanced past its NUL),
 * 0 at the end, -1 for a truncated record (no NUL).
 */
int rec_next(const char *buf, size_t buflen, size_t *pos, char *type,
             size_t *start, size_t *len);

#endif
