/*
 * tests/unit/cdbx.c: building and reading cdb files.  Lookups (first of
 * duplicate keys, empty key and data, binary keys, absent keys and
 * files), the atomic build (temporary file, rename), and the on-disk
 * format of spec smtp-and-tools.md 7 checked by hand: header, records
 * from offset 2048, the hash computed here, table sizes, probing; and
 * the reader against files that do not hold together (truncated at
 * every length, offsets and lengths out of the file, endless tables):
 * each gives -1 with EPROTO or an absent key, never a crash, and an
 * absent key leaves the output untouched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cdbx.h"
#include "ctl.h"
#include "fd.h"
#include "ptest.h"

#define JOE "joe\0" "1000\0" "1000\0" "/home/joe\0" "-\0"

static char dir[] = "/tmp/cdbtest.XXXXXX";
static char fn_db[64], fn_tmp[64];

static const struct {
    const char *k;
    size_t kl;
    const char *d;
    size_t dl;
} recs[] = {
    {"one", 3, "1", 1},
    {"dup", 3, "first", 5},
    {"two", 3, "22", 2},
    {"dup", 3, "second", 6},
    {"", 0, "empty key", 9},
    {"nodata", 6, "", 0},
    {"a\0b", 3, "binary\0key", 10},
    {"!joe\0", 5, JOE, sizeof JOE - 1},
};

#define NRECS (sizeof recs / sizeof recs[0])

static uint32_t hash(const char *k, size_t n)
{
    uint32_t h = 5381;
    size_t i;

    for (i = 0; i < n; ++i)
        h = ((h << 5) + h) ^ (unsigned char)k[i];
    return h;
}

static uint32_t u32(const sa *f, size_t off)
{
    const unsigned char *p = (const unsigned char *)f->s + off;

    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static int build(void)
{
    cdbx_make m;
    size_t i;

    if (cdbx_start(&m, fn_tmp, fn_db) != 0)
        return -1;
    for (i = 0; i < NRECS; ++i)
        if (cdbx_add(&m, recs[i].k, recs[i].kl, recs[i].d, recs[i].dl)) {
            cdbx_abort(&m);
            return -1;
        }
    return cdbx_finish(&m);
}

static void look(const char *k, size_t kl, int expr, const char *d,
                 size_t dl, const char *name)
{
    sa out = SA_INIT;

    IS_INT(cdbx_lookup(fn_db, k, kl, &out), expr, name);
    if (expr == 1)
        IS_MEM(out.s, out.len, d, dl, name);
    sa_free(&out);
}

static void t_lookup(void)
{
    struct stat st;
    sa out = SA_INIT;
    int fd;

    IS_INT(build(), 0, "build");
    OK(stat(fn_tmp, &st) == -1 && errno == ENOENT, "temporary file gone");
    look("one", 3, 1, "1", 1, "one");
    look("two", 3, 1, "22", 2, "two");
    look("dup", 3, 1, "first", 5, "duplicate key: the first one");
    look("", 0, 1, "empty key", 9, "empty key");
    look("nodata", 6, 1, "", 0, "empty data");
    look("a\0b", 3, 1, "binary\0key", 10, "NUL inside a key");
    look("a", 1, 0, 0, 0, "a prefix of a key is absent");
    look("ONE", 3, 0, 0, 0, "keys are case-sensitive");
    look("three", 5, 0, 0, 0, "absent key");
    look("!joe\0", 5, 1, JOE, sizeof JOE - 1, "users/cdb-style record");
    fd = open_read(fn_db);
    IS_INT(cdbx_find(fd, "two", 3, &out), 1, "cdbx_find on an open fd");
    IS_MEM(out.s, out.len, "22", 2, "data");
    IS_INT(cdbx_find(fd, "one", 3, &out), 1, "a second find on the fd");
    IS_MEM(out.s, out.len, "1", 1, "data");
    errno = 0;
    IS_INT(cdbx_find(fd, "x", (size_t)1 << 33, &out), -1, "key over 4 GB");
    IS_INT(errno, EOVERFLOW, "EOVERFLOW");
    close(fd);
    IS_INT(cdbx_lookup("/nonexistent/cdb", "one", 3, &out), 0,
           "missing file: absent");
    IS_INT(cdbx_lookup(dir, "one", 3, &out), -1, "a directory: error");
    sa_free(&out);
}

/* the format, from the bytes: spec smtp-and-tools.md 7.1 and 7.2 */
static void t_format(void)
{
    sa f = SA_INIT;
    uint32_t h, pos, n, slot, i, tpos, tlen;
    uint32_t counts[256] = {0};
    size_t r, off = 2048, end;
    int good = 1, found = 0;

    IS_INT(ctl_slurp(fn_db, &f), 1, "read the file");
    OK(f.len > 2048, "longer than the header");
    /* records back to back from 2048, in insertion order */
    for (r = 0; r < NRECS && good; ++r) {
        if (off + 8 > f.len || u32(&f, off) != recs[r].kl ||
            u32(&f, off + 4) != recs[r].dl ||
            memcmp(f.s + off + 8, recs[r].k, recs[r].kl) != 0 ||
            memcmp(f.s + off + 8 + recs[r].kl, recs[r].d, recs[r].dl) != 0)
            good = 0;
        off += 8 + recs[r].kl + recs[r].dl;
        ++counts[hash(recs[r].k, recs[r].kl) & 255];
    }
    OK(good, "records from offset 2048, in insertion order");
    /* tables follow the records, 2 x count slots each */
    end = off;
    for (i = 0; i < 256; ++i) {
        tpos = u32(&f, i * 8);
        tlen = u32(&f, i * 8 + 4);
        if (tlen != 2 * counts[i])
            good = 0;
        if (tlen && (tpos != end || tpos + 8 * (size_t)tlen > f.len))
            good = 0;
        end += 8 * (size_t)tlen;
    }
    OK(good, "header: table i has 2 x (records with hash mod 256 = i) "
             "slots, tables back to back after the records");
    IS_INT(end, f.len, "the file ends with the last table");
    /* find "two" by hand */
    h = hash("two", 3);
    pos = u32(&f, (h & 255) * 8);
    n = u32(&f, (h & 255) * 8 + 4);
    OK(n > 0, "table of \"two\" not empty");
    for (i = 0; n && i < n && !found; ++i) {
        slot = pos + 8 * (((h >> 8) + i) % n);
        if (u32(&f, slot + 4) == 0)
            break;
        if (u32(&f, slot) == h) {
            uint32_t rec = u32(&f, slot + 4);
            found = u32(&f, rec) == 3 && u32(&f, rec + 4) == 2 &&
                    memcmp(f.s + rec + 8, "two22", 5) == 0;
        }
    }
    OK(found, "\"two\" found by its hash: start slot (h >> 8) mod n, "
              "linear probing");
    OK(hash("", 0) == 5381, "hash of the empty key is 5381");
    sa_free(&f);
}

static void put32(char *p, uint32_t v)
{
    p[0] = (char)(v & 255);
    p[1] = (char)(v >> 8 & 255);
    p[2] = (char)(v >> 16 & 255);
    p[3] = (char)(v >> 24);
}

static int write_file(const char *fn, const char *b, size_t n)
{
    int fd = open_trunc(fn);
    int ok = fd != -1 && write(fd, b, n) == (ssize_t)n;

    if (fd != -1)
        close(fd);
    return ok;
}

/* every key of recs through a damaged copy: found with the right data,
   absent, or -1 with EPROTO; nothing else */
static int sane(const char *fn)
{
    sa out = SA_INIT;
    size_t i;
    int r, ok = 1;

    for (i = 0; i < NRECS; ++i) {
        errno = 0;
        r = cdbx_lookup(fn, recs[i].k, recs[i].kl, &out);
        if (r == -1 && errno != EPROTO)
            ok = 0;
        if (r == 1 && out.len > (size_t)1 << 20)
            ok = 0;
    }
    sa_free(&out);
    return ok;
}

static void t_malformed(void)
{
    char fn[80];
    sa f = SA_INIT, out = SA_INIT;
    size_t n, i;
    uint32_t h;
    int good = 1;
    char *b;

    snprintf(fn, sizeof fn, "%s/bad.cdb", dir);
    IS_INT(build(), 0, "build");
    IS_INT(ctl_slurp(fn_db, &f), 1, "read the file");
    b = f.s;
    n = f.len;
    for (i = 0; i < n; ++i)
        if (!write_file(fn, b, i) || !sane(fn))
            good = 0;
    OK(good, "truncated at every length: found, absent or EPROTO");
    write_file(fn, b, 100);
    errno = 0;
    IS_INT(cdbx_lookup(fn, "one", 3, &out), -1, "shorter than the header");
    IS_INT(errno, EPROTO, "EPROTO");
    write_file(fn, b, n - 1);
    OK(sane(fn), "the last byte missing");

    /* the table of "one" out of the file, or with slots to 4 GB */
    h = cdbx_hash("one", 3);
    OK(h == hash("one", 3), "cdbx_hash is the format's hash");
    put32(b + (h & 255) * 8, 0xfffffff0U);
    write_file(fn, b, n);
    errno = 0;
    IS_INT(cdbx_lookup(fn, "one", 3, &out), -1, "table beyond the file");
    IS_INT(errno, EPROTO, "EPROTO");
    put32(b + (h & 255) * 8, 2048);
    put32(b + (h & 255) * 8 + 4, 0xffffffffU);
    write_file(fn, b, n);
    IS_INT(cdbx_lookup(fn, "one", 3, &out), -1, "table of 4 G slots");
    put32(b + (h & 255) * 8, 100);
    put32(b + (h & 255) * 8 + 4, 2);
    write_file(fn, b, n);
    IS_INT(cdbx_lookup(fn, "one", 3, &out), -1, "table inside the header");
    IS_INT(ctl_slurp(fn_db, &f), 1, "again");
    b = f.s;

    /* a record whose data length runs past the end */
    put32(b + 2048 + 4, 0x7fffffffU); /* "one": data length */
    write_file(fn, b, n);
    errno = 0;
    IS_INT(cdbx_lookup(fn, "one", 3, &out), -1, "data past the end");
    IS_INT(errno, EPROTO, "EPROTO");
    look("two", 3, 1, "22", 2, "(the intact file still reads)");

    /* every slot of every table pointing at garbage, or full of one
       hash: the probe stays within the table */
    IS_INT(ctl_slurp(fn_db, &f), 1, "again");
    b = f.s;
    for (i = 2048; i + 4 <= n; i += 4)
        b[i] ^= 0x5a;
    write_file(fn, b, n);
    OK(sane(fn), "records and tables scrambled");
    IS_INT(ctl_slurp(fn_db, &f), 1, "again");
    b = f.s;
    for (i = 0; i < 256; ++i)
        if (u32(&f, i * 8 + 4)) {
            size_t t = u32(&f, i * 8), k;

            for (k = 0; k < u32(&f, i * 8 + 4); ++k) {
                put32(b + t + 8 * k, h);
                put32(b + t + 8 * k + 4, 2048);
            }
        }
    write_file(fn, b, n);
    OK(sane(fn), "full tables, every slot the same record");
    IS_INT(cdbx_lookup(fn, "zz", 2, &out), 0, "an absent key in them");

    /* an absent key leaves out as it was */
    OK(sa_copys(&out, "keep"), "setup");
    IS_INT(cdbx_lookup(fn_db, "dux", 3, &out), 0, "absent");
    IS_MEM(out.s, out.len, "keep", 4, "out untouched");
    unlink(fn);
    sa_free(&f);
    sa_free(&out);
}

/* many records, long keys: every one is found with its own data */
static void t_many(void)
{
    cdbx_make m;
    char k[600], d[32];
    sa out = SA_INIT;
    int i, good = 1;

    IS_INT(cdbx_start(&m, fn_tmp, fn_db), 0, "start");
    for (i = 0; i < 3000; ++i) {
        int kl;

        memset(k, 'k', sizeof k);
        kl = snprintf(k, sizeof k, "key%d", i);

        k[kl] = 'k';
        if (cdbx_add(&m, k, (size_t)(i % 7 ? kl : 600), d,
                     (size_t)snprintf(d, sizeof d, "data %d", i)))
            good = 0;
    }
    IS_INT(cdbx_finish(&m), 0, "3000 records");
    for (i = 0; i < 3000; ++i) {
        int kl, dl;

        memset(k, 'k', sizeof k);
        kl = snprintf(k, sizeof k, "key%d", i);
        dl = snprintf(d, sizeof d, "data %d", i);

        k[kl] = 'k';
        if (cdbx_lookup(fn_db, k, (size_t)(i % 7 ? kl : 600), &out) != 1 ||
            out.len != (size_t)dl || memcmp(out.s, d, (size_t)dl))
            good = 0;
    }
    OK(good, "each found with its data (keys up to 600 bytes)");
    look("key3000", 7, 0, 0, 0, "one more is absent");
    IS_INT(build(), 0, "the small file again");
    sa_free(&out);
}

static void t_atomic(void)
{
    cdbx_make m;
    sa out = SA_INIT;
    int old = open_read(fn_db);
    int other;
    struct stat st;

    IS_INT(cdbx_start(&m, fn_tmp, fn_db), 0, "rebuild: start");
    IS_INT(cdbx_add(&m, "one", 3, "uno", 3), 0, "add");
    OK(stat(fn_tmp, &st) == 0, "temporary file exists while building");
    look("one", 3, 1, "1", 1, "readers see the old file meanwhile");
    IS_INT(cdbx_finish(&m), 0, "finish");
    look("one", 3, 1, "uno", 3, "then the new one");
    look("two", 3, 0, 0, 0, "old keys gone");
    IS_INT(cdbx_find(old, "one", 3, &out), 1, "an fd opened before");
    IS_MEM(out.s, out.len, "1", 1, "still reads the old file whole");
    close(old);

    IS_INT(cdbx_start(&m, fn_tmp, fn_db), 0, "start, then abort");
    IS_INT(cdbx_add(&m, "x", 1, "y", 1), 0, "add");
    cdbx_abort(&m);
    OK(stat(fn_tmp, &st) == -1 && errno == ENOENT, "abort removes tmp");
    look("one", 3, 1, "uno", 3, "target untouched");

    IS_INT(cdbx_start(&m, fn_tmp, fn_db), 0, "start, bad add");
    errno = 0;
    IS_INT(cdbx_add(&m, "k", (size_t)0x80000000U, "d", 1), -1,
           "key of 2 GB refused");
    IS_INT(errno, EOVERFLOW, "EOVERFLOW");
    IS_INT(cdbx_add(&m, "k", 1, "d", (size_t)1 << 32), -1,
           "data of 4 GB refused");
    cdbx_abort(&m);

    IS_INT(cdbx_start(&m, fn_tmp, 0), 0, "start without a target");
    IS_INT(cdbx_add(&m, "one", 3, "eins", 4), 0, "add");
    IS_INT(cdbx_finish(&m), 0, "finish without a target");
    OK(stat(fn_tmp, &st) == 0, "the file stays under its temporary name");
    look("one", 3, 1, "uno", 3, "target untouched");
    IS_INT(cdbx_install(fn_tmp, fn_db), 0, "cdbx_install");
    look("one", 3, 1, "eins", 4, "now the new file");
    OK(stat(fn_tmp, &st) == -1 && errno == ENOENT, "tmp renamed away");
    IS_INT(cdbx_install(fn_tmp, fn_db), -1, "install of nothing fails");

    IS_INT(cdbx_start(&m, "/nonexistent/dir/tmp", fn_db), -1,
           "start in a missing directory fails");
    IS_INT(cdbx_start(&m, fn_tmp, "/nonexistent/dir/cdb"), 0, "start");
    IS_INT(cdbx_finish(&m), -1, "rename to a missing directory fails");
    other = open_read(dir); /* takes the lowest free number */
    cdbx_abort(&m);
    OK(stat(fn_tmp, &st) == -1, "abort after a failed finish cleans up");
    OK(fcntl(other, F_GETFD) != -1, "and closes nobody else's fd");
    close(other);
    sa_free(&out);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 2;
    snprintf(fn_db, sizeof fn_db, "%s/test.cdb", dir);
    snprintf(fn_tmp, sizeof fn_tmp, "%s/test.tmp", dir);
    t_lookup();
    t_format();
    t_malformed();
    t_many();
    t_atomic();
    unlink(fn_db);
    unlink(fn_tmp);
    rmdir(dir);
    return pt_done();
}
