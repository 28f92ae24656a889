/*
 * rcvd.h: the Received line written by the network receivers
 * qmail-smtpd, qmail-qmtpd and qmail-qmqpd (spec smtp-and-tools.md
 * 0.6), two physical lines:
 *   Received: from REMOTEHOST[ (HELO HELO)] ([INFO@]IP)
 *     by LOCAL with PROTO; DATE
 * Every byte of the five names outside A-Z a-z 0-9 . @ % + / = : - is
 * shown as '?' (as netqmail, so "[" and "]" too).  helo and info may be
 * 0 (left out).  rcvd_line appends to out; 1 ok, 0 out of memory.  Pure
 * apart from the date, which is t.
 */
#ifndef RCVD_H
#define RCVD_H

#include <time.h>

#include "sa.h"

int rcvd_line(sa *out, const char *proto, const char *local,
              const char *remoteip, const char *remotehost,
              const char *remoteinfo, const char *helo, time_t t) WUR;

#endif
