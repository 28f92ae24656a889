/*
 * smtpenc.h: what the SMTP client puts on the wire (spec
 * smtp-and-tools.md 2.4 and 2.8).  Pure.
 *
 *   smtpenc_addr: append the RFC 5321 form of an envelope address: the
 *     local part (before the last '@') bare when it is a dot-atom, else
 *     a quoted string with '\' before CR, LF, '"' and '\'; the domain
 *     unchanged.  An address without '@' is appended as it is.
 *     1 ok, 0 no memory.
 *   smtpenc_body: append the DATA form of the next n message bytes:
 *     LF and CR LF become CR LF, a bare CR becomes CR LF too, a line
 *     starting with '.' gets another '.'.  1 ok, 0 no memory.
 *   smtpenc_end: 1 when the message ended with LF or was empty (then
 *     ".\r\n" is appended; 0 no memory is reported as -1), 0 when its
 *     last line is partial (nothing appended).
 */
#ifndef SMTPENC_H
#define SMTPENC_H

#include <stddef.h>

#include "sa.h"

typedef struct smtpenc {
    int bol; /* at the beginning of a line */
    int cr;  /* the last byte was a CR not yet sent */
    int any; /* some byte was seen */
    char last;
} smtpenc;

#define SMTPENC_INIT {1, 0, 0, 0}

int smtpenc_addr(sa *out, const char *addr, size_t len) WUR;
int smtpenc_body(smtpenc *e, const char *in, size_t n, sa *out) WUR;
int smtpenc_end(smtpenc *e, sa *out) WUR;

#endif
