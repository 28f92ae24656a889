/*
 * ipad.c: address literals and their text form: IPv4 read here as
 * qmail reads it, IPv6 through inet_pton, both written by inet_ntop, on
 * a bounded local copy.  Pure; never exits.
 */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "ipad.h"

/* d.d.d.d, each d one or more digits (leading zeros too, as qmail
   reads a literal) worth at most 255; 1 with the address in b */
static int scan4(const char *s, size_t len, unsigned char *b)
{
    size_t i = 0, digits;
    unsigned v;
    int part;

    for (part = 0; part < 4; ++part) {
        if (part && (i >= len || s[i++] != '.'))
            return 0;
        for (v = 0, digits = 0; i < len && s[i] >= '0' && s[i] <= '9'; ++i) {
            v = v * 10 + (unsigned)(s[i] - '0');
            if (v > 255)
                return 0;
            ++digits;
        }
        if (!digits)
            return 0;
        b[part] = (unsigned char)v;
    }
    return i == len;
}

int ipad_scan(const char *s, size_t len, ipad *a)
{
    char tmp[64];
    ipad x;

    memset(&x, 0, sizeof x);
    if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
        ++s;
        len -= 2;
        if (len >= 5 && !strncasecmp(s, "IPv6:", 5)) {
            s += 5;
            len -= 5;
            x.v6 = 1;
        }
    }
    if (!len || len >= sizeof tmp || memchr(s, 0, len))
        return 0;
    memcpy(tmp, s, len);
    tmp[len] = 0;
    if (!x.v6 && scan4(tmp, len, x.b)) {
        *a = x;
        return 1;
    }
    if (inet_pton(AF_INET6, tmp, x.b) != 1)
        return 0;
    x.v6 = 1;
    *a = x;
    return 1;
}

int ipad_fmt(sa *out, const ipad *a)
{
    char tmp[INET6_ADDRSTRLEN];

    if (!inet_ntop(a->v6 ? AF_INET6 : AF_INET, a->b, tmp, sizeof tmp))
        return sa_cats(out, "?");
    return sa_cats(out, tmp);
}

int ipad_eq(const ipad *x, const ipad *y)
{
    if (x->v6 != y->v6)
        return 0;
    return !memcmp(x->b, y->b, x->v6 ? 16 : 4);
}
