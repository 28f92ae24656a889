/*
 * tests/unit/smtpenc.c: envelope address quoting and the DATA encoding
 * (CRLF, bare CR, dot-stuffing, partial last lines), fed whole and
 * byte by byte.
 */
#include "smtpenc.h"
#include "ptest.h"

static void addr_is(const char *in, const char *exp)
{
    sa x = SA_INIT;

    OK(smtpenc_addr(&x, in, strlen(in)), "smtpenc_addr ok");
    IS_SA(x, exp, "wire form of an address");
    sa_free(&x);
}

static void t_addr(void)
{
    addr_is("joe@example.org", "joe@example.org");
    addr_is("a.b+c=d/e!#$%&'*-?^_`{|}~@x", "a.b+c=d/e!#$%&'*-?^_`{|}~@x");
    addr_is("", "");
    addr_is("#@[]", "#@[]");
    addr_is("no-at-sign", "no-at-sign");
    addr_is("a b@x", "\"a b\"@x");
    addr_is(".a@x", "\".a\"@x");
    addr_is("a.@x", "\"a.\"@x");
    addr_is("a..b@x", "\"a..b\"@x");
    addr_is("@x", "\"\"@x");
    addr_is("a\"b\\c@x", "\"a\\\"b\\\\c\"@x");
    addr_is("a\r\nb@x", "\"a\\\r\\\nb\"@x");
    addr_is("a@b@x", "\"a@b\"@x");
    addr_is("caf\xc3\xa9@x", "\"caf\xc3\xa9\"@x");
    addr_is("a(b)@x", "\"a(b)\"@x");
}

static void body_is(const char *in, size_t len, const char *exp, int endok,
                    const char *name)
{
    smtpenc e = SMTPENC_INIT, e1 = SMTPENC_INIT;
    sa x = SA_INIT, y = SA_INIT;
    size_t i;

    OK(smtpenc_body(&e, in, len, &x), "encode");
    IS_INT(smtpenc_end(&e, &x), endok, name);
    IS_SA(x, exp, name); /* for a partial line: the lines before it */
    for (i = 0; i < len; ++i)
        OK(smtpenc_body(&e1, in + i, 1, &y), "encode one byte");
    IS_INT(smtpenc_end(&e1, &y), endok, "byte by byte: same end");
    IS_MEM(y.s, y.len, x.s, x.len, "byte by byte: same output");
    sa_free(&x);
    sa_free(&y);
}

static void t_body(void)
{
    body_is("", 0, ".\r\n", 1, "empty message: just the dot");
    body_is("a\nb\n", 4, "a\r\nb\r\n.\r\n", 1, "LF to CRLF");
    body_is("a\r\nb\r\n", 6, "a\r\nb\r\n.\r\n", 1, "CRLF kept as one");
    body_is("a\rb\n", 4, "a\r\nb\r\n.\r\n", 1, "bare CR is a line end");
    body_is("a\r\r\nb\n", 6, "a\r\n\r\nb\r\n.\r\n", 1, "CR CR LF");
    body_is(".\n..x\n.", 7, "..\r\n...x\r\n..", 0, "partial last line");
    body_is(".\n..x\n", 6, "..\r\n...x\r\n.\r\n", 1, "dot-stuffing");
    body_is("a\r.b\n", 5, "a\r\n..b\r\n.\r\n", 1, "dot after a bare CR");
    body_is("x\r", 2, "x", 0, "a final CR is a partial line");
    body_is("\xe9\x01\x7f\n", 4, "\xe9\x01\x7f\r\n.\r\n", 1,
            "8-bit and controls untouched");
    body_is("a. .\n", 5, "a. .\r\n.\r\n", 1, "dots inside a line");
}

int main(void)
{
    t_addr();
    t_body();
    return pt_done();
}
