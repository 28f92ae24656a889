/*
 * mxfind.c: MX, A and AAAA lookups for qmail-remote.  The resolver does
 * the network part; answers are parsed by dnsans (pure, bounded).
 * Never exits; every failure is a status for the caller.
 */
#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <string.h>

#include "mxfind.h"

#define ANSMAX 65536

/* a name the resolver can be asked about: labels of 1..63 bytes */
static int name_ok(const char *s)
{
    size_t n = strlen(s), label = 0, i;

    if (n && s[n - 1] == '.')
        --n;
    if (!n || n > 253)
        return 0;
    for (i = 0; i < n; ++i) {
        if (s[i] != '.')
            label++;
        else if (!label)
            return 0;
        else
            label = 0;
        if (label > 63)
            return 0;
    }
    return label > 0;
}

/* one query; *len = the answer's length in f->buf */
static int query(mxfind *f, const char *name, int type, size_t *len)
{
    int r;

    if (!name_ok(name))
        return MXFIND_HARD;
    if (!f->ready) {
        if (res_ninit(&f->res) == -1)
            return MXFIND_SOFT;
        f->res.options |= RES_USE_EDNS0;
        f->ready = 1;
    }
    if (!sa_ready(&f->buf, ANSMAX))
        return MXFIND_NOMEM;
    errno = 0;
    r = res_nquery(&f->res, name, ns_c_in, type, (unsigned char *)f->buf.s,
                   ANSMAX);
    if (r < 0) {
        if (errno == ECONNREFUSED)
            return MXFIND_SOFT;
        if (f->res.res_h_errno == HOST_NOT_FOUND ||
            f->res.res_h_errno == NO_DATA)
            return MXFIND_HARD;
        return MXFIND_SOFT;
    }
    *len = (size_t)r > ANSMAX ? ANSMAX : (size_t)r;
    return MXFIND_OK;
}

/* an IPv4-mapped IPv6 address is the IPv4 address it maps, so that
   the check for this host and the timeout table see it as such */
static void unmap(ipad *a)
{
    static const unsigned char prefix[12] = {0, 0, 0, 0, 0,    0,
                                             0, 0, 0, 0, 0xff, 0xff};

    if (a->v6 && !memcmp(a->b, prefix, 12)) {
        memmove(a->b, a->b + 12, 4);
        memset(a->b + 4, 0, 12);
        a->v6 = 0;
    }
}

static int add(sa *cands, const ipad *ip, unsigned long pref)
{
    mxfind_cand c;

    if (cands->len / sizeof c >= MXFIND_MAXADDR)
        return 1;
    memset(&c, 0, sizeof c);
    c.ip = *ip;
    unmap(&c.ip);
    c.pref = pref;
    return sa_catb(cands, (const char *)&c, sizeof c);
}

/* the A (v6 = 0) or AAAA (v6 = 1) records of name */
static int lookup_family(mxfind *f, const char *name, int v6,
                         unsigned long pref, sa *cands)
{
    sa got = SA_INIT;
    size_t len, i;
    int st = query(f, name, v6 ? ns_t_aaaa : ns_t_a, &len), r;
    ipad a;

    if (st != MXFIND_OK)
        return st;
    r = dnsans_addr((unsigned char *)f->buf.s, len, v6, &got);
    if (r != 1) {
        sa_free(&got);
        return r ? MXFIND_NOMEM : MXFIND_SOFT;
    }
    for (i = 0; st == MXFIND_OK && i < got.len / sizeof a; ++i) {
        memcpy(&a, got.s + i * sizeof a, sizeof a);
        if (!add(cands, &a, pref))
            st = MXFIND_NOMEM;
    }
    sa_free(&got);
    if (st == MXFIND_OK && !i)
        st = MXFIND_HARD;
    return st;
}

int mxfind_ip(mxfind *f, const char *name, unsigned long pref, sa *cands)
{
    ipad lit;
    int s4, s6;

    if (ipad_scan(name, strlen(name), &lit))
        return add(cands, &lit, pref) ? MXFIND_OK : MXFIND_NOMEM;
    s4 = lookup_family(f, name, 0, pref, cands);
    if (s4 == MXFIND_NOMEM)
        return s4;
    s6 = lookup_family(f, name, 1, pref, cands);
    if (s6 == MXFIND_NOMEM)
        return s6;
    if (s4 == MXFIND_OK || s6 == MXFIND_OK)
        return MXFIND_OK;
    if (s4 == MXFIND_SOFT || s6 == MXFIND_SOFT)
        return MXFIND_SOFT;
    return MXFIND_HARD;
}

void mxfind_order(dnsans_mxrec *mx, size_t n, mxfind_rnd rnd, void *ctx)
{
    size_t i, j, run;
    dnsans_mxrec t;

    for (i = 1; i < n; ++i) /* insertion sort: stable, n is small */
        for (j = i; j > 0 && mx[j - 1].pref > mx[j].pref; --j) {
            t = mx[j];
            mx[j] = mx[j - 1];
            mx[j - 1] = t;
        }
    for (i = 0; i < n; i += run) {
        for (run = 1; i + run < n && mx[i + run].pref == mx[i].pref; ++run)
            ;
        for (j = run; j > 1; --j) { /* Fisher-Yates within the run */
            size_t k = (size_t)(rnd(ctx) % j);
            t = mx[i + j - 1];
            mx[i + j - 1] = mx[i + k];
            mx[i + k] = t;
        }
    }
}

/* look up every exchanger in order; soft failures only count when
   nothing at all was found */
static int exchangers(mxfind *f, dnsans_mxrec *mx, size_t n, sa *cands)
{
    size_t i;
    int soft = 0, st;

    if (n > MXFIND_MAXMX)
        n = MXFIND_MAXMX;
    for (i = 0; i < n; ++i) {
        const char *name = f->names.s + mx[i].name;
        if (!*name)
            continue; /* a null MX (RFC 7505): no service */
        st = mxfind_ip(f, name, mx[i].pref, cands);
        if (st == MXFIND_NOMEM)
            return st;
        if (st == MXFIND_SOFT)
            soft = 1;
    }
    return cands->len || !soft ? MXFIND_OK : MXFIND_SOFT;
}

int mxfind_mx(mxfind *f, const char *name, mxfind_rnd rnd, void *ctx, sa *cands)
{
    size_t len, n;
    int st = query(f, name, ns_t_mx, &len), r;

    if (st == MXFIND_HARD)
        return mxfind_ip(f, name, 0, cands);
    if (st != MXFIND_OK)
        return st;
    f->recs.len = 0;
    f->names.len = 0;
    r = dnsans_mx((unsigned char *)f->buf.s, len, &f->recs, &f->names);
    if (r != 1)
        return r ? MXFIND_NOMEM : MXFIND_SOFT;
    n = f->recs.len / sizeof(dnsans_mxrec);
    if (!n)
        return mxfind_ip(f, name, 0, cands);
    mxfind_order((dnsans_mxrec *)(void *)f->recs.s, n, rnd, ctx);
    return exchangers(f, (dnsans_mxrec *)(void *)f->recs.s, n, cands);
}

size_t mxfind_self(sa *cands, const myaddr *me)
{
    size_t i, n = cands->len / sizeof(mxfind_cand), kept = 0;
    unsigned long best = (unsigned long)-1;
    int found = 0;
    mxfind_cand c;

    for (i = 0; i < n; ++i) {
        memcpy(&c, cands->s + i * sizeof c, sizeof c);
        if (myaddr_has(me, &c.ip) && (!found || c.pref < best)) {
            best = c.pref;
            found = 1;
        }
    }
    for (i = 0; i < n; ++i) {
        memcpy(&c, cands->s + i * sizeof c, sizeof c);
        if (!found || c.pref < best)
            memmove(cands->s + kept++ * sizeof c, &c, sizeof c);
    }
    cands->len = kept * sizeof c;
    return kept;
}

void mxfind_free(mxfind *f)
{
    if (f->ready)
        res_nclose(&f->res);
    f->ready = 0;
    sa_free(&f->buf);
    sa_free(&f->recs);
    sa_free(&f->names);
}
