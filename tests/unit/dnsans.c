/*
 * tests/unit/dnsans.c: the DNS answer parser on hand-built messages:
 * names with and without compression, MX, A and AAAA records behind a
 * CNAME, and the malformed cases (loops, forward pointers, truncation,
 * overlong names, reserved label types).
 */
#include "dnsans.h"
#include "ptest.h"

static unsigned char m[4096];
static size_t mlen;

static void put(const void *p, size_t n)
{
    memcpy(m + mlen, p, n);
    mlen += n;
}
static void put16(unsigned v)
{
    unsigned char b[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    put(b, 2);
}

/* header with qd = 1 and an answers, question "ex.org" type t */
static void start(unsigned an, unsigned t)
{
    mlen = 0;
    put("\x12\x34\x81\x80\x00\x01", 6);
    put16(an);
    put("\0\0\0\0", 4);
    put("\x02"
        "ex\x03org\0",
        8); /* at offset 12 */
    put16(t);
    put16(1);
}

static void rr(const void *owner, size_t olen, unsigned t, const void *rd,
               size_t rdlen)
{
    put(owner, olen);
    put16(t);
    put16(1);
    put("\0\0\x0e\x10", 4);
    put16((unsigned)rdlen);
    put(rd, rdlen);
}

static void t_names(void)
{
    sa x = SA_INIT;
    size_t pos = 12;

    start(0, 15);
    IS_INT(dnsans_name(m, mlen, &pos, &x), 1, "plain name");
    IS_SA(x, "ex.org", "plain name text");
    IS_INT(pos, 20, "position after it");
    put("\x03mx1\xc0\x0c", 6); /* 24: mx1 + pointer to 12 */
    pos = 24;
    IS_INT(dnsans_name(m, mlen, &pos, &x), 1, "compressed");
    IS_SA(x, "mx1.ex.org", "compressed text");
    IS_INT(pos, 30, "position after the pointer");
    put("\x02"
        "a.\x01\x01\xc0\x0c",
        8); /* 30 */
    pos = 30;
    IS_INT(dnsans_name(m, mlen, &pos, &x), 1, "odd bytes");
    IS_SA(x, "a?.?.ex.org", "dot and control shown as ?");
    put("\xc0\x26", 2); /* 38: points to itself */
    pos = 38;
    IS_INT(dnsans_name(m, mlen, &pos, &x), 0, "self pointer");
    put("\xc0\x2a\x01x\xc0\x2a", 6); /* 40: forward; 42: a loop */
    pos = 40;
    IS_INT(dnsans_name(m, mlen, &pos, &x), 0, "forward pointer");
    pos = 42;
    IS_INT(dnsans_name(m, mlen, &pos, &x), 0,
           "label then pointer back "
           "to itself: loop");
    put("\x05"
        "ab",
        3); /* 46: runs past the end */
    pos = 46;
    IS_INT(dnsans_name(m, mlen, &pos, &x), 0, "truncated label");
    pos = mlen;
    IS_INT(dnsans_name(m, mlen, &pos, &x), 0, "nothing left");
    put("\x40x\0", 3);
    pos = mlen - 3;
    IS_INT(dnsans_name(m, mlen, &pos, &x), 0, "reserved label type");
    put("\0", 1);
    pos = mlen - 1;
    IS_INT(dnsans_name(m, mlen, &pos, &x), 1, "root");
    IS_SA(x, "", "root is empty");
    sa_free(&x);
}

static void t_long(void)
{
    sa x = SA_INIT;
    size_t pos, i;

    mlen = 0;
    for (i = 0; i < 4; ++i) { /* 4 x 64 = 256 wire bytes + root */
        put("\x3f", 1);
        memset(m + mlen, 'a', 63);
        mlen += 63;
    }
    put("\0", 1);
    pos = 0;
    IS_INT(dnsans_name(m, mlen, &pos, &x), 0, "name over 255 bytes");
    mlen = 64 * 3;
    put("\x3d", 1);
    memset(m + mlen, 'b', 61);
    mlen += 61;
    put("\0", 1);
    pos = 0;
    IS_INT(dnsans_name(m, mlen, &pos, &x), 1, "name of 255 bytes");
    IS_INT(x.len, 253, "its text");
    sa_free(&x);
}

static void t_records(void)
{
    sa recs = SA_INIT, names = SA_INIT, ips = SA_INIT;
    dnsans_mxrec r[2];
    ipad a[2];

    start(4, 15);
    rr("\xc0\x0c", 2, 5,
       "\x01"
       "c\xc0\x0c",
       4); /* CNAME */
    rr("\x01"
       "c\xc0\x0c",
       4, 15, "\0\x14\x02mx\xc0\x0c", 7);        /* MX 20 */
    rr("\xc0\x0c", 2, 15, "\0\x0a\0", 3);        /* MX 10 . */
    rr("\xc0\x0c", 2, 1, "\x01\x02\x03\x04", 4); /* an A too */
    IS_INT(dnsans_mx(m, mlen, &recs, &names), 1, "MX answer parses");
    IS_INT(recs.len, 2 * sizeof r[0], "two MX records");
    memcpy(r, recs.s, sizeof r);
    IS_INT(r[0].pref, 20, "first preference");
    IS_STR(names.s + r[0].name, "mx.ex.org", "first exchanger");
    IS_INT(r[1].pref, 10, "second preference");
    IS_STR(names.s + r[1].name, "", "null MX");
    IS_INT(dnsans_addr(m, mlen, 0, &ips), 1, "A records of the same answer");
    IS_INT(ips.len, sizeof a[0], "one A record");
    memcpy(a, ips.s, sizeof a[0]);
    OK(!a[0].v6 && !memcmp(a[0].b, "\x01\x02\x03\x04", 4), "its address");

    start(3, 28);
    rr("\xc0\x0c", 2, 28, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
    rr("\xc0\x0c", 2, 28, "\x20\x01", 2); /* wrong length: ignored */
    rr("\xc0\x0c", 2, 1, "\x01\x02\x03\x04", 4);
    ips.len = 0;
    IS_INT(dnsans_addr(m, mlen, 1, &ips), 1, "AAAA answer parses");
    IS_INT(ips.len, sizeof a[0], "one usable AAAA record");
    memcpy(a, ips.s, sizeof a[0]);
    OK(a[0].v6 && a[0].b[15] == 1 && a[0].b[0] == 0x20, "its address");

    start(2, 15);
    rr("\xc0\x0c", 2, 15, "\0\x0a\x02mx\xc0\x0c", 7);
    recs.len = names.len = 0;
    IS_INT(dnsans_mx(m, mlen, &recs, &names), 0,
           "fewer records than announced: malformed");
    start(1, 15);
    rr("\xc0\x0c", 2, 15, "\0\x0a\x02mx\xc0\x0c", 7);
    IS_INT(dnsans_mx(m, mlen - 1, &recs, &names), 0, "rdata cut short");
    start(1, 15);
    rr("\xc0\x0c", 2, 15, "\0\x0a\x02mx", 5);
    put("\xc0\x0c", 2);
    IS_INT(dnsans_mx(m, mlen, &recs, &names), 0,
           "MX name running past its rdata");
    start(1, 15);
    rr("\xc0\x0c", 2, 15, "\0\x0a", 2);
    IS_INT(dnsans_mx(m, mlen, &recs, &names), 0, "MX without a name");
    IS_INT(dnsans_mx(m, 11, &recs, &names), 0, "short header");
    sa_free(&recs);
    sa_free(&names);
    sa_free(&ips);
}

int main(void)
{
    t_names();
    t_long();
    t_records();
    return pt_done();
}
