/*
 * sa.c: growable byte strings with overflow-checked arithmetic.
 * Used everywhere; never exits; failures return 0 with errno set.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "sa.h"

int sa_ready(sa *x, size_t n)
{
    size_t na;
    char *p;

    if (x->s && n <= x->a)
        return 1;
    /* grow by n/8 + 30, as a cheap amortisation */
    if (__builtin_add_overflow(n, (n >> 3) + 30, &na)) {
        errno = EOVERFLOW;
        return 0;
    }
    p = realloc(x->s, na);
    if (!p) {
        errno = ENOMEM;
        return 0;
    }
    x->s = p;
    x->a = na;
    return 1;
}

int sa_readyplus(sa *x, size_t n)
{
    size_t t;

    if (__builtin_add_overflow(x->len, n, &t)) {
        errno = EOVERFLOW;
        return 0;
    }
    return sa_ready(x, t);
}

int sa_copyb(sa *x, const char *b, size_t n)
{
    if (!sa_ready(x, n ? n : 1))
        return 0;
    if (n)
        memmove(x->s, b, n);
    x->len = n;
    return 1;
}

int sa_copys(sa *x, const char *s) { return sa_copyb(x, s, strlen(s)); }
int sa_copy(sa *x, const sa *y) { return sa_copyb(x, y->s, y->len); }

/* b may point into x itself (sa_cat(x, x)): growth moves the bytes */
static int inside(const sa *x, const char *b)
{
    uintptr_t p = (uintptr_t)b, s = (uintptr_t)x->s;

    return x->s && p >= s && p < s + x->a;
}

int sa_catb(sa *x, const char *b, size_t n)
{
    size_t off;

    if (!x->s)
        return sa_copyb(x, b, n);
    if (!inside(x, b))
        off = SIZE_MAX;
    else
        off = (size_t)(b - x->s);
    if (!sa_readyplus(x, n))
        return 0;
    if (off != SIZE_MAX)
        b = x->s + off;
    if (n)
        memmove(x->s + x->len, b, n);
    x->len += n;
    return 1;
}

int sa_cats(sa *x, const char *s) { return sa_catb(x, s, strlen(s)); }
int sa_cat(sa *x, const sa *y) { return sa_catb(x, y->s, y->len); }
int sa_append(sa *x, char c) { return sa_catb(x, &c, 1); }
int sa_0(sa *x) { return sa_append(x, 0); }

int sa_catulong(sa *x, unsigned long u)
{
    char buf[FMT_ULONG];

    return sa_catb(x, buf, fmt_ulong(buf, u));
}

int sa_catulong0(sa *x, unsigned long u, size_t width)
{
    char buf[FMT_ULONG];
    size_t n = fmt_ulong(buf, u);

    while (n < width) {
        if (!sa_append(x, '0'))
            return 0;
        --width;
    }
    return sa_catb(x, buf, n);
}

void sa_free(sa *x)
{
    free(x->s);
    x->s = 0;
    x->len = x->a = 0;
}

int sa_starts(const sa *x, const char *s)
{
    size_t n = strlen(s);

    return x->len >= n && memcmp(x->s, s, n) == 0;
}
