/*
 * rewrite.c: envnoathost completion, the percent hack, locals and
 * virtualdomains, in the order of spec delivery.md 2.5.
 */
#include <string.h>

#include "rewrite.h"

static size_t lastat(const char *s, size_t n)
{
    size_t i = n;

    while (i > 0)
        if (s[--i] == '@')
            return i;
    return n;
}

/* domain, then .suffixes longest first, then the empty key; an entry
   with an empty prepend stops the search (an exception) */
static int vlookup(const rewrite_conf *c, const char *dom, size_t dlen,
                   const char **p, size_t *plen)
{
    size_t i;

    if (cmap_get(&c->vdoms, dom, dlen, p, plen))
        return 1;
    for (i = 0; i < dlen; ++i)
        if (dom[i] == '.' && cmap_get(&c->vdoms, dom + i, dlen - i, p, plen))
            return 1;
    return cmap_get(&c->vdoms, "", 0, p, plen);
}

int rewrite_vprefix(const rewrite_conf *c, const char *dom, size_t dlen,
                    const char **p, size_t *plen)
{
    return vlookup(c, dom, dlen, p, plen) && *plen;
}

int rewrite_recip(const rewrite_conf *c, const char *a, size_t alen, sa *out)
{
    size_t at, i;
    const char *p;
    size_t plen;

    if (!sa_copyb(out, a, alen))
        return 0;
    if (!memchr(out->s, '@', out->len))
        if (!sa_append(out, '@') || !sa_cat(out, &c->envnoathost))
            return 0;
    for (;;) { /* the percent hack */
        at = lastat(out->s, out->len);
        if (!cmap_get(&c->percenthack, out->s + at + 1, out->len - at - 1, 0,
                      0))
            break;
        for (i = at; i > 0 && out->s[i - 1] != '%'; --i)
            ;
        if (!i)
            break;
        out->len = at;
        out->s[i - 1] = '@';
    }
    at = lastat(out->s, out->len);
    if (cmap_get(&c->locals, out->s + at + 1, out->len - at - 1, 0, 0))
        return REWRITE_LOCAL;
    if (!cmap_get(&c->vdoms, out->s, out->len, &p, &plen) &&
        !vlookup(c, out->s + at + 1, out->len - at - 1, &p, &plen))
        return REWRITE_REMOTE;
    if (!plen)
        return REWRITE_REMOTE;
    {
        sa t = SA_INIT;
        int ok = sa_copyb(&t, p, plen) && sa_append(&t, '-') &&
                 sa_cat(&t, out) && sa_copy(out, &t);
        sa_free(&t);
        return ok ? REWRITE_LOCAL : 0;
    }
}
