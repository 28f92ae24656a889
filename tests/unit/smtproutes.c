/*
 * tests/unit/smtproutes.c: the smtproutes lookup order, suffixes, the
 * catch-all, empty relays as exceptions, ports and IPv6 literals.
 */
#include "smtproutes.h"
#include "ctl.h"
#include "ptest.h"

static sa list;

static void route_is(const char *host, const char *relay, unsigned long port,
                     const char *name)
{
    const char *r = 0;
    size_t rl = 0;
    unsigned long p = 0;
    int got = smtproutes_find(&list, host, strlen(host), &r, &rl, &p);

    if (!relay) {
        IS_INT(got, 0, name);
        return;
    }
    IS_INT(got, 1, name);
    IS_MEM(r, rl, relay, strlen(relay), name);
    IS_INT(p, port, name);
}

int main(void)
{
    const char *f = "# comment\n"
                    "example.com:relay.one\n"
                    ".example.com:relay.two:2525\n"
                    ".af.mil:\n"
                    "Upper.ORG:[10.0.0.1]\n"
                    "v6.test:[IPv6:2001:db8::1]:26\n"
                    "v6b.test:[::1]\n"
                    "bad.port:relay:x25\n"
                    "big.port:relay:70000\n"
                    "lead.port:relay:26abc\n"
                    "nocolon\n"
                    ":catch.all\n";

    OK(ctl_listparse(&list, f, strlen(f)), "list parses");
    route_is("example.com", "relay.one", 25, "exact key");
    route_is("a.example.com", "relay.two", 2525, "suffix with port");
    route_is("a.b.example.com", "relay.two", 2525, "deeper suffix");
    route_is("EXAMPLE.com", "relay.one", 25, "case-insensitive");
    route_is("upper.org", "[10.0.0.1]", 25, "bracketed literal");
    route_is("x.af.mil", 0, 0, "empty relay: no route, no catch-all");
    route_is("af.mil", "catch.all", 25, "'.af.mil' does not match af.mil");
    route_is("other.net", "catch.all", 25, "catch-all");
    route_is("v6.test", "[IPv6:2001:db8::1]", 26, "IPv6 literal and port");
    route_is("v6b.test", "[::1]", 25, "IPv6 literal, no port");
    route_is("bad.port", "relay", 0, "non-numeric port is 0");
    route_is("big.port", "relay", 0, "port above 65535 is 0");
    route_is("lead.port", "relay", 26, "leading digits of the port");
    route_is("nocolon", "catch.all", 25, "a line without colon is no key");
    list.len = 0;
    route_is("example.com", 0, 0, "empty list: no route");
    sa_free(&list);
    return pt_done();
}
