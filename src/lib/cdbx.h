/*
 * cdbx.h: the cdb format (spec smtp-and-tools.md 7).  Lookups are our
 * own (cdbx.c, plain reads, libc only); builds go through tinycdb
 * (libcdb, cdbxmake.c), so only the programs that build link it.
 * cdbx_find: the first record with key in the cdb open on fd;
 *   cdbx_lookup: the same in the file fn.  1 found (data copied to out),
 *   0 absent (or, for cdbx_lookup, no file; out untouched), -1 error
 *   (errno; EPROTO: the file is not a well-formed cdb).
 * cdbx_hash: the format's hash of a key.
 * cdbx_make*: build a database in tmp, then fsync and rename it over
 *   target so readers never see a partial file;
 *   0 ok, -1 error (errno).  With target 0, cdbx_finish stops after
 *   the fsync and close, and the caller renames with cdbx_install
 *   (rename; 0 ok, -1 error), so the two failures can be told apart.
 */
#ifndef CDBX_H
#define CDBX_H

#include <cdb.h>
#include <stdint.h>

#include "sa.h"

int cdbx_lookup(const char *fn, const char *key, size_t klen, sa *out) WUR;
int cdbx_find(int fd, const char *key, size_t klen, sa *out) WUR;
uint32_t cdbx_hash(const char *key, size_t klen);

typedef struct cdbx_make {
    struct cdb_make cm;
    int fd;
    const char *tmp;
    const char *target;
} cdbx_make;

int cdbx_start(cdbx_make *m, const char *tmp, const char *target) WUR;
int cdbx_add(cdbx_make *m, const char *k, size_t kl, const char *d,
             size_t dl) WUR;
int cdbx_finish(cdbx_make *m) WUR;
int cdbx_install(const char *tmp, const char *target) WUR;
void cdbx_abort(cdbx_make *m);

#endif
