/*
 * cdbx.h: the cdb format through tinycdb (libcdb).
 * cdbx_lookup: 1 found (data copied to out), 0 absent (or no file),
 *   -1 error.  cdbx_make*: build a database in tmp, then fsync and
 *   rename it over target so readers never see a partial file;
 *   0 ok, -1 error (errno).  With target 0, cdbx_finish stops after
 *   the fsync and close, and the caller renames with cdbx_install
 *   (rename; 0 ok, -1 error), so the two failures can be told apart.
 */
#ifndef CDBX_H
#define CDBX_H

#include <cdb.h>

#include "sa.h"

int cdbx_lookup(const char *fn, const char *key, size_t klen, sa *out) WUR;
int cdbx_find(int fd, const char *key, size_t klen, sa *out) WUR;

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
