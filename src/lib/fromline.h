/*
 * fromline.h: the mbox side of a message: the "From " separator line
 * and mboxrd quoting (a line matching ^>*From  gets one more '>').
 *
 * fromline_date: append "Www Mmm DD HH:MM:SS YYYY" for t in UTC, day
 *   of month zero-padded.  1 ok / 0 failed (errno).
 * fromline_make: append the separator for a maildir message whose
 *   first line (with its LF, if it had one) is line[0..len):
 *   "From MAILER-DAEMON <date>" for "Return-Path: <>", "From <addr>
 *   <date>" for "Return-Path: <addr>" (blanks in addr become '-'),
 *   otherwise "From XXX <date>"; then LF.  1 ok / 0 failed (errno).
 * fromq_put: copy len bytes of message text to out, quoting as above;
 *   state is carried in q across calls, so any split works.
 * fromq_end: write what is pending and an LF if the text did not end
 *   with one (nothing for empty text).  Both return 0 ok, -1 on a
 *   write error (errno).
 */
#ifndef FROMLINE_H
#define FROMLINE_H

#include <stddef.h>
#include <time.h>

#include "bio.h"
#include "sa.h"

int fromline_date(sa *out, time_t t) WUR;
int fromline_make(sa *out, const char *line, size_t len, time_t t) WUR;

typedef struct fromq {
    int state; /* 0 line start, 1 matching "From ", 2 inside a line */
    size_t gt; /* '>' bytes seen at this line start */
    size_t k;  /* bytes of "From " matched */
    int any;   /* some text was seen */
} fromq;

#define FROMQ_INIT                                                             \
    {                                                                          \
        0, 0, 0, 0                                                             \
    }

int fromq_put(fromq *q, bio *out, const char *buf, size_t len) WUR;
int fromq_end(fromq *q, bio *out) WUR;

#endif
