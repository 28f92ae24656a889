/*
 * tests/unit/rcpthosts.c: rcpthosts and morercpthosts.cdb (spec 1.8):
 * no file allows all, an address without '@' always passes, exact hosts
 * and .suffixes (not the bare domain), case, an empty file, the cdb
 * (consulted only when rcpthosts exists), the candidate order, and
 * badmailfrom (address, @domain, never the null sender).
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cdbx.h"
#include "ptest.h"
#include "rcpthosts.h"

#define L(s) s, sizeof s - 1

static char dir[] = "/tmp/rcpthoststest.XXXXXX";

static void put(const char *fn, const char *text)
{
    FILE *f = fopen(fn, "w");

    fputs(text, f);
    fclose(f);
}

static int check(const char *a)
{
    rcpthosts r = RCPTHOSTS_INIT;
    int x;

    if (rcpthosts_load(&r) != 1)
        return -2;
    x = rcpthosts_ok(&r, a, strlen(a));
    rcpthosts_free(&r);
    return x;
}

static void test_files(void)
{
    cdbx_make m;

    IS_INT(check("u@anything.example"), 1, "no rcpthosts: everything");
    put("control/rcpthosts", "");
    IS_INT(check("u@anything.example"), 0, "empty rcpthosts: nothing with '@'");
    IS_INT(check("postmaster"), 1, "no '@': always");
    put("control/rcpthosts", "Example.COM\n.sub.example.net\n# comment\n");
    IS_INT(check("u@example.com"), 1, "exact host, any case");
    IS_INT(check("u@x.example.com"), 0,
           "exact entry does not cover subdomains");
    IS_INT(check("u@a.b.sub.example.net"), 1, ".suffix covers subdomains");
    IS_INT(check("u@sub.example.net"), 0, ".suffix does not cover the domain");
    IS_INT(check("a@b@example.com"), 1, "host after the last '@'");
    if (cdbx_start(&m, "control/mrh.tmp", "control/morercpthosts.cdb") == 0 &&
        cdbx_add(&m, L("more.example"), "", 0) == 0 &&
        cdbx_add(&m, L(".deep.example"), "", 0) == 0 && cdbx_finish(&m) == 0)
        OK(1, "morercpthosts.cdb made");
    else
        OK(0, "morercpthosts.cdb made");
    IS_INT(check("u@MORE.example"), 1, "cdb: lowercased host");
    IS_INT(check("u@x.deep.example"), 1, "cdb: .suffix");
    IS_INT(check("u@other.example"), 0, "cdb: absent");
    unlink("control/rcpthosts");
    IS_INT(check("u@other.example"), 1, "without rcpthosts the cdb is ignored");
}

static void test_cands(void)
{
    const char *h = "a.b.c";
    size_t i = 0, off;
    sa all = SA_INIT;

    while (rcpthosts_cands(h, 5, &i, &off))
        if (!sa_catb(&all, h + off, 5 - off) || !sa_append(&all, '|'))
            break;
    IS_SA(all, "a.b.c|.b.c|.c|", "candidates in order");
    sa_free(&all);
}

static void test_bmf(void)
{
    cmap m = CMAP_INIT;

    if (!cmap_put(&m, L("spammer@bad.example"), "", 0) ||
        !cmap_put(&m, L("@worse.example"), "", 0))
        OK(0, "cmap");
    IS_INT(badmailfrom_match(&m, L("Spammer@BAD.example")), 1,
           "address, any case");
    IS_INT(badmailfrom_match(&m, L("x@worse.example")), 1, "@domain");
    IS_INT(badmailfrom_match(&m, L("x@sub.worse.example")), 0,
           "@domain is exact");
    IS_INT(badmailfrom_match(&m, L("a@b@worse.example")), 1,
           "after the last '@'");
    IS_INT(badmailfrom_match(&m, L("")), 0, "the null sender never matches");
    IS_INT(badmailfrom_match(&m, L("nobody")), 0, "no '@'");
    cmap_free(&m);
}

int main(void)
{
    if (!mkdtemp(dir) || chdir(dir) == -1 || mkdir("control", 0755) == -1)
        return 1;
    test_files();
    test_cands();
    test_bmf();
    unlink("control/morercpthosts.cdb");
    rmdir("control");
    if (chdir("/") == 0)
        rmdir(dir);
    return pt_done();
}
