/*
 * fuzz-inject-header.c: libFuzzer target for qmail-inject's header
 * handling (src/lib/rfc822.c).  The input is a message: its lines go
 * through the header/body splitter; every complete field is parsed as
 * an address list, rewritten and re-emitted; body lines are tried as
 * single addresses (the -f and argument path).  Besides "no crash", it
 * checks what must always hold: re-emitted fields end in LF and
 * tokenise again, collected addresses are NUL-terminated, and the
 * splitter's events come in a legal order.  An input starting with
 * byte 1 first gives its own defaulthost, plusdomain and defaultdomain
 * (separated by byte 2, ended by LF), as the controls would.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rfc822.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const rwtext[3] = {"@h", ".p.example", ".d.example"};

static void must(int c)
{
    if (!c)
        abort();
}

static void field(const sa *f, const r822_rw *rw)
{
    sa out = SA_INIT, addrs = SA_INIT, buf = SA_INIT;
    r822_toks t = R822_TOKS_INIT;
    const char *colon;
    int r, k;

    k = r822_hfknown(f->s, f->len);
    must(k >= 0 && k < R822_H_NUM);
    must(r822_hfvalid(f->s, f->len) || !memcmp(f->s, "MBOX-Line: ", 11));
    r = r822_field(&out, &addrs, f->s, f->len, rw);
    must(r == 1 || r == 0);
    if (r == 1) {
        must(out.len > 0 && out.s[out.len - 1] == '\n');
        must(!addrs.len || addrs.s[addrs.len - 1] == 0);
        colon = memchr(out.s, ':', out.len);
        must(colon != 0);
        must(r822_tokenise(&t, &buf, colon + 1,
                           out.len - (size_t)(colon - out.s) - 1) == 1);
    }
    sa_free(&out);
    sa_free(&addrs);
    sa_free(&buf);
    r822_toks_free(&t);
}

static void bodyline(const char *s, size_t len, const r822_rw *rw)
{
    sa out = SA_INIT;
    int r;

    if (len > 4096)
        return;
    r = r822_addr(&out, s, len, rw);
    must(r == 1 || r == 0);
    if (r == 1)
        must(!memchr(out.s, 0, out.len));
    sa_free(&out);
}

/* the rewriting tables: fixed, or taken from a first line "\1h\2p\2d";
   0 when one of them does not tokenise (qmail-inject stops there) */
static int tables(const char **s, size_t *size, r822_toks *rwt, sa *rwb)
{
    static const char prefix[3] = {'@', '.', '.'};
    const char *end = *s + *size, *p, *nl, *q;
    sa v = SA_INIT;
    int k, r = 1;

    if (!*size || **s != 1) {
        for (k = 0; k < 3; ++k)
            must(r822_tokenise(&rwt[k], &rwb[k], rwtext[k],
                               strlen(rwtext[k])) == 1);
        return 1;
    }
    nl = memchr(*s, '\n', *size);
    if (!nl)
        nl = end;
    p = *s + 1;
    for (k = 0; k < 3 && r == 1; ++k) {
        q = memchr(p, 2, (size_t)(nl - p));
        if (!q)
            q = nl;
        must(sa_copyb(&v, &prefix[k], 1) && sa_catb(&v, p, (size_t)(q - p)));
        r = r822_tokenise(&rwt[k], &rwb[k], v.s, v.len);
        must(r == 1 || r == 0);
        p = q < nl ? q + 1 : nl;
    }
    sa_free(&v);
    *s = nl < end ? nl + 1 : end;
    *size = (size_t)(end - *s);
    return r;
}

/* act on the splitter's events; *ended once the header is over */
static void events(int m, const r822_hb *hb, const sa *line, const r822_rw *rw,
                   int *ended)
{
    must(m >= 0);
    must(!*ended || m == R822_HB_BODY || m == 0);
    if (m & R822_HB_FIELD)
        field(&hb->done, rw);
    if (m & R822_HB_END)
        *ended = 1;
    if ((m & R822_HB_BODY) && line->len)
        bodyline(line->s, line->len - 1, rw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    r822_toks rwt[3] = {R822_TOKS_INIT, R822_TOKS_INIT, R822_TOKS_INIT};
    sa rwb[3] = {SA_INIT, SA_INIT, SA_INIT}, line = SA_INIT;
    r822_hb hb = R822_HB_INIT;
    r822_rw rw;
    size_t i = 0;
    int k, ended = 0;

    if (!tables(&s, &size, rwt, rwb))
        goto done;
    rw = (r822_rw){rwt[0].t,   rwt[0].len, rwt[1].t,
                   rwt[1].len, rwt[2].t,   rwt[2].len};
    while (i < size) { /* lines as qmail-inject reads them */
        const char *nl = memchr(s + i, '\n', size - i);
        size_t n = nl ? (size_t)(nl - (s + i)) + 1 : size - i;
        must(sa_copyb(&line, s + i, n));
        if (!nl)
            must(sa_append(&line, '\n'));
        i += n;
        events(r822_hbline(&hb, line.s, line.len), &hb, &line, &rw, &ended);
    }
    line.len = 0;
    events(r822_hbeof(&hb), &hb, &line, &rw, &ended);
    must(ended);
done:
    r822_hbfree(&hb);
    sa_free(&line);
    for (k = 0; k < 3; ++k) {
        r822_toks_free(&rwt[k]);
        sa_free(&rwb[k]);
    }
    return 0;
}
