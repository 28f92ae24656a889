/*
 * smtpaddr.h: the address in a MAIL or RCPT argument, and its ESMTP
 * parameters (spec smtp-and-tools.md 1.6).  Pure functions; no I/O.
 *
 * smtpaddr_parse: arg[0..len) is what follows the verb.  With a '<' the
 *   address starts after the first one and ends at '>'; otherwise it
 *   starts after the first ':' and its SPACEs and ends at a SPACE; with
 *   neither it is empty.  A source route ("@a,@b:") is skipped up to its
 *   first ':' (none: empty).  A backslash makes the next byte literal,
 *   '"' toggles quoting (in which the end byte does not count); both are
 *   removed.  A missing end byte is no error.  The address goes to out
 *   (replaced, NUL-terminated, len without the NUL) and *end is the
 *   offset of the parameters (after the end byte).  Returns 1 ok,
 *   0 too long (copying stops at SMTPADDR_COPYMAX bytes, so memory is
 *   bounded whatever the argument), -1 out of memory.  No other check
 *   is made: spaces, 8-bit bytes and missing domains all pass.
 *   The final limit (SMTPADDR_MAX) is checked by the caller after the
 *   localiphost rewriting, with smtpaddr_toolong.
 *
 * smtpaddr_size: the value of a SIZE= parameter (RFC 1870) among the
 *   SPACE-separated parameters p[0..len): 1 found (*size set, huge
 *   values saturate at ULONG_MAX), 0 none or not a number.
 */
#ifndef SMTPADDR_H
#define SMTPADDR_H

#include <stddef.h>

#include "sa.h"

#define SMTPADDR_MAX 900 /* an address this long (with its NUL) is refused */
#define SMTPADDR_COPYMAX (SMTPADDR_MAX + 64)

int smtpaddr_parse(sa *out, const char *arg, size_t len, size_t *end) WUR;
int smtpaddr_toolong(const sa *addr);
int smtpaddr_size(const char *p, size_t len, unsigned long *size);

#endif
