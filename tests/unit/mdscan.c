/*
 * tests/unit/mdscan.c: listing a maildir (spec smtp-and-tools.md 5.2):
 * which files count, the order, the tmp/ clean-up, errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "mdscan.h"
#include "ptest.h"

static void mkfile(const char *fn, time_t mtime, time_t atime)
{
    struct timeval tv[2];
    int fd = open(fn, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    if (fd != -1)
        close(fd);
    tv[0].tv_sec = atime;
    tv[0].tv_usec = 0;
    tv[1].tv_sec = mtime;
    tv[1].tv_usec = 0;
    utimes(fn, tv);
}

int main(void)
{
    char dir[] = "/tmp/mdscanXXXXXX";
    mdscan m = MDSCAN_INIT;
    time_t now = 1700000000;
    sa got = SA_INIT;
    size_t i;

    if (!mkdtemp(dir) || chdir(dir) == -1)
        return 1;
    mkdir("tmp", 0700);
    mkdir("new", 0700);
    mkdir("cur", 0700);
    mkfile("new/c", now - 10, now);
    mkfile("new/b", now - 20, now);
    mkfile("cur/a:2,", now - 10, now);
    mkfile("new/.dot", now - 30, now);
    mkfile("new/now", now, now);
    mkfile("new/later", now + 5, now);
    mkfile("tmp/stale", now, now - MDSCAN_OSSIFIED - 1);
    mkfile("tmp/edge", now, now - MDSCAN_OSSIFIED);
    mkfile("tmp/.stale", now, now - MDSCAN_OSSIFIED - 100);

    IS_INT(mdscan_add(&m, "new", now), 0, "new/ scanned");
    IS_INT(mdscan_add(&m, "cur", now), 0, "cur/ scanned");
    mdscan_sort(&m);
    for (i = 0; i < m.n; ++i)
        if (!sa_cats(&got, mdscan_name(&m, i)) || !sa_append(&got, ' '))
            return 1;
    IS_SA(got, "new/b cur/a:2, new/c ",
          "by mtime then name; dot files and this second's files left out");
    IS_INT(m.e[0].mtime, now - 20, "mtime kept");

    mdscan_reset(&m);
    IS_INT(m.n, 0, "reset empties the list");
    IS_INT(mdscan_add(&m, "none", now), -1, "missing subdir: -1");
    IS_STR(m.failed ? m.failed : "", "scan", "missing subdir: failed = scan");
    IS_INT(errno, ENOENT, "missing subdir: errno ENOENT");

    mdscan_clean(now);
    OK(access("tmp/stale", F_OK) == -1,
       "tmp file unused for over 36 h removed");
    OK(access("tmp/edge", F_OK) == 0, "tmp file unused for exactly 36 h kept");
    OK(access("tmp/.stale", F_OK) == 0, "tmp dot file kept");

    mdscan_free(&m);
    sa_free(&got);
    if (chdir("/") == 0) {
        char cmd[64];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        if (system(cmd) != 0)
            printf("# could not remove %s\n", dir);
    }
    return pt_done();
}
