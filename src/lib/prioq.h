/*
 * prioq.h: a min-heap of (message id, due time), qmail-send's queues.
 * prioq_insert: 1 ok / 0 nomem.  prioq_min: 1 and *out set, 0 empty.
 */
#ifndef PRIOQ_H
#define PRIOQ_H

#include <stddef.h>
#include <time.h>

#include "sa.h"

typedef struct prioq_elt {
    time_t dt;
    unsigned long id;
} prioq_elt;

typedef struct prioq {
    prioq_elt *p;
    size_t len;
    size_t a;
} prioq;

#define PRIOQ_INIT {0, 0, 0}

int prioq_insert(prioq *q, time_t dt, unsigned long id) WUR;
int prioq_min(const prioq *q, prioq_elt *out);
void prioq_delmin(prioq *q);
/* reset every due time to dt (SIGALRM); keeps the heap property */
void prioq_setall(prioq *q, time_t dt);

#endif
