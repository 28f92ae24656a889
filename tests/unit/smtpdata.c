/*
 * tests/unit/smtpdata.c: the DATA state machine of spec
 * smtp-and-tools.md 1.9, row by row: dot-unstuffing, CRLF to LF, the
 * end line, a stray LF in every state, lone CRs, ".\r" not followed by
 * LF, the hop count (header only, raw bytes, case-insensitive prefixes),
 * the stored-byte count, and byte-at-a-time feeding.
 */
#include "smtpdata.h"
#include "ptest.h"
#include "sa.h"

#define L(s) s, sizeof s - 1
#define IS_LIT(g, gl, lit, name) IS_MEM((g), (gl), lit, sizeof lit - 1, (name))

static char out[4096];
static size_t olen, used;
static smtpdata d;

static int run(const char *s, size_t n)
{
    smtpdata_init(&d);
    return smtpdata_feed(&d, s, n, out, &olen, &used);
}

/* the same, one byte per call */
static int slow(const char *s, size_t n, sa *got)
{
    size_t i;
    int r = SMTPDATA_MORE;
    char o[3];

    smtpdata_init(&d);
    got->len = 0;
    for (i = 0; i < n && r == SMTPDATA_MORE; ++i) {
        r = smtpdata_feed(&d, s + i, 1, o, &olen, &used);
        if (!sa_catb(got, o, olen))
            return -1;
    }
    return r;
}

static void test_rows(void)
{
    sa got = SA_INIT;

    IS_INT(run(L("a\r\nb\r\n.\r\nNEXT")), SMTPDATA_END, "end line");
    IS_LIT(out, olen, "a\nb\n", "CRLF became LF");
    IS_INT(used, 9, "stops after the end line's LF");
    IS_INT(d.bytes, 4, "stored bytes counted");
    run(L("..x\r\n.y\r\n.\r\n"));
    IS_LIT(out, olen, ".x\ny\n", "a leading dot is dropped");
    run(L("x\r.\r\n\r\n.\r\n"));
    IS_LIT(out, olen, "x\r.\n\n", "a lone CR is data");
    run(L("a\r\r\nb\r\n.\r\n"));
    IS_LIT(out, olen, "a\r\nb\n", "CR CR LF: one CR kept");
    IS_INT(run(L(".\rx\r\n.\r\n")), SMTPDATA_END, "dot CR other");
    IS_LIT(out, olen, ".\rx\n", "dot CR other: both kept");
    run(L(".\r\r\n.\r\n"));
    IS_LIT(out, olen, ".\r\n", "dot CR CR LF");
    IS_INT(run(L("\n")), SMTPDATA_BARELF, "LF at the start of a line");
    IS_INT(run(L("ab\ncd")), SMTPDATA_BARELF, "LF inside a line");
    IS_INT(used, 3, "stops at the stray LF");
    IS_INT(run(L(".\n")), SMTPDATA_BARELF, "dot LF");
    IS_INT(run(L("abc")), SMTPDATA_MORE, "unfinished");
    IS_INT(run(L("")), SMTPDATA_MORE, "nothing");
    IS_INT(slow(L("..a\r\nb\rc\r\n.\rd\r\n.\r\n"), &got), SMTPDATA_END,
           "byte by byte");
    IS_LIT(got.s, got.len, ".a\nb\rc\n.\rd\n", "byte by byte: same bytes");
    sa_free(&got);
}

static void test_hops(void)
{
    run(L("Received: a\r\nDELIVERED-TO: b\r\nReCeIvEd c\r\nX: "
          "y\r\n\r\nReceived: body\r\n.\r\n"));
    IS_INT(d.hops, 3, "header hops counted, the body's not");
    run(L("Receive: no\r\ndelivere: no\r\n Received: no\r\n\r\n.\r\n"));
    IS_INT(d.hops, 0, "short or indented prefixes are no hops");
    run(L("..Received: x\r\n.\r\n"));
    IS_INT(d.hops, 0, "raw bytes count: a stuffed dot hides it");
    run(L("deliveredreceived\r\n.\r\n"));
    IS_INT(d.hops, 1, "a line counts once per prefix");
}

int main(void)
{
    test_rows();
    test_hops();
    return pt_done();
}
