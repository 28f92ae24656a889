/*
 * smtpaddr.c: MAIL/RCPT address extraction and the SIZE parameter
 * (see smtpaddr.h).  Pure: qmail-smtpd, the unit tests and the fuzzer
 * call it with bytes and lengths.
 */
#include <limits.h>
#include <string.h>

#include "addr.h"
#include "smtpaddr.h"

/* where the address starts and which byte ends it */
static size_t addr_start(const char *arg, size_t len, char *term)
{
    const char *p = memchr(arg, '<', len);
    size_t i;

    if (p) {
        *term = '>';
        return (size_t)(p - arg) + 1;
    }
    *term = ' ';
    p = memchr(arg, ':', len);
    if (!p)
        return len; /* neither '<' nor ':': the empty address */
    i = (size_t)(p - arg) + 1;
    while (i < len && arg[i] == ' ')
        ++i;
    return i;
}

int smtpaddr_parse(sa *out, const char *arg, size_t len, size_t *end)
{
    char term;
    size_t i = addr_start(arg, len, &term);
    int esc = 0, quoted = 0;

    out->len = 0;
    if (i < len && arg[i] == '@') { /* a source route: up to its ':' */
        const char *c = memchr(arg + i, ':', len - i);
        i = c ? (size_t)(c - arg) + 1 : len;
    }
    for (; i < len; ++i) {
        char ch = arg[i];
        if (esc)
            esc = 0;
        else if (ch == '\\') {
            esc = 1;
            continue;
        } else if (ch == '"') {
            quoted = !quoted;
            continue;
        } else if (!quoted && ch == term) {
            ++i;
            break;
        }
        if (out->len >= SMTPADDR_COPYMAX) {
            *end = len;
            return 0;
        }
        if (!sa_append(out, ch))
            return -1;
    }
    *end = i;
    if (!sa_0(out))
        return -1;
    --out->len;
    return 1;
}

int smtpaddr_toolong(const sa *addr)
{
    return addr->len + 1 > SMTPADDR_MAX;
}

int smtpaddr_size(const char *p, size_t len, unsigned long *size)
{
    size_t i = 0, j, k;
    unsigned long v;

    while (i < len) {
        while (i < len && p[i] == ' ')
            ++i;
        for (j = i; j < len && p[j] != ' '; ++j)
            ;
        if (j - i > 5 && !case_diffb(p + i, 5, "SIZE=", 5)) {
            v = 0;
            for (k = i + 5; k < j && p[k] >= '0' && p[k] <= '9'; ++k)
                v = v > (ULONG_MAX - 9) / 10
                        ? ULONG_MAX
                        : v * 10 + (unsigned long)(p[k] - '0');
            if (k == j) {
                *size = v;
                return 1;
            }
            return 0;
        }
        i = j;
    }
    return 0;
}
