/*
 * sgopt.c: see sgopt.h.
 */
#include <string.h>

#include "err.h"
#include "sgopt.h"

int sgopt_next(sgopt *g, int argc, char *const *argv, const char *opts)
{
    const char *a;
    const char *p;
    char c;
    char cs[2];

    g->arg = 0;
    if (g->ind >= argc || !argv[g->ind])
        return -1;
    a = argv[g->ind];
    if (!g->pos) {
        if (a[0] != '-' || !a[1])
            return -1;
        if (a[1] == '-' && !a[2]) {
            ++g->ind;
            return -1;
        }
        g->pos = 1;
    }
    c = a[g->pos++];
    p = c ? strchr(opts, c) : 0;
    cs[0] = c;
    cs[1] = 0;
    if (!p || c == ':') {
        if (!a[g->pos]) {
            ++g->ind;
            g->pos = 0;
        }
        if (!g->quiet)
            SAY("illegal option -- ", cs);
        return '?';
    }
    if (p[1] == ':') {
        if (a[g->pos])
            g->arg = a + g->pos;
        else if (g->ind + 1 < argc)
            g->arg = argv[++g->ind];
        else {
            ++g->ind;
            g->pos = 0;
            if (!g->quiet)
                SAY("option requires an argument -- ", cs);
            return '?';
        }
        ++g->ind;
        g->pos = 0;
        return c;
    }
    if (!a[g->pos]) {
        ++g->ind;
        g->pos = 0;
    }
    return c;
}
