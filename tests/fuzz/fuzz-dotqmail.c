/*
 * fuzz-dotqmail.c: the .qmail parser and helpers (dotqmail.h).  The
 * input is read as a .qmail file (every line split and classified), as
 * an extension (safeext and the whole control-file search), as header
 * text (Delivered-To, Return-Path, From_ lines) and as a message for
 * mbox quoting, which must be reversible: removing one '>' from each
 * quoted line and the added LFs gives the input back, however the
 * message was split.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dotqmail.h"

static void lines(const char *t, size_t n)
{
    size_t pos = 0, st, l, arg, last = 0;

    while (dq_line(t, n, &pos, &st, &l)) {
        if (st < last || st + l > n || pos > n || pos <= st)
            abort();
        if (memchr(t + st, '\n', l))
            abort();
        if (l && (t[st + l - 1] == ' ' || t[st + l - 1] == '\t'))
            abort();
        if (dq_kind(t + st, l, &arg) > DQ_IGNORE || arg > l)
            abort();
        last = pos;
    }
    if (pos != n)
        abort();
}

static void search(const char *t, size_t n)
{
    sa safe = SA_INIT, fn = SA_INIT;
    dq_search s = DQ_SEARCH_INIT;
    size_t off, count = 0;
    const char *dash = n && t[0] & 1 ? "-" : "";

    if (dq_safeext(&safe, t, n)) {
        if (safe.len != n)
            abort();
        while (dq_search_next(&s, dash, safe.s, safe.len, &fn, &off) == 1) {
            if (++count > n + 2 || fn.len < 6 || memcmp(fn.s, ".qmail", 6))
                abort();
            if (off != DQ_NODEFAULT && off > n)
                abort();
        }
    }
    sa_free(&safe);
    sa_free(&fn);
}

static void mbox(const char *t, size_t n, size_t cut)
{
    sa out = SA_INIT, back = SA_INIT;
    dq_mbox m = DQ_MBOX_INIT;
    size_t pos = 0, st, l, j;

    if (!dq_mbox_feed(&m, t, cut, &out) ||
        !dq_mbox_feed(&m, t + cut, n - cut, &out) || !dq_mbox_end(&m, &out))
        goto done;
    if (out.len < 1 || out.s[out.len - 1] != '\n')
        abort();
    out.len -= 1; /* the separating empty line */
    if (n && t[n - 1] != '\n') {
        if (!out.len || out.s[out.len - 1] != '\n')
            abort();
        out.len -= 1; /* the LF added to a partial last line */
    }
    while (pos < out.len) { /* unquote line by line */
        const char *nl = memchr(out.s + pos, '\n', out.len - pos);
        st = pos;
        l = nl ? (size_t)(nl - out.s) - pos : out.len - pos;
        for (j = 0; j < l && out.s[st + j] == '>'; ++j)
            ;
        if (j && l - j >= 5 && !memcmp(out.s + st + j, "From ", 5))
            ++st, --l;
        if (!sa_catb(&back, out.s + st, l) || (nl && !sa_append(&back, '\n')))
            goto done;
        pos = nl ? (size_t)(nl - out.s) + 1 : out.len;
    }
    if (back.len != n || (n && memcmp(back.s, t, n)))
        abort();
done:
    sa_free(&out);
    sa_free(&back);
}

static void headers(const char *t, size_t n)
{
    sa s = SA_INIT, x = SA_INIT;

    if (sa_copyb(&s, t, n) && sa_0(&s)) {
        if (dq_dtline(&x, s.s, s.s) &&
            (memchr(x.s, '\n', x.len) != x.s + x.len - 1))
            abort();
        x.len = 0;
        if (dq_rpline(&x, s.s) && memchr(x.s, '\n', x.len) != x.s + x.len - 1)
            abort();
        x.len = 0;
        if (dq_ufline(&x, s.s, (time_t)n * 86399) &&
            memchr(x.s, '\n', x.len) != x.s + x.len - 1)
            abort();
        (void)dq_hostpart(s.s, strlen(s.s), 3);
        if (dq_extpart(s.s, strlen(s.s), 4) > strlen(s.s))
            abort();
    }
    sa_free(&s);
    sa_free(&x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *t = (const char *)data;

    lines(t, size);
    search(t, size);
    mbox(t, size, size ? data[0] % (size + 1) : 0);
    headers(t, size);
    return 0;
}
