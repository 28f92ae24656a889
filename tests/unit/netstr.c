/*
 * tests/unit/netstr.c: netstring lengths byte by byte (digits, the
 * colon, non-digits, an empty length, the maximum and overflow), whole
 * netstrings, and the encoder.
 */
#include "netstr.h"
#include "ptest.h"

#define L(s) s, sizeof s - 1

static int len(const char *s, unsigned long max, unsigned long *n)
{
    netstr_len l = NETSTR_LEN_INIT;
    int r = NETSTR_MORE;

    while (*s && r == NETSTR_MORE)
        r = netstr_lenbyte(&l, *s++, max);
    *n = l.n;
    return r;
}

int main(void)
{
    unsigned long n;
    size_t st, ln, end;
    sa s = SA_INIT;

    IS_INT(len("12:", 100, &n), NETSTR_DONE, "12:");
    IS_INT(n, 12, "value");
    IS_INT(len("100:", 100, &n), NETSTR_DONE, "the maximum itself");
    IS_INT(len("101:", 100, &n), NETSTR_BIG, "one over");
    IS_INT(len(":", 100, &n), NETSTR_BAD, "no digits");
    IS_INT(len("00000000000000000002:", 100, &n), NETSTR_DONE,
           "leading zeros count for nothing");
    IS_INT((int)n, 2, "their value");
    IS_INT(len("1x:", 100, &n), NETSTR_BAD, "a non-digit");
    IS_INT(len("-1:", 100, &n), NETSTR_BAD, "a sign");
    IS_INT(len("99999999999999999999999:", (unsigned long)-1, &n), NETSTR_BIG,
           "too many digits cannot overflow");
    IS_INT(len("5:", 0, &n), NETSTR_BIG, "maximum 0");
    IS_INT(netstr_scan(L("12:hello world!,x"), &st, &ln, &end), 1, "scan");
    IS_INT(st * 100 + ln * 10 + (end == 16), 3 * 100 + 120 + 1,
           "content and end");
    IS_INT(netstr_scan(L("0:,"), &st, &ln, &end), 1, "empty netstring");
    IS_INT(netstr_scan(L("3:abc"), &st, &ln, &end), 0, "missing comma");
    IS_INT(netstr_scan(L("3:abX"), &st, &ln, &end), 0, "short");
    IS_INT(netstr_scan(L("4:abc,"), &st, &ln, &end), 0, "length past the end");
    IS_INT(netstr_cat(&s, L("hello world!")), 1, "encode");
    IS_SA(s, "12:hello world!,", "encoded");
    sa_free(&s);
    return pt_done();
}
