/*
 * smtpreply.h: the SMTP client's reply reader (RFC 5321 section 4.2),
 * a pure incremental parser: feed it the bytes that arrive, it says when
 * a reply is complete.  A line whose fourth byte is '-' is followed by
 * another line of the same reply; any other line ends it.  The code is
 * taken from the first line only.
 *
 *   smtpreply_feed returns SMTPREPLY_DONE when the reply is complete
 *   (*used bytes consumed, the last one the final LF), SMTPREPLY_MORE
 *   when all len bytes were consumed without completing it,
 *   SMTPREPLY_TOOLONG when the reply passed SMTPREPLY_MAX bytes (the
 *   stream cannot be trusted any more), SMTPREPLY_NOMEM out of memory.
 *   After DONE: code is the first line's three digits as a number, or 0
 *   when they are not three digits; text is the whole reply with CR
 *   removed and NUL turned into '?', cut at SMTPREPLY_TEXTMAX bytes,
 *   always ending in LF.
 *   smtpreply_ext: is the keyword (case-insensitive) announced in an
 *   EHLO reply's text (the lines after the first)?  1 yes, with *arg
 *   and *arglen the parameters after it (possibly empty), 0 no.
 */
#ifndef SMTPREPLY_H
#define SMTPREPLY_H

#include <stddef.h>

#include "sa.h"

#define SMTPREPLY_MAX 65536 /* bytes in one reply, CRLFs included */
#define SMTPREPLY_TEXTMAX 5000

enum { SMTPREPLY_MORE, SMTPREPLY_DONE, SMTPREPLY_TOOLONG, SMTPREPLY_NOMEM };

typedef struct smtpreply {
    unsigned code;
    int bad;      /* the first line's code is not three digits */
    size_t col;   /* bytes of the current line seen so far */
    int more;     /* the current line's fourth byte is '-' */
    int first;    /* still in the first line */
    size_t total; /* bytes of this reply seen so far */
    sa text;
} smtpreply;

#define SMTPREPLY_INIT {0, 0, 0, 0, 1, 0, SA_INIT}

void smtpreply_start(smtpreply *r); /* ready for a new reply */
int smtpreply_feed(smtpreply *r, const char *buf, size_t len, size_t *used);
int smtpreply_ext(const char *text, size_t len, const char *kw,
                  const char **arg, size_t *arglen);
void smtpreply_free(smtpreply *r);

#endif
