/*
 * tests/unit/msghead.c: the header/body reader used by qreceipt, qbiff
 * and maildirwatch: fields with continuation lines, where the header
 * ends, long lines, field-name matching.
 */
#include "msghead.h"
#include "ptest.h"

/* a bio that reads from a string, a few bytes at a time */
static const char *src;
static size_t srclen, srcpos;
static ssize_t srcop(int fd, char *buf, size_t n, unsigned timeout)
{
    (void)fd;
    (void)timeout;
    if (n > 3)
        n = 3;
    if (n > srclen - srcpos)
        n = srclen - srcpos;
    memcpy(buf, src + srcpos, n);
    srcpos += n;
    return (ssize_t)n;
}

/* the items of a message as "1<field>|2<bodyline>|..." */
static void items(const char *msg, size_t len, sa *out)
{
    char buf[5];
    bio b = BIO_INIT(srcop, -1, buf, sizeof buf, 0);
    msghead m = MSGHEAD_INIT;
    sa x = SA_INIT;
    int r;

    src = msg;
    srclen = len;
    srcpos = 0;
    out->len = 0;
    while ((r = msghead_get(&m, &b, &x)) > 0)
        if (!sa_append(out, (char)('0' + r)) || !sa_cat(out, &x) ||
            !sa_append(out, '|'))
            break;
    if (r == -1 && !sa_cats(out, "ERR"))
        out->len = 0;
    msghead_free(&m);
    sa_free(&x);
}

#define ITEMS(msg, exp, name)                                                  \
    do {                                                                       \
        items(msg, sizeof(msg) - 1, &out);                                     \
        IS_SA(out, exp, name);                                                 \
    } while (0)

static void t_split(void)
{
    sa out = SA_INIT;

    ITEMS("", "", "empty input");
    ITEMS("A: 1\nB: 2\n\nbody\n", "1A: 1\n|1B: 2\n|2body\n|",
          "two fields, body");
    ITEMS("A: 1\n x\n\ty\nB: 2\n\nb", "1A: 1\n x\n\ty\n|1B: 2\n|2b|",
          "continuations join their field");
    ITEMS("A: 1\nnot a field\nB: 2\n", "1A: 1\n|2not a field\n|2B: 2\n|",
          "a line without colon ends the header");
    ITEMS("\nA: 1\n", "2A: 1\n|", "empty first line: no header");
    ITEMS("A: 1", "1A: 1|", "field at EOF without LF");
    ITEMS("A : 1\n", "1A : 1\n|", "blank before the colon");
    ITEMS(": x\n", "2: x\n|", "empty name: not a field");
    ITEMS(" x: y\n", "2 x: y\n|", "leading blank first: body");
    ITEMS("A: 1\n\n\nB: 2\n", "1A: 1\n|2\n|2B: 2\n|",
          "blank lines in body kept");
    ITEMS("A\tB: 1\n", "2A\tB: 1\n|", "a TAB inside the name: not a field");
    sa_free(&out);
}

static void t_long(void)
{
    sa msg = SA_INIT, out = SA_INIT;
    size_t i;
    int good = 1;

    good &= sa_cats(&msg, "Subject: ");
    for (i = 0; i < MSGHEAD_MAXLINE * 2; ++i)
        good &= sa_append(&msg, 'x');
    good &= sa_cats(&msg, "\nB: 2\n");
    items(msg.s, msg.len, &out);
    /* "1" + cut line + LF + "|", then "1B: 2\n|" */
    OK(good && out.len == 1 + MSGHEAD_MAXLINE + 1 + 1 + 7,
       "an overlong line is cut at MSGHEAD_MAXLINE and given an LF");
    OK(out.len > 7 && !memcmp(out.s + out.len - 7, "1B: 2\n|", 7),
       "and reading goes on with the next line");
    sa_free(&msg);
    sa_free(&out);
}

#define IS(f, name, exp, what)                                                 \
    IS_INT(msghead_is(f, sizeof(f) - 1, name), exp, what)

static void t_is(void)
{
    IS("Subject: hi\n", "Subject", 9, "value after colon and space");
    IS("subject: hi\n", "Subject", 9, "name case ignored");
    IS("SUBJECT:hi\n", "Subject", 8, "no space after the colon");
    IS("Subject \t: \t hi\n", "Subject", 13, "blanks around the colon");
    IS("Subjects: hi\n", "Subject", 0, "longer name: no");
    IS("Subjec: hi\n", "Subject", 0, "shorter name: no");
    IS("Subject hi\n", "Subject", 0, "no colon: no");
    IS("Subject", "Subject", 0, "name only: no");
    IS("Subject:", "Subject", 8, "empty value at the end");
}

int main(void)
{
    t_split();
    t_long();
    t_is();
    return pt_done();
}
