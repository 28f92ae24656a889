/*
 * tests/unit/dotqmail.c: the pure parts of qmail-local (spec
 * delivery.md 3.4): splitting and classifying .qmail lines, safeext,
 * the order of the control-file search with the DEFAULT offsets of
 * the spec's examples, the Delivered-To / Return-Path / From_ lines,
 * HOSTn and EXTn, NEWSENDER, the program exit ladder, and mboxrd
 * quoting fed whole and byte by byte.
 */
#include <stdlib.h>

#include "dotqmail.h"
#include "ptest.h"

#define IS_LIT(g, gl, lit, name) IS_MEM((g), (gl), lit, sizeof lit - 1, (name))

static void test_lines(void)
{
    static const char t[] = "./Mailbox  \t\n\n# c\n|prog arg \r\nlast";
    size_t pos = 0, st, n;

    OK(dq_line(t, sizeof t - 1, &pos, &st, &n), "line 1");
    IS_MEM(t + st, n, "./Mailbox", 9, "trailing blanks stripped");
    OK(dq_line(t, sizeof t - 1, &pos, &st, &n) && n == 0 && st == 13,
       "empty line 2 at offset 13");
    OK(dq_line(t, sizeof t - 1, &pos, &st, &n), "line 3");
    IS_MEM(t + st, n, "# c", 3, "comment line");
    OK(dq_line(t, sizeof t - 1, &pos, &st, &n), "line 4");
    IS_MEM(t + st, n, "|prog arg \r", 11, "CR is not a blank");
    OK(dq_line(t, sizeof t - 1, &pos, &st, &n), "line 5");
    IS_MEM(t + st, n, "last", 4, "last line without LF");
    OK(!dq_line(t, sizeof t - 1, &pos, &st, &n), "then the end");
    pos = 0;
    OK(!dq_line("", 0, &pos, &st, &n), "empty text has no line");
}

static void test_kinds(void)
{
    static const struct {
        const char *line;
        enum dq_kind k;
        size_t arg;
    } t[] = {
        {"", DQ_BLANK, 0},
        {"# x", DQ_COMMENT, 0},
        {"./Mailbox", DQ_MBOX, 0},
        {"/var/mail/joe", DQ_MBOX, 0},
        {"./Maildir/", DQ_MAILDIR, 0},
        {"/abs/dir/", DQ_MAILDIR, 0},
        {".", DQ_MBOX, 0},
        {"/", DQ_MAILDIR, 0},
        {"|preline procmail", DQ_PROGRAM, 1},
        {"|", DQ_PROGRAM, 1},
        {"&joe@example.org", DQ_FORWARD, 1},
        {"joe@example.org", DQ_FORWARD, 0},
        {"&", DQ_FORWARD, 1},
        {"+list", DQ_LIST, 0},
        {"+lists", DQ_IGNORE, 0},
        {"+List", DQ_IGNORE, 0},
        {"+", DQ_IGNORE, 0},
        {"~/mbox", DQ_FORWARD, 0},
    };
    size_t i, arg;

    for (i = 0; i < sizeof t / sizeof t[0]; ++i) {
        enum dq_kind k = dq_kind(t[i].line, strlen(t[i].line), &arg);
        OK(k == t[i].k && arg == t[i].arg, t[i].line[0] ? t[i].line : "blank");
    }
}

/* the whole search as "name@defoff name@defoff ..." ('-' for none) */
static const char *search(const char *dash, const char *ext)
{
    static sa res;
    sa safe = SA_INIT, fn = SA_INIT;
    dq_search s = DQ_SEARCH_INIT;
    size_t off;

    res.len = 0;
    if (!dq_safeext(&safe, ext, strlen(ext)))
        return "nomem";
    while (dq_search_next(&s, dash, safe.s, safe.len, &fn, &off) == 1) {
        if (res.len && !sa_append(&res, ' '))
            return "nomem";
        if (!sa_catb(&res, fn.s, fn.len) || !sa_append(&res, '@') ||
            !(off == DQ_NODEFAULT ? sa_append(&res, '-')
                                  : sa_catulong(&res, off)))
            return "nomem";
        if (fn.s[fn.len])
            return "not NUL-terminated";
    }
    sa_free(&safe);
    sa_free(&fn);
    return sa_0(&res) ? res.s : "nomem";
}

static void test_search(void)
{
    sa x = SA_INIT;

    OK(dq_safeext(&x, "Foo.Bar-X", 9), "safeext");
    IS_LIT(x.s, x.len, "foo:bar-x", "lowercase, dots become colons");
    sa_free(&x);
    IS_STR(search("-", "foo-bar"),
           ".qmail-foo-bar@- .qmail-foo-default@4 .qmail-default@0",
           "ext foo-bar");
    IS_STR(search("-", "a-b-"),
           ".qmail-a-b-@- .qmail-a-b-default@4 .qmail-a-default@2 "
           ".qmail-default@0",
           "ext a-b-");
    IS_STR(search("-", "a-b-c"),
           ".qmail-a-b-c@- .qmail-a-b-default@4 .qmail-a-default@2 "
           ".qmail-default@0",
           "ext a-b-c");
    IS_STR(search("-", ""), ".qmail-@- .qmail-default@0", "empty ext");
    IS_STR(search("", ""), ".qmail@- .qmaildefault@0",
           "the basic address: .qmail then .qmaildefault");
    IS_STR(search("-", "Foo-Default"),
           ".qmail-foo-default@4 .qmail-foo-default@4 .qmail-default@0",
           "an exact name ending in default sets DEFAULT too");
    IS_STR(search("-", "x.y"), ".qmail-x:y@- .qmail-default@0",
           "dots are colons in names");
}

static void test_lines_built(void)
{
    sa x = SA_INIT;

    OK(dq_dtline(&x, "Joe-Ext", "Example.ORG"), "dtline");
    IS_LIT(x.s, x.len, "Delivered-To: Joe-Ext@Example.ORG\n", "case kept");
    x.len = 0;
    OK(dq_dtline(&x, "a\nb", "c\nd"), "dtline with LF");
    IS_LIT(x.s, x.len, "Delivered-To: a_b@c_d\n", "LF inside becomes _");
    x.len = 0;
    OK(dq_rpline(&x, ""), "rpline");
    IS_LIT(x.s, x.len, "Return-Path: <>\n", "empty sender");
    x.len = 0;
    OK(dq_rpline(&x, "joe@example.org"), "rpline");
    IS_LIT(x.s, x.len, "Return-Path: <joe@example.org>\n", "plain sender");
    x.len = 0;
    OK(dq_rpline(&x, "j o\ne@x.y"), "rpline");
    IS_LIT(x.s, x.len, "Return-Path: <\"j o\\_e\"@x.y>\n",
           "quoted local part, LF inside becomes _");
    x.len = 0;
    OK(dq_rpline(&x, ".dot@x"), "rpline");
    IS_LIT(x.s, x.len, "Return-Path: <\".dot\"@x>\n", "leading dot quoted");
    x.len = 0;
    OK(dq_ufline(&x, "joe@example.org", 820631134), "ufline");
    IS_LIT(x.s, x.len, "From joe@example.org Wed Jan 03 01:05:34 1996\n",
           "From_ line, day zero-padded, UTC");
    x.len = 0;
    OK(dq_ufline(&x, "", 0), "ufline");
    IS_LIT(x.s, x.len, "From MAILER-DAEMON Thu Jan 01 00:00:00 1970\n",
           "empty sender is MAILER-DAEMON");
    x.len = 0;
    OK(dq_ufline(&x, "a b\tc\nd", 951782400), "ufline");
    IS_LIT(x.s, x.len, "From a-b-c-d Tue Feb 29 00:00:00 2000\n",
           "blanks become dashes; a leap day");
    sa_free(&x);
}

static void test_parts(void)
{
    static const char h[] = "a.b.example.org";
    static const char e[] = "foo-bar-baz";

    IS_INT(dq_hostpart(h, 15, 2), 11, "HOST2 a.b.example");
    IS_INT(dq_hostpart(h, 15, 3), 3, "HOST3 a.b");
    IS_INT(dq_hostpart(h, 15, 4), 1, "HOST4 a");
    IS_INT(dq_hostpart("a.b", 3, 4), 1, "a.b: HOST4 stops at a");
    IS_INT(dq_hostpart("local", 5, 3), 5, "no dot: HOST3 is HOST");
    IS_INT(dq_hostpart("", 0, 2), 0, "empty host");
    IS_INT(dq_extpart(e, 11, 2), 4, "EXT2 bar-baz");
    IS_INT(dq_extpart(e, 11, 3), 8, "EXT3 baz");
    IS_INT(dq_extpart(e, 11, 4), 11, "EXT4 empty");
    IS_INT(dq_extpart("x", 1, 2), 1, "no dash: EXT2 empty");
    IS_INT(dq_extpart("a--b", 4, 3), 3, "EXT3 of a--b is b");
}

static void test_newsender(void)
{
    sa x = SA_INIT;

    OK(dq_newsender(&x, "list", "example.org", 0), "owner");
    IS_LIT(x.s, x.len, "list-owner@example.org", "plain owner");
    x.len = 0;
    OK(dq_newsender(&x, "list", "example.org", 1), "verp owner");
    IS_LIT(x.s, x.len, "list-owner-@example.org-@[]", "VERP owner");
    sa_free(&x);
}

static void test_progexit(void)
{
    static const int perm[] = {64, 65, 70, 76, 77, 78, 100, 112};
    size_t i;

    IS_INT(dq_progexit(0), 0, "0 success");
    IS_INT(dq_progexit(99), 99, "99 success and stop");
    for (i = 0; i < sizeof perm / sizeof perm[0]; ++i)
        IS_INT(dq_progexit(perm[i]), 100, "permanent status");
    IS_INT(dq_progexit(111), 111, "111 temporary");
    IS_INT(dq_progexit(1), 111, "1 temporary");
    IS_INT(dq_progexit(75), 111, "75 temporary");
    IS_INT(dq_progexit(101), 111, "101 temporary");
    IS_INT(dq_progexit(255), 111, "255 temporary");
}

/* quote in, in pieces of chunk bytes */
static const char *quote(const char *in, size_t n, size_t chunk)
{
    static sa out;
    dq_mbox m = DQ_MBOX_INIT;
    size_t i;

    out.len = 0;
    for (i = 0; i < n; i += chunk)
        if (!dq_mbox_feed(&m, in + i, n - i < chunk ? n - i : chunk, &out))
            return "nomem";
    if (!dq_mbox_end(&m, &out) || !sa_0(&out))
        return "nomem";
    return out.s;
}

static void test_mbox(void)
{
    static const struct {
        const char *in, *out, *name;
    } t[] = {
        {"From x\nFrom y\n", ">From x\n>From y\n\n", "From lines"},
        {"a\n>From x\n>>From y\n", "a\n>>From x\n>>>From y\n\n",
         "quoted From lines get one more"},
        {"Fromage\nFrom\n From x\n", "Fromage\nFrom\n From x\n\n",
         "not From_ lines"},
        {">x\n>>\n>Fro\n", ">x\n>>\n>Fro\n\n", "partial matches"},
        {"body", "body\n\n", "partial last line: two LFs"},
        {"From", "From\n\n", "From at EOF"},
        {">", ">\n\n", "> at EOF"},
        {"", "\n", "empty message"},
        {"\n", "\n\n", "one empty line"},
        {"x\nFrom ", "x\n>From \n\n", "From_ at EOF"},
        {"a>From b\n", "a>From b\n\n", "only at line starts"},
    };
    size_t i, chunk;

    for (i = 0; i < sizeof t / sizeof t[0]; ++i)
        for (chunk = 1; chunk <= 3; chunk += 2)
            IS_STR(quote(t[i].in, strlen(t[i].in), chunk), t[i].out, t[i].name);
}

int main(void)
{
    test_lines();
    test_kinds();
    test_search();
    test_lines_built();
    test_parts();
    test_newsender();
    test_progexit();
    test_mbox();
    return pt_done();
}
