/*
 * tests/unit/qspare.c: the pool of spare queue files.  Spares are taken
 * oldest first, the ring wraps, a full pool removes what is put in, a
 * spare with a second name is never handed out, and a placed spare is
 * cut to what was written.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ptest.h"
#include "qspare.h"

static char dir[] = "/tmp/qspare-test.XXXXXX";
static sa fn = SA_INIT, to = SA_INIT;

static const char *at(const char *name)
{
    to.len = 0;
    if (!sa_cats(&to, dir) || !sa_append(&to, '/') || !sa_cats(&to, name) ||
        !sa_0(&to))
        exit(2);
    return to.s;
}

/* a file called name holding text */
static void mkfile(const char *name, const char *text)
{
    int fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC, 0600);

    if (fd == -1 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        exit(2);
    close(fd);
}

/* what the file called name holds */
static const char *slurp(const char *name)
{
    static char buf[100];
    int fd = open(at(name), O_RDONLY);
    ssize_t r = fd == -1 ? -1 : read(fd, buf, sizeof buf - 1);

    if (fd != -1)
        close(fd);
    buf[r < 0 ? 0 : r] = 0;
    return buf;
}

static int exists(const char *name)
{
    struct stat st;

    return lstat(at(name), &st) == 0;
}

/* take a spare, write text, place it as name; its old content after */
static int cycle(qspare *p, const char *text, const char *name)
{
    int fd = qspare_take(p, &fn);

    if (fd == -1)
        return 0;
    if (write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
        qspare_place(fd, (off_t)strlen(text), &fn, at(name)) != 0) {
        close(fd);
        return 0;
    }
    close(fd);
    return 1;
}

int main(void)
{
    qspare p = QSPARE_INIT;
    sa pool = SA_INIT;
    int fd;

    if (!mkdtemp(dir) || !sa_cats(&pool, dir) || !sa_cats(&pool, "/pool") ||
        !sa_0(&pool) || mkdir(pool.s, 0700) == -1)
        return 2;

    OK(qspare_open(&p, pool.s, 3), "an empty pool opens");
    IS_INT(qspare_take(&p, &fn), -1, "nothing to take from it");

    /* three finished files go in, in this order */
    mkfile("a", "first, long content");
    mkfile("b", "second");
    mkfile("c", "third");
    IS_INT(qspare_put(&p, at("a")), 0, "a put in");
    IS_INT(qspare_put(&p, at("b")), 0, "b put in");
    IS_INT(qspare_put(&p, at("c")), 0, "c put in");
    mkfile("d", "fourth");
    IS_INT(qspare_put(&p, at("d")), 0, "d put into a full pool");
    OK(!exists("d") && !exists("pool/3"), "is removed");

    /* they come back oldest first; each is cut to what was written */
    OK(cycle(&p, "x", "n1"), "a spare taken, written and placed");
    IS_STR(slurp("n1"), "x", "the first spare taken was a's, cut to 1 byte");
    OK(!exists("pool/0"), "pool/0 left the pool");
    IS_INT(qspare_put(&p, at("n1")), 0, "n1 put back (the ring wraps)");
    OK(exists("pool/3"), "under the next name");
    OK(cycle(&p, "yy", "n2"), "the next spare");
    OK(!exists("pool/1") && exists("pool/2"), "was b's, the oldest left");
    OK(cycle(&p, "zzz", "n3"), "and the next");
    OK(!exists("pool/2"), "c's");
    OK(cycle(&p, "w", "n4"), "then the one put back");
    OK(!exists("pool/3"), "last");
    IS_INT(qspare_take(&p, &fn), -1, "and the pool is empty");

    /* reopened from disk: a spare with two names is never handed out */
    mkfile("e", "e");
    mkfile("f", "f");
    IS_INT(qspare_put(&p, at("e")), 0, "e put in");
    IS_INT(qspare_put(&p, at("f")), 0, "f put in");
    if (!sa_copys(&fn, at("pool/4")) || !sa_0(&fn) ||
        link(fn.s, at("twin")) == -1)
        return 2;
    OK(qspare_open(&p, pool.s, 10), "the pool reopens");
    OK(!exists("pool/4"), "the spare with a second name is dropped");
    IS_STR(slurp("twin"), "e", "and its other name untouched");
    fd = qspare_take(&p, &fn);
    OK(fd != -1, "the other spare is taken");
    IS_STR(fn.s, at("pool/5"), "f's");
    if (fd != -1)
        close(fd);
    IS_INT(qspare_take(&p, &fn), -1, "nothing else");
    to.len = 0;
    if (sa_cats(&to, "rm -rf ") && sa_cats(&to, dir) && sa_0(&to) &&
        system(to.s) != 0)
        return 2;
    return pt_done();
}
