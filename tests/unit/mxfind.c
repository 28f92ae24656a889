/*
 * tests/unit/mxfind.c: the pure parts of address finding: MX ordering
 * with shuffled ties, and the "this host is an MX" filter; plus
 * literals, which need no DNS.
 */
#include "mxfind.h"
#include "ptest.h"

static unsigned long seq(void *ctx)
{
    unsigned long long *x = ctx;

    *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned long)(*x >> 33);
}

static void t_order(void)
{
    dnsans_mxrec mx[6];
    unsigned pref[6] = {20, 10, 20, 5, 10, 20};
    int seen[3][6];
    unsigned long long ctx = 1;
    unsigned long k;
    size_t i;

    memset(seen, 0, sizeof seen);
    for (k = 0; k < 200; ++k) {
        for (i = 0; i < 6; ++i) {
            mx[i].pref = pref[i];
            mx[i].name = i;
        }
        mxfind_order(mx, 6, seq, &ctx);
        for (i = 1; i < 6; ++i)
            if (mx[i - 1].pref > mx[i].pref)
                break;
        IS_INT(i, 6, "sorted by preference");
        seen[0][mx[1].name] = 1; /* first of the two 10s */
        seen[1][mx[3].name] = 1; /* first of the three 20s */
    }
    OK(mx[0].name == 3, "the single best stays first");
    OK(seen[0][1] && seen[0][4], "equal preferences: both orders occur");
    OK(seen[1][0] && seen[1][2] && seen[1][5], "three-way tie shuffled");
}

static void add(sa *c, const char *lit, unsigned long pref)
{
    mxfind_cand x;

    memset(&x, 0, sizeof x);
    OK(ipad_scan(lit, strlen(lit), &x.ip), lit);
    x.pref = pref;
    OK(sa_catb(c, (const char *)&x, sizeof x), "add");
}

static void t_self(void)
{
    sa c = SA_INIT;
    myaddr me = MYADDR_INIT;
    ipad a;
    mxfind_cand x;

    OK(ipad_scan("192.0.2.1", 9, &a) && myaddr_add(&me, &a), "me");
    add(&c, "198.51.100.1", 5);
    add(&c, "198.51.100.2", 10);
    add(&c, "192.0.2.1", 10);
    add(&c, "198.51.100.3", 20);
    IS_INT(mxfind_self(&c, &me), 1, "only what is better than me");
    memcpy(&x, c.s, sizeof x);
    IS_INT(x.pref, 5, "the better one");
    c.len = 0;
    add(&c, "192.0.2.1", 0);
    IS_INT(mxfind_self(&c, &me), 0, "I am the best: nothing left");
    c.len = 0;
    add(&c, "198.51.100.2", 10);
    add(&c, "198.51.100.3", 20);
    IS_INT(mxfind_self(&c, &me), 2, "not listed: all kept");
    sa_free(&c);
    myaddr_free(&me);
}

static void t_literal(void)
{
    mxfind f = MXFIND_INIT;
    sa c = SA_INIT;
    mxfind_cand x;

    IS_INT(mxfind_ip(&f, "[127.0.0.9]", 3, &c), MXFIND_OK, "literal");
    memcpy(&x, c.s, sizeof x);
    OK(!x.ip.v6 && x.ip.b[3] == 9 && x.pref == 3, "literal address");
    IS_INT(mxfind_ip(&f, "[IPv6:::1]", 0, &c), MXFIND_OK, "IPv6 literal");
    IS_INT(c.len, 2 * sizeof x, "appended");
    IS_INT(mxfind_ip(&f, "[IPv6:::ffff:127.0.0.9]", 0, &c), MXFIND_OK,
           "IPv4-mapped literal");
    memcpy(&x, c.s + 2 * sizeof x, sizeof x);
    OK(!x.ip.v6 && x.ip.b[0] == 127 && x.ip.b[3] == 9, "kept as IPv4");
    sa_free(&c);
    mxfind_free(&f);
}

int main(void)
{
    t_order();
    t_self();
    t_literal();
    return pt_done();
}
