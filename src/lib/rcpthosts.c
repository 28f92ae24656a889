/*
 * rcpthosts.c: rcpthosts, morercpthosts.cdb and badmailfrom (see
 * rcpthosts.h).  Reads control files and one cdb; never exits.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "cdbx.h"
#include "ctl.h"
#include "fd.h"
#include "rcpthosts.h"

int rcpthosts_load(rcpthosts *r)
{
    sa list = SA_INIT;
    int ok, got = ctl_readfile(&list, "control/rcpthosts");

    r->have = got == 1;
    r->fdmore = -1;
    ok = got >= 0 && cmap_fromlist(&r->set, &list, 0);
    sa_free(&list);
    if (!ok)
        return -1;
    if (r->have) {
        r->fdmore = open_read("control/morercpthosts.cdb");
        if (r->fdmore == -1 && errno != ENOENT)
            return -1;
    }
    return 1;
}

int rcpthosts_cands(const char *h, size_t hlen, size_t *i, size_t *off)
{
    if (*i == 0) { /* the host itself */
        *off = 0;
        *i = 1;
        return 1;
    }
    while (*i < hlen) {
        size_t j = (*i)++;
        if (h[j] == '.') {
            *off = j;
            return 1;
        }
    }
    return 0;
}

int rcpthosts_ok(rcpthosts *r, const char *addr, size_t len)
{
    const char *at = 0;
    size_t i = 0, off, hlen, k;
    sa out = SA_INIT;
    int found;

    if (!r->have)
        return 1;
    for (k = len; k > 0; --k)
        if (addr[k - 1] == '@') {
            at = addr + k - 1;
            break;
        }
    if (!at)
        return 1;
    hlen = len - (size_t)(at + 1 - addr);
    if (!sa_copyb(&r->key, at + 1, hlen))
        return -1;
    case_lowerb(r->key.s, hlen);
    while (rcpthosts_cands(r->key.s, hlen, &i, &off)) {
        if (cmap_get(&r->set, r->key.s + off, hlen - off, 0, 0))
            return 1;
        if (r->fdmore == -1)
            continue;
        found = cdbx_find(r->fdmore, r->key.s + off, hlen - off, &out);
        if (found) {
            sa_free(&out);
            return found;
        }
    }
    return 0;
}

void rcpthosts_free(rcpthosts *r)
{
    cmap_free(&r->set);
    sa_free(&r->key);
    if (r->fdmore != -1)
        close(r->fdmore);
    r->fdmore = -1;
}

int badmailfrom_match(const cmap *bmf, const char *addr, size_t len)
{
    size_t k;

    if (!len)
        return 0;
    if (cmap_get(bmf, addr, len, 0, 0))
        return 1;
    for (k = len; k > 0; --k)
        if (addr[k - 1] == '@')
            return cmap_get(bmf, addr + k - 1, len - k + 1, 0, 0);
    return 0;
}
