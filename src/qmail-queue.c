/*
 * qmail-queue: put one message into the queue, durably.
 * Message on fd 0, envelope on fd 1 (read).  Runs setuid qmailq with
 * the caller's real uid; reads no environment and prints nothing; the
 * exit code is the whole interface (spec delivery.md 1.5).  Exit 0 only
 * once the message file, the envelope file and the directory entries
 * that make them visible are on disk (design 5).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "acct.h"
#include "auto.h"
#include "date822.h"
#include "envelope.h"
#include "exitcodes.h"
#include "fd.h"
#include "fmt.h"
#include "qrecycle.h"
#include "sa.h"

#define DEATH 86400 /* seconds before a stuck qmail-queue gives up */

static struct {
    pid_t pid;
    uid_t uid;
    time_t start;
    unsigned long ino;
    sa received;
    sa pidfn, messfn, messdir, intdfn, todofn;
    int flagmess, flagintd;
    int fdmess, fdintd;
    int oldmess, oldintd; /* a spare, with old contents past our own */
    off_t messlen, intdlen;
    qrecycle spares; /* queue/recycle, filled by qmail-clean */
} q = {.fdmess = -1, .fdintd = -1};

static _Noreturn void die(int code)
{
    _exit(code);
}

/* read or write failure after the files exist: remove what we made */
static _Noreturn void cleanup_die(int code)
{
    if (q.flagintd) {
        if (ftruncate(q.fdintd, 0) == -1 || unlink(q.intdfn.s) == -1)
            die(code); /* left for qmail-clean's 36-hour sweep */
    }
    if (q.flagmess) {
        if (ftruncate(q.fdmess, 0) == -1 || unlink(q.messfn.s) == -1)
            die(code);
    }
    die(code);
}

static void sigalrm(int s)
{
    (void)s;
    _exit(QQ_TIMEOUT);
}
static void sigbug(int s)
{
    (void)s;
    _exit(QQ_BUG);
}

static void setsig(int sig, void (*fn)(int))
{
    struct sigaction act;

    act.sa_handler = fn;
    act.sa_flags = 0;
    sigemptyset(&act.sa_mask);
    sigaction(sig, &act, 0);
}

static void signals_setup(void)
{
    static const int misc[] = {SIGPIPE, SIGVTALRM, SIGPROF, SIGQUIT, SIGINT,
                               SIGUSR1, SIGHUP,    SIGXCPU, SIGXFSZ};
    static const int crash[] = {SIGILL, SIGABRT, SIGFPE,
                                SIGBUS, SIGSEGV, SIGSYS};
    sigset_t all;
    size_t i;

    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, 0);
    for (i = 0; i < sizeof misc / sizeof misc[0]; ++i)
        setsig(misc[i], SIG_IGN);
    for (i = 0; i < sizeof crash / sizeof crash[0]; ++i)
        setsig(crash[i], sigbug);
    setsig(SIGALRM, sigalrm);
    alarm(DEATH);
}

/* "Received: (qmail <pid> invoked <how>); <date>\n", how from real uid */
static int received_format(void)
{
    static const struct {
        enum acct_user who;
        const char *how;
    } how[] = {{ACCT_ALIAS, "by alias"},
               {ACCT_QMAILD, "from network"},
               {ACCT_QMAILS, "for bounce"}};
    size_t i;
    uid_t u;
    int done = 0;

    if (!sa_copys(&q.received, "Received: (qmail ") ||
        !sa_catulong(&q.received, (unsigned long)q.pid) ||
        !sa_cats(&q.received, " invoked "))
        return 0;
    for (i = 0; i < sizeof how / sizeof how[0] && !done; ++i)
        if (acct_uid(how[i].who, &u) == 1 && u == q.uid) {
            if (!sa_cats(&q.received, how[i].how))
                return 0;
            done = 1;
        }
    if (!done && (!sa_cats(&q.received, "by uid ") ||
                  !sa_catulong(&q.received, (unsigned long)q.uid)))
        return 0;
    return sa_cats(&q.received, "); ") && date822_utc(&q.received, q.start) &&
           sa_append(&q.received, '\n');
}

static int name_split(sa *fn, const char *dir, int split)
{
    fn->len = 0;
    if (!sa_cats(fn, dir) || !sa_append(fn, '/'))
        return 0;
    if (split && (!sa_catulong(fn, q.ino % AUTO_SPLIT) || !sa_append(fn, '/')))
        return 0;
    return sa_catulong(fn, q.ino) && sa_0(fn);
}

/* a new file FN: a spare from queue/recycle when there is one (*old
   set: it is cut at its new length in sync_files), else created; -1
   with errno EEXIST if FN exists */
static int file_new(const char *fn, int *old)
{
    int fd = qrecycle_claim(&q.spares, fn);

    *old = fd != -1;
    if (fd == -1 && errno == ENOENT)
        fd = open_excl(fn, 0644);
    return fd;
}

static void put(int fd, off_t *len, const char *buf, size_t n)
{
    if (write_all(fd, buf, n) == -1)
        cleanup_die(QQ_WRITE);
    *len += (off_t)n;
}

/* steps 4 and 5: an inode of our own, linked into mess/ */
static void mess_create(void)
{
    struct stat st;
    int seq;

    for (seq = 1; seq <= 9; ++seq) {
        q.pidfn.len = 0;
        if (!sa_cats(&q.pidfn, "pid/") ||
            !sa_catulong(&q.pidfn, (unsigned long)q.pid) ||
            !sa_append(&q.pidfn, '.') ||
            !sa_catulong(&q.pidfn, (unsigned long)q.start) ||
            !sa_append(&q.pidfn, '.') ||
            !sa_catulong(&q.pidfn, (unsigned long)seq) || !sa_0(&q.pidfn))
            die(QQ_NOMEM);
        q.fdmess = file_new(q.pidfn.s, &q.oldmess);
        if (q.fdmess != -1)
            break;
    }
    if (q.fdmess == -1)
        die(QQ_PID);
    if (fstat(q.fdmess, &st) == -1)
        die(QQ_PID);
    q.ino = (unsigned long)st.st_ino;
    if (!name_split(&q.messfn, "mess", 1) ||
        !name_split(&q.intdfn, "intd", 0) || !name_split(&q.todofn, "todo", 0))
        die(QQ_NOMEM);
    q.messdir.len = 0;
    if (!sa_cats(&q.messdir, "mess/") ||
        !sa_catulong(&q.messdir, q.ino % AUTO_SPLIT) || !sa_0(&q.messdir))
        die(QQ_NOMEM);
    if (link(q.pidfn.s, q.messfn.s) == -1)
        die(QQ_MESS);
    q.flagmess = 1;
    if (unlink(q.pidfn.s) == -1)
        die(QQ_PID);
}

/* step 6: the Received line and the message; fsynced in commit() */
static void mess_write(void)
{
    static char buf[65536];
    ssize_t r;

    put(q.fdmess, &q.messlen, q.received.s, q.received.len);
    for (;;) {
        r = read_all(0, buf, sizeof buf);
        if (r == -1)
            cleanup_die(QQ_READ);
        if (r == 0)
            break;
        put(q.fdmess, &q.messlen, buf, (size_t)r);
    }
}

/* steps 7 and 8: intd/N with u, p, then the envelope copied through */
static void intd_write(void)
{
    static char buf[8192];
    sa head = SA_INIT;
    envelope env = ENVELOPE_INIT;
    ssize_t r;
    size_t used;
    int st = ENV_MORE;

    q.fdintd = file_new(q.intdfn.s, &q.oldintd);
    if (q.fdintd == -1)
        die(QQ_INTD);
    q.flagintd = 1;
    if (!sa_append(&head, 'u') || !sa_catulong(&head, (unsigned long)q.uid) ||
        !sa_0(&head) || !sa_append(&head, 'p') ||
        !sa_catulong(&head, (unsigned long)q.pid) || !sa_0(&head))
        die(QQ_NOMEM);
    put(q.fdintd, &q.intdlen, head.s, head.len);
    sa_free(&head);
    while (st == ENV_MORE) {
        r = read_all(1, buf, sizeof buf);
        if (r <= 0)
            cleanup_die(QQ_READ); /* EOF inside the envelope, too */
        st = envelope_feed(&env, buf, (size_t)r, &used);
        if (st == ENV_DONE)
            --used; /* the final NUL is not stored */
        put(q.fdintd, &q.intdlen, buf, used);
    }
    if (st == ENV_BAD)
        die(QQ_ENVELOPE);
    if (st == ENV_LONG)
        die(QQ_ADDR_TOO_LONG);
}

/*
 * Both files and the mess/S entry must be on disk before todo/ names
 * the message.  The fsyncs come together, after both files are
 * written, so a journalling filesystem commits them at once.
 */
static void sync_files(void)
{
    if ((q.oldmess && ftruncate(q.fdmess, q.messlen) == -1) ||
        (q.oldintd && ftruncate(q.fdintd, q.intdlen) == -1))
        cleanup_die(QQ_WRITE);
    if (fsync(q.fdmess) == -1 || fsync(q.fdintd) == -1)
        cleanup_die(QQ_WRITE);
    if (dir_fsync(q.messdir.s) == -1)
        cleanup_die(QQ_WRITE);
}

/* steps 9 and 10: commit by linking into todo/, then wake qmail-send */
static void todo_commit(void)
{
    int fd;

    if (link(q.intdfn.s, q.todofn.s) == -1)
        die(QQ_TODO);
    if (dir_fsync("todo") == -1)
        die(QQ_TODO);
    fd = open_write("lock/trigger");
    if (fd != -1) {
        if (write(fd, "", 1) == -1) {
            /* no reader or a full pipe: qmail-send scans anyway */
        }
        close(fd);
    }
}

int main(void)
{
    signals_setup();
    umask(033);
    if (fd_sanitise() == -1)
        die(QQ_BUG);
    if (chdir(AUTO_QMAILHOME) == -1)
        die(QQ_HOME);
    if (chdir("queue") == -1)
        die(QQ_QUEUEDIR);
    q.pid = getpid();
    q.uid = getuid();
    q.start = time(0);
    if (!received_format())
        die(QQ_NOMEM);
    qrecycle_list(&q.spares, (unsigned long)q.pid);
    mess_create();
    mess_write();
    intd_write();
    sync_files();
    todo_commit();
    return 0;
}
