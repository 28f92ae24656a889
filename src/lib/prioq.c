/*
 * prioq.c: binary min-heap.
 */
#include <stdlib.h>

#include "prioq.h"

int prioq_insert(prioq *q, time_t dt, unsigned long id)
{
    size_t i;

    if (q->len == q->a) {
        size_t na = q->a ? q->a * 2 : 64;
        prioq_elt *p;
        if (na < q->a || na > ((size_t)-1) / sizeof *p)
            return 0;
        p = realloc(q->p, na * sizeof *p);
        if (!p)
            return 0;
        q->p = p;
        q->a = na;
    }
    i = q->len++;
    while (i) {
        size_t parent = (i - 1) / 2;
        if (q->p[parent].dt <= dt)
            break;
        q->p[i] = q->p[parent];
        i = parent;
    }
    q->p[i].dt = dt;
    q->p[i].id = id;
    return 1;
}

int prioq_min(const prioq *q, prioq_elt *out)
{
    if (!q->len)
        return 0;
    *out = q->p[0];
    return 1;
}

void prioq_delmin(prioq *q)
{
    size_t i = 0;
    prioq_elt last;

    if (!q->len)
        return;
    last = q->p[--q->len];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= q->len)
            break;
        if (c + 1 < q->len && q->p[c + 1].dt < q->p[c].dt)
            ++c;
        if (last.dt <= q->p[c].dt)
            break;
        q->p[i] = q->p[c];
        i = c;
    }
    if (q->len)
        q->p[i] = last;
}

void prioq_setall(prioq *q, time_t dt)
{
    size_t i;

    for (i = 0; i < q->len; ++i)
        q->p[i].dt = dt;
}
