/*
 * rewrite.h: qmail-send's recipient rewriting and the local/remote
 * decision (spec delivery.md 2.5), and the virtual-domain prefix used
 * to show bounce recipients (2.8).  Pure given the tables.
 * rewrite_recip: REWRITE_LOCAL or REWRITE_REMOTE with out set, 0 nomem.
 */
#ifndef REWRITE_H
#define REWRITE_H

#include "cmap.h"
#include "sa.h"

enum { REWRITE_LOCAL = 1, REWRITE_REMOTE = 2 };

typedef struct rewrite_conf {
    cmap locals;
    cmap percenthack;
    cmap vdoms;
    sa envnoathost;
} rewrite_conf;

int rewrite_recip(const rewrite_conf *c, const char *a, size_t alen,
                  sa *out) WUR;
/* the prepend of the domain's virtualdomains entry (domain, .suffixes,
   empty key); 1 found non-empty, 0 none */
int rewrite_vprefix(const rewrite_conf *c, const char *dom, size_t dlen,
                    const char **p, size_t *plen);

#endif
