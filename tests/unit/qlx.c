/*
 * tests/unit/qlx.c: qmail-lspawn's report translation (spec
 * delivery.md 2.7): every fixed text, the K/Z/D ladder including
 * unknown statuses, crashes, the cut at the first NUL and the
 * 3000-byte truncation at and around its boundary.
 */
#include <stdlib.h>

#include "ptest.h"
#include "qlx.h"

/* Linux wait-status encodings */
#define EXITED(c) ((c) << 8)
#define SIGNALED(s) (s)

static const char *rep(int wstat, const char *s, size_t len)
{
    static sa out;

    out.len = 0;
    if (!qlx_report(&out, wstat, s, len) || !sa_0(&out))
        return "NOMEM";
    return out.s;
}

static void test_fixed(void)
{
    static const struct {
        int code;
        const char *text;
    } t[] = {
        {117, "ZTrouble reading users/cdb in qmail-lspawn.\n"},
        {119, "ZOut of memory in qmail-lspawn.\n"},
        {118, "ZTemporary failure in qmail-lspawn.\n"},
        {116, "ZUnable to find alias user!\n"},
        {113, "ZNot allowed to perform deliveries as root.\n"},
        {112, "ZInternal qmail-lspawn bug.\n"},
        {115, "ZNFS failure in qmail-local.\n"},
        {126, "DUnable to run qmail-local.\n"},
        {120, "ZUnable to run qmail-local.\n"},
        {121, "ZUnable to run qmail-getpw.\n"},
    };
    size_t i;

    for (i = 0; i < sizeof t / sizeof t[0]; ++i)
        IS_STR(rep(EXITED(t[i].code), "ignored", 7), t[i].text,
               "fixed text ignores the output");
    IS_STR(rep(SIGNALED(9), "partial", 7), "Zqmail-local crashed.\n",
           "killed child");
    IS_STR(rep(SIGNALED(11) | 0x80, "", 0), "Zqmail-local crashed.\n",
           "core dump");
}

static void test_ladder(void)
{
    IS_STR(rep(EXITED(0), "did 1+0+0\n", 10), "Kdid 1+0+0\n", "0 is K");
    IS_STR(rep(EXITED(0), "", 0), "K", "trash address: K, no text");
    IS_STR(rep(EXITED(111), "busy\n", 5), "Zbusy\n", "111 is Z");
    IS_STR(rep(EXITED(71), "x", 1), "Zx", "71 is Z");
    IS_STR(rep(EXITED(74), "x", 1), "Zx", "74 is Z");
    IS_STR(rep(EXITED(75), "x", 1), "Zx", "75 is Z");
    IS_STR(rep(EXITED(100), "no\n", 3), "Dno\n", "100 is D");
    IS_STR(rep(EXITED(1), "x", 1), "Dx", "1 is D");
    IS_STR(rep(EXITED(99), "x", 1), "Dx", "99 is D");
    IS_STR(rep(EXITED(255), "x", 1), "Dx", "255 is D");
    IS_STR(rep(EXITED(0), "ab\0cd", 5), "Kab", "cut at the first NUL");
}

static void test_trunc(void)
{
    static char big[5000];
    const char *r;
    size_t n;

    memset(big, 'x', sizeof big);
    r = rep(EXITED(0), big, 3000);
    IS_INT(strlen(r), 3001, "3000 bytes are kept whole");
    r = rep(EXITED(100), big, 3001);
    n = strlen(r);
    IS_INT(n, 1 + 2966 + 31, "3001 bytes are cut to 2966 + notice");
    IS_STR(r + 1 + 2966, "\nError report too long, sorry.\n",
           "the notice ends the report");
    OK(r[0] == 'D' && r[2966] == 'x', "letter and kept bytes");
    big[10] = 0;
    r = rep(EXITED(0), big, sizeof big);
    IS_INT(strlen(r), 11, "a NUL early in long output cuts first");
}

int main(void)
{
    test_fixed();
    test_ladder();
    test_trunc();
    return pt_done();
}
