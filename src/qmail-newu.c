/*
 * qmail-newu: compile users/assign into users/cdb (spec delivery.md
 * 3.2), atomically: users/cdb.tmp is written, fsynced and renamed, and
 * the users directory is fsynced so the new database survives a crash.
 * Run by root; reads only root's own file.  Every failure prints
 * "qmail-newu: fatal: ..." and exits 111, leaving users/cdb untouched.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auto.h"
#include "bio.h"
#include "cdbx.h"
#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "sa.h"
#include "userdb.h"

static struct {
    cdbx_make m;
    sa line, key, data, wild;
} nu;

static _Noreturn void fatal(const char *what)
{
    if (nu.m.fd != -1)
        cdbx_abort(&nu.m);
    DIE(EX_TEMP, what);
}

static void add(const char *k, size_t kl, const char *d, size_t dl)
{
    if (cdbx_add(&nu.m, k, kl, d, dl) == -1)
        fatal("unable to write users/cdb.tmp");
}

/* one line: 1 a record was added, 0 the final "." line */
static int one_line(bio *b)
{
    int r = bio_getln(b, &nu.line, '\n', (size_t)-1), wild;

    if (r == -1)
        fatal("unable to read users/assign");
    if (r == 1 && nu.line.s[0] == '.')
        return 0;
    if (r == 0 || nu.line.s[nu.line.len - 1] != '\n')
        fatal("bad format in users/assign"); /* no "." line */
    r = userdb_line(nu.line.s, nu.line.len - 1, &nu.key, &nu.data, &wild);
    if (r == -1)
        fatal("out of memory");
    if (r == 0)
        fatal("bad format in users/assign");
    if (wild != -1 && !memchr(nu.wild.s, wild, nu.wild.len) &&
        !sa_append(&nu.wild, (char)wild))
        fatal("out of memory");
    add(nu.key.s, nu.key.len, nu.data.s, nu.data.len);
    return 1;
}

int main(void)
{
    char buf[BIO_SIZE];
    bio b;
    int fd;

    err_prog = "qmail-newu";
    nu.m.fd = -1;
    umask(033);
    if (chdir(AUTO_QMAILHOME) == -1)
        fatal("unable to chdir");
    fd = open_read("users/assign");
    if (fd == -1)
        fatal("unable to open users/assign");
    bio_init(&b, bio_readop, fd, buf, sizeof buf);
    if (cdbx_start(&nu.m, "users/cdb.tmp", 0) == -1) {
        nu.m.fd = -1;
        fatal("unable to open users/cdb.tmp");
    }
    if (!sa_copys(&nu.wild, ""))
        fatal("out of memory");
    while (one_line(&b))
        ;
    add("", 0, nu.wild.s, nu.wild.len);
    if (cdbx_finish(&nu.m) == -1) {
        unlink("users/cdb.tmp");
        DIE(EX_TEMP, "unable to write users/cdb.tmp");
    }
    if (cdbx_install("users/cdb.tmp", "users/cdb") == -1)
        DIE(EX_TEMP, "unable to move users/cdb.tmp to users/cdb");
    if (dir_fsync("users") == -1)
        DIE(EX_TEMP, "unable to fsync users");
    return EX_OK;
}
