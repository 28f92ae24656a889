/*
 * cmap.c: open-addressing hash table, case-insensitive keys.
 */
#include <stdlib.h>
#include <string.h>

#include "cmap.h"

static unsigned char low(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static unsigned long hash(const char *k, size_t kl)
{
    unsigned long h = 5381;
    size_t i;

    for (i = 0; i < kl; ++i)
        h = (h * 33) ^ low((unsigned char)k[i]);
    return h;
}

static int keyeq(const cmap_ent *e, const char *k, size_t kl)
{
    size_t i;

    if (e->klen != kl)
        return 0;
    for (i = 0; i < kl; ++i)
        if (low((unsigned char)e->key[i]) != low((unsigned char)k[i]))
            return 0;
    return 1;
}

static cmap_ent *slot(cmap_ent *tab, size_t size, unsigned long h,
                      const char *k, size_t kl)
{
    size_t i = h & (size - 1);

    while (tab[i].key && !(tab[i].h == h && keyeq(&tab[i], k, kl)))
        i = (i + 1) & (size - 1);
    return &tab[i];
}

static int grow(cmap *m)
{
    size_t ns = m->size ? m->size * 2 : 16;
    cmap_ent *t;
    size_t i;

    if (ns < m->size || ns > ((size_t)-1) / sizeof *t)
        return 0;
    t = calloc(ns, sizeof *t);
    if (!t)
        return 0;
    for (i = 0; i < m->size; ++i)
        if (m->e[i].key)
            *slot(t, ns, m->e[i].h, m->e[i].key, m->e[i].klen) = m->e[i];
    free(m->e);
    m->e = t;
    m->size = ns;
    return 1;
}

int cmap_put(cmap *m, const char *k, size_t kl, const char *v, size_t vl)
{
    unsigned long h = hash(k, kl);
    cmap_ent *e;
    char *buf;

    if ((m->n + 1) * 2 > m->size && !grow(m))
        return 0;
    if (kl + vl < kl || kl + vl + 2 < 2)
        return 0;
    buf = malloc(kl + vl + 2);
    if (!buf)
        return 0;
    memcpy(buf, k, kl);
    buf[kl] = 0;
    memcpy(buf + kl + 1, v, vl);
    buf[kl + 1 + vl] = 0;
    e = slot(m->e, m->size, h, k, kl);
    if (e->key)
        free(e->key);
    else
        ++m->n;
    e->key = buf;
    e->klen = kl;
    e->val = buf + kl + 1;
    e->vlen = vl;
    e->h = h;
    return 1;
}

int cmap_get(const cmap *m, const char *k, size_t kl, const char **v,
             size_t *vl)
{
    cmap_ent *e;

    if (!m->size)
        return 0;
    e = slot(m->e, m->size, hash(k, kl), k, kl);
    if (!e->key)
        return 0;
    if (v)
        *v = e->val;
    if (vl)
        *vl = e->vlen;
    return 1;
}

void cmap_free(cmap *m)
{
    size_t i;

    for (i = 0; i < m->size; ++i)
        free(m->e[i].key);
    free(m->e);
    m->e = 0;
    m->n = m->size = 0;
}

int cmap_fromlist(cmap *m, const sa *list, int split)
{
    size_t i = 0;

    while (i < list->len) {
        const char *s = list->s + i;
        size_t n = strlen(s);
        const char *colon = split ? memchr(s, ':', n) : 0;

        if (!split) {
            if (!cmap_put(m, s, n, "", 0))
                return 0;
        } else if (colon) {
            size_t kl = (size_t)(colon - s);
            if (!cmap_put(m, s, kl, colon + 1, n - kl - 1))
                return 0;
        }
        i += n + 1;
    }
    return 1;
}
