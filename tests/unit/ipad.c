/*
 * tests/unit/ipad.c: address literals (plain, bracketed, IPv6 with and
 * without the IPv6: tag), their text form, and equality; plus the local
 * address set, which always holds 0.0.0.0 and ::.
 */
#include "ipad.h"
#include "myaddr.h"
#include "ptest.h"

static void scan_is(const char *s, int ok, const char *text)
{
    ipad a;
    sa x = SA_INIT;

    IS_INT(ipad_scan(s, strlen(s), &a), ok, s);
    if (ok) {
        OK(ipad_fmt(&x, &a), "fmt");
        IS_SA(x, text, text);
    }
    sa_free(&x);
}

int main(void)
{
    ipad a, b;
    myaddr me = MYADDR_INIT;

    scan_is("1.2.3.4", 1, "1.2.3.4");
    scan_is("[10.0.0.1]", 1, "10.0.0.1");
    scan_is("[IPv6:2001:DB8:0:0::1]", 1, "2001:db8::1");
    scan_is("[ipv6:::1]", 1, "::1");
    scan_is("[::ffff:1.2.3.4]", 1, "::ffff:1.2.3.4");
    scan_is("[IPv6:1.2.3.4]", 0, "");
    scan_is("1.2.3", 0, "");
    scan_is("256.1.1.1", 0, "");
    scan_is("example.com", 0, "");
    scan_is("[1.2.3.4", 0, "");
    scan_is("[]", 0, "");
    scan_is("", 0, "");
    OK(ipad_scan("1.2.3.4", 7, &a) && ipad_scan("[1.2.3.4]", 9, &b) &&
           ipad_eq(&a, &b),
       "equal");
    OK(ipad_scan("::1.2.3.4", 9, &b) && !ipad_eq(&a, &b),
       "other family: not equal");
    OK(!ipad_scan("1.2.3.4\0x", 9, &a), "NUL inside: no");
    OK(myaddr_load(&me), "local addresses");
    OK(ipad_scan("0.0.0.0", 7, &a) && myaddr_has(&me, &a), "0.0.0.0 is me");
    OK(ipad_scan("::", 2, &a) && myaddr_has(&me, &a), ":: is me");
    OK(ipad_scan("192.0.2.77", 10, &a) && !myaddr_has(&me, &a),
       "a documentation address is not me");
    myaddr_free(&me);
    return pt_done();
}
