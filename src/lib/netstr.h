/*
 * netstr.h: netstrings, "<decimal length>:<bytes>," (spec
 * smtp-and-tools.md 0.8), for QMQP and QMTP.
 *
 * The length prefix is read one byte at a time with netstr_lenbyte,
 * which never allocates: a length is refused as soon as it passes max
 * or has more than NETSTR_DIGITS digits, so no input can overflow it.
 *   returns NETSTR_MORE (a digit, keep going), NETSTR_DONE (the ':' after
 *   at least one digit; l->n is the length), NETSTR_BAD (any other byte,
 *   or ':' with no digit), NETSTR_BIG (the value would pass max).
 * netstr_getlen: run netstr_lenbyte over the bytes get() returns until
 *   it decides; returns NETSTR_DONE (*n is the length), NETSTR_BAD or
 *   NETSTR_BIG.  Pure but for get, which is the caller's reader.
 * netstr_cat: append "len:bytes," to out; 1 ok, 0 out of memory.
 * netstr_scan: a whole netstring at s[0..len): 1 with its content at
 *   [*start, *start + *n) and *end past the ','; 0 malformed or short.
 * All pure.
 */
#ifndef NETSTR_H
#define NETSTR_H

#include <stddef.h>

#include "sa.h"

#define NETSTR_DIGITS 100 /* bytes of a length, leading zeros too, as qmail */

enum { NETSTR_MORE, NETSTR_DONE, NETSTR_BAD, NETSTR_BIG };

typedef struct netstr_len {
    unsigned long n;
    unsigned digits;
} netstr_len;

#define NETSTR_LEN_INIT                                                        \
    {                                                                          \
        0, 0                                                                   \
    }

int netstr_lenbyte(netstr_len *l, char c, unsigned long max);
int netstr_getlen(char (*get)(void), unsigned long max, unsigned long *n);
int netstr_cat(sa *out, const char *s, size_t len) WUR;
int netstr_scan(const char *s, size_t len, size_t *start, size_t *n,
                size_t *end);

#endif
