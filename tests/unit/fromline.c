/*
 * tests/unit/fromline.c: mbox separator lines and mboxrd quoting
 * (spec smtp-and-tools.md 5.2), including every split of the input.
 */
#include <stdlib.h>

#include "fromline.h"
#include "ptest.h"

/* a bio whose writes land in a growable string */
static sa sink;
static ssize_t sinkop(int fd, char *buf, size_t n, unsigned timeout)
{
    (void)fd;
    (void)timeout;
    if (!sa_catb(&sink, buf, n))
        return -1;
    return (ssize_t)n;
}

static void t_date(void)
{
    sa x = SA_INIT;

    OK(fromline_date(&x, 0), "epoch");
    IS_SA(x, "Thu Jan 01 00:00:00 1970", "epoch: zero-padded day, UTC");
    x.len = 0;
    OK(fromline_date(&x, 1709251199), "leap day");
    IS_SA(x, "Thu Feb 29 23:59:59 2024", "2024-02-29 23:59:59");
    x.len = 0;
    OK(fromline_date(&x, 1000000000), "1e9");
    IS_SA(x, "Sun Sep 09 01:46:40 2001", "one billion seconds");
    sa_free(&x);
}

#define MK(line, exp, name)                                                    \
    do {                                                                       \
        x.len = 0;                                                             \
        OK(fromline_make(&x, line, sizeof(line) - 1, 0), name);                \
        IS_SA(x, exp, name);                                                   \
    } while (0)

static void t_make(void)
{
    sa x = SA_INIT;
    const char *d = " Thu Jan 01 00:00:00 1970\n";
    char e[200];

#define EXP(who) (snprintf(e, sizeof e, "From %s%s", who, d), e)
    MK("Return-Path: <a@b>\n", EXP("a@b"), "address");
    MK("Return-Path: <>\n", EXP("MAILER-DAEMON"), "null sender");
    MK("Return-Path: <a b\tc@d>\n", EXP("a-b-c@d"), "blanks become -");
    MK("Subject: x\n", EXP("XXX"), "no Return-Path");
    MK("Return-Path: <a@b>", EXP("XXX"), "first line without LF");
    MK("", EXP("XXX"), "empty message");
    MK("return-path: <a@b>\n", EXP("XXX"), "case matters");
    MK("Return-Path: a@b\n", EXP("XXX"), "no angle bracket");
#undef EXP
    sa_free(&x);
}

/* quote in by feeding it in pieces of size step (0: all at once) */
static int quoted(const char *in, size_t len, size_t step, sa *out)
{
    char buf[7]; /* tiny, so flushes happen inside the test */
    bio b = BIO_INIT(sinkop, -1, buf, sizeof buf, 0);
    fromq q = FROMQ_INIT;
    size_t i, k;

    sink.len = 0;
    for (i = 0; i < len; i += k) {
        k = step && step < len - i ? step : len - i;
        if (fromq_put(&q, &b, in + i, k) == -1)
            return 0;
    }
    if (fromq_end(&q, &b) == -1 || bio_flush(&b) == -1)
        return 0;
    return sa_copy(out, &sink);
}

static void t_quote(void)
{
    static const struct {
        const char *in, *exp, *name;
    } c[] = {
        {"", "", "empty: nothing, not even LF"},
        {"a\n", "a\n", "plain line"},
        {"From x\n", ">From x\n", "From line"},
        {">From x\n", ">>From x\n", ">From line"},
        {">>>From x\n", ">>>>From x\n", ">>>From line"},
        {"From\n", "From\n", "From without space"},
        {" From x\n", " From x\n", "not at line start"},
        {"from x\n", "from x\n", "lower case"},
        {">>\n", ">>\n", "only >"},
        {"x\nFrom y\nFro", "x\n>From y\nFro\n", "partial last line gets LF"},
        {">>", ">>\n", "partial >> gets LF"},
        {"From ", ">From \n", "partial From line"},
        {"a\n\nFrom b\n\n", "a\n\n>From b\n\n", "blank lines kept"},
        {"x>From y\n", "x>From y\n", "> inside a line"},
        {"F\nFrFrom \n", "F\nFrFrom \n", "restart is not a match"},
    };
    sa out = SA_INIT;
    size_t i, step, len;

    for (i = 0; i < sizeof c / sizeof c[0]; ++i) {
        int good = 1;
        len = strlen(c[i].in);
        for (step = 0; step <= len + 1; ++step) {
            if (!quoted(c[i].in, len, step, &out) ||
                out.len != strlen(c[i].exp) ||
                memcmp(out.s, c[i].exp, out.len)) {
                good = 0;
                printf("# step %zu: '%.*s'\n", step, (int)out.len, out.s);
            }
        }
        OK(good, c[i].name);
    }
    sa_free(&out);
}

static void t_long(void)
{
    sa in = SA_INIT, out = SA_INIT;
    size_t i;
    int good;

    for (i = 0; i < 5000; ++i)
        if (!sa_append(&in, '>'))
            break;
    good = sa_cats(&in, "From x\n") && quoted(in.s, in.len, 333, &out) &&
           out.len == in.len + 1 && out.s[0] == '>' &&
           !memcmp(out.s + 1, in.s, in.len);
    OK(good, "5000 '>' then From: one more '>'");
    sa_free(&in);
    sa_free(&out);
}

int main(void)
{
    t_date();
    t_make();
    t_quote();
    t_long();
    sa_free(&sink);
    return pt_done();
}
