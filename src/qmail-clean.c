/*
 * qmail-clean: removes finished queue files for qmail-send.
 * Runs as qmailq in QMAILHOME/queue, started by qmail-start.  Requests
 * on fd 0 ("todo/N" or "foop/N", NUL-terminated), one reply byte on
 * fd 1: '+' done, '!' an unlink failed, 'x' malformed request.
 * "sync/N" asks for the queue's filesystem to be flushed (syncfs):
 * '+' once it is, '!' if the flush reported an error; qmail-send sends
 * it for a batch of new info and channel files and goes on working
 * meanwhile, and removes their todo/ files after the '+'.  "done/N"
 * is the end of a message delivered straight from todo/: intd/N, then
 * todo/N, then the message file, which stays if todo/N does.
 *
 * Every request read is carried out, also when qmail-send has gone and
 * its answer cannot be written: it was made with what qmail-send knew
 * then.  A qmail-clean started meanwhile (a restart) waits for the
 * lock on the queue directory, held by the one still at work, before
 * it answers anything; qmail-send waits for its first answer before it
 * reads the queue.  Also
 * sweeps stale pid/ files left by killed qmail-queue runs.  Finished
 * files go into queue/recycle for qmail-queue when it exists
 * (qrecycle.h), and are removed otherwise.  Spares in the pool's
 * overflow slots are removed, TRIM_STEP at a time, once no request has
 * come for a second.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auto.h"
#include "bio.h"
#include "exitcodes.h"
#include "fd.h"
#include "fmt.h"
#include "qrecycle.h"
#include "sa.h"
#include "sig.h"

#define OSSIFIED 129600 /* 36 hours */
#define TRIM_IDLE 1000  /* ms without a request before overflow goes */
#define TRIM_STEP 16    /* overflow spares removed per idle turn */

static qrecycle_pool pool = QRECYCLE_POOL_INIT;
static int queuefs = -1; /* the queue, opened once: see sync_fs */

/* remove pid/ files older than 36 hours: by atime, as always, and by
   ctime too, which a claim from the pool renews at once (the atime only
   a moment later) */
static void sweep_pid(void)
{
    DIR *d = opendir("pid");
    struct dirent *e;
    struct stat st;
    sa fn = SA_INIT;
    time_t now = time(0);

    if (!d)
        return;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        fn.len = 0;
        if (!sa_cats(&fn, "pid/") || !sa_cats(&fn, e->d_name) || !sa_0(&fn))
            break;
        if (stat(fn.s, &st) == 0 && now > st.st_atime + OSSIFIED &&
            now > st.st_ctime + OSSIFIED)
            unlink(fn.s);
    }
    closedir(d);
    sa_free(&fn);
}

/* FN done with: recycled or removed; gone already is fine */
static int done_ok(const char *fn)
{
    return qrecycle_put(&pool, fn) == 0 || errno == ENOENT;
}

/* while the pool has overflow spares and no request comes: they go, a
   few at a time, so that a request is never kept waiting long */
static void idle_trim(const bio *in)
{
    struct pollfd p;
    int r;

    while (pool.excess && !in->n) {
        p.fd = 0;
        p.events = POLLIN;
        r = poll(&p, 1, TRIM_IDLE);
        if (r != 0) {
            if (r == -1 && errno == EINTR)
                continue;
            return; /* a request, or trouble: the read will tell */
        }
        while (qrecycle_trim(&pool, TRIM_STEP) && poll(&p, 1, 0) == 0)
            ;
    }
}

/* everything written to the queue's filesystem so far on disk.  The
   descriptor dates from the start, so a writeback error on the
   filesystem since then is reported once, here, as with fsync; without
   it the answer is '!', and qmail-send fsyncs the files itself */
static char sync_fs(void)
{
    return queuefs != -1 && syncfs(queuefs) == 0 ? '+' : '!';
}

/* FN made the name of message ID's file in DIR: "intd/N", "todo/N",
   or "mess/S/N" with its split subdirectory; 0 without memory */
static int qname(sa *fn, const char *dir, unsigned long id)
{
    fn->len = 0;
    return sa_cats(fn, dir) && sa_append(fn, '/') &&
           (strcmp(dir, "mess") ||
            (sa_catulong(fn, id % AUTO_SPLIT) && sa_append(fn, '/'))) &&
           sa_catulong(fn, id) && sa_0(fn);
}

/* a message delivered from todo/ (done/N): intd/N, todo/N, then the
   message file.  intd/N and todo/N are one file: the first name goes
   (qrecycle_put only unlinks a file with two names), the second may
   be recycled, once no other name shows its contents */
static char done(unsigned long id)
{
    sa fn = SA_INIT;
    char r = '!';

    if (qname(&fn, "intd", id) && done_ok(fn.s) && qname(&fn, "todo", id) &&
        done_ok(fn.s) && qname(&fn, "mess", id) && done_ok(fn.s))
        r = '+';
    sa_free(&fn);
    return r;
}

/* the request without its NUL: "todo/N", "foop/N", "done/N" or
   "sync/N", N all digits */
static char handle(const char *req, size_t len)
{
    unsigned long id;
    size_t n;
    int todo;
    sa fn = SA_INIT;
    char r = '+';

    if (len + 1 < 7 || len + 1 > 100)
        return 'x';
    if (!memcmp(req, "todo/", 5))
        todo = 1;
    else if (!memcmp(req, "foop/", 5) || !memcmp(req, "sync/", 5) ||
             !memcmp(req, "done/", 5))
        todo = 0;
    else
        return 'x';
    n = scan_ulong(req + 5, len - 5, &id);
    if (!n || n != len - 5)
        return 'x';
    if (req[0] == 's')
        return sync_fs();
    if (req[0] == 'd')
        return done(id);
    if (!qname(&fn, "intd", id))
        return '!';
    if (!done_ok(fn.s))
        r = '!';
    if (!qname(&fn, todo ? "todo" : "mess", id))
        r = '!';
    if (r == '+' && !done_ok(fn.s))
        r = '!';
    sa_free(&fn);
    return r;
}

int main(void)
{
    char inbuf[1024];
    bio in = BIO_INIT(bio_readop, 0, inbuf, sizeof inbuf, 0);
    sa req = SA_INIT;
    unsigned long count = 0;
    char reply;
    int r, deaf = 0;

    signal(SIGPIPE, SIG_IGN);
    sig_survive(SIGUSR1); /* "pkill -USR1 qmail" must not kill us */
    if (chdir(AUTO_QMAILHOME) == -1 || chdir("queue") == -1)
        return EX_TEMP;
    qrecycle_open(&pool);
    queuefs = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    /* a qmail-clean of qmail-send's last run may still be at its
       requests: this one answers none before it has finished */
    if (queuefs != -1)
        while (flock(queuefs, LOCK_EX) == -1 && errno == EINTR)
            ;
    for (;;) {
        if (count++ % 31 == 0)
            sweep_pid();
        idle_trim(&in);
        r = bio_getln(&in, &req, 0, 100);
        if (r == 0)
            return 0;
        if (r == -1 && errno != E2BIG)
            return 0;
        if (r == -1 || !req.len || req.s[req.len - 1] != 0)
            reply = 'x';
        else
            reply = handle(req.s, req.len - 1);
        /* qmail-send gone: its requests are carried out all the same */
        if (!deaf && write_all(1, &reply, 1) == -1)
            deaf = 1;
    }
}
