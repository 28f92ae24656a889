/*
 * tests/unit/smhook.c: qsmhook's argument escapes and the -x prefix
 * cut (spec smtp-and-tools.md 5.2), table-driven.
 */
#include "smhook.h"
#include "ptest.h"

static const smhook_env env = {"s@y.org", "example.org", "alias-joe"};

static const struct {
    const char *in, *out, *name;
} cases[] = {
    {"%g", "s@y.org", "%g alone: the sender"},
    {"%h", "example.org", "%h alone: the host"},
    {"%u", "alias-joe", "%u alone: the local part"},
    {"-f%g", "-fs@y.org", "an escape after other text"},
    {"%u@%h", "alias-joe@example.org", "two escapes in one argument"},
    {"%%g", "%g", "%% is one percent sign"},
    {"100%", "100%", "a percent sign at the end stays"},
    {"%x%", "%x%", "an unknown escape stays as it is"},
    {"%G", "%G", "escapes are lower case only"},
    {"", "", "an empty argument stays empty"},
    {"plain", "plain", "no escape: unchanged"},
};

static void t_expand(void)
{
    sa out = SA_INIT;
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        OK(smhook_expand(&out, cases[i].in, &env), cases[i].name);
        IS_SA(out, cases[i].out, cases[i].name);
        OK(out.s[out.len] == '\0', "the result is NUL-terminated");
    }
    sa_free(&out);
}

static void t_empty_values(void)
{
    const smhook_env e = {"", "", ""};
    sa out = SA_INIT;

    OK(smhook_expand(&out, "<%g>", &e), "empty sender expands");
    IS_SA(out, "<>", "the bounce sender becomes nothing");
    sa_free(&out);
}

static void t_strip(void)
{
    IS_STR(smhook_strip("alias-joe", "alias-"), "joe", "prefix cut");
    IS_STR(smhook_strip("ALIAS-Joe", "alias-"), "Joe",
           "the prefix is compared without case; the rest keeps its case");
    IS_STR(smhook_strip("joe", "alias-"), "joe", "no prefix: unchanged");
    IS_STR(smhook_strip("alias", "alias-"), "alias",
           "shorter than the prefix: unchanged");
    IS_STR(smhook_strip("alias-", "alias-"), "", "only the prefix: empty");
    IS_STR(smhook_strip("joe", ""), "joe", "empty prefix: unchanged");
}

int main(void)
{
    t_expand();
    t_empty_values();
    t_strip();
    return pt_done();
}
