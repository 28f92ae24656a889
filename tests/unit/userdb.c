/*
 * tests/unit/userdb.c: users/assign lines into cdb records and the
 * lookups of qmail-lspawn (spec delivery.md 3.1a, 3.2): key and data
 * layout, every format error, case folding, exact before wildcard,
 * longest wildcard first, first duplicate wins, the wildcard-character
 * record (missing, and characters not in it), ext from the original
 * case, and record splitting.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "cdbx.h"
#include "fd.h"
#include "ptest.h"
#include "userdb.h"

#define L(s) s, sizeof s - 1
#define IS_LIT(g, gl, lit, name) IS_MEM((g), (gl), lit, sizeof lit - 1, (name))

static char dir[] = "/tmp/userdbtest.XXXXXX";
static char db[64];

static int line(const char *s, size_t n, sa *k, sa *d, int *w)
{
    k->len = d->len = 0;
    return userdb_line(s, n, k, d, w);
}

static void test_line(void)
{
    sa k = SA_INIT, d = SA_INIT;
    int w;

    IS_INT(line(L("=Joe:joe:1000:100:/home/joe:::"), &k, &d, &w), 1,
           "exact line");
    IS_LIT(k.s, k.len, ("!joe\0"), "exact key: !, lowercased, NUL");
    IS_LIT(d.s, d.len,
           ("joe\0"
            "1000\0"
            "100\0"
            "/home/joe\0\0"),
           "data: six fields, no NUL after ext");
    IS_INT(w, -1, "exact lines have no wildcard character");
    IS_INT(line(L("+Joe-:joe:1:2:/h:-:pre-:junk:more"), &k, &d, &w), 1,
           "wildcard line");
    IS_LIT(k.s, k.len, ("!joe-"), "wildcard key has no NUL");
    IS_LIT(d.s, d.len,
           ("joe\0"
            "1\0"
            "2\0"
            "/h\0"
            "-\0"
            "pre-"),
           "everything from the seventh colon on is dropped");
    IS_INT(w, '-', "wildcard character is the key's last");
    IS_INT(line(L("+:alias:7:8:/a:-::"), &k, &d, &w), 1, "catch-all");
    IS_LIT(k.s, k.len, ("!"), "catch-all key");
    IS_INT(w, -1, "an empty prefix adds no character");
    IS_INT(line(L("+ABC:u:1:2:/h:::"), &k, &d, &w), 1, "capital prefix");
    IS_INT(w, 'c', "wildcard character is lowercased like the key");
    IS_INT(line(L("xfoo:u:1:2:/h:::"), &k, &d, &w), 1,
           "any other first character means exact");
    IS_LIT(k.s, k.len, ("!foo\0"), "...with an exact key");
    IS_INT(line(L("=joe"), &k, &d, &w), 0, "no colon");
    IS_INT(line(L(":joe:1:2:/h:::"), &k, &d, &w), 0, "empty key field");
    IS_INT(line(L("=joe:joe:1:2:/h::"), &k, &d, &w), 0, "five colons");
    IS_INT(line(L("=j\0e:joe:1:2:/h:::"), &k, &d, &w), 0, "NUL in line");
    IS_INT(line(L(""), &k, &d, &w), 0, "empty line");
    sa_free(&k);
    sa_free(&d);
}

/* build a database from assign lines and the wildcard record wild
   (0: omitted); fails when wild lacks a character the lines need */
static int build(const char *const *lines, size_t n, const char *wild)
{
    cdbx_make m;
    sa k = SA_INIT, d = SA_INIT, set = SA_INIT;
    size_t i;
    int w, ok = 1;
    char tmp[80];

    memcpy(tmp, db, sizeof db);
    memcpy(tmp + strlen(db), ".tmp", 5);
    if (cdbx_start(&m, tmp, db) == -1)
        return 0;
    for (i = 0; i < n; ++i) {
        if (line(lines[i], strlen(lines[i]), &k, &d, &w) != 1) {
            ok = 0;
            continue;
        }
        if (w != -1 && !sa_append(&set, (char)w))
            ok = 0;
        if (w != -1 && wild && *wild && !strchr(wild, w))
            ok = 0;
        if (cdbx_add(&m, k.s, k.len, d.s, d.len) == -1)
            ok = 0;
    }
    if (wild && (cdbx_add(&m, "", 0, wild, strlen(wild)) == -1))
        ok = 0;
    if (cdbx_finish(&m) == -1)
        ok = 0;
    sa_free(&k);
    sa_free(&d);
    sa_free(&set);
    return ok;
}

/* look up local; returns "user/ext" or "none" / "error" */
static const char *find(const char *local)
{
    static sa rec, res;
    userdb_rec f;
    int fd = open_read(db), r;

    rec.len = res.len = 0;
    r = userdb_find(fd, local, strlen(local), &rec);
    close(fd);
    if (r == 0)
        return "none";
    if (r == -1)
        return errno == EPROTO ? "error" : "other error";
    if (!userdb_fields(rec.s, rec.len, &f) || !sa_cats(&res, f.user) ||
        !sa_append(&res, '/') || !sa_cats(&res, f.dash) ||
        !sa_append(&res, '/') || !sa_cats(&res, f.ext) || !sa_0(&res))
        return "bad record";
    return res.s;
}

static void test_find(void)
{
    static const char *const a[] = {
        "=joe:joe:1:1:/h/joe:::",
        "+joe-:joe:1:1:/h/joe:-::",
        "+joe-list-:list:2:2:/h/list:-:x-:",
        "=joe:second:9:9:/h/x:::",
        "+:alias:3:3:/h/alias:-::",
        "+ab:abuser:4:4:/h/ab:-:p-:",
    };

    OK(build(a, sizeof a / sizeof a[0], "-b"), "database built");
    IS_STR(find("joe"), "joe//", "exact entry");
    IS_STR(find("JOE"), "joe//", "lookups ignore case");
    IS_STR(find("joe-Foo"), "joe/-/Foo", "wildcard: rest in original case");
    IS_STR(find("Joe-List-Bar"), "list/-/x-Bar", "longest wildcard wins");
    IS_STR(find("joe-"), "joe/-/", "wildcard matches its own prefix");
    IS_STR(find("abc"), "abuser/-/p-c", "prefix ending in a listed char");
    IS_STR(find("zzz"), "alias/-/zzz", "catch-all gets the whole name");
    IS_STR(find(""), "alias/-/", "empty local part reaches the catch-all");
}

static void test_find_edges(void)
{
    static const char *const a[] = {"+ab:abuser:4:4:/h/ab:-:p-:",
                                    "=solo:solo:5:5:/h/solo:::"};

    OK(build(a, 2, ""), "database with an empty wildcard set");
    IS_STR(find("abc"), "none",
           "a prefix whose last char is not in the set is not probed");
    IS_STR(find("solo"), "solo//", "exact entries need no set");
    IS_STR(find("other"), "none", "no entry, no catch-all");
    OK(build(a, 2, 0), "database without the wildcard record");
    IS_STR(find("solo"), "error", "missing wildcard record is an error");
}

static void test_fields(void)
{
    userdb_rec f;

    OK(userdb_fields(L("u\0"
                       "1\0"
                       "2\0"
                       "/h\0"
                       "\0"
                       "\0"),
                     &f),
       "six fields, empty dash and ext");
    IS_STR(f.home, "/h", "home field");
    IS_STR(f.ext, "", "empty ext");
    OK(!userdb_fields(L("u\0"
                        "1\0"
                        "2\0"
                        "/h\0"
                        "-\0"
                        "x"),
                      &f),
       "ext without its NUL is malformed");
    OK(!userdb_fields(L("u\0"
                        "1\0"),
                      &f),
       "two fields");
    OK(!userdb_fields("", 0, &f), "nothing");
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    memcpy(db, dir, sizeof dir);
    memcpy(db + sizeof dir - 1, "/cdb", 5);
    test_line();
    test_find();
    test_find_edges();
    test_fields();
    unlink(db);
    rmdir(dir);
    return pt_done();
}
