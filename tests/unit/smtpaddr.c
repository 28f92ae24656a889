/*
 * tests/unit/smtpaddr.c: the MAIL/RCPT address parser of spec
 * smtp-and-tools.md 1.6 (angle brackets, the colon form ended by a
 * SPACE, source routes, quotes and backslashes, missing terminators, the
 * empty address), the length limits, the parameter offset, and SIZE=.
 */
#include <limits.h>

#include "ptest.h"
#include "smtpaddr.h"

#define L(s) s, sizeof s - 1

static sa a = SA_INIT;
static size_t end;

static int p(const char *s)
{
    return smtpaddr_parse(&a, s, strlen(s), &end);
}

static void test_forms(void)
{
    IS_INT(p("FROM:<a@b>"), 1, "angle form");
    IS_SA(a, "a@b", "address");
    IS_INT(end, 10, "parameters start after '>'");
    p("FROM:<a@b> SIZE=9");
    IS_STR("FROM:<a@b> SIZE=9" + end, " SIZE=9", "parameter offset");
    p("FROM: a@b SIZE=9");
    IS_SA(a, "a@b", "colon form: SPACEs skipped, ends at SPACE");
    p("TO:<@r1,@r2:u@h>");
    IS_SA(a, "u@h", "source route dropped");
    p("TO:<@noroute>");
    IS_SA(a, "", "source route without ':' gives the empty address");
    p("FROM:<>");
    IS_SA(a, "", "null sender");
    p("FROM:a@b");
    IS_SA(a, "a@b", "colon form without SPACE");
    p("nothing here");
    IS_SA(a, "", "neither '<' nor ':' : empty");
    p("TO:<\"a > b\"@h>");
    IS_SA(a, "a > b@h", "quotes removed; '>' inside them kept");
    p("TO:<a\\>b@h>");
    IS_SA(a, "a>b@h", "backslash quotes the next byte");
    p("TO:<unterminated");
    IS_SA(a, "unterminated", "a missing '>' is no error");
    p("x<first<second>");
    IS_SA(a, "first<second", "the first '<' counts");
    p("FROM:junk <a@b>");
    IS_SA(a, "a@b", "'<' wins over ':'");
    IS_INT(a.s[a.len], 0, "NUL-terminated");
}

static void test_limits(void)
{
    char buf[2100];

    memset(buf, 'x', sizeof buf);
    memcpy(buf, "TO:<", 4);
    buf[4 + 899] = '>';
    IS_INT(smtpaddr_parse(&a, buf, 4 + 900, &end), 1, "899 bytes parse");
    IS_INT(smtpaddr_toolong(&a), 0, "899 bytes are allowed");
    buf[4 + 899] = 'x';
    buf[4 + 900] = '>';
    IS_INT(smtpaddr_parse(&a, buf, 4 + 901, &end), 1, "900 bytes parse");
    IS_INT(smtpaddr_toolong(&a), 1, "900 bytes are too long");
    buf[4 + 900] = 'x';
    IS_INT(smtpaddr_parse(&a, buf, sizeof buf, &end), 0,
           "2000 bytes: refused while copying");
    IS_INT(a.len <= SMTPADDR_COPYMAX, 1, "copying stopped at the bound");
}

static void test_size(void)
{
    unsigned long s = 0;

    IS_INT(smtpaddr_size(L(" SIZE=123"), &s), 1, "SIZE=123");
    IS_INT(s, 123, "value");
    IS_INT(smtpaddr_size(L(" BODY=8BITMIME size=7"), &s), 1,
           "after another, any case");
    IS_INT(s, 7, "value 7");
    IS_INT(smtpaddr_size(L(" SIZE=99999999999999999999999999"), &s), 1, "huge");
    IS_INT(s == ULONG_MAX, 1, "saturates");
    IS_INT(smtpaddr_size(L(" SIZE=12x"), &s), 0, "not a number");
    IS_INT(smtpaddr_size(L(" SIZE="), &s), 0, "empty");
    IS_INT(smtpaddr_size(L(" XSIZE=5"), &s), 0, "another keyword");
    IS_INT(smtpaddr_size(L(""), &s), 0, "no parameters");
}

int main(void)
{
    test_forms();
    test_limits();
    test_size();
    sa_free(&a);
    return pt_done();
}
