/*
 * fmt.c: decimal formatting and scanning without stdio.
 */
#include "fmt.h"

size_t fmt_ulong(char *s, unsigned long u)
{
    size_t len = 1;
    unsigned long q = u;

    while (q > 9) {
        ++len;
        q /= 10;
    }
    if (s) {
        s += len;
        do {
            *--s = (char)('0' + (u % 10));
            u /= 10;
        } while (u);
    }
    return len;
}

size_t fmt_ulong0(char *s, unsigned long u, size_t width)
{
    size_t len = fmt_ulong(0, u);
    size_t i;

    if (len >= width)
        return fmt_ulong(s, u);
    if (s) {
        for (i = 0; i < width - len; ++i)
            s[i] = '0';
        fmt_ulong(s + width - len, u);
    }
    return width;
}

size_t scan_ulong(const char *s, size_t len, unsigned long *u)
{
    size_t i = 0;
    unsigned long r = 0;

    while (i < len && s[i] >= '0' && s[i] <= '9') {
        if (__builtin_mul_overflow(r, 10UL, &r) ||
            __builtin_add_overflow(r, (unsigned long)(s[i] - '0'), &r))
            return 0;
        ++i;
    }
    if (i)
        *u = r;
    return i;
}

int scan_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; ++s)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

unsigned long scan_env(const char *s)
{
    unsigned long u = 0;
    size_t n = 0;

    while (s[n] >= '0' && s[n] <= '9')
        ++n;
    if (n && !scan_ulong(s, n, &u))
        u = (unsigned long)-1;
    return u;
}
