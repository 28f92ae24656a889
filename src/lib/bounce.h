/*
 * bounce.h: texts qmail-send writes (spec delivery.md 2.8, 2.11).
 * bounce_entry: one failure report as appended to bounce/N.
 * bounce_safe: the log filter: LF to '/', '%', bytes < 33 and > 126
 *   to '_'.
 * bounce_head: the header and opening text of a (double) bounce.
 * All append to out; 1 ok / 0 nomem.
 */
#ifndef BOUNCE_H
#define BOUNCE_H

#include <time.h>

#include "sa.h"

int bounce_entry(sa *out, const char *rcpt, size_t rlen, const char *text,
                 size_t tlen) WUR;
int bounce_safe(sa *out, const char *s, size_t len) WUR;
int bounce_head(sa *out, time_t now, const sa *from, const sa *bouncehost,
                const char *to, size_t tolen, int dbl) WUR;
int bounce_tail(sa *out, const char *sender, size_t slen, int dbl) WUR;

#endif
