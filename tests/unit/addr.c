/*
 * tests/unit/addr.c: the atom set, local-part quoting (spec delivery.md
 * 2.8 "Quoting rule", smtp-and-tools.md 2.4) and ASCII case handling.
 */
#include "addr.h"
#include "ptest.h"

static void t_atom(void)
{
    static const char extra[] = "!#$%&'*+-/=?^_`{|}~";
    int c, exp, good = 1;

    for (c = 0; c < 256; ++c) {
        exp = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || (c && strchr(extra, c));
        if (addr_atomchar((unsigned char)c) != exp) {
            good = 0;
            printf("# byte %d: got %d\n", c, !exp);
        }
    }
    OK(good, "atom set: letters, digits and !#$%&'*+-/=?^_`{|}~ only");
    OK(!addr_atomchar('.'), "dot is handled by the dot-atom rules");
}

#define NQ(lit, exp) \
    IS_INT(addr_needquote((lit), sizeof(lit) - 1), (exp), "needquote " lit)

static void t_needquote(void)
{
    NQ("", 1);
    NQ("abc", 0);
    NQ("a.b.c", 0);
    NQ("first.last+tag", 0);
    NQ("!#$%&'*+-/=?^_`{|}~", 0);
    NQ(".abc", 1);
    NQ("abc.", 1);
    NQ(".", 1);
    NQ("a..b", 1);
    NQ("a b", 1);
    NQ("a\tb", 1);
    NQ("a\"b", 1);
    NQ("a\\b", 1);
    NQ("a@b", 1);
    NQ("a(b)", 1);
    NQ("a,b", 1);
    NQ("a:b", 1);
    NQ("a;b", 1);
    NQ("a<b>", 1);
    NQ("a[b]", 1);
    NQ("caf\xc3\xa9", 1);
    NQ("a\x7f", 1);
    NQ("a\x01", 1);
}

static void quote_is(const char *in, size_t len, const char *exp,
                     const char *name)
{
    sa out = SA_INIT;

    OK(sa_copys(&out, "<"), "setup");
    OK(addr_quote(&out, in, len), name);
    IS_MEM(out.s, out.len, exp, strlen(exp), name);
    sa_free(&out);
}

#define Q(lit, exp, name) quote_is((lit), sizeof(lit) - 1, (exp), (name))

static void t_quote(void)
{
    Q("user@example.com", "<user@example.com", "dot-atom: unchanged");
    Q("first.last@example.com", "<first.last@example.com", "dots fine");
    Q("", "<", "the null address stays empty");
    Q("@example.com", "<\"\"@example.com", "empty local part quoted");
    Q("a b@x", "<\"a b\"@x", "space: quoted");
    Q("a\"b\\c@x", "<\"a\\\"b\\\\c\"@x", "quote and backslash escaped");
    Q("a\rb\nc@x", "<\"a\\\rb\\\nc\"@x", "CR and LF escaped");
    Q("a@b@c", "<\"a@b\"@c", "split at the last @");
    Q("a.@x", "<\"a.\"@x", "trailing dot");
    Q(".a@x", "<\".a\"@x", "leading dot");
    Q("a..b@x", "<\"a..b\"@x", "double dot");
    Q("a b@x y", "<\"a b\"@x y", "the domain is never quoted");
    Q("user", "<user", "no @, atom: verbatim");
    Q("caf\xc3\xa9@x", "<\"caf\xc3\xa9\"@x", "8-bit: quoted, not escaped");
    Q("tab\there@x", "<\"tab\there\"@x", "TAB: quoted, not escaped");
    Q("a@", "<a@", "empty domain");
}

static void t_case(void)
{
    char s[] = "HeLLo@EXAMPLE.Com[Z]\xc4\xe4";

    OK(case_diffb("ABC", 3, "abc", 3) == 0, "diff ignores ASCII case");
    OK(case_diffb("abc", 3, "abd", 3) < 0, "abc < abd");
    OK(case_diffb("ABD", 3, "abc", 3) > 0, "ABD > abc");
    OK(case_diffb("ab", 2, "abc", 3) < 0, "prefix sorts first");
    OK(case_diffb("abc", 3, "AB", 2) > 0, "longer sorts last");
    OK(case_diffb("", 0, "", 0) == 0, "empty strings equal");
    OK(case_diffb("a\0b", 3, "A\0B", 3) == 0, "NULs compared as bytes");
    OK(case_diffb("a\0b", 3, "A\0C", 3) < 0, "bytes after a NUL count");
    OK(case_diffb("\xc4", 1, "\xe4", 1) != 0, "no folding above ASCII");
    OK(case_diffb("[", 1, "{", 1) != 0, "[ is not {");
    OK(case_diffb("@", 1, "`", 1) != 0, "@ is not `");
    case_lowerb(s, sizeof s - 1);
    IS_STR(s, "hello@example.com[z]\xc4\xe4", "lowerb: ASCII only");
}

int main(void)
{
    t_atom();
    t_needquote();
    t_quote();
    t_case();
    return pt_done();
}
