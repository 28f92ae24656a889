/*
 * netstr.c: netstring lengths and netstrings (see netstr.h).  Pure;
 * netstr_getlen reads only through the caller's byte source.
 */
#include "netstr.h"

int netstr_lenbyte(netstr_len *l, char c, unsigned long max)
{
    unsigned long d;

    if (c == ':')
        return l->digits ? NETSTR_DONE : NETSTR_BAD;
    if (c < '0' || c > '9')
        return NETSTR_BAD;
    d = (unsigned long)(c - '0');
    if (++l->digits > NETSTR_DIGITS || d > max || l->n > (max - d) / 10)
        return NETSTR_BIG;
    l->n = l->n * 10 + d;
    return NETSTR_MORE;
}

int netstr_getlen(char (*get)(void), unsigned long max, unsigned long *n)
{
    netstr_len l = NETSTR_LEN_INIT;
    int r;

    while ((r = netstr_lenbyte(&l, get(), max)) == NETSTR_MORE)
        ;
    *n = l.n;
    return r;
}

int netstr_cat(sa *out, const char *s, size_t len)
{
    return sa_catulong(out, (unsigned long)len) && sa_append(out, ':') &&
           sa_catb(out, s, len) && sa_append(out, ',');
}

int netstr_scan(const char *s, size_t len, size_t *start, size_t *n,
                size_t *end)
{
    netstr_len l = NETSTR_LEN_INIT;
    size_t i;
    int r = NETSTR_MORE;

    for (i = 0; i < len && r == NETSTR_MORE; ++i)
        r = netstr_lenbyte(&l, s[i], (unsigned long)len);
    if (r != NETSTR_DONE || l.n > len - i || len - i - l.n < 1 ||
        s[i + l.n] != ',')
        return 0;
    *start = i;
    *n = l.n;
    *end = i + l.n + 1;
    return 1;
}
