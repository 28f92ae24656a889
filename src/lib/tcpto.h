/*
 * tcpto.h: the TCP timeout table queue/lock/tcpto (spec smtp-and-tools.md
 * 2.10), which lets qmail-remote skip hosts that keep timing out.
 *
 * Layout: bytes 0..1023 are qmail's 64 IPv4 records of 16 bytes
 * (address, count at byte 4, time of the last timeout at bytes 8..11,
 * 32-bit little-endian).  Bytes 1024..3071, when present, are 64 IPv6
 * records of 32 bytes (address in bytes 0..15, count at byte 16, time at
 * bytes 24..27).  A file of 1024 bytes is a table with no IPv6 records;
 * programs that know only the first part keep working.
 *
 * Pure functions on a table image t of TCPTO_SIZE bytes (missing bytes
 * read as zero):
 *   tcpto_skip: 1 if ip should not be tried now (two or more recent
 *     timeouts, the last less than (60 + pid % 32) * 64 seconds ago).
 *   tcpto_note: the change after a connection attempt to ip (timedout
 *     or not); returns the record's offset and sets *n to its size, or
 *     returns -1 when nothing changes.  The image is updated.
 *   tcpto_get: record i (0..127) as address, count and time;
 *     1 when it is in use (count > 0), 0 otherwise.
 * File access (relative to the current directory):
 *   tcpto_open: open the table for writing, lock it exclusively, read
 *     its image.  0 ok, -1 error (errno, and *why is the step that
 *     failed: "open", "lock" or "read").  tcpto_write: write n bytes at off
 * from the image, 0 / -1.  tcpto_close releases the lock.
 */
#ifndef TCPTO_H
#define TCPTO_H

#include <stddef.h>

#include "ipad.h"

#define TCPTO_FILE "queue/lock/tcpto"
#define TCPTO_V4SIZE 1024
#define TCPTO_SIZE 3072
#define TCPTO_RECORDS 128

typedef struct tcpto {
    int fd;
    unsigned char t[TCPTO_SIZE];
} tcpto;

int tcpto_skip(const unsigned char *t, const ipad *ip, unsigned long now,
               unsigned long pid);
long tcpto_note(unsigned char *t, const ipad *ip, int timedout,
                unsigned long now, size_t *n);
int tcpto_get(const unsigned char *t, size_t i, ipad *ip, unsigned *count,
              unsigned long *when);

int tcpto_open(tcpto *x, const char *fn, const char **why);
int tcpto_write(tcpto *x, long off, size_t n);
void tcpto_close(tcpto *x);

#endif
