/*
 * tests/unit/rfc822.c: the header module of qmail-inject: tokeniser,
 * address lists, rewriting, re-emission and folding, field names and
 * the header/body splitter (spec smtp-and-tools.md 3.4-3.5).
 */
#include <stdlib.h>

#include "ptest.h"
#include "rfc822.h"

/* a test name from an input: one printable line (TAP needs that) */
static const char *nm(const char *s)
{
    static char buf[8][160];
    static int k;
    char *b = buf[k++ % 8];
    size_t j = 0;

    for (; *s && j + 5 < sizeof buf[0]; ++s) {
        unsigned char c = (unsigned char)*s;
        if (c == '\n') {
            b[j++] = '\\';
            b[j++] = 'n';
        } else if (c < 32 || c > 126 || c == '#') {
            snprintf(b + j, 5, "\\x%02x", c);
            j += 4;
        } else
            b[j++] = (char)c;
    }
    b[j] = 0;
    return b;
}

/* a readable dump of tokens: A(x) Q(x) L(x) C(x) and the specials */
static void dump(sa *out, const r822_toks *t)
{
    static const char kind[] = "AQLC";
    static const char spec[] = ",@.<>:;";
    size_t i;

    out->len = 0;
    for (i = 0; i < t->len; ++i) {
        int ty = t->t[i].type;
        if (i && !sa_append(out, ' '))
            abort();
        if (ty >= R822_COMMA) {
            if (!sa_append(out, spec[ty - R822_COMMA]))
                abort();
            continue;
        }
        if (!sa_append(out, kind[ty - 1]) || !sa_append(out, '(') ||
            !sa_catb(out, t->t[i].s, t->t[i].len) || !sa_append(out, ')'))
            abort();
    }
}

static const struct {
    const char *in;
    size_t len; /* 0: strlen */
    int r;
    const char *exp;
} tokcases[] = {
    {"a.b@c", 0, 1, "A(a) . A(b) @ A(c)"},
    {" \t\r\n", 0, 1, ""},
    {"\"x y\" <a@b>", 0, 1, "Q(x y) < A(a) @ A(b) >"},
    {"(a (b) c)x", 0, 1, "C(a b c) A(x)"},
    {"(a \\(b\\) c)", 0, 1, "C(a (b) c)"},
    {"a\\ b", 0, 1, "A(a b)"},
    {"a)b", 0, 1, "Q(a)b)"},
    {"a]b", 0, 1, "Q(a]b)"},
    {"a\\\\b", 0, 1, "Q(a\\b)"},
    {"\xe9t\xe9", 0, 1, "Q(\xe9t\xe9)"},
    {"a\tb", 0, 1, "A(a) A(b)"},
    {"[1.2.3.4]", 0, 1, "L(1.2.3.4)"},
    {"[a[b]", 0, 1, "L(a[b)"},
    {"\"a\\\"b\"", 0, 1, "Q(a\"b)"},
    {"a\\", 0, 1, "A(a)"},
    {"\\(", 0, 1, "A(()"},
    {"g:a,b;", 0, 1, "A(g) : A(a) , A(b) ;"},
    {"a\0b", 3, 1, 0}, /* checked below */
    {")", 0, 0, 0},
    {"a ]", 0, 0, 0},
    {"(abc", 0, 0, 0},
    {"(a(b)", 0, 0, 0},
    {"\"abc", 0, 0, 0},
    {"[abc", 0, 0, 0},
    {"\"abc\\", 0, 0, 0},
    {"(a\\", 0, 0, 0},
};

static void test_tokenise(void)
{
    r822_toks t = R822_TOKS_INIT;
    sa buf = SA_INIT, d = SA_INIT;
    size_t i;

    for (i = 0; i < sizeof tokcases / sizeof tokcases[0]; ++i) {
        const char *in = tokcases[i].in;
        size_t len = tokcases[i].len ? tokcases[i].len : strlen(in);
        int r = r822_tokenise(&t, &buf, in, len);
        IS_INT(r, tokcases[i].r, nm(tokcases[i].in));
        if (r == 1 && tokcases[i].exp) {
            dump(&d, &t);
            IS_MEM(d.s, d.len, tokcases[i].exp, strlen(tokcases[i].exp),
                   nm(tokcases[i].in));
        }
    }
    /* the NUL case, compared by length */
    OK(r822_tokenise(&t, &buf, "a\0b", 3) == 1 && t.len == 1 &&
           t.t[0].type == R822_QUOTE && t.t[0].len == 3,
       "NUL in an atom makes a quoted string");
    r822_toks_free(&t);
    sa_free(&buf);
    sa_free(&d);
}

/* a rewriting table for "@h", ".p.org", ".d.org" */
static r822_toks rwt[3];
static sa rwb[3];
static r822_rw rw;

static void rw_setup(void)
{
    static const char *const v[3] = {"@h", ".p.org", ".d.org"};
    int k;

    for (k = 0; k < 3; ++k)
        if (r822_tokenise(&rwt[k], &rwb[k], v[k], strlen(v[k])) != 1)
            abort();
    rw.host = rwt[0].t;
    rw.nhost = rwt[0].len;
    rw.plus = rwt[1].t;
    rw.nplus = rwt[1].len;
    rw.dom = rwt[2].t;
    rw.ndom = rwt[2].len;
}

static const struct {
    const char *in, *exp;
} addrcases[] = {
    {"", ""},
    {"joe", "joe@h.d.org"},
    {"joe@x", "joe@x.d.org"},
    {"joe@x.y", "joe@x.y"},
    {"joe@mac+", "joe@mac.p.org"},
    {"joe+", "joe+@h.d.org"},
    {"joe@x.y.", "joe@x.y"},
    {"joe@", "joe@h.d.org"},
    /* an argument's local part is quoted first: no routes here */
    {"joe.", "joe.@h.d.org"},
    {"@a,@b:joe@x.y", "@a,@b:joe@x.y"},
    {"@a", "@a.d.org"},
    {"@", "@h.d.org"},
    {"joe@[]", "joe@[]"},
    {"joe@[1.2.3.4]", "joe@[1.2.3.4]"},
    {"joe smith", "joe smith@h.d.org"},
    {"joe smith@x.y", "joe smith@x.y"},
    {"a\"b@x.y", "a\"b@x.y"},
    {"joe@x (c)", "joe@x.d.org"},
};

static void test_addr(void)
{
    sa out = SA_INIT;
    size_t i;

    for (i = 0; i < sizeof addrcases / sizeof addrcases[0]; ++i) {
        const char *in = addrcases[i].in;
        IS_INT(r822_addr(&out, in, strlen(in), &rw), 1, nm(in));
        IS_MEM(out.s, out.len, addrcases[i].exp, strlen(addrcases[i].exp),
               nm(addrcases[i].exp));
    }
    sa_free(&out);
}

/* the rewriting steps on tokens as they appear in a header */
static const struct {
    const char *in, *exp;
} rwcases[] = {
    {"", ""},
    {"joe.", "joe@h.d.org"},
    {"joe@x.y.", "joe@x.y"},
    {"joe@x.y@", "joe@x.y"},
    {"joe.@", "joe.@h.d.org"},
    {"@a,@b:joe@x.y", "joe@x.y"},
    {"@a:joe", "joe@h.d.org"},
    {"@a", ""},
    {"@", ""},
    {".", ""},
    {"@a:", ""},
    {"joe@[]", "joe@[]"},
    {"joe@[1.2.3.4]", "joe@[1.2.3.4]"},
    {"joe@+", "joe@.p.org"},
    {"joe@a.b+", "joe@a.b.p.org"},
    {"\"joe+\"", "joe+@h.d.org"},
    {"joe@\"x+\"", "joe@x+.d.org"},
};

static void test_rewrite(void)
{
    r822_toks t = R822_TOKS_INIT;
    sa buf = SA_INIT, out = SA_INIT;
    size_t i;

    for (i = 0; i < sizeof rwcases / sizeof rwcases[0]; ++i) {
        const char *in = rwcases[i].in;
        out.len = 0;
        OK(r822_tokenise(&t, &buf, in, strlen(in)) == 1 &&
               r822_rewrite(&t, &rw) == 1 && r822_unquote(&out, t.t, t.len),
           nm(in));
        IS_MEM(out.s, out.len, rwcases[i].exp, strlen(rwcases[i].exp),
               nm(rwcases[i].exp));
    }
    r822_toks_free(&t);
    sa_free(&buf);
    sa_free(&out);
}

static const struct {
    const char *in, *out, *addrs; /* addrs: '|' stands for NUL */
    int r;
} fieldcases[] = {
    {"To: joe\n", "To: joe@h.d.org\n", "joe@h.d.org|", 1},
    {"To :  djb  fred \n", "To: djb@h.d.org, fred@h.d.org\n",
     "fred@h.d.org|djb@h.d.org|", 1},
    {"cc:a@b.c,d@e.f", "cc: a@b.c, d@e.f\n", "d@e.f|a@b.c|", 1},
    {"To: \"Joe Q\" <joe@x.y>\n", "To: \"Joe Q\" <joe@x.y>\n", "joe@x.y|", 1},
    {"To: Joe Q <joe>\n", "To: Joe Q <joe@h.d.org>\n", "joe@h.d.org|", 1},
    {"To: friends: a, b@c.d;\n", "To: friends: a@h.d.org, b@c.d;\n",
     "b@c.d|a@h.d.org|", 1},
    {"To: g:;\n", "To: g: ;\n", "", 1},
    {"To: <>\n", "To: <>\n", "|", 1},
    {"To: <@r1,@r2:joe@x.y>\n", "To: <joe@x.y>\n", "joe@x.y|", 1},
    {"To: joe (Joe (the) man)\n", "To: joe@h.d.org (Joe the man)\n",
     "joe@h.d.org|", 1},
    {"To: a (x) b\n", "To: a@h.d.org, b@h.d.org (x)\n", "b@h.d.org|a@h.d.org|",
     1},
    {"To: \"a\\\"b\"@x.y\n", "To: \"a\\\"b\"@x.y\n", "a\"b@x.y|", 1},
    {"To: \xe9t\xe9 <e@f.g>\n", "To: \"\xe9t\xe9\" <e@f.g>\n", "e@f.g|", 1},
    {"To: a\\(b@x.y\n", "To: a\\(b@x.y\n", "a(b@x.y|", 1},
    {"To: [1.2.3.4]\n", "To: [1.2.3.4]@h.d.org\n", "[1.2.3.4]@h.d.org|", 1},
    {"To: x@[1.2.3.4]\n", "To: x@[1.2.3.4]\n", "x@[1.2.3.4]|", 1},
    {"To: g: a;, b\n", "To: g: a@h.d.org;, b@h.d.org\n", "b@h.d.org|a@h.d.org|",
     1},
    {"To: g: a; b\n", "To: g: a@h.d.org;, b@h.d.org\n", "b@h.d.org|a@h.d.org|",
     1},
    {"To: a;\n", "To: a@h.d.org;\n", "a@h.d.org|", 1},
    {"To: \"x\ny\" <a@b.c>\n", "To: \"x\\\ny\" <a@b.c>\n", "a@b.c|", 1},
    {"To:\n", "To:\n", "", 1},
    {"To: a:b\n", 0, 0, 0},
    {"To: g: h: a;;\n", 0, 0, 0},
    {"To: a>\n", 0, 0, 0},
    {"To: (a\n", 0, 0, 0},
    {"To: )a\n", 0, 0, 0},
    {"To: a]\n", "To: \"a\\]\"@h.d.org\n", "a]@h.d.org|", 1},
    {"To joe\n", 0, 0, 0},
};

static void test_field(void)
{
    sa out = SA_INIT, addrs = SA_INIT, exp = SA_INIT;
    size_t i, j;

    for (i = 0; i < sizeof fieldcases / sizeof fieldcases[0]; ++i) {
        const char *in = fieldcases[i].in;
        int r;
        out.len = addrs.len = 0;
        r = r822_field(&out, &addrs, in, strlen(in), &rw);
        IS_INT(r, fieldcases[i].r, nm(in));
        if (!fieldcases[i].out)
            continue;
        IS_MEM(out.s, out.len, fieldcases[i].out, strlen(fieldcases[i].out),
               nm(fieldcases[i].out));
        if (!sa_copys(&exp, fieldcases[i].addrs))
            abort();
        for (j = 0; j < exp.len; ++j)
            if (exp.s[j] == '|')
                exp.s[j] = 0;
        IS_MEM(addrs.s, addrs.len, exp.s, exp.len, nm(fieldcases[i].addrs));
    }
    sa_free(&out);
    sa_free(&addrs);
    sa_free(&exp);
}

/* "To: A, B": the break after the comma stays out while the joined
   line is at most 78 bytes (80 counting the break itself) */
static void test_fold_boundary(void)
{
    sa in = SA_INIT, out = SA_INIT, exp = SA_INIT;
    size_t p = 40, q;

    for (q = 32; q <= 33; ++q) {
        in.len = exp.len = out.len = 0;
        if (!sa_cats(&in, "To: ") || !sa_ready(&in, 200))
            abort();
        memset(in.s + in.len, 'a', p);
        in.len += p;
        if (!sa_cats(&in, ", "))
            abort();
        memset(in.s + in.len, 'b', q);
        in.len += q;
        if (!sa_copyb(&exp, in.s, 4 + p + 1) ||
            !sa_cats(&exp, q == 32 ? " " : "\n  ") ||
            !sa_catb(&exp, in.s + in.len - q, q) || !sa_append(&exp, '\n'))
            abort();
        if (!sa_append(&in, '\n'))
            abort();
        IS_INT(r822_field(&out, 0, in.s, in.len, 0), 1, "fold field");
        IS_MEM(out.s, out.len, exp.s, exp.len,
               q == 32 ? "a 78-byte line stays" : "a 79-byte line folds");
    }
    sa_free(&in);
    sa_free(&out);
    sa_free(&exp);
}

/* a long list: no line over 80 bytes, unfolding gives the plain text */
static void test_fold_long(void)
{
    sa in = SA_INIT, out = SA_INIT, flat = SA_INIT;
    size_t i, col = 0, maxcol = 0, lines = 0;

    if (!sa_cats(&in, "Cc: "))
        abort();
    for (i = 0; i < 200; ++i)
        if ((i && !sa_cats(&in, ", ")) || !sa_cats(&in, "user") ||
            !sa_catulong(&in, i) || !sa_cats(&in, "@example.com"))
            abort();
    if (!sa_copy(&flat, &in) || !sa_append(&flat, '\n') ||
        !sa_append(&in, '\n'))
        abort();
    IS_INT(r822_field(&out, 0, in.s, in.len, 0), 1, "long list parses");
    for (i = 0; i < out.len; ++i) {
        if (out.s[i] == '\n') {
            ++lines;
            if (col > maxcol)
                maxcol = col;
            col = 0;
        } else
            ++col;
    }
    OK(maxcol <= 80 && lines > 30, "long list folded within 80 columns");
    for (i = 0; i + 2 < out.len; ++i) /* unfold: drop "\n " */
        if (out.s[i] == '\n') {
            OK(out.s[i - 1] == ',' && out.s[i + 1] == ' ' &&
                   out.s[i + 2] == ' ',
               "folded after a comma");
            memmove(out.s + i, out.s + i + 2, out.len - i - 2);
            out.len -= 2;
            break;
        }
    for (; i + 2 < out.len; ++i)
        if (out.s[i] == '\n') {
            memmove(out.s + i, out.s + i + 2, out.len - i - 2);
            out.len -= 2;
        }
    IS_MEM(out.s, out.len, flat.s, flat.len, "unfolded equals the input");
    sa_free(&in);
    sa_free(&out);
    sa_free(&flat);
}

static void test_unparse(void)
{
    r822_tok t[6] = {{R822_ATOM, "X", 1},      {R822_COLON, 0, 0},
                     {R822_QUOTE, "a\"(b", 4}, {R822_COMMENT, "c)\\", 3},
                     {R822_LITERAL, "[x]", 3}, {R822_ATOM, "(", 1}};
    sa out = SA_INIT;

    IS_INT(r822_unparse(&out, t, 6, 0), 1, "unparse");
    IS_SA(out, "X: \"a\\\"\\(b\" (c\\)\\\\) [\\[x\\]] \\(\n",
          "contents re-escaped, words spaced");
    out.len = 0;
    IS_INT(r822_unquote(&out, t + 2, 4), 1, "unquote");
    IS_SA(out, "a\"(b[[x]](", "unquote drops comments, keeps brackets");
    sa_free(&out);
}

static const struct {
    const char *in;
    int known, valid;
} namecases[] = {
    {"To: x", R822_H_TO, 1},
    {"tO :x", R822_H_TO, 1},
    {"To\t: x", R822_H_TO, 1},
    {"TO", R822_H_UNKNOWN, 0},
    {"To-: x", R822_H_UNKNOWN, 1},
    {"Resent-To: x", R822_H_R_TO, 1},
    {"RESENT-BCC: x", R822_H_R_BCC, 1},
    {"return-path: <>", R822_H_RETURNPATH, 1},
    {"Content-Length: 5", R822_H_CONTENTLENGTH, 1},
    {"Mail-Followup-To: a", R822_H_MAILFOLLOWUPTO, 1},
    {"X-Foo: bar", R822_H_UNKNOWN, 1},
    {" To: x", R822_H_UNKNOWN, 0},
    {": x", R822_H_UNKNOWN, 0},
    {" \t: x", R822_H_UNKNOWN, 0},
    {"Foo bar: x", R822_H_UNKNOWN, 0},
    {"\xe9: x", R822_H_UNKNOWN, 0},
    {"A\x7f: x", R822_H_UNKNOWN, 0},
    {"~!: x", R822_H_UNKNOWN, 1},
};

static void test_names(void)
{
    size_t i;

    for (i = 0; i < sizeof namecases / sizeof namecases[0]; ++i) {
        const char *s = namecases[i].in;
        IS_INT(r822_hfknown(s, strlen(s)), namecases[i].known, nm(s));
        IS_INT(r822_hfvalid(s, strlen(s)), namecases[i].valid, nm(s));
    }
}

/* feed text line by line; transcript: F[field] E K(blank) Y[line] */
static void split(sa *tr, const char *text, size_t len)
{
    r822_hb h = R822_HB_INIT;
    size_t i = 0;
    int m;

    tr->len = 0;
    for (;;) {
        const char *nl;
        size_t n;
        if (i < len) {
            nl = memchr(text + i, '\n', len - i);
            n = nl ? (size_t)(nl - (text + i)) + 1 : len - i;
            m = r822_hbline(&h, text + i, n);
        } else {
            n = 0;
            m = r822_hbeof(&h);
        }
        if (m < 0)
            abort();
        if (m & R822_HB_FIELD)
            if (!sa_cats(tr, "F[") || !sa_cat(tr, &h.done) || !sa_cats(tr, "]"))
                abort();
        if (((m & R822_HB_END) && !sa_cats(tr, "E")) ||
            ((m & R822_HB_BLANK) && !sa_cats(tr, "K")))
            abort();
        if (m & R822_HB_BODY)
            if (!sa_cats(tr, "Y[") || !sa_catb(tr, text + i, n) ||
                !sa_cats(tr, "]"))
                abort();
        if (i >= len)
            break;
        i += n;
    }
    r822_hbfree(&h);
}

static const struct {
    const char *in, *exp;
} splitcases[] = {
    {"To: a\n b\nSubject: x\n\nbody\n",
     "F[To: a\n b\n]F[Subject: x\n]EY[\n]Y[body\n]"},
    {"From joe Mon\nTo: a\n\n", "F[MBOX-Line: From joe Mon\n]F[To: a\n]EY[\n]"},
    {"To: a\nFrom x\n", "F[To: a\n]F[MBOX-Line: From x\n]E"},
    {"hello\n", "EKY[hello\n]"},
    {"\r\n", "EKY[\r\n]"},
    {"", "E"},
    {"To: a\n", "F[To: a\n]E"},
    {" cont\n", "EKY[ cont\n]"},
    {"To: a\n\tb\n", "F[To: a\n\tb\n]E"},
    {"A: 1\nnot a field\nB: 2\n", "F[A: 1\n]EKY[not a field\n]Y[B: 2\n]"},
    {"A: 1\n\n\n", "F[A: 1\n]EY[\n]Y[\n]"},
};

static void test_split(void)
{
    sa tr = SA_INIT;
    size_t i;

    for (i = 0; i < sizeof splitcases / sizeof splitcases[0]; ++i) {
        split(&tr, splitcases[i].in, strlen(splitcases[i].in));
        IS_MEM(tr.s, tr.len, splitcases[i].exp, strlen(splitcases[i].exp),
               nm(splitcases[i].in));
    }
    sa_free(&tr);
}

/* a 1 MB field and a big list go through without trouble */
static void test_big(void)
{
    sa in = SA_INIT, out = SA_INIT, addrs = SA_INIT;
    size_t n = 1 << 20;

    if (!sa_cats(&in, "To: \"") || !sa_ready(&in, n + 16))
        abort();
    memset(in.s + in.len, 'x', n);
    in.len += n;
    if (!sa_cats(&in, "\"@a.b\n"))
        abort();
    IS_INT(r822_field(&out, &addrs, in.s, in.len, &rw), 1, "1 MB field");
    IS_INT(addrs.len, n + 5, "1 MB address collected");
    sa_free(&in);
    sa_free(&out);
    sa_free(&addrs);
}

int main(void)
{
    int k;

    rw_setup();
    test_tokenise();
    test_addr();
    test_rewrite();
    test_field();
    test_fold_boundary();
    test_fold_long();
    test_unparse();
    test_names();
    test_split();
    test_big();
    for (k = 0; k < 3; ++k) {
        r822_toks_free(&rwt[k]);
        sa_free(&rwb[k]);
    }
    return pt_done();
}
