/*
 * fuzz-smtp-addr.c: the MAIL/RCPT address parser and its neighbours on
 * arbitrary bytes: smtpaddr_parse (bounded output, end inside the
 * argument, a NUL after the address), the SIZE parameter, the
 * rcpthosts candidates (the host, then suffixes starting with
 * '.'), badmailfrom matching, netstrings (a parsed netstring re-encodes
 * to the same bytes) and the Received line (two lines, safe bytes).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmap.h"
#include "netstr.h"
#include "rcpthosts.h"
#include "rcvd.h"
#include "smtpaddr.h"

static void parse(const char *t, size_t n)
{
    sa a = SA_INIT;
    size_t end = 0;
    unsigned long size;
    int r = smtpaddr_parse(&a, t, n, &end);

    if (r == 1 && (a.len > SMTPADDR_COPYMAX || a.s[a.len] || end > n))
        abort();
    if (r == 1 && a.len >= n + 1)
        abort(); /* the address is never longer than the argument */
    if (r == 0 && end != n)
        abort();
    if (r == 1 && !memchr(t, '<', n) && !memchr(t, ':', n) && a.len)
        abort(); /* neither '<' nor ':': the empty address */
    if (r == 1 && smtpaddr_toolong(&a) != (a.len >= SMTPADDR_MAX))
        abort();
    (void)smtpaddr_size(t, n, &size);
    sa_free(&a);
}

static void hosts(const char *t, size_t n)
{
    size_t i = 0, off, count = 0;
    cmap m = CMAP_INIT;

    while (rcpthosts_cands(t, n, &i, &off)) {
        if (off > n || (count && t[off] != '.') || (!count && off))
            abort();
        if (++count > n + 1)
            abort();
    }
    if (cmap_put(&m, "@x.example", 10, "", 0) && cmap_put(&m, t, n, "", 0)) {
        if (n && !badmailfrom_match(&m, t, n))
            abort();
        if (badmailfrom_match(&m, "", 0))
            abort();
    }
    cmap_free(&m);
}

static void netstrings(const char *t, size_t n)
{
    size_t st, len, end;
    sa back = SA_INIT;

    if (!netstr_scan(t, n, &st, &len, &end))
        return;
    if (end > n || st + len + 1 != end)
        abort();
    if (netstr_cat(&back, t + st, len) && t[0] != '0' &&
        (back.len != end || memcmp(back.s, t, end)))
        abort();
    sa_free(&back);
}

static void received(const char *t, size_t n)
{
    sa s = SA_INIT, r = SA_INIT;
    size_t i, lf = 0;

    if (sa_copyb(&s, t, n) && sa_0(&s) &&
        rcvd_line(&r, "SMTP", s.s, s.s, s.s, s.s, s.s, (time_t)n * 3607)) {
        for (i = 0; i < r.len; ++i) {
            if (r.s[i] == '\n')
                ++lf;
            else if ((unsigned char)r.s[i] < 32 || (unsigned char)r.s[i] > 126)
                abort();
        }
        if (lf != 2 || r.s[r.len - 1] != '\n')
            abort();
    }
    sa_free(&s);
    sa_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *t = (const char *)data;

    parse(t, size);
    hosts(t, size);
    netstrings(t, size);
    received(t, size);
    return 0;
}
