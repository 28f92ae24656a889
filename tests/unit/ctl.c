/*
 * tests/unit/ctl.c: control files exactly as spec smtp-and-tools.md 0.2
 * reads them: single lines (trailing SPACE/TAB/LF stripped, CR and
 * leading white space kept, empty file = empty value), integers (no
 * digits or overflow = absent), lists (# and empty lines skipped, last
 * line without LF kept), the control/me fallback, and absent vs error.
 * Runs in a private temporary directory.
 */
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "ctl.h"
#include "fd.h"
#include "ptest.h"

static void put(const char *fn, const char *text, size_t len)
{
    int fd = open_trunc(fn);

    if (fd == -1 || write_all(fd, text, len) == -1 || close(fd) == -1) {
        perror(fn);
        exit(2);
    }
}

#define PUT(fn, lit) put((fn), (lit), sizeof(lit) - 1)

static void line_is(const char *text, size_t tlen, const char *exp,
                    size_t elen, const char *name)
{
    sa out = SA_INIT;

    put("control/x", text, tlen);
    IS_INT(ctl_readline(&out, "control/x"), 1, name);
    IS_MEM(out.s, out.len, exp, elen, name);
    sa_free(&out);
}

#define LINE(text, exp, name) \
    line_is((text), sizeof(text) - 1, (exp), sizeof(exp) - 1, (name))

static void t_readline(void)
{
    sa out = SA_INIT;

    LINE("hello  \t \nsecond\n", "hello", "first line, trailing SP/TAB");
    LINE("abc\r\n", "abc\r", "trailing CR is not stripped");
    LINE("abc\r \t\n", "abc\r", "SP/TAB after CR stripped, CR kept");
    LINE("abc \r\n", "abc \r", "CR stops the stripping");
    LINE("  lead  \n", "  lead", "leading white space kept");
    LINE("\tlead\n", "\tlead", "leading TAB kept");
    LINE("", "", "empty file: present, empty");
    LINE("\n", "", "lone LF: present, empty");
    LINE("   \t\n", "", "white space only: empty");
    LINE("no newline", "no newline", "final line without LF");
    LINE("ends in space ", "ends in space", "no LF, trailing SP stripped");
    LINE("# not a comment\n", "# not a comment", "# has no meaning");
    LINE("a\tb c\n", "a\tb c", "inner white space kept");
    LINE("a\0b\n", "a\0b", "a NUL byte is kept");
    LINE("\nsecond\n", "", "empty first line wins");

    OK(sa_copys(&out, "untouched"), "setup");
    IS_INT(ctl_readline(&out, "control/missing"), 0, "missing: absent");
    IS_SA(out, "untouched", "absent leaves out alone");
    errno = 0;
    IS_INT(ctl_readline(&out, "control/dir"), -1, "a directory: error");
    IS_INT(errno, EISDIR, "EISDIR");
    IS_INT(ctl_readline(&out, "control/notdir/x"), -1, "ENOTDIR: error");
    sa_free(&out);
}

static void t_long(void)
{
    static char big[100001];
    sa out = SA_INIT;
    size_t i;

    for (i = 0; i < sizeof big - 1; ++i)
        big[i] = (char)('a' + i % 26);
    big[sizeof big - 1] = '\n';
    put("control/x", big, sizeof big);
    IS_INT(ctl_slurp("control/x", &out), 1, "slurp a 100001-byte file");
    IS_MEM(out.s, out.len, big, sizeof big, "every byte");
    IS_INT(ctl_readline(&out, "control/x"), 1, "readline of a long line");
    IS_MEM(out.s, out.len, big, sizeof big - 1, "the whole line");
    put("control/x", "", 0);
    IS_INT(ctl_slurp("control/x", &out), 1, "slurp an empty file");
    IS_INT(out.len, 0, "nothing");
    IS_INT(ctl_slurp("control/missing", &out), 0, "slurp missing");
    sa_free(&out);
}

static void rldef_me_absent(void *arg)
{
    sa out = SA_INIT;

    (void)arg;
    if (ctl_rldef(&out, "control/missing", 1, "dflt") != 1)
        _exit(1);
    if (out.len != 4 || memcmp(out.s, "dflt", 4))
        _exit(2);
    if (ctl_me(&out) != 0)
        _exit(3);
    if (ctl_rldef(&out, "control/missing", 1, 0) != 0)
        _exit(4);
    _exit(0);
}

static void t_rldef(void)
{
    sa out = SA_INIT;

    PUT("control/x", "value \n");
    IS_INT(ctl_rldef(&out, "control/x", 0, "dflt"), 1, "rldef present");
    IS_SA(out, "value", "file value");
    PUT("control/x", "");
    IS_INT(ctl_rldef(&out, "control/x", 0, "dflt"), 1, "rldef empty file");
    IS_SA(out, "", "empty file gives the empty string, not the default");
    IS_INT(ctl_rldef(&out, "control/x", 1, "dflt"), 1, "empty, flagme");
    IS_SA(out, "", "empty file wins over me too");
    IS_INT(ctl_rldef(&out, "control/missing", 0, "dflt"), 1, "rldef absent");
    IS_SA(out, "dflt", "absent gives the default");
    IS_INT(pt_exitcode(rldef_me_absent, 0), 0,
           "absent, flagme, no control/me: default (or 0 without one)");

    PUT("control/me", "me.example.org \t\nignored\n");
    IS_INT(ctl_me(&out), 1, "ctl_me");
    IS_SA(out, "me.example.org", "me, first line stripped");
    IS_INT(ctl_rldef(&out, "control/missing", 1, "dflt"), 1, "me fallback");
    IS_SA(out, "me.example.org", "absent, flagme: control/me");
    PUT("control/x", "own\n");
    IS_INT(ctl_rldef(&out, "control/x", 1, "dflt"), 1, "present, flagme");
    IS_SA(out, "own", "the file wins over me");
    IS_INT(ctl_rldef(&out, "control/dir", 1, "dflt"), -1, "error is error");
    IS_INT(ctl_rldef(&out, "control/missing", 0, 0), 0,
           "absent, no default: 0");
    IS_INT(ctl_rldef(&out, "control/missing", 1, 0), 1,
           "absent, no default, flagme: me");
    IS_SA(out, "me.example.org", "me");
    sa_free(&out);
}

static void int_is(const char *text, size_t tlen, int expr,
                   unsigned long expu, const char *name)
{
    unsigned long u = 77;

    put("control/n", text, tlen);
    IS_INT(ctl_readint(&u, "control/n"), expr, name);
    OK(u == (expr == 1 ? expu : 77), "value");
}

#define INT(text, r, u, name) int_is((text), sizeof(text) - 1, (r), (u), (name))

static void t_readint(void)
{
    unsigned long u = 77;

    INT("42\n", 1, 42, "42");
    INT("0", 1, 0, "0 without LF");
    INT("42abc\n", 1, 42, "leading digits");
    INT("42 \n", 1, 42, "trailing space");
    INT("007", 1, 7, "leading zeros");
    INT("18446744073709551615\n", 1, 18446744073709551615UL, "ULONG_MAX");
    INT("", 0, 0, "empty file: absent, default stays");
    INT("abc\n", 0, 0, "abc: absent");
    INT("-5\n", 0, 0, "-5: absent");
    INT("  42\n", 0, 0, "leading space: no digits, absent");
    INT("18446744073709551616\n", 0, 0, "overflow: absent");
    INT("99999999999999999999999\n", 0, 0, "big overflow: absent");
    INT("\n42\n", 0, 0, "only the first line counts");
    IS_INT(ctl_readint(&u, "control/missing"), 0, "missing: absent");
    OK(u == 77, "default stays");
    IS_INT(ctl_readint(&u, "control/dir"), -1, "directory: error");
    OK(u == 77, "default stays");
}

static void list_is(const char *text, size_t tlen, const char *exp,
                    size_t elen, const char *name)
{
    sa out = SA_INIT;

    put("control/l", text, tlen);
    IS_INT(ctl_readfile(&out, "control/l"), 1, name);
    IS_MEM(out.s, out.len, exp, elen, name);
    IS_INT(ctl_listparse(&out, text, tlen), 1, "listparse agrees");
    IS_MEM(out.s, out.len, exp, elen, "listparse content");
    sa_free(&out);
}

#define LIST(text, exp, name) \
    list_is((text), sizeof(text) - 1, (exp), sizeof(exp) - 1, (name))

static void t_readfile(void)
{
    sa out = SA_INIT;

    LIST("a\n#c\n\n  \nb \t\n c\r\n\t#x\nlast",
         "a\0b\0 c\r\0\t#x\0last\0", "the rules together");
    LIST("", "", "empty file: an empty list");
    LIST("# only\n#\n\n", "", "comments only: empty list");
    LIST("x\n\n\n", "x\0", "trailing empty lines");
    LIST("one", "one\0", "single line without LF");
    LIST("one \t", "one\0", "single line without LF, stripped");
    LIST("#x\ny", "y\0", "comment then last line");
    LIST("a#b\n", "a#b\0", "# inside a line is data");
    LIST("\n\na\n", "a\0", "leading empty lines");
    LIST("x\0y\nz\n", "x\0y\0z\0", "a NUL inside a line is kept");

    OK(sa_copys(&out, "junk"), "setup");
    IS_INT(ctl_readfile(&out, "control/missing"), 0, "missing: no list");
    IS_INT(out.len, 0, "and empty");
    IS_INT(ctl_readfile(&out, "control/dir"), -1, "directory: error");
    sa_free(&out);
}

static void t_pure(void)
{
    IS_INT(ctl_firstline("", 0), 0, "firstline of nothing");
    IS_INT(ctl_firstline("ab \n", 4), 2, "firstline strips");
    IS_INT(ctl_firstline("ab\r\n", 4), 3, "firstline keeps CR");
    IS_INT(ctl_firstline("  ", 2), 0, "firstline all blank");
    IS_INT(ctl_firstline("ab\ncd", 2), 2, "firstline honours len");
    IS_INT(ctl_firstline(" a", 2), 2, "firstline keeps leading blank");
}

static int rmone(const char *p, const struct stat *st, int fl, struct FTW *f)
{
    (void)st;
    (void)fl;
    (void)f;
    return remove(p);
}

int main(void)
{
    char dir[] = "/tmp/ctltest.XXXXXX";

    if (!mkdtemp(dir) || chdir(dir) == -1 || mkdir("control", 0755) == -1 ||
        mkdir("control/dir", 0755) == -1)
        return 2;
    PUT("control/notdir", "x\n");
    t_readline();
    t_long();
    t_rldef();
    t_readint();
    t_readfile();
    t_pure();
    if (chdir("/") == -1 || nftw(dir, rmone, 8, FTW_DEPTH | FTW_PHYS) == -1)
        OK(0, "clean up");
    return pt_done();
}
