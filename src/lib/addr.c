/*
 * addr.c: quoting and comparison of addresses.  Pure functions.
 */
#include <string.h>

#include "addr.h"

int addr_atomchar(unsigned char c)
{
    if (c <= 32 || c >= 127)
        return 0;
    return !strchr("()<>@,;:\\\".[]", c);
}

int addr_needquote(const char *s, size_t len)
{
    size_t i;

    if (!len)
        return 1;
    if (s[0] == '.' || s[len - 1] == '.')
        return 1;
    for (i = 0; i < len; ++i) {
        if (s[i] == '.') {
            if (i + 1 < len && s[i + 1] == '.')
                return 1;
            continue;
        }
        if (!addr_atomchar((unsigned char)s[i]))
            return 1;
    }
    return 0;
}

int addr_quote(sa *out, const char *addr, size_t len)
{
    const char *at = 0;
    size_t llen, i;

    if (!len)
        return 1; /* the null address stays empty */
    for (i = len; i > 0; --i)
        if (addr[i - 1] == '@') {
            at = addr + i - 1;
            break;
        }
    llen = at ? (size_t)(at - addr) : len;
    if (!addr_needquote(addr, llen))
        return sa_catb(out, addr, len);
    if (!sa_append(out, '"'))
        return 0;
    for (i = 0; i < llen; ++i) {
        if (addr[i] == '"' || addr[i] == '\\' || addr[i] == '\n' ||
            addr[i] == '\r')
            if (!sa_append(out, '\\'))
                return 0;
        if (!sa_append(out, addr[i]))
            return 0;
    }
    if (!sa_append(out, '"'))
        return 0;
    return sa_catb(out, addr + llen, len - llen);
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

int case_diffb(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i, n = alen < blen ? alen : blen;

    for (i = 0; i < n; ++i) {
        unsigned char x = lower((unsigned char)a[i]);
        unsigned char y = lower((unsigned char)b[i]);
        if (x != y)
            return (int)x - (int)y;
    }
    return alen < blen ? -1 : alen > blen;
}

void case_lowerb(char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; ++i)
        s[i] = (char)lower((unsigned char)s[i]);
}
