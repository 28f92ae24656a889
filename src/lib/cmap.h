/*
 * cmap.h: a set or map of byte strings with ASCII case-insensitive
 * keys, exact length (locals, percenthack, virtualdomains, rcpthosts).
 * A key inserted twice keeps the last value.
 * cmap_put: 1 ok / 0 nomem.  cmap_get: 1 found (*val, *vlen set) / 0.
 */
#ifndef CMAP_H
#define CMAP_H

#include <stddef.h>

#include "sa.h"

typedef struct cmap_ent {
    char *key;
    size_t klen;
    char *val;
    size_t vlen;
    unsigned long h;
} cmap_ent;

typedef struct cmap {
    cmap_ent *e;
    size_t n;    /* entries used */
    size_t size; /* slots, a power of two or 0 */
} cmap;

#define CMAP_INIT {0, 0, 0}

int cmap_put(cmap *m, const char *k, size_t kl, const char *v, size_t vl) WUR;
int cmap_get(const cmap *m, const char *k, size_t kl, const char **v,
             size_t *vl);
void cmap_free(cmap *m);
/* fill from a list (NUL-separated lines from ctl_readfile); with
   split, each line is key:value at its first colon (lines with no colon
   are skipped), else the line is a key with an empty value */
int cmap_fromlist(cmap *m, const sa *list, int split) WUR;

#endif
