/*
 * qlocal.c: qmail-local's work (qlocal.h): deliver one message (fd 0,
 * seekable) to one local address by following the recipient's .qmail
 * instructions: mbox, maildir, program, forward (spec delivery.md 3.4).
 * Run by the qmail-local program, and inside the children of
 * qmail-lspawn and qmail-verify once they have become the recipient;
 * trusts its arguments and the user's own files, never the message.
 * Unlike the rest of the library it ends the process: every failure
 * prints one line to fd 2 and exits 111 (temporary) or 100
 * (permanent); success prints "did F+W+P" and exits 0.  Differences
 * from qmail: maildir and mbox deliveries are fsynced together with
 * the directory entries, and a missing default ./Maildir/ is created
 * (design 5 and 6).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "auto.h"
#include "bio.h"
#include "dotqmail.h"
#include "err.h"
#include "errtemp.h"
#include "exitcodes.h"
#include "fd.h"
#include "fmt.h"
#include "qlocal.h"
#include "qq.h"
#include "sa.h"
#include "sgopt.h"
#include "sig.h"
#include "xrun.h"

/* exit statuses of the maildir child, turned into texts by the parent */
enum { MD_OK, MD_CHDIR, MD_READ, MD_TEMP };

static struct {
    int doit;
    int showenv; /* -e: also print the environment a program would get */
    int hasdefault; /* DEFAULT was set for the .qmail file found */
    const char *user, *home, *local, *dash, *ext, *host, *sender;
    const char *aliasempty;
    sa dtline, rpline, ufline, safeext, qme, newsender, cmds, recips, tmp;
    int forwardonly;
    int stop; /* a program exited 99 */
    unsigned long nfile, nforward, nprog, qp;
    time_t now;
} c;

static volatile sig_atomic_t alarmed;

/* ---- output ---- */

static void say(int fd, const char *const *parts)
{
    char buf[4096];
    size_t n = 0, l;

    for (; *parts; ++parts) {
        l = strlen(*parts);
        if (l > sizeof buf - 1 - n)
            l = sizeof buf - 1 - n;
        memcpy(buf + n, *parts, l);
        n += l;
    }
    buf[n++] = '\n';
    (void)write_all(fd, buf, n);
}

#define SAY1(...) say(1, (const char *const[]){__VA_ARGS__, 0})
#define FAIL(code, ...) fail((code), (const char *const[]){__VA_ARGS__, 0})

static _Noreturn void fail(int code, const char *const *parts)
{
    say(2, parts);
    _exit(code);
}

static _Noreturn void nomem(void)
{
    FAIL(EX_TEMP, "Out of memory. (#4.3.0)");
}

static _Noreturn void usage(void)
{
    DIEX(EX_PERM, "usage: qmail-local [ -nN ] user homedir local dash ext "
                  "domain sender aliasempty");
}

static void rewind_message(void)
{
    if (lseek(0, 0, SEEK_SET) == -1)
        FAIL(EX_TEMP, "Unable to rewind message. (#4.3.0)");
}

/* a child for one delivery, reading the message from its start; in
   the parent the child's pid */
static pid_t child_start(void)
{
    pid_t pid;

    rewind_message();
    pid = fork();
    if (pid == -1)
        FAIL(EX_TEMP, "Unable to fork: ", strerror(errno), ". (#4.3.0)");
    return pid;
}

/* the child's exit status; a signal or a lost child fails temporarily */
static int child_wait(pid_t pid)
{
    int code = xrun_code(pid);

    if (code < 0)
        FAIL(EX_TEMP, "Aack, child crashed. (#4.3.0)");
    return code;
}

static _Noreturn void die_read(void)
{
    FAIL(EX_TEMP, "Unable to read message: ", strerror(errno), ". (#4.3.0)");
}

/* ---- setup ---- */

static void args(int argc, char **argv)
{
    sgopt g = SGOPT_INIT;
    int opt;

    g.quiet = 1;
    c.doit = 1;
    while ((opt = sgopt_next(&g, argc, argv, "neN")) != -1) {
        if (opt == 'n')
            c.doit = 0;
        else if (opt == 'e') {
            c.doit = 0;
            c.showenv = 1;
        } else if (opt == 'N')
            c.doit = 1;
        else
            usage();
    }
    if (argc - g.ind != 8)
        usage();
    argv += g.ind;
    c.user = argv[0];
    c.home = argv[1];
    c.local = argv[2];
    c.dash = argv[3];
    c.ext = argv[4];
    c.host = argv[5];
    c.sender = argv[6];
    c.aliasempty = argv[7];
    if (c.home[0] != '/')
        usage();
}

static void home_enter(void)
{
    struct stat st;

    if (chdir(c.home) == -1)
        FAIL(EX_TEMP, "Unable to switch to ", c.home, ": ", strerror(errno),
             ". (#4.3.0)");
    if (stat(".", &st) == -1)
        FAIL(EX_TEMP, "Unable to stat home directory: ", strerror(errno),
             ". (#4.3.0)");
    if (st.st_mode & AUTO_PATRN)
        FAIL(EX_TEMP, "Uh-oh: home directory is writable. (#4.7.0)");
    if (st.st_mode & S_ISVTX) {
        if (c.doit)
            FAIL(EX_TEMP, "Home directory is sticky: user is editing his "
                          ".qmail file. (#4.2.1)");
        say(2, (const char *const[]){QLOCAL_STICKY, 0});
    }
}

static void env(const char *name, const char *v, size_t n)
{
    c.tmp.len = 0;
    if (!sa_catb(&c.tmp, v, n) || !sa_0(&c.tmp))
        nomem();
    if (setenv(name, c.tmp.s, 1) == -1)
        nomem();
}

static void envs(const char *name, const char *v)
{
    env(name, v, strlen(v));
}

/* a Delivered-To line equal to ours in the header means a loop */
static void loop_check(void)
{
    char buf[BIO_SIZE];
    bio b;
    sa line = SA_INIT;
    int r;

    bio_init(&b, bio_readop, 0, buf, sizeof buf);
    for (;;) {
        r = bio_getln(&b, &line, '\n', c.dtline.len);
        if (r == 0)
            break;
        if (r == -1) {
            if (errno == E2BIG)
                continue; /* longer than ours: neither a match nor the end */
            die_read();
        }
        if (line.len <= 1)
            break;
        if (line.len == c.dtline.len && !memcmp(line.s, c.dtline.s, line.len))
            FAIL(EX_PERM, "This message is looping: it already has my "
                          "Delivered-To line. (#5.4.6)");
    }
    sa_free(&line);
}

static void lines_build(void)
{
    if (!dq_dtline(&c.dtline, c.local, c.host) ||
        !dq_rpline(&c.rpline, c.sender) ||
        !dq_ufline(&c.ufline, c.sender, c.now))
        nomem();
}

static void env_setup(void)
{
    size_t elen = strlen(c.ext), hlen = strlen(c.host);
    static const char *const extn[] = {"EXT2", "EXT3", "EXT4"};
    static const char *const hostn[] = {"HOST2", "HOST3", "HOST4"};
    int i;

    envs("HOST", c.host);
    envs("HOME", c.home);
    envs("USER", c.user);
    envs("LOCAL", c.local);
    c.tmp.len = 0;
    if (!sa_cats(&c.tmp, c.local) || !sa_append(&c.tmp, '@') ||
        !sa_cats(&c.tmp, c.host) || !sa_0(&c.tmp) ||
        setenv("RECIPIENT", c.tmp.s, 1) == -1)
        nomem();
    env("DTLINE", c.dtline.s, c.dtline.len);
    if (c.doit) {
        rewind_message();
        loop_check();
    }
    envs("SENDER", c.sender);
    env("RPLINE", c.rpline.s, c.rpline.len);
    env("UFLINE", c.ufline.s, c.ufline.len);
    envs("EXT", c.ext);
    for (i = 0; i < 3; ++i) {
        size_t off = dq_extpart(c.ext, elen, i + 2);
        env(extn[i], c.ext + off, elen - off);
    }
    for (i = 0; i < 3; ++i)
        env(hostn[i], c.host, dq_hostpart(c.host, hlen, i + 2));
    if (!dq_safeext(&c.safeext, c.ext, elen))
        nomem();
}

/*
 * -e: one "env NAME=value" line for each variable a program would get
 * that is about the address; the three header lines (DTLINE, RPLINE,
 * UFLINE) describe a message and are left out.
 */
static void env_show(void)
{
    static const char *const names[] = {
        "HOST",  "HOME",  "USER",  "LOCAL", "RECIPIENT", "SENDER",  "EXT",
        "EXT2",  "EXT3",  "EXT4",  "HOST2", "HOST3",     "HOST4",   "DEFAULT"};
    size_t i;
    const char *v;

    for (i = 0; i < sizeof names / sizeof *names; ++i)
        if ((v = getenv(names[i])) && !strchr(v, '\n') &&
            (c.hasdefault || strcmp(names[i], "DEFAULT")))
            SAY1("env ", names[i], "=", v);
}

/* ---- the control file ---- */

/* open a candidate: fd, or -1 when it does not count as present */
static int qme_open(const char *fn)
{
    struct stat st;
    int fd = open_read(fn);

    if (fd == -1) {
        if (errtemp(errno) || errno == EPERM || errno == EACCES)
            FAIL(EX_TEMP, "Unable to open ", fn, ": ", strerror(errno),
                 ". (#4.3.0)");
        return -1;
    }
    if (fstat(fd, &st) == -1)
        FAIL(EX_TEMP, "Unable to open ", fn, ": ", strerror(errno),
             ". (#4.3.0)");
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    if (st.st_mode & AUTO_PATRN)
        FAIL(EX_TEMP, "Uh-oh: .qmail file is writable. (#4.7.0)");
    c.forwardonly = (st.st_mode & S_IXUSR) != 0;
    return fd;
}

static int qme_find(void)
{
    dq_search s = DQ_SEARCH_INIT;
    size_t defoff;
    int r, fd;

    while ((r = dq_search_next(&s, c.dash, c.safeext.s, c.safeext.len, &c.qme,
                               &defoff)) == 1) {
        fd = qme_open(c.qme.s);
        if (fd == -1)
            continue;
        if (defoff != DQ_NODEFAULT && defoff <= strlen(c.ext)) {
            envs("DEFAULT", c.ext + defoff);
            c.hasdefault = 1;
        }
        return fd;
    }
    if (r == -1)
        nomem();
    return -1;
}

/* does .qmail<dash><safeext><tail> exist (any type)? */
static int qme_exists(const char *tail)
{
    struct stat st;

    c.tmp.len = 0;
    if (!sa_cats(&c.tmp, ".qmail") || !sa_cats(&c.tmp, c.dash) ||
        !sa_cat(&c.tmp, &c.safeext) || !sa_cats(&c.tmp, tail) || !sa_0(&c.tmp))
        nomem();
    if (stat(c.tmp.s, &st) == 0)
        return 1;
    if (errtemp(errno))
        FAIL(EX_TEMP, "Unable to open ", c.tmp.s, ": ", strerror(errno),
             ". (#4.3.0)");
    return 0;
}

static void newsender(void)
{
    if (!sa_copys(&c.newsender, c.sender))
        nomem();
    if (*c.sender && strcmp(c.sender, "#@[]") && qme_exists("-owner")) {
        int verp = qme_exists("-owner-default");
        c.newsender.len = 0;
        if (!dq_newsender(&c.newsender, c.local, c.host, verp))
            nomem();
    }
    if (!sa_0(&c.newsender)) /* a C string for qq_from */
        nomem();
    --c.newsender.len;
    env("NEWSENDER", c.newsender.s, c.newsender.len);
}

static void cmds_read(int fd)
{
    char buf[4096];
    ssize_t r;

    c.cmds.len = 0;
    while (fd != -1 && (r = read_all(fd, buf, sizeof buf)) != 0) {
        if (r == -1)
            FAIL(EX_TEMP, "Unable to read ", c.qme.s, ": ", strerror(errno),
                 ". (#4.3.0)");
        if (!sa_catb(&c.cmds, buf, (size_t)r))
            nomem();
    }
    if (fd != -1)
        close(fd);
    if (!c.cmds.len) {
        if (!sa_copys(&c.cmds, c.aliasempty))
            nomem();
        c.forwardonly = 0;
    }
    if ((!c.cmds.len || c.cmds.s[c.cmds.len - 1] != '\n') &&
        !sa_append(&c.cmds, '\n'))
        nomem();
}

/* ---- mbox ---- */

static void sigalrm(int s)
{
    (void)s;
    alarmed = 1;
}

/* 1 locked, 0 delivering without a lock; dies after 30 seconds */
static int mbox_lock(int fd)
{
    struct sigaction act;
    int r;

    memset(&act, 0, sizeof act);
    act.sa_handler = sigalrm; /* no SA_RESTART: flock returns EINTR */
    sigemptyset(&act.sa_mask);
    sigaction(SIGALRM, &act, 0);
    alarmed = 0;
    alarm(30);
    r = flock(fd, LOCK_EX);
    alarm(0);
    if (r == -1 && alarmed) {
        close(fd);
        FAIL(EX_TEMP, "File has been locked for 30 seconds straight. "
                      "(#4.3.0)");
    }
    return r == 0;
}

/* append the message; 0 ok, 1 read error, 2 write error (errno set) */
static int mbox_copy(int fd)
{
    char inbuf[BIO_SIZE], outbuf[BIO_SIZE];
    bio out;
    dq_mbox m = DQ_MBOX_INIT;
    ssize_t r;

    bio_init(&out, bio_writeop, fd, outbuf, sizeof outbuf);
    if (bio_put(&out, c.ufline.s, c.ufline.len) == -1 ||
        bio_put(&out, c.rpline.s, c.rpline.len) == -1 ||
        bio_put(&out, c.dtline.s, c.dtline.len) == -1)
        return 2;
    while ((r = read_all(0, inbuf, sizeof inbuf)) != 0) {
        if (r == -1)
            return 1;
        c.tmp.len = 0;
        if (!dq_mbox_feed(&m, inbuf, (size_t)r, &c.tmp))
            nomem();
        if (bio_put(&out, c.tmp.s, c.tmp.len) == -1)
            return 2;
    }
    c.tmp.len = 0;
    if (!dq_mbox_end(&m, &c.tmp))
        nomem();
    if (bio_put(&out, c.tmp.s, c.tmp.len) == -1 || bio_flush(&out) == -1 ||
        fsync(fd) == -1)
        return 2;
    return 0;
}

/* a new mbox, open as fd: make its directory entry durable too
   (design 5), in a directory we may not read as well */
static int mbox_dirsync(const char *fn, int fd)
{
    const char *slash = strrchr(fn, '/');

    if (!slash)
        return dir_fsync_via(".", fd);
    c.tmp.len = 0;
    if (!sa_catb(&c.tmp, fn, slash == fn ? 1 : (size_t)(slash - fn)) ||
        !sa_0(&c.tmp))
        nomem();
    return dir_fsync_via(c.tmp.s, fd);
}

static void mbox(const char *fn)
{
    int fd, locked, r, e;
    off_t pos;

    fd = open_append(fn);
    if (fd == -1)
        FAIL(EX_TEMP, "Unable to open ", fn, ": ", strerror(errno),
             ". (#4.2.1)");
    locked = mbox_lock(fd);
    rewind_message();
    pos = lseek(fd, 0, SEEK_END);
    r = pos == -1 ? 2 : mbox_copy(fd);
    if (!r && pos == 0 && mbox_dirsync(fn, fd) == -1)
        r = 2;
    if (r) {
        e = errno;
        /* with the lock held nobody else appended: cut our part off */
        if (locked && pos != -1 && ftruncate(fd, pos) == -1) {
            /* the first error is the one to report */
        }
        close(fd);
        errno = e;
        if (r == 1)
            die_read();
        FAIL(EX_TEMP, "Unable to write ", fn, ": ", strerror(e), ". (#4.3.0)");
    }
    if (close(fd) == -1)
        FAIL(EX_TEMP, "Unable to write ", fn, ": ", strerror(errno),
             ". (#4.3.0)");
}

/* ---- maildir ---- */

/* a day on one maildir delivery: give up (the tmp/ file stays, as the
   maildir convention allows) */
static void md_alarm(int s)
{
    (void)s;
    FAIL(EX_TEMP, "Timeout on maildir delivery. (#4.3.0)");
}

/* the default ./Maildir/ that does not exist yet: make it (design 6) */
static int md_create(void)
{
    static const char *const dirs[] = {"Maildir", "Maildir/tmp", "Maildir/new",
                                       "Maildir/cur"};
    size_t i;

    for (i = 0; i < 4; ++i)
        if (mkdir(dirs[i], 0700) == -1 && errno != EEXIST)
            return -1;
    if (dir_fsync("Maildir") == -1 || dir_fsync(".") == -1)
        return -1;
    return 0;
}

/* in the default maildir, which another delivery is making at this
   moment, or a crash left half made: its missing subdirectories */
static int md_complete(void)
{
    static const char *const dirs[] = {"tmp", "new", "cur"};
    size_t i;

    for (i = 0; i < 3; ++i)
        if (mkdir(dirs[i], 0700) == -1 && errno != EEXIST)
            return -1;
    return dir_fsync(".");
}

static int md_enter(const char *dir)
{
    if (chdir(dir) == 0)
        return MD_OK;
    if (errno == ENOENT && !strcmp(dir, "./Maildir/") && md_create() == 0 &&
        chdir(dir) == 0)
        return MD_OK;
    return errtemp(errno) ? MD_TEMP : MD_CHDIR;
}

/* tmp/<sec>.M<usec>P<pid>Q<n>.<host>, created exclusively (3 tries,
   2 s apart): n counts this process's maildir deliveries, so that two
   in the same microsecond still differ */
static int md_tmpfile(sa *tmpfn, sa *newfn)
{
    static unsigned long q;
    struct timeval tv;
    char host[65];
    int fd = -1, i;

    if (gethostname(host, sizeof host) == -1)
        return -1;
    host[64] = 0;
    for (i = 0; i < 3; ++i) {
        gettimeofday(&tv, 0);
        tmpfn->len = 0;
        if (!sa_cats(tmpfn, "tmp/") ||
            !sa_catulong(tmpfn, (unsigned long)tv.tv_sec) ||
            !sa_cats(tmpfn, ".M") ||
            !sa_catulong(tmpfn, (unsigned long)tv.tv_usec) ||
            !sa_append(tmpfn, 'P') ||
            !sa_catulong(tmpfn, (unsigned long)getpid()) ||
            !sa_append(tmpfn, 'Q') || !sa_catulong(tmpfn, ++q) ||
            !sa_append(tmpfn, '.') || !sa_cats(tmpfn, host) || !sa_0(tmpfn))
            return -1;
        fd = open_excl(tmpfn->s, 0600);
        if (fd != -1 || errno != EEXIST)
            break;
        if (i < 2)
            sleep(2);
    }
    if (fd == -1)
        return -1;
    if (!sa_copys(newfn, "new/") || !sa_cats(newfn, tmpfn->s + 4) ||
        !sa_0(newfn)) {
        close(fd);
        unlink(tmpfn->s);
        return -1;
    }
    return fd;
}

/* write the file; MD_OK, MD_READ or MD_TEMP */
static int md_write(int fd)
{
    char inbuf[BIO_SIZE], outbuf[BIO_SIZE];
    bio out;
    ssize_t r;

    bio_init(&out, bio_writeop, fd, outbuf, sizeof outbuf);
    if (bio_put(&out, c.rpline.s, c.rpline.len) == -1 ||
        bio_put(&out, c.dtline.s, c.dtline.len) == -1)
        return MD_TEMP;
    while ((r = read_all(0, inbuf, sizeof inbuf)) != 0) {
        if (r == -1)
            return MD_READ;
        if (bio_put(&out, inbuf, (size_t)r) == -1)
            return MD_TEMP;
    }
    if (bio_flush(&out) == -1 || fsync(fd) == -1)
        return MD_TEMP;
    return MD_OK;
}

/* one delivery into dir, relative to the current directory; MD_* */
static int md_deliver(const char *dir)
{
    sa tmpfn = SA_INIT, newfn = SA_INIT;
    int fd, r, dflt = !strcmp(dir, "./Maildir/");

    r = md_enter(dir);
    if (r != MD_OK)
        return r;
    fd = md_tmpfile(&tmpfn, &newfn);
    if (fd == -1 && errno == ENOENT && dflt && md_complete() == 0)
        fd = md_tmpfile(&tmpfn, &newfn);
    if (fd == -1) {
        sa_free(&tmpfn);
        sa_free(&newfn);
        return MD_TEMP;
    }
    r = md_write(fd);
    if (r == MD_OK && link(tmpfn.s, newfn.s) == -1 &&
        !(errno == ENOENT && dflt && md_complete() == 0 &&
          link(tmpfn.s, newfn.s) == 0))
        r = MD_TEMP;
    else if (r == MD_OK && dir_fsync_via("new", fd) == -1) {
        unlink(newfn.s); /* not known to be on disk: not delivered */
        r = MD_TEMP;
    }
    if (close(fd) == -1 && r == MD_OK) {
        unlink(newfn.s);
        r = MD_TEMP;
    }
    unlink(tmpfn.s);
    sa_free(&tmpfn);
    sa_free(&newfn);
    return r;
}

/*
 * Done in this process, not in a child as the other kinds of delivery:
 * a maildir delivery runs nothing of the user's, and a fork costs more
 * than the delivery.  What the child gave for free is done by hand:
 * the day's alarm is cancelled and the directory restored afterwards.
 */
static void maildir(const char *dir)
{
    struct sigaction act, old;
    int home, r;

    rewind_message();
    home = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC); /* search right only */
    if (home == -1)
        FAIL(EX_TEMP, "Unable to open home directory. (#4.3.0)");
    memset(&act, 0, sizeof act);
    act.sa_handler = md_alarm;
    sigemptyset(&act.sa_mask);
    if (sigaction(SIGALRM, &act, &old) == -1)
        FAIL(EX_TEMP, "Temporary error on maildir delivery. (#4.3.0)");
    alarm(86400);
    r = md_deliver(dir);
    alarm(0);
    sigaction(SIGALRM, &old, 0);
    if (fchdir(home) == -1)
        FAIL(EX_TEMP, "Unable to return to home directory. (#4.3.0)");
    close(home);
    switch (r) {
    case MD_OK:
        return;
    case MD_CHDIR:
        FAIL(EX_TEMP, "Unable to chdir to maildir. (#4.2.1)");
    case MD_READ:
        FAIL(EX_TEMP, "Unable to read message. (#4.3.0)");
    default:
        FAIL(EX_TEMP, "Temporary error on maildir delivery. (#4.3.0)");
    }
}

/* ---- programs and forwards ---- */

static void program(const char *cmd)
{
    pid_t pid = child_start();

    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        execl("/bin/sh", "sh", "-c", cmd, (char *)0);
        FAIL(EX_TEMP, "Unable to run /bin/sh: ", strerror(errno), ". (#4.3.0)");
    }
    switch (dq_progexit(child_wait(pid))) {
    case EX_OK:
        return;
    case EX_STOP:
        c.stop = 1;
        return;
    case EX_PERM:
        _exit(EX_PERM);
    default:
        _exit(EX_TEMP);
    }
}

static void forward(void)
{
    qq q;
    char buf[BIO_SIZE];
    ssize_t r;
    size_t i;
    const char *res;

    rewind_message();
    if (qq_start(&q) == -1)
        FAIL(EX_TEMP, "Unable to fork: ", strerror(errno), ". (#4.3.0)");
    qq_put(&q, c.dtline.s, c.dtline.len);
    while ((r = read_all(0, buf, sizeof buf)) != 0) {
        if (r == -1) {
            int e = errno;
            qq_fail(&q);
            (void)qq_close(&q);
            errno = e;
            die_read();
        }
        qq_put(&q, buf, (size_t)r);
    }
    qq_from(&q, c.newsender.s);
    for (i = 0; i < c.recips.len; i += strlen(c.recips.s + i) + 1)
        qq_to(&q, c.recips.s + i);
    res = qq_close(&q);
    if (*res)
        FAIL(res[0] == 'D' ? EX_PERM : EX_TEMP,
             "Unable to forward message: ", res + 1, ".");
    c.qp = qq_qp(&q);
}

/* ---- the instructions ---- */

static void file_line(enum dq_kind k, const char *line)
{
    ++c.nfile;
    if (c.forwardonly)
        FAIL(EX_TEMP, "Uh-oh: .qmail has file delivery but has x bit set. "
                      "(#4.7.0)");
    if (!c.doit)
        SAY1(k == DQ_MAILDIR ? "maildir " : "mbox ", line);
    else if (k == DQ_MAILDIR)
        maildir(line);
    else
        mbox(line);
}

static void one_line(char *line, size_t n, size_t start)
{
    size_t arg;
    enum dq_kind k = dq_kind(line, n, &arg);

    line[n] = 0; /* the LF or a stripped blank: inside the buffer */
    switch (k) {
    case DQ_BLANK:
        if (!start)
            FAIL(EX_TEMP, "Uh-oh: first line of .qmail file is blank. "
                          "(#4.2.1)");
        return;
    case DQ_LIST:
        c.forwardonly = 1;
        return;
    case DQ_MBOX:
    case DQ_MAILDIR:
        file_line(k, line);
        return;
    case DQ_PROGRAM:
        ++c.nprog;
        if (c.forwardonly)
            FAIL(EX_TEMP, "Uh-oh: .qmail has prog delivery but has x bit "
                          "set. (#4.7.0)");
        if (c.doit)
            program(line + arg);
        else
            SAY1("program ", line + arg);
        return;
    case DQ_FORWARD:
        ++c.nforward;
        if (!c.doit)
            SAY1("forward ", line + arg);
        else if (!sa_catb(&c.recips, line + arg, strlen(line + arg) + 1))
            nomem();
        return;
    default: /* comments and other + lines */
        return;
    }
}

static void run(void)
{
    size_t pos = 0, start, n;

    while (!c.stop && dq_line(c.cmds.s, c.cmds.len, &pos, &start, &n))
        one_line(c.cmds.s + start, n, start);
    if (c.recips.len && c.doit)
        forward();
}

static void summary(void)
{
    char nums[3][FMT_ULONG], qp[FMT_ULONG];

    nums[0][fmt_ulong(nums[0], c.nfile)] = 0;
    nums[1][fmt_ulong(nums[1], c.nforward)] = 0;
    nums[2][fmt_ulong(nums[2], c.nprog)] = 0;
    SAY1("did ", nums[0], "+", nums[1], "+", nums[2]);
    if (c.qp) {
        qp[fmt_ulong(qp, c.qp)] = 0;
        SAY1("qp ", qp);
    }
}

/* ---- the whole delivery ---- */

_Noreturn void qlocal_main(int argc, char **argv)
{
    int fd;

    err_prog = "qmail-local";
    umask(077);
    signal(SIGPIPE, SIG_IGN);
    c.now = time(0);
    sig_survive(SIGUSR1); /* "pkill -USR1 qmail" must not kill us */
    args(argc, argv);
    home_enter();
    lines_build();
    env_setup();
    fd = qme_find();
    if (fd == -1 && *c.dash)
        FAIL(EX_PERM, "Sorry, no mailbox here by that name. (#5.1.1)");
    if (c.showenv)
        env_show();
    newsender();
    cmds_read(fd);
    run();
    summary();
    _exit(EX_OK);
}
