/*
 * maildirmake: create an empty maildir (spec smtp-and-tools.md 5.2).
 * Run by users; makes dir, then (from inside it) tmp, new and cur,
 * each 0700 whatever the umask.  Any failure is temporary (111) and
 * leaves what was made in place.  Before exiting 0 it syncs the new
 * directory and its parent, so the maildir survives a crash.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "exitcodes.h"
#include "fd.h"

static struct {
    const char *dir;
} cf;

static void makesub(const char *sub)
{
    if (mkdir(sub, 0700) == -1)
        DIE(EX_TEMP, "unable to mkdir ", cf.dir, "/", sub, ": ", ERRSYS);
}

int main(int argc, char **argv)
{
    err_prog = "maildirmake";
    umask(077);
    if (argc < 2 || !argv[1])
        DIEX(EX_PERM, "usage: maildirmake name");
    if (fd_sanitise() == -1)
        DIE(EX_TEMP, "unable to open /dev/null: ", ERRSYS);
    cf.dir = argv[1];
    if (mkdir(cf.dir, 0700) == -1)
        DIE(EX_TEMP, "unable to mkdir ", cf.dir, ": ", ERRSYS);
    if (chdir(cf.dir) == -1)
        DIE(EX_TEMP, "unable to chdir to ", cf.dir, ": ", ERRSYS);
    makesub("tmp");
    makesub("new");
    makesub("cur");
    /* dir is a directory we just made, so ".." is its parent */
    if (dir_fsync(".") == -1 || dir_fsync("..") == -1)
        DIE(EX_TEMP, "unable to sync ", cf.dir, ": ", ERRSYS);
    return EX_OK;
}
