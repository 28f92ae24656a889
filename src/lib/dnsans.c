/*
 * dnsans.c: DNS message parsing (RFC 1035 4.1), pure and bounded.
 * Used by qmail-remote's lookups and by the fuzz target; a message
 * from the network is never trusted: every length is checked first.
 */
#include <string.h>

#include "dnsans.h"

#define NAMEMAX 255 /* wire bytes of an expanded name, RFC 1035 2.3.4 */

static unsigned get16(const unsigned char *p)
{
    return ((unsigned)p[0] << 8) | p[1];
}

static int label_text(sa *out, const unsigned char *p, size_t n)
{
    size_t i;

    if (out->len && !sa_append(out, '.'))
        return -1;
    for (i = 0; i < n; ++i) {
        unsigned char c = p[i];
        if (!sa_append(out, c < 33 || c > 126 || c == '.' ? '?' : (char)c))
            return -1;
    }
    return 1;
}

int dnsans_name(const unsigned char *m, size_t len, size_t *pos, sa *out)
{
    size_t p = *pos, wire = 1, end = 0;
    int jumped = 0;
    unsigned jumps = 0;

    out->len = 0;
    for (;;) {
        unsigned n;

        if (p >= len)
            return 0;
        n = m[p];
        if (n >= 0xc0) {
            size_t to;
            if (p + 1 >= len)
                return 0;
            to = ((n & 0x3f) << 8) | m[p + 1];
            if (to >= p || ++jumps > NAMEMAX)
                return 0; /* only strictly backwards, and few: no loops */
            if (!jumped)
                end = p + 2;
            jumped = 1;
            p = to;
            continue;
        }
        if (n >= 0x40)
            return 0; /* the reserved label types */
        if (!n)
            break;
        wire += n + 1;
        if (wire > NAMEMAX || n >= len - p)
            return 0;
        if (label_text(out, m + p + 1, n) == -1)
            return -1;
        p += n + 1;
    }
    *pos = jumped ? end : p + 1;
    return 1;
}

/* skip the header and the question section; *an = answer count */
static int skip_question(const unsigned char *m, size_t len, size_t *pos,
                         unsigned *an, sa *tmp)
{
    unsigned qd, i;
    int r;

    if (len < 12)
        return 0;
    qd = get16(m + 4);
    *an = get16(m + 6);
    *pos = 12;
    for (i = 0; i < qd; ++i) {
        if ((r = dnsans_name(m, len, pos, tmp)) != 1)
            return r;
        if (len - *pos < 4)
            return 0;
        *pos += 4;
    }
    return 1;
}

typedef struct rr {
    unsigned type, cls;
    size_t rdata, rdlen;
} rr;

/* the next resource record: owner name skipped, fields read */
static int next_rr(const unsigned char *m, size_t len, size_t *pos, rr *x,
                   sa *tmp)
{
    int r = dnsans_name(m, len, pos, tmp);

    if (r != 1)
        return r;
    if (len - *pos < 10)
        return 0;
    x->type = get16(m + *pos);
    x->cls = get16(m + *pos + 2);
    x->rdlen = get16(m + *pos + 8);
    x->rdata = *pos + 10;
    if (len - x->rdata < x->rdlen)
        return 0;
    *pos = x->rdata + x->rdlen;
    return 1;
}

static int add_mx(const unsigned char *m, size_t len, const rr *x, sa *recs,
                  sa *names, sa *tmp)
{
    dnsans_mxrec mx;
    size_t p = x->rdata + 2;
    int r;

    if (x->rdlen < 3)
        return 0;
    memset(&mx, 0, sizeof mx);
    mx.pref = get16(m + x->rdata);
    if ((r = dnsans_name(m, len, &p, tmp)) != 1)
        return r;
    if (p > x->rdata + x->rdlen)
        return 0; /* the name ran past its record */
    mx.name = names->len;
    if (!sa_cat(names, tmp) || !sa_0(names) ||
        !sa_catb(recs, (const char *)&mx, sizeof mx))
        return -1;
    return 1;
}

int dnsans_mx(const unsigned char *m, size_t len, sa *recs, sa *names)
{
    sa tmp = SA_INIT;
    size_t pos;
    unsigned an, i;
    int r;
    rr x;

    r = skip_question(m, len, &pos, &an, &tmp);
    for (i = 0; r == 1 && i < an; ++i) {
        r = next_rr(m, len, &pos, &x, &tmp);
        if (r == 1 && x.type == DNSANS_T_MX && x.cls == 1)
            r = add_mx(m, len, &x, recs, names, &tmp);
    }
    sa_free(&tmp);
    return r;
}

int dnsans_addr(const unsigned char *m, size_t len, int v6, sa *out)
{
    sa tmp = SA_INIT;
    size_t pos, n = v6 ? 16 : 4;
    unsigned an, i, want = v6 ? DNSANS_T_AAAA : DNSANS_T_A;
    int r;
    rr x;
    ipad a;

    r = skip_question(m, len, &pos, &an, &tmp);
    for (i = 0; r == 1 && i < an; ++i) {
        r = next_rr(m, len, &pos, &x, &tmp);
        if (r != 1 || x.type != want || x.cls != 1 || x.rdlen != n)
            continue;
        memset(&a, 0, sizeof a);
        a.v6 = v6;
        memcpy(a.b, m + x.rdata, n);
        if (!sa_catb(out, (const char *)&a, sizeof a))
            r = -1;
    }
    sa_free(&tmp);
    return r;
}
