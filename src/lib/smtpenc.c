/*
 * smtpenc.c: envelope addresses and message bodies in their SMTP wire
 * form, for qmail-remote.  Pure: bytes in, bytes appended.
 */
#include <string.h>

#include "smtpenc.h"

static int atom_char(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9'))
        return 1;
    return c && strchr("!#$%&'*+-/=?^_`{|}~", c) != 0;
}

/* a dot-atom (RFC 5321 4.1.2): atoms separated by single dots */
static int dot_atom(const char *s, size_t n)
{
    size_t i;

    if (!n || s[0] == '.' || s[n - 1] == '.')
        return 0;
    for (i = 0; i < n; ++i) {
        if (s[i] == '.') {
            if (s[i - 1] == '.')
                return 0;
        } else if (!atom_char((unsigned char)s[i])) {
            return 0;
        }
    }
    return 1;
}

int smtpenc_addr(sa *out, const char *addr, size_t len)
{
    const char *at = 0;
    size_t i, local;

    for (i = 0; i < len; ++i)
        if (addr[i] == '@')
            at = addr + i;
    if (!at)
        return sa_catb(out, addr, len);
    local = (size_t)(at - addr);
    if (dot_atom(addr, local))
        return sa_catb(out, addr, len);
    if (!sa_append(out, '"'))
        return 0;
    for (i = 0; i < local; ++i) {
        char c = addr[i];
        if ((c == '\r' || c == '\n' || c == '"' || c == '\\') &&
            !sa_append(out, '\\'))
            return 0;
        if (!sa_append(out, c))
            return 0;
    }
    return sa_append(out, '"') && sa_catb(out, at, len - local);
}

static int newline(smtpenc *e, sa *out)
{
    e->bol = 1;
    e->cr = 0;
    return sa_catb(out, "\r\n", 2);
}

int smtpenc_body(smtpenc *e, const char *in, size_t n, sa *out)
{
    size_t i;

    for (i = 0; i < n; ++i) {
        char c = in[i];

        e->any = 1;
        e->last = c;
        if (c == '\n') {
            if (!newline(e, out))
                return 0;
            continue;
        }
        if (e->cr && !newline(e, out)) /* a bare CR ends a line */
            return 0;
        if (c == '\r') {
            e->cr = 1;
            continue;
        }
        if (e->bol && c == '.' && !sa_append(out, '.'))
            return 0;
        e->bol = 0;
        if (!sa_append(out, c))
            return 0;
    }
    return 1;
}

int smtpenc_end(smtpenc *e, sa *out)
{
    if (e->any && e->last != '\n')
        return 0;
    return sa_catb(out, ".\r\n", 3) ? 1 : -1;
}
