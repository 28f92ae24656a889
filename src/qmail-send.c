/*
 * qmail-send: the scheduler.  Takes new messages from todo/ (delivers
 * most straight from there, preprocesses the others into info/ and the
 * channel files), hands each recipient to qmail-lspawn or qmail-rspawn,
 * retries deferrals on the square-root schedule, bounces permanent
 * failures, and removes finished messages
 * through qmail-clean (spec delivery.md 2).  Runs as qmails in
 * QMAILHOME/queue, started by qmail-start with the fd map of 2.1.
 * Resource trouble never kills it: it logs, sleeps and retries.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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
#include "bounce.h"
#include "ctl.h"
#include "envelope.h"
#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "fmt.h"
#include "prioq.h"
#include "qq.h"
#include "qspare.h"
#include "rewrite.h"
#include "sa.h"

#define SLEEP_TODO 1500
#define SLEEP_FUZZ 1
#define SLEEP_FOREVER 86400
#define SLEEP_CLEANUP 76431
#define SLEEP_SYSFAIL 123
#define DONE_BATCH 32 /* finished messages handled in one turn */
#define OSSIFIED 129600
#define REPORT_MAX 10000
#define RECORD_MAX 65536
#define SPARE_MAX 4096 /* spare files kept in queue/spare (qspare.h) */

enum { CH_LOCAL, CH_REMOTE, NCHAN };
static const char *const chname[NCHAN] = {"local", "remote"};
static const unsigned long chskip[NCHAN] = {10, 20};

struct del {
    int used;
    size_t job;
    off_t off; /* of the recipient's record in the channel file */
    unsigned long dnum;
    sa rcpt;
};

struct job {
    int used;
    unsigned long id;
    int chan;
    sa sender;
    time_t retry;
    int dying;
    unsigned refs; /* deliveries outstanding */
    int passdone;  /* the pass reached the end of the file */
    int defer;     /* something was not finished: try again later */
    int fd;        /* the channel file, read by the pass and marked by
                      markdone, until job_finish */
    long dx;       /* a direct message's index in dtab; -1: none */
};

struct chan {
    int fdcmd, fdrep;
    int dead;
    unsigned long conc; /* effective concurrency */
    unsigned long used;
    unsigned long max; /* the spawn's byte */
    struct del *d;
    prioq pq;
    sa cmd; /* the one buffered command */
    size_t cmdpos;
    sa rep; /* report being read: slot, code, text */
    int repskip;
    /* the open pass */
    int pass;
    size_t pj;
    int pfd;
    bio pb;
    char pbuf[4096];
    off_t ppos;
    sa prec;
};

static struct {
    rewrite_conf rw;
    sa bouncefrom, bouncehost, dblhost, dblto;
    unsigned long conc[NCHAN];
    unsigned long lifetime;
} cf;

static struct chan ch[NCHAN];
static struct job *jobs;
static size_t njobs;
static prioq pqdone = PRIOQ_INIT, pqfail = PRIOQ_INIT;
static time_t recent;
static time_t started; /* when this qmail-send began */
static unsigned long dnum;
static volatile sig_atomic_t flagexit, flagalrm, flaghup;
static int flagdying; /* lost a spawn or clean: exit as soon as possible */
static int trigfd = -1;
static DIR *tododir;
static time_t nexttodo, nextclean;
static DIR *cleandir;
static int cleansplit;
static sa fn1 = SA_INIT, fn2 = SA_INIT, line = SA_INIT;
static qspare spares = QSPARE_INIT;

static void sigterm(int s)
{
    (void)s;
    flagexit = 1;
}
static void sigalrm(int s)
{
    (void)s;
    flagalrm = 1;
}
static void sighup(int s)
{
    (void)s;
    flaghup = 1;
}

/* ---- logging to fd 0 ----
 * Lines are gathered and written together once per turn of the loop,
 * before it waits (log_flush), and whenever LOG_MAX bytes are waiting:
 * a message's seven or so lines cost one write, not seven, and the
 * logger is woken once.  Nothing waits longer than the turn does. */

#define LOG_MAX 4096
static char logbuf[LOG_MAX];
static size_t loglen;

static void log_flush(void)
{
    if (loglen && write_all(0, logbuf, loglen) == -1) {
        /* nowhere to complain; keep delivering */
    }
    loglen = 0;
}

static void log_bytes(const char *s, size_t n)
{
    if (loglen + n > LOG_MAX)
        log_flush();
    if (n > LOG_MAX) {
        if (write_all(0, s, n) == -1) {
            /* as above */
        }
        return;
    }
    memcpy(logbuf + loglen, s, n);
    loglen += n;
}

static void log_line(const sa *l)
{
    log_bytes(l->s, l->len);
}

static void nomem(void)
{
    static const char msg[] = "alert: out of memory, sleeping...\n";

    log_bytes(msg, sizeof msg - 1);
    log_flush();
    sleep(10);
}

#define LOGS(...) logs((const char *const[]){__VA_ARGS__, 0})
static void logs(const char *const *parts)
{
    line.len = 0;
    for (; *parts; ++parts)
        if (!sa_cats(&line, *parts)) {
            nomem();
            return;
        }
    if (sa_append(&line, '\n'))
        log_line(&line);
}

static const char *num(unsigned long u)
{
    static char buf[4][FMT_ULONG];
    static int i;

    i = (i + 1) % 4;
    buf[i][fmt_ulong(buf[i], u)] = 0;
    return buf[i];
}

static void log_status(void)
{
    line.len = 0;
    if (sa_cats(&line, "status: local ") &&
        sa_catulong(&line, ch[CH_LOCAL].used) && sa_append(&line, '/') &&
        sa_catulong(&line, ch[CH_LOCAL].conc) && sa_cats(&line, " remote ") &&
        sa_catulong(&line, ch[CH_REMOTE].used) && sa_append(&line, '/') &&
        sa_catulong(&line, ch[CH_REMOTE].conc) &&
        sa_cats(&line, flagexit ? " exitasap\n" : "\n"))
        log_line(&line);
}

/* ---- file names ---- */

static const char *fname(sa *s, const char *dir, unsigned long id, int split)
{
    for (;;) {
        s->len = 0;
        if (sa_cats(s, dir) && sa_append(s, '/') &&
            (!split ||
             (sa_catulong(s, id % AUTO_SPLIT) && sa_append(s, '/'))) &&
            sa_catulong(s, id) && sa_0(s))
            return s->s;
        nomem();
    }
}

/* ---- configuration ---- */

/* control/locals (or me) into the empty map m; 1, or 0 (m empty) */
static int load_locals(cmap *m)
{
    sa list = SA_INIT;
    int r = ctl_readfile(&list, "control/locals");

    if (r == 0) { /* no locals: me is the one local domain */
        r = ctl_me(&list);
        if (r == 1 && !sa_0(&list))
            r = -1;
    }
    if (r != 1 || !cmap_fromlist(m, &list, 0)) {
        cmap_free(m);
        r = -1;
    }
    sa_free(&list);
    return r == 1;
}

/* control/virtualdomains into the empty map m; 1, or 0 (m empty) */
static int load_vdoms(cmap *m)
{
    sa list = SA_INIT;
    int r = ctl_readfile(&list, "control/virtualdomains");

    if (r < 0 || !cmap_fromlist(m, &list, 1)) {
        cmap_free(m);
        r = -1;
    }
    sa_free(&list);
    return r >= 0;
}

/* both maps, or none: 1 if rw has the new ones */
static int read_rewrite(rewrite_conf *rw, int *which)
{
    cmap l = CMAP_INIT, v = CMAP_INIT;

    *which = 0;
    if (!load_locals(&l))
        return 0;
    *which = 1;
    if (!load_vdoms(&v)) {
        cmap_free(&l);
        return 0;
    }
    cmap_free(&rw->locals);
    rw->locals = l;
    cmap_free(&rw->vdoms);
    rw->vdoms = v;
    return 1;
}

static int read_controls(void)
{
    sa list = SA_INIT;
    int ok, which;

    cf.conc[CH_LOCAL] = 10;
    cf.conc[CH_REMOTE] = 20;
    cf.lifetime = 604800;
    ok =
        read_rewrite(&cf.rw, &which) &&
        ctl_readfile(&list, "control/percenthack") >= 0 &&
        cmap_fromlist(&cf.rw.percenthack, &list, 0) &&
        ctl_rldef(&cf.rw.envnoathost, "control/envnoathost", 1,
                  "envnoathost") == 1 &&
        ctl_rldef(&cf.bouncefrom, "control/bouncefrom", 0, "MAILER-DAEMON") ==
            1 &&
        ctl_rldef(&cf.bouncehost, "control/bouncehost", 1, "bouncehost") == 1 &&
        ctl_rldef(&cf.dblhost, "control/doublebouncehost", 1,
                  "doublebouncehost") == 1 &&
        ctl_rldef(&cf.dblto, "control/doublebounceto", 0, "postmaster") == 1 &&
        ctl_readint(&cf.conc[CH_LOCAL], "control/concurrencylocal") >= 0 &&
        ctl_readint(&cf.conc[CH_REMOTE], "control/concurrencyremote") >= 0 &&
        ctl_readint(&cf.lifetime, "control/queuelifetime") >= 0;
    sa_free(&list);
    return ok;
}

/* HUP and USR1: locals and virtualdomains only, as qmail does */
static void reread(void)
{
    int which;

    if (chdir(AUTO_QMAILHOME) == -1) {
        LOGS("alert: unable to reread controls: unable to switch to home "
             "directory");
        return;
    }
    /* on failure the old values stay, both */
    if (!read_rewrite(&cf.rw, &which))
        LOGS(which ? "alert: unable to reread control/virtualdomains"
                   : "alert: unable to reread control/locals");
    while (chdir("queue") == -1) {
        LOGS("alert: unable to switch back to queue directory; HELP! "
             "sleeping...");
        log_flush();
        sleep(10);
    }
}

/* ---- queue insertion ---- */

static void pq_insert(prioq *q, time_t t, unsigned long id)
{
    while (!prioq_insert(q, t, id))
        nomem();
}

/* ---- qmail-clean ---- */

/*
 * Requests go to qmail-clean (fd 5) as they arise, several in one
 * write.  Its replies, one byte each and in order, are read from fd 6
 * when poll says they are there; cq remembers what each unanswered
 * request was for.  The loop waits for an answer only when todo/ names
 * a message about whose number a request is unanswered (clean_settle):
 * a foop for an older message of that number, whose info/N must go
 * before the new message's is written, or the removal of this very
 * todo/N, met again by a new scan of todo/.
 */
#define CQ_MAX 512
enum { CQ_TODO, CQ_DONE, CQ_SWEEP, CQ_SYNC, CQ_DTODO };
static struct cqe {
    unsigned long id;
    unsigned char kind;
    unsigned char chans; /* CQ_TODO: bit c for a file of channel c */
    time_t at[NCHAN];    /* CQ_TODO: when channel c is due (0: now) */
} cq[CQ_MAX];
static size_t cqhead, cqlen;
static const char *const cqwhat[5] = {"todo/", "foop/", "foop/", "sync/",
                                      "done/"};
/* messages delivered from todo/ whose done/N failed: asked again */
static prioq pqdtodo = PRIOQ_INIT;
/* finished messages, their info/N gone, whose foop/N failed: asked
   again (their message files keep their numbers till then) */
static prioq pqfoop = PRIOQ_INIT;
/* messages whose todo/N stayed after they were preprocessed (or were
   meant to be): taken from todo/ again, they are preprocessed at once,
   not delivered first, so that a trouble that lasts (a full disk)
   repeats no delivery, and files left by the failed attempt are
   replaced.  A number leaves the set once its todo/N is gone.  One that
   cannot be added (past ND_MAX, or no memory) makes every message
   preprocessed first until qmail-send restarts */
#define ND_MAX 4096
static struct {
    unsigned long *id;
    size_t n, a;
    int lost;
} nd;
static void flight_answer(int ok);

static int nodirect_has(unsigned long id)
{
    size_t i;

    for (i = 0; i < nd.n; ++i)
        if (nd.id[i] == id)
            return 1;
    return 0;
}

static void nodirect(unsigned long id)
{
    unsigned long *t;

    if (nodirect_has(id))
        return;
    if (nd.n == nd.a) {
        t = nd.a < ND_MAX ? realloc(nd.id, (nd.a + 16) * sizeof *t) : 0;
        if (!t) {
            nd.lost = 1;
            return;
        }
        nd.id = t;
        nd.a += 16;
    }
    nd.id[nd.n++] = id;
}

static void nodirect_del(unsigned long id)
{
    size_t i;

    for (i = 0; i < nd.n; ++i)
        if (nd.id[i] == id) {
            nd.id[i] = nd.id[--nd.n];
            return;
        }
}

static void clean_lost(void)
{
    if (!flagdying)
        LOGS("alert: oh no! lost qmail-clean connection! dying...");
    flagdying = flagexit = 1;
    cqlen = 0; /* what they were for is left to the next start */
}

/* the reply r to the oldest unanswered request */
static void clean_reply(char r)
{
    struct cqe e = cq[cqhead];
    int c;

    cqhead = (cqhead + 1) % CQ_MAX;
    --cqlen;
    if (e.kind == CQ_SYNC) {
        flight_answer(r == '+');
        return;
    }
    if (r != '+') {
        LOGS("warning: qmail-clean unable to clean up ", cqwhat[e.kind],
             num(e.id));
        if (e.kind == CQ_DONE)
            pq_insert(&pqfoop, recent + SLEEP_SYSFAIL, e.id);
        else if (e.kind == CQ_DTODO) /* delivered: not to be taken again */
            pq_insert(&pqdtodo, recent + SLEEP_SYSFAIL, e.id);
        else if (e.kind == CQ_TODO)
            nodirect(e.id);
        return; /* CQ_TODO: todo/N stays, to be preprocessed again */
    }
    if (e.kind == CQ_TODO) {
        nodirect_del(e.id);
        for (c = 0; c < NCHAN; ++c)
            if (e.chans & (1u << c))
                pq_insert(&ch[c].pq, e.at[c] ? e.at[c] : recent, e.id);
        if (!e.chans)
            pq_insert(&pqdone, recent, e.id);
    }
}

/* the replies that one read brings (it waits if none is there yet) */
static void clean_take(void)
{
    char buf[CQ_MAX];
    ssize_t r, i;

    if (!cqlen)
        return;
    r = read(6, buf, cqlen);
    if (r == -1 && errno == EINTR)
        return;
    if (r <= 0) {
        clean_lost();
        return;
    }
    for (i = 0; i < r; ++i)
        clean_reply(buf[i]);
}

/* until at most left requests are unanswered */
static void clean_wait(size_t left)
{
    while (cqlen > left)
        clean_take();
}

/* requests of one kind for ids[0..n-1], n <= CQ_MAX; for CQ_TODO,
   chans[i] says which channels ids[i] has files for, and at[i] when
   each is due (0 or no at: now).  1: sent */
static int clean_send_at(int kind, const unsigned long *ids,
                         const unsigned char *chans, time_t (*at)[NCHAN],
                         size_t n)
{
    sa req = SA_INIT;
    size_t i;
    int c;

    if (!n || flagdying)
        return 0;
    if (cqlen + n > CQ_MAX)
        clean_wait(CQ_MAX - n);
    for (i = 0; i < n; ++i)
        if (!sa_cats(&req, cqwhat[kind]) || !sa_catulong(&req, ids[i]) ||
            !sa_0(&req)) {
            nomem();
            sa_free(&req);
            for (i = 0; i < n; ++i)
                if (kind == CQ_DONE)
                    pq_insert(&pqfoop, recent + SLEEP_SYSFAIL, ids[i]);
                else if (kind == CQ_DTODO)
                    pq_insert(&pqdtodo, recent + SLEEP_SYSFAIL, ids[i]);
                else if (kind == CQ_TODO)
                    nodirect(ids[i]);
            return 0; /* CQ_TODO: todo/N stays, to be preprocessed again */
        }
    if (write_all(5, req.s, req.len) == -1) {
        sa_free(&req);
        clean_lost();
        return 0;
    }
    sa_free(&req);
    for (i = 0; i < n; ++i) {
        struct cqe *e = &cq[(cqhead + cqlen++) % CQ_MAX];
        e->id = ids[i];
        e->kind = (unsigned char)kind;
        e->chans = chans ? chans[i] : 0;
        for (c = 0; c < NCHAN; ++c)
            e->at[c] = at ? at[i][c] : 0;
    }
    return 1;
}

static int clean_send(int kind, const unsigned long *ids,
                      const unsigned char *chans, size_t n)
{
    return clean_send_at(kind, ids, chans, 0, n);
}

/* up to max of the numbers in q (those due, or all) as requests of
   kind; 1 if any went */
static int pq_clean(prioq *q, int kind, size_t max, int all)
{
    unsigned long ids[CQ_MAX];
    prioq_elt e;
    size_t n = 0;

    while (n < max && prioq_min(q, &e) && (all || e.dt <= recent)) {
        ids[n++] = e.id;
        prioq_delmin(q);
    }
    return n && clean_send(kind, ids, 0, n);
}

/* 1 + the kind of an unanswered request about message id; 0: none */
static int clean_pending(unsigned long id)
{
    size_t i;

    for (i = 0; i < cqlen; ++i)
        if (cq[(cqhead + i) % CQ_MAX].id == id &&
            cq[(cqhead + i) % CQ_MAX].kind != CQ_SYNC)
            return 1 + cq[(cqhead + i) % CQ_MAX].kind;
    return 0;
}

/* until no request about message id is unanswered */
static void clean_settle(unsigned long id)
{
    while (clean_pending(id))
        clean_take();
}

/* ---- the queue at start ---- */

/* each message in info/ goes into the heaps of its channels */
static void pqadd(unsigned long id)
{
    struct stat st;
    int c, any = 0;
    static const char *const dirs[NCHAN] = {"local", "remote"};

    if (stat(fname(&fn1, "info", id, 1), &st) == -1) {
        if (errno != ENOENT)
            goto fail;
        return;
    }
    if (stat(fname(&fn1, "todo", id, 0), &st) == 0)
        return; /* it will be preprocessed again */
    for (c = 0; c < NCHAN; ++c) {
        if (stat(fname(&fn1, dirs[c], id, 1), &st) == 0) {
            pq_insert(&ch[c].pq, st.st_mtime, id);
            any = 1;
        } else if (errno != ENOENT)
            goto fail;
    }
    if (!any)
        pq_insert(&pqdone, recent, id);
    return;
fail:
    LOGS("warning: unable to stat ", fn1.s, "; will try again later");
    pq_insert(&pqfail, recent + SLEEP_SYSFAIL, id);
}

static void scan_info(void)
{
    int i;
    DIR *d;
    struct dirent *e;
    unsigned long id;
    sa dn = SA_INIT;

    for (i = 0; i < AUTO_SPLIT; ++i) {
        dn.len = 0;
        if (!sa_cats(&dn, "info/") || !sa_catulong(&dn, (unsigned long)i) ||
            !sa_0(&dn)) {
            nomem();
            --i;
            continue;
        }
        while (!(d = opendir(dn.s))) {
            LOGS("alert: unable to opendir ", dn.s, ", sleeping...");
            log_flush();
            sleep(10);
        }
        while ((e = readdir(d)))
            if (scan_digits(e->d_name) &&
                scan_ulong(e->d_name, strlen(e->d_name), &id))
                pqadd(id);
        closedir(d);
    }
    sa_free(&dn);
}

/* ---- todo preprocessing (2.4) ----
 * Messages are preprocessed in batches: each one's info and channel
 * files are written, then the whole batch is fsynced together (files,
 * then each directory once), and only then is todo/N removed.  On a
 * journalling filesystem the batch shares one commit, so durability
 * costs about the same for one message as for a hundred.  From
 * SYNCFS_MIN messages on, one syncfs(2) of the queue's filesystem
 * replaces the per-file and per-directory fsyncs: it flushes every file
 * and directory entry of the batch (and whatever else is dirty there)
 * with a single cache flush, where the fsyncs would flush once each.
 *
 * That syncfs is qmail-clean's ("sync/N"), so that qmail-send goes on
 * meanwhile: it reads reports, starts deliveries and preprocesses the
 * next batch while the batch before waits "in flight" for the answer.
 * One batch at most is in flight; the next waits for it before its own
 * request goes.  Only after a '+' is todo/N removed, as before; the
 * syncfs reports any writeback error on the filesystem since
 * qmail-clean started (it opens the queue once), and after a '!' the
 * batch falls back to the fsyncs, which tell which files are affected.
 * A batch smaller than SYNCFS_MIN is fsynced at once, here. */

#define TODO_BATCH 128
#define TODO_STEP 8 /* names read from todo/ in one turn of the loop */
#define SYNCFS_MIN 4

struct pre {
    unsigned long id;
    int ok;
    int infofd;
    off_t infolen; /* bytes written to infofd */
    sa info;       /* its F record, as info/N holds it */
    int fd[NCHAN];
    sa buf[NCHAN];
    time_t at[NCHAN]; /* when channel c is due; 0: at once */
    time_t birth;     /* info/N's mtime to give it; 0: as written */
    sa sp[NCHAN + 1]; /* a spare's name, until it is in place; [NCHAN]: info */
    sa sender;        /* the first F record, as info_sender would read it */
    int hassender;
    int old; /* queued before this qmail-send began: a crash of an
                earlier one may have left files for it */
};

/*
 * The senders of the messages preprocessed lately, so that the pass
 * that starts a moment later need not read info/N back: the sender and
 * info/N's mtime, as info_sender gives them.  An entry is filled when
 * the batch is on disk, dropped when its message is preprocessed again
 * or finished; a number not in it is read from info/N as always.
 */
#define SCACHE 256
static struct scache {
    unsigned long id;
    int ok;
    time_t birth;
    sa sender;
} scache[SCACHE];

static void scache_drop(unsigned long id)
{
    if (scache[id % SCACHE].id == id)
        scache[id % SCACHE].ok = 0;
}

/* a new queue file: a spare when there is one, its name in *SP until
   qfile_place puts it at FN, replacing any FN a crash left; else FN,
   created after such a leftover is removed */
static int qfile_new(const char *fn, sa *sp)
{
    int fd = qspare_take(&spares, sp);

    if (fd != -1)
        return fd;
    sp->len = 0;
    if (unlink(fn) == -1 && errno != ENOENT)
        return -1;
    return open_excl(fn, 0600);
}

static int qfile_place(int fd, off_t len, sa *sp, const char *fn)
{
    int r;

    if (!sp->len)
        return 1;
    r = qspare_place(fd, len, sp, fn) == 0;
    sp->len = 0;
    return r;
}

/* a spare taken but not placed (the message failed): removed */
static void qfile_drop(sa *sp)
{
    if (sp->len)
        unlink(sp->s);
    sp->len = 0;
}

static struct pre pres[2][TODO_BATCH];
static struct pre *batch = pres[0]; /* being filled */
static size_t nbatch;
static struct pre *flight = pres[1]; /* waiting for qmail-clean's sync */
static size_t nflight;
enum { FLIGHT_NONE, FLIGHT_WAIT, FLIGHT_OK, FLIGHT_FAIL };
static int flightstate;
static unsigned long flightseq;

static int pre_recip(struct pre *p, const char *a, size_t n)
{
    sa out = SA_INIT;
    int r = rewrite_recip(&cf.rw, a, n, &out);
    int c;

    if (!r) {
        sa_free(&out);
        nomem();
        return 0;
    }
    c = r == REWRITE_LOCAL ? CH_LOCAL : CH_REMOTE;
    r = sa_append(&p->buf[c], 'T') && sa_cat(&p->buf[c], &out) &&
        sa_0(&p->buf[c]);
    sa_free(&out);
    if (!r)
        nomem();
    return r;
}

static void log_info(unsigned long id, const char *s, size_t len, off_t size,
                     unsigned long pid, unsigned long uid)
{
    line.len = 0;
    if (sa_cats(&line, "info msg ") && sa_catulong(&line, id) &&
        sa_cats(&line, ": bytes ") && sa_catulong(&line, (unsigned long)size) &&
        sa_cats(&line, " from <") && bounce_safe(&line, s, len) &&
        sa_cats(&line, "> qp ") && sa_catulong(&line, pid) &&
        sa_cats(&line, " uid ") && sa_catulong(&line, uid) &&
        sa_append(&line, '\n'))
        log_line(&line);
}

/* records of todo/N into p's info and channel buffers */
static int pre_records(const sa *todo, struct pre *p, off_t size)
{
    size_t pos = 0, start, len;
    char type;
    unsigned long uid = 0, pid = 0;
    int r, ok = 1;

    while (ok &&
           (r = rec_next(todo->s, todo->len, &pos, &type, &start, &len)) == 1) {
        const char *t = todo->s + start;
        if (type == 'u')
            scan_ulong(t, len, &uid);
        else if (type == 'p')
            scan_ulong(t, len, &pid);
        else if (type == 'F') {
            if (!p->hassender) {
                p->hassender = sa_copyb(&p->sender, t, strnlen(t, len));
                if (!p->hassender)
                    nomem(); /* the sender is read from info/N instead */
            }
            if (!sa_catb(&p->info, t - 1, len + 2)) {
                nomem();
                ok = 0;
            } else
                log_info(p->id, t, len, size, pid, uid);
        } else if (type == 'T')
            ok = pre_recip(p, t, len);
        else {
            LOGS("warning: unknown record type in ",
                 fname(&fn1, "todo", p->id, 0));
            ok = 0;
        }
    }
    return ok && r == 0;
}

/* steps 1 to 3: todo/N read into p; 1 ok, 0 skipped (it stays in
   todo/), -1 gone: a name read from the directory before qmail-clean
   removed it (a message delivered from todo/ meanwhile) */
static int pre_read(struct pre *p)
{
    struct stat st;
    sa todo = SA_INIT;
    int ok = 0;

    scache_drop(p->id);
    switch (ctl_slurp(fname(&fn2, "todo", p->id, 0), &todo)) {
    case 1:
        break;
    case 0:
        ok = -1;
        goto out;
    default:
        LOGS("warning: unable to open ", fn2.s);
        goto out;
    }
    if (stat(fname(&fn1, "mess", p->id, 1), &st) == -1) {
        LOGS("warning: unable to stat ", fn1.s);
        goto out;
    }
    p->old = st.st_ctime <= started;
    LOGS("new msg ", num(p->id));
    ok = pre_records(&todo, p, st.st_size);
out:
    sa_free(&todo);
    return ok;
}

/* steps 4 to 6: p's info and channel files written and in place; 1
   ok, 0 not (it stays in todo/).  For a message fresh from todo/, a
   bounce/N is one that a crash left (direct, below), and goes: every
   recipient is tried again */
static int pre_write(struct pre *p, int fresh)
{
    int c;

    if (fresh && unlink(fname(&fn1, "bounce", p->id, 0)) == -1 &&
        errno != ENOENT) {
        LOGS("warning: unable to unlink ", fn1.s);
        return 0;
    }
    p->infofd = qfile_new(fname(&fn1, "info", p->id, 1), &p->sp[NCHAN]);
    if (p->infofd == -1) {
        LOGS("warning: unable to create ", fn1.s);
        return 0;
    }
    if (write_all(p->infofd, p->info.s, p->info.len) == -1) {
        LOGS("warning: trouble writing to ", fn1.s);
        return 0;
    }
    p->infolen = (off_t)p->info.len;
    for (c = 0; c < NCHAN; ++c) {
        if (!p->buf[c].len)
            continue;
        p->fd[c] = qfile_new(fname(&fn1, chname[c], p->id, 1), &p->sp[c]);
        if (p->fd[c] == -1) {
            LOGS("warning: unable to create ", fn1.s);
            return 0;
        }
        if (write_all(p->fd[c], p->buf[c].s, p->buf[c].len) == -1) {
            LOGS("warning: trouble writing to ", fn1.s);
            return 0;
        }
    }
    /* a channel file a crash left for a channel not used now */
    for (c = 0; c < NCHAN; ++c)
        if (p->fd[c] == -1 && unlink(fname(&fn1, chname[c], p->id, 1)) == -1 &&
            errno != ENOENT) {
            LOGS("warning: unable to unlink ", fn1.s);
            return 0;
        }
    /* spares go into place once written, info/N last */
    for (c = 0; c < NCHAN; ++c)
        if (p->fd[c] != -1 &&
            !qfile_place(p->fd[c], (off_t)p->buf[c].len, &p->sp[c],
                         fname(&fn1, chname[c], p->id, 1))) {
            LOGS("warning: unable to create ", fn1.s);
            return 0;
        }
    if (!qfile_place(p->infofd, p->infolen, &p->sp[NCHAN],
                     fname(&fn1, "info", p->id, 1))) {
        LOGS("warning: unable to create ", fn1.s);
        return 0;
    }
    /* the retry schedule and queuelifetime count from p->birth; the
       last instant of that second keeps info/N no older than the
       message file, written before (see messdone_ready) */
    if (p->birth) {
        struct timespec ts[2] = {{0, UTIME_OMIT}, {p->birth, 999999999}};
        if (futimens(p->infofd, ts) == -1)
            LOGS("warning: unable to utime ", fn1.s);
    }
    return 1;
}

static int pre_fsync(struct pre *p)
{
    int c;

    if (fsync(p->infofd) == -1) {
        LOGS("warning: trouble fsyncing ", fname(&fn1, "info", p->id, 1));
        return 0;
    }
    for (c = 0; c < NCHAN; ++c)
        if (p->fd[c] != -1 && fsync(p->fd[c]) == -1) {
            LOGS("warning: trouble fsyncing ",
                 fname(&fn1, chname[c], p->id, 1));
            return 0;
        }
    return 1;
}

/* each directory that gained an entry in batch b of n, once */
static int batch_dirsync(const struct pre *b, size_t n)
{
    static const char *const dirs[3] = {"local/", "remote/", "info/"};
    unsigned char need[3][AUTO_SPLIT];
    size_t i;
    int c, s;
    sa dn = SA_INIT;

    memset(need, 0, sizeof need);
    for (i = 0; i < n; ++i) {
        if (!b[i].ok)
            continue;
        need[2][b[i].id % AUTO_SPLIT] = 1;
        for (c = 0; c < NCHAN; ++c)
            if (b[i].fd[c] != -1)
                need[c][b[i].id % AUTO_SPLIT] = 1;
    }
    for (c = 0; c < 3; ++c)
        for (s = 0; s < AUTO_SPLIT; ++s) {
            if (!need[c][s])
                continue;
            dn.len = 0;
            if (!sa_cats(&dn, dirs[c]) || !sa_catulong(&dn, (unsigned long)s) ||
                !sa_0(&dn) || dir_fsync(dn.s) == -1) {
                LOGS("warning: trouble fsyncing ", dn.len ? dn.s : dirs[c]);
                sa_free(&dn);
                return 0;
            }
        }
    sa_free(&dn);
    return 1;
}

/* steps 7 to 9 for batch b of nb, whose files are on disk already
   if synced (by a syncfs) */
static void batch_commit(struct pre *b, size_t nb, int synced)
{
    unsigned long ids[TODO_BATCH];
    unsigned char chans[TODO_BATCH];
    time_t at[TODO_BATCH][NCHAN];
    size_t i, n;
    int c, dirs_ok;

    if (synced)
        dirs_ok = 1;
    else {
        for (i = 0; i < nb; ++i)
            if (b[i].ok && !pre_fsync(&b[i]))
                b[i].ok = 0;
        dirs_ok = batch_dirsync(b, nb);
    }
    /* todo/N goes for every message now safely in place; each is queued
       for its channels once qmail-clean has done that (clean_reply) */
    for (n = 0, i = 0; dirs_ok && i < nb; ++i)
        if (b[i].ok) {
            ids[n] = b[i].id;
            chans[n] = 0;
            for (c = 0; c < NCHAN; ++c) {
                if (b[i].fd[c] != -1)
                    chans[n] |= (unsigned char)(1u << c);
                at[n][c] = b[i].at[c];
            }
            ++n;
        }
    for (i = 0; dirs_ok && i < nb; ++i) {
        struct pre *p = &b[i];
        struct scache *e = &scache[p->id % SCACHE];
        struct stat st;
        if (p->ok && p->hassender && fstat(p->infofd, &st) == 0 &&
            sa_copy(&e->sender, &p->sender)) {
            e->id = p->id;
            e->birth = st.st_mtime;
            e->ok = 1;
        }
    }
    if (n)
        clean_send_at(CQ_TODO, ids, chans, at, n);
    for (i = 0; i < nb; ++i) {
        struct pre *p = &b[i];
        /* todo/N stays, perhaps with some of the files: the next
           attempt preprocesses it, which replaces them */
        if (!p->ok || !dirs_ok)
            nodirect(p->id);
        p->hassender = 0;
        p->info.len = 0;
        if (p->infofd != -1)
            close(p->infofd);
        qfile_drop(&p->sp[NCHAN]);
        for (c = 0; c < NCHAN; ++c) {
            if (p->fd[c] != -1)
                close(p->fd[c]);
            qfile_drop(&p->sp[c]);
            p->buf[c].len = 0;
            p->at[c] = 0;
        }
    }
}

/* qmail-clean's answer to the flight's sync (clean_reply) */
static void flight_answer(int ok)
{
    if (flightstate == FLIGHT_WAIT)
        flightstate = ok ? FLIGHT_OK : FLIGHT_FAIL;
}

/* the batch in flight committed once its answer is there; with wait,
   after waiting for it (without qmail-clean: its files are fsynced
   here, and todo/N stays for the next start) */
static void flight_land(int wait)
{
    while (wait && flightstate == FLIGHT_WAIT && cqlen)
        clean_take();
    if (flightstate == FLIGHT_WAIT && (wait || !cqlen))
        flightstate = FLIGHT_FAIL;
    if (flightstate == FLIGHT_NONE || flightstate == FLIGHT_WAIT)
        return;
    batch_commit(flight, nflight, flightstate == FLIGHT_OK);
    nflight = 0;
    flightstate = FLIGHT_NONE;
}

/* 1 if message id is among b[0..n-1] */
static int pres_has(const struct pre *b, size_t n, unsigned long id)
{
    size_t i;

    for (i = 0; i < n; ++i)
        if (b[i].id == id)
            return 1;
    return 0;
}

/* the batch filled: in flight if big enough, else committed now */
static void batch_end(void)
{
    struct pre *t;
    size_t i, ok = 0;

    for (i = 0; i < nbatch; ++i)
        ok += (size_t)batch[i].ok;
    if (ok < SYNCFS_MIN || flagdying) {
        batch_commit(batch, nbatch, 0);
        nbatch = 0;
        return;
    }
    flight_land(1);
    t = flight;
    flight = batch;
    nflight = nbatch;
    batch = t;
    nbatch = 0;
    flightstate = FLIGHT_WAIT;
    ++flightseq;
    if (!clean_send(CQ_SYNC, &flightseq, 0, 1)) {
        flightstate = FLIGHT_FAIL; /* no qmail-clean, or no memory */
        flight_land(0);
    }
}

/* ---- delivery straight from todo/ ----
 * Most messages are delivered at the first try, and for them info/N and
 * the channel files would be written, fsynced and removed again without
 * ever being read.  So a message read from todo/ is kept in memory
 * first ("direct"), with todo/N left in place: its recipients go to the
 * channels from there.  When every delivery has succeeded, qmail-clean's
 * done/N removes intd/N, todo/N and then the message file, and "end
 * msg" is logged as always.  When one has not (a deferral, a failure, a
 * mangled report), the message is preprocessed after all once its
 * deliveries are over: info/N and the files of the channels with
 * recipients left, done ones marked D, and bounce/N with the failures,
 * fsynced with the next batch before todo/N goes; a channel that was
 * tried is due at its next retry.  So is a message that waited
 * DIRECT_WAIT seconds for a free slot, one whose channel is held
 * (concurrency 0), and one half delivered when qmail-send stops.
 * Past DIRECT_MAX messages, or DIRECT_BYTES of records, in memory, and
 * for a message whose records pass DIRECT_BIG (a long recipient list),
 * new ones are preprocessed at once.
 *
 * A crash before todo/N goes means that it is read again at the next
 * start and every recipient tried again: a delivery may be repeated
 * (design 5: at least once), none is lost.  Files a crash left for the
 * number (info/N, channel files, bounce/N) are removed when it is taken
 * (only a message queued before this qmail-send began can have them).
 */
#define DIRECT_MAX 4096
#define DIRECT_BIG 16384               /* bytes of records of one message */
#define DIRECT_BYTES (4 * 1024 * 1024) /* bytes of records in memory */
#define DIRECT_KEEP 4096 /* a freed buffer bigger than this is released */
#define DIRECT_WAIT 30   /* seconds */
#define DHASH 8192       /* a power of 2, at least 2 * DIRECT_MAX */
#define DRING (2 * DIRECT_MAX)

struct direct {
    int used;
    unsigned long id;
    time_t birth;        /* when taken: info/N's mtime, if it is written */
    sa info;             /* the F record, as info/N would hold it */
    sa buf[NCHAN];       /* channel records, a done one marked D */
    time_t retry[NCHAN]; /* channel c's next retry, from its pass's start */
    unsigned char wait;  /* bit c: channel c's pass not begun */
    unsigned char open;  /* bit c: channel c's job not finished */
    int started;         /* a pass has begun */
    int failed;          /* a recipient not delivered */
    sa bounces;          /* "recipient\0text\0" for each failure */
    size_t bytes;        /* of info and buf when taken */
};
static struct direct dtab[DIRECT_MAX];
static size_t dfree[DIRECT_MAX], ndfree, dtop, ndirect, dbytes;
static size_t dhash[DHASH]; /* 1 + an index into dtab; 0: empty */
/* for each channel, the messages waiting for their pass, oldest first;
   an entry whose message has gone since is dropped when met */
static struct dring {
    struct {
        size_t dx;
        unsigned long id;
    } e[DRING];
    size_t head, len;
} dring[NCHAN];

static size_t dh_slot(unsigned long id)
{
    return (size_t)(id * 2654435761UL) & (DHASH - 1);
}

/* the index of message id in dtab, -1 if it is not there */
static long direct_find(unsigned long id)
{
    size_t i = dh_slot(id);

    for (; dhash[i]; i = (i + 1) & (DHASH - 1))
        if (dtab[dhash[i] - 1].id == id)
            return (long)(dhash[i] - 1);
    return -1;
}

static void dhash_del(unsigned long id)
{
    size_t i = dh_slot(id), j, k;

    while (dhash[i] && dtab[dhash[i] - 1].id != id)
        i = (i + 1) & (DHASH - 1);
    if (!dhash[i])
        return;
    /* linear probing: the entries after the gap that may fill it move */
    for (j = (i + 1) & (DHASH - 1); dhash[j]; j = (j + 1) & (DHASH - 1)) {
        k = dh_slot(dtab[dhash[j] - 1].id);
        if (i < j ? k <= i || k > j : k <= i && k > j) {
            dhash[i] = dhash[j];
            i = j;
        }
    }
    dhash[i] = 0;
}

static void sa_keep(sa *x)
{
    x->len = 0;
    if (x->a > DIRECT_KEEP)
        sa_free(x);
}

static void direct_free(size_t dx)
{
    struct direct *d = &dtab[dx];
    int c;

    dhash_del(d->id);
    dbytes -= d->bytes;
    d->used = 0;
    sa_keep(&d->info);
    sa_keep(&d->bounces);
    for (c = 0; c < NCHAN; ++c)
        sa_keep(&d->buf[c]);
    dfree[ndfree++] = dx;
    --ndirect;
}

/* the first message waiting in channel c's ring, -1: none */
static long dring_front(int c)
{
    struct dring *r = &dring[c];

    while (r->len) {
        const struct direct *d = &dtab[r->e[r->head].dx];
        if (d->used && d->id == r->e[r->head].id && d->wait & (1u << c))
            return (long)r->e[r->head].dx;
        r->head = (r->head + 1) % DRING;
        --r->len;
    }
    return -1;
}

static void dring_pop(int c)
{
    dring[c].head = (dring[c].head + 1) % DRING;
    --dring[c].len;
}

static void sa_swap(sa *a, sa *b)
{
    sa t = *a;

    *a = *b;
    *b = t;
}

static void addbounce(unsigned long id, const char *rcpt, const char *text,
                      size_t tlen);
static time_t nextretry(time_t birth, int c);

/* p, read from todo/, kept in memory to be delivered from there; 0:
   not (it is preprocessed at once) */

static int direct_take(struct pre *p)
{
    static const char *const dirs[3] = {"info", "local", "remote"};
    struct direct *d;
    size_t dx, i,
        bytes = p->info.len + p->buf[CH_LOCAL].len + p->buf[CH_REMOTE].len;
    int c, any = 0;

    if (flagexit || flagdying || ndirect >= DIRECT_MAX || p->info.len < 2 ||
        p->info.s[0] != 'F' || bytes > DIRECT_BIG ||
        dbytes + bytes > DIRECT_BYTES || nd.lost || nodirect_has(p->id))
        return 0;
    for (c = 0; c < NCHAN; ++c) {
        if (!p->buf[c].len)
            continue;
        if (!ch[c].conc || ch[c].dead || dring[c].len >= DRING)
            return 0;
        any = 1;
    }
    if (!any)
        return 0;
    /* files of an earlier attempt: only an earlier qmail-send can have
       left them (within this one, a message whose attempt left files is
       in the nodirect set: preprocessed, not taken here) */
    for (i = 0; p->old && i < 3; ++i)
        if (unlink(fname(&fn1, dirs[i], p->id, 1)) == -1 && errno != ENOENT)
            return 0;
    if (p->old && unlink(fname(&fn1, "bounce", p->id, 0)) == -1 &&
        errno != ENOENT)
        return 0;
    dx = ndfree ? dfree[--ndfree] : dtop++;
    d = &dtab[dx];
    d->used = 1;
    d->id = p->id;
    d->birth = time(0); /* the message file was written before it */
    d->wait = d->open = 0;
    d->started = d->failed = 0;
    d->bounces.len = 0;
    d->bytes = bytes;
    dbytes += bytes;
    sa_swap(&d->info, &p->info);
    p->info.len = 0;
    for (c = 0; c < NCHAN; ++c) {
        d->retry[c] = 0;
        sa_swap(&d->buf[c], &p->buf[c]);
        p->buf[c].len = 0;
        if (!d->buf[c].len)
            continue;
        d->wait |= (unsigned char)(1u << c);
        i = (dring[c].head + dring[c].len++) % DRING;
        dring[c].e[i].dx = dx;
        dring[c].e[i].id = d->id;
    }
    for (i = dh_slot(d->id); dhash[i]; i = (i + 1) & (DHASH - 1))
        ;
    dhash[i] = dx + 1;
    ++ndirect;
    p->hassender = 0;
    return 1;
}

/* 1 if a 'T' record is left in b */
static int direct_left(const sa *b)
{
    size_t i = 0;

    while (i < b->len) {
        const char *z = memchr(b->s + i, 0, b->len - i);
        if (b->s[i] == 'T')
            return 1;
        if (!z)
            break;
        i = (size_t)(z - b->s) + 1;
    }
    return 0;
}

/* message dx preprocessed after all, into the batch: bounce/N, info/N
   and the files of the channels with recipients left.  info/N is dated
   now, after the message file (messdone_ready), so the message's age
   counts from its first deliveries' end */
static void direct_spill(size_t dx)
{
    struct direct *d = &dtab[dx];
    struct pre *p;
    const char *r, *t, *end;
    int c;

    if (nbatch == TODO_BATCH)
        batch_end();
    p = &batch[nbatch++];
    p->id = d->id;
    p->infofd = p->fd[CH_LOCAL] = p->fd[CH_REMOTE] = -1;
    p->infolen = 0;
    p->birth = d->birth; /* the message's age counts from when it was taken */
    for (r = d->bounces.s, end = r + d->bounces.len; r < end;
         r = t + strlen(t) + 1) {
        t = r + strlen(r) + 1;
        addbounce(d->id, r, t, strlen(t));
    }
    sa_swap(&p->info, &d->info);
    p->hassender = sa_copys(&p->sender, p->info.s + 1);
    for (c = 0; c < NCHAN; ++c) {
        p->buf[c].len = 0;
        if (!direct_left(&d->buf[c]))
            continue;
        sa_swap(&p->buf[c], &d->buf[c]);
        /* a channel whose deliveries were made is due at its next retry,
           reckoned from when its pass began (spec 2.6); one not begun, or
           stopped half-way, at once */
        p->at[c] = d->wait & (1u << c) || d->open & (1u << c) ? 0 : d->retry[c];
    }
    p->ok = pre_write(p, 0);
    direct_free(dx);
}

/* message dx's deliveries are over */
static void direct_end(size_t dx)
{
    unsigned long id = dtab[dx].id;

    if (dtab[dx].failed) {
        direct_spill(dx);
        return;
    }
    LOGS("end msg ", num(id));
    direct_free(dx);
    clean_send(CQ_DTODO, &id, 0, 1);
}

/* the messages that waited too long for a slot: preprocessed */
static void direct_expire(void)
{
    long dx;
    int c;

    for (c = 0; c < NCHAN; ++c)
        while ((dx = dring_front(c)) >= 0 && !dtab[dx].started &&
               recent >= dtab[dx].birth + DIRECT_WAIT) {
            dring_pop(c);
            direct_spill((size_t)dx);
        }
}

/* on exit: a message partly delivered is preprocessed, so that its
   done recipients are not tried again; the others stay in todo/ */
static void direct_stop(void)
{
    size_t dx;

    for (dx = 0; dx < dtop; ++dx)
        if (dtab[dx].used && dtab[dx].started)
            direct_spill(dx);
}

/* 1 if message id waits in q */
static int pq_has(const prioq *q, unsigned long id)
{
    size_t i;

    for (i = 0; i < q->len; ++i)
        if (q->p[i].id == id)
            return 1;
    return 0;
}

static void trigger_open(void)
{
    if (trigfd != -1)
        close(trigfd);
    trigfd = open("lock/trigger", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

static void todo_step(void)
{
    struct dirent *e;
    unsigned long id;
    struct pre *p;
    int k, step;

    if (!tododir) {
        trigger_open();
        tododir = opendir("todo");
        if (!tododir) {
            LOGS("alert: unable to opendir todo, sleeping...");
            log_flush();
            sleep(10);
            return;
        }
        nexttodo = recent + SLEEP_TODO;
    }
    for (step = 0; step < TODO_STEP && nbatch < TODO_BATCH;) {
        e = readdir(tododir);
        if (!e) {
            closedir(tododir);
            tododir = 0;
            break;
        }
        if (!scan_digits(e->d_name) ||
            !scan_ulong(e->d_name, strlen(e->d_name), &id))
            continue;
        /* being delivered from todo/, or preprocessed after that */
        if (direct_find(id) >= 0 || pres_has(batch, nbatch, id) ||
            pq_has(&pqdtodo, id))
            continue;
        ++step;
        if (pres_has(flight, nflight, id))
            flight_land(1);
        /* a request about this number unanswered: see qmail-clean above */
        k = clean_pending(id);
        if (k) {
            clean_settle(id);
            if (k == CQ_TODO + 1 || k == CQ_DTODO + 1)
                continue; /* met again, and gone now */
        }
        p = &batch[nbatch];
        p->id = id;
        p->infofd = p->fd[CH_LOCAL] = p->fd[CH_REMOTE] = -1;
        p->infolen = 0;
        p->birth = 0;
        p->ok = pre_read(p);
        if (p->ok == -1)
            continue;
        if (p->ok && direct_take(p))
            continue;
        if (p->ok)
            p->ok = pre_write(p, 1);
        ++nbatch;
    }
    /* the batch goes when full, or at the end of the scan */
    if (nbatch && (nbatch == TODO_BATCH || !tododir))
        batch_end();
}

/* ---- bounces (2.8) ---- */

static void addbounce(unsigned long id, const char *rcpt, const char *text,
                      size_t tlen)
{
    sa e = SA_INIT;
    const char *at = strrchr(rcpt, '@');
    const char *p;
    size_t plen, rlen = strlen(rcpt);
    int fd;

    if (at && rewrite_vprefix(&cf.rw, at + 1, strlen(at + 1), &p, &plen) &&
        rlen > plen && !memcmp(rcpt, p, plen) && rcpt[plen] == '-') {
        rcpt += plen + 1;
        rlen -= plen + 1;
    }
    while (!bounce_entry(&e, rcpt, rlen, text, tlen))
        nomem();
    for (;;) {
        fd = open_append(fname(&fn1, "bounce", id, 0));
        if (fd != -1 && write_all(fd, e.s, e.len) == 0 && close(fd) == 0)
            break;
        if (fd != -1)
            close(fd);
        LOGS("alert: unable to append to bounce message; HELP! sleeping...");
        log_flush();
        sleep(10);
    }
    sa_free(&e);
}

static int info_sender(unsigned long id, sa *sender, time_t *birth)
{
    sa buf = SA_INIT;
    struct stat st;
    int r = ctl_slurp(fname(&fn1, "info", id, 1), &buf);
    int ok = 0;

    if (r == 1 && stat(fn1.s, &st) == 0 && buf.len >= 2 && buf.s[0] == 'F' &&
        buf.s[buf.len - 1] == 0) {
        ok = sa_copyb(sender, buf.s + 1, strlen(buf.s + 1));
        if (birth)
            *birth = st.st_mtime;
    }
    sa_free(&buf);
    return ok;
}

static int copyfile(qq *q, const char *fn)
{
    char buf[8192];
    ssize_t r;
    int fd = open_read(fn);

    if (fd == -1)
        return 0;
    while ((r = read_all(fd, buf, sizeof buf)) > 0)
        qq_put(q, buf, (size_t)r);
    close(fd);
    return r == 0;
}

/* 1 done (or nothing to do), 0 try again later */
static int injectbounce(unsigned long id)
{
    sa sender = SA_INIT, msg = SA_INIT, to = SA_INIT;
    struct stat st;
    qq q;
    const char *r;
    int dbl, ok = 0;

    if (stat(fname(&fn2, "bounce", id, 0), &st) == -1)
        return errno == ENOENT; /* nothing to bounce: info/N not needed */
    if (!info_sender(id, &sender, 0))
        return 0;
    if (sender.len >= 4 && !memcmp(sender.s + sender.len - 4, "-@[]", 4))
        sender.len -= 4;
    if (sender.len == 4 && !memcmp(sender.s, "#@[]", 4)) {
        LOGS("triple bounce: discarding bounce/", num(id));
        ok = unlink(fn2.s) == 0 || errno == ENOENT;
        sa_free(&sender);
        return ok;
    }
    dbl = sender.len == 0;
    if (dbl) {
        if (!sa_copy(&to, &cf.dblto) || !sa_append(&to, '@') ||
            !sa_cat(&to, &cf.dblhost))
            goto out;
    } else if (!sa_copy(&to, &sender))
        goto out;
    if (!bounce_head(&msg, time(0), &cf.bouncefrom, &cf.bouncehost, to.s,
                     to.len, dbl) ||
        !sa_0(&to))
        goto out;
    if (qq_start(&q) == -1) {
        LOGS("warning: unable to start qmail-queue, will try later");
        goto out;
    }
    qq_put(&q, msg.s, msg.len);
    if (!copyfile(&q, fn2.s))
        qq_fail(&q);
    msg.len = 0;
    if (!bounce_tail(&msg, sender.s, sender.len, dbl))
        qq_fail(&q);
    qq_put(&q, msg.s, msg.len);
    if (!copyfile(&q, fname(&fn1, "mess", id, 1)))
        qq_fail(&q);
    qq_from(&q, dbl ? "#@[]" : "");
    qq_to(&q, to.s);
    r = qq_close(&q);
    if (*r) {
        LOGS("warning: trouble injecting bounce message, will try later");
        goto out;
    }
    LOGS("bounce msg ", num(id), " qp ", num(qq_qp(&q)));
    if (unlink(fname(&fn2, "bounce", id, 0)) == -1) {
        LOGS("warning: unable to unlink ", fn2.s);
        goto out;
    }
    ok = 1;
out:
    sa_free(&sender);
    sa_free(&msg);
    sa_free(&to);
    return ok;
}

/* is message id ready to go: no todo/, local/ or remote/ file left,
   its info/ still there, its bounce (if any) injected; "end msg" is
   logged then.  0: not now (and, after a failure, retried later) */
static int ts_after(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec > b->tv_sec ||
           (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

static int messdone_ready(unsigned long id)
{
    struct stat st, ms, bs;
    static const char *const dirs[2] = {"local", "remote"};
    int c;

    if (stat(fname(&fn1, "todo", id, 0), &st) == 0)
        return 0;
    for (c = 0; c < 2; ++c)
        if (stat(fname(&fn1, dirs[c], id, 1), &st) == 0)
            return 0;
    if (stat(fname(&fn1, "info", id, 1), &st) == -1)
        return 0;
    /* an info/N whose message file is gone, or one that a crash of an
       older qmail-send left after the message file (which it removed
       first): the number, its inode recycled, may already be a newer
       message's, linked after info/N was written, which must not be
       touched.  Only info/N goes then.  A bounce still to be sent says
       info/N is its message's own: a chmod or a restore from a backup
       changes the ctime too, and the bounce must not be lost */
    if (stat(fname(&fn2, "mess", id, 1), &ms) == -1
            ? errno == ENOENT
            : ts_after(&ms.st_ctim, &st.st_mtim) &&
                  stat(fname(&fn2, "bounce", id, 0), &bs) == -1 &&
                  errno == ENOENT) {
        if (qspare_put(&spares, fname(&fn1, "info", id, 1)) == -1 &&
            errno != ENOENT) {
            LOGS("warning: unable to unlink ", fn1.s, "; will try again later");
            pq_insert(&pqdone, recent + SLEEP_SYSFAIL, id);
        }
        return 0;
    }
    if (!injectbounce(id)) {
        pq_insert(&pqdone, recent + SLEEP_SYSFAIL, id);
        return 0;
    }
    LOGS("end msg ", num(id));
    return 1;
}

/*
 * The messages ids[0..n-1], ready, leave the queue (spec 2.8): info/N
 * first, then the message files by foop requests to qmail-clean.  A
 * crash in between leaves a message file with neither info/ nor todo/
 * file, which cleanup_step removes after 36 hours; its number cannot
 * be given to a new message before then.  n <= DONE_BATCH.
 */
static void messdone_finish(const unsigned long *ids, size_t n)
{
    unsigned long go[DONE_BATCH];
    size_t i, k = 0;

    for (i = 0; i < n; ++i) {
        scache_drop(ids[i]);
        if (qspare_put(&spares, fname(&fn1, "info", ids[i], 1)) == -1 &&
            errno != ENOENT) {
            LOGS("warning: unable to unlink ", fn1.s, "; will try again later");
            pq_insert(&pqdone, recent + SLEEP_SYSFAIL, ids[i]);
            continue;
        }
        go[k++] = ids[i];
    }
    clean_send(CQ_DONE, go, 0, k);
}

/* ---- jobs and passes (2.6) ---- */

static unsigned long isqrt(unsigned long x)
{
    unsigned long r = 0, b = 1UL << (sizeof(unsigned long) * 4 - 1);

    while (b) {
        unsigned long t = r | b;
        if (t <= x / t)
            r = t;
        b >>= 1;
    }
    return r;
}

static time_t nextretry(time_t birth, int c)
{
    unsigned long n =
        recent > birth ? isqrt((unsigned long)(recent - birth)) : 0;

    n += chskip[c];
    return birth + (time_t)(n * n);
}

static void job_finish(size_t j)
{
    struct job *jb = &jobs[j];
    int c = jb->chan;
    struct stat st;

    if (jb->dx >= 0) {
        struct direct *d = &dtab[jb->dx];
        if (jb->defer)
            d->failed = 1;
        d->open &= (unsigned char)~(1u << c);
        jb->used = 0;
        sa_free(&jb->sender);
        if (!d->open && !d->wait)
            direct_end((size_t)jb->dx);
        return;
    }
    if (jb->fd != -1)
        close(jb->fd);
    jb->fd = -1;
    if (!jb->defer) {
        if (qspare_put(&spares, fname(&fn1, chname[c], jb->id, 1)) == -1 &&
            errno != ENOENT) {
            LOGS("warning: unable to unlink ", fn1.s, "; will try again later");
            pq_insert(&ch[c].pq, recent + SLEEP_SYSFAIL, jb->id);
        } else if (stat(fname(&fn1, chname[1 - c], jb->id, 1), &st) == -1 &&
                   errno == ENOENT)
            pq_insert(&pqdone, recent, jb->id);
    } else
        pq_insert(&ch[c].pq, jb->retry, jb->id);
    jb->used = 0;
    sa_free(&jb->sender);
}

static void pass_end(int c, int defer)
{
    struct chan *x = &ch[c];
    struct job *jb = &jobs[x->pj];

    x->pfd = -1; /* the job keeps it for markdone */
    x->pass = 0;
    jb->passdone = 1;
    if (defer)
        jb->defer = 1;
    if (!jb->refs)
        job_finish(x->pj);
}

static void pass_start(int c)
{
    struct chan *x = &ch[c];
    prioq_elt e;
    size_t j;
    time_t birth;
    struct job *jb;
    long dx;
    int due;

    if (x->pass || flagexit || !x->conc || x->dead)
        return;
    dx = dring_front(c);
    due = prioq_min(&x->pq, &e) && e.dt <= recent;
    if (dx < 0 && !due)
        return;
    for (j = 0; j < njobs && jobs[j].used; ++j)
        ;
    if (j == njobs)
        return;
    jb = &jobs[j];
    memset(jb, 0, sizeof *jb);
    /* in the order they came: new messages, retries that are due */
    if (dx >= 0 && (!due || dtab[dx].birth <= e.dt)) {
        struct direct *d = &dtab[dx];
        dring_pop(c);
        while (!sa_copys(&jb->sender, d->info.s + 1))
            nomem();
        jb->used = 1;
        jb->id = d->id;
        jb->chan = c;
        jb->fd = -1;
        jb->dx = dx;
        jb->retry = d->retry[c] = nextretry(d->birth, c);
        d->wait &= (unsigned char)~(1u << c);
        d->open |= (unsigned char)(1u << c);
        d->started = 1;
        x->pass = 1;
        x->pj = j;
        x->ppos = 0;
        x->pfd = -1;
        return;
    }
    jb->dx = -1;
    prioq_delmin(&x->pq);
    x->pfd =
        open(fname(&fn1, chname[c], e.id, 1), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (x->pfd != -1 && scache[e.id % SCACHE].ok &&
        scache[e.id % SCACHE].id == e.id &&
        sa_copy(&jb->sender, &scache[e.id % SCACHE].sender))
        birth = scache[e.id % SCACHE].birth;
    else if (x->pfd == -1 || !info_sender(e.id, &jb->sender, &birth)) {
        if (x->pfd != -1)
            close(x->pfd);
        LOGS("warning: trouble opening ", fn1.s, "; will try again later");
        pq_insert(&x->pq, recent + SLEEP_SYSFAIL, e.id);
        sa_free(&jb->sender);
        return;
    }
    jb->used = 1;
    jb->id = e.id;
    jb->chan = c;
    jb->fd = x->pfd;
    jb->retry = nextretry(birth, c);
    jb->dying = recent > birth + (time_t)cf.lifetime;
    x->pass = 1;
    x->pj = j;
    x->ppos = 0;
    bio_init(&x->pb, bio_readop, x->pfd, x->pbuf, sizeof x->pbuf);
}

/* sender after VERP expansion for this recipient */
static int verp(sa *out, const sa *s, const char *r, size_t rlen)
{
    const char *at = memrchr(r, '@', rlen);
    size_t i;

    if (s->len < 4 || memcmp(s->s + s->len - 4, "-@[]", 4) || !at)
        return sa_copy(out, s);
    for (i = s->len - 4; i > 0 && s->s[i - 1] != '@'; --i)
        ;
    if (!i)
        return sa_copy(out, s);
    /* pre@host-@[] + box@dom => prebox=dom@host */
    return sa_copyb(out, s->s, i - 1) && sa_catb(out, r, (size_t)(at - r)) &&
           sa_append(out, '=') &&
           sa_catb(out, at + 1, rlen - (size_t)(at - r) - 1) &&
           sa_append(out, '@') && sa_catb(out, s->s + i, s->len - 4 - i);
}

static void del_start(int c, const char *r, size_t rlen, off_t off)
{
    struct chan *x = &ch[c];
    struct job *jb = &jobs[x->pj];
    sa snd = SA_INIT;
    unsigned long s;
    char slot;

    for (s = 0; s < x->conc && x->d[s].used; ++s)
        ;
    if (s == x->conc)
        BUG();
    slot = (char)s;
    x->cmd.len = 0;
    x->cmdpos = 0;
    while (!verp(&snd, &jb->sender, r, rlen) || !sa_copyb(&x->cmd, &slot, 1) ||
           !sa_catulong(&x->cmd, jb->id % AUTO_SPLIT) ||
           !sa_append(&x->cmd, '/') || !sa_catulong(&x->cmd, jb->id) ||
           !sa_0(&x->cmd) || !sa_cat(&x->cmd, &snd) || !sa_0(&x->cmd) ||
           !sa_catb(&x->cmd, r, rlen) || !sa_0(&x->cmd))
        nomem();
    sa_free(&snd);
    x->d[s].used = 1;
    x->d[s].job = x->pj;
    x->d[s].off = off;
    x->d[s].dnum = ++dnum;
    while (!sa_copyb(&x->d[s].rcpt, r, rlen))
        nomem();
    ++x->used;
    ++jb->refs;
    line.len = 0;
    if (sa_cats(&line, "starting delivery ") && sa_catulong(&line, dnum) &&
        sa_cats(&line, ": msg ") && sa_catulong(&line, jb->id) &&
        sa_cats(&line, c == CH_LOCAL ? " to local " : " to remote ") &&
        bounce_safe(&line, r, rlen) && sa_append(&line, '\n'))
        log_line(&line);
    log_status();
}

/* the pass's next record into x->prec: 1, 0 at the end, -1 trouble */
static int pass_record(struct chan *x, const struct job *jb)
{
    const sa *b;
    const char *s, *z;

    if (jb->dx < 0)
        return bio_getln(&x->pb, &x->prec, 0, RECORD_MAX);
    b = &dtab[jb->dx].buf[jb->chan];
    if ((size_t)x->ppos >= b->len)
        return 0;
    s = b->s + x->ppos;
    z = memchr(s, 0, b->len - (size_t)x->ppos);
    if (!z)
        return -1;
    while (!sa_copyb(&x->prec, s, (size_t)(z - s) + 1))
        nomem();
    return 1;
}

static void pass_step(int c)
{
    struct chan *x = &ch[c];
    int r;

    while (x->pass && x->used < x->conc && !x->cmd.len && !x->dead &&
           !flagexit) {
        off_t off = x->ppos;
        r = pass_record(x, &jobs[x->pj]);
        if (r == 0) {
            pass_end(c, 0);
            return;
        }
        if (r == -1 || x->prec.s[x->prec.len - 1] != 0) {
            LOGS("warning: trouble reading ",
                 fname(&fn1, chname[c], jobs[x->pj].id, 1),
                 "; will try again later");
            pass_end(c, 1);
            return;
        }
        x->ppos += (off_t)x->prec.len;
        if (x->prec.s[0] == 'T')
            del_start(c, x->prec.s + 1, x->prec.len - 2, off);
        else if (x->prec.s[0] != 'D') {
            LOGS("warning: unknown record type in ",
                 fname(&fn1, chname[c], jobs[x->pj].id, 1), "!");
            pass_end(c, 1);
            return;
        }
    }
}

static void markdone(int c, const struct job *jb, off_t off)
{
    if (jb->dx >= 0)
        dtab[jb->dx].buf[c].s[off] = 'D';
    else if (pwrite(jb->fd, "D", 1, off) != 1)
        LOGS("warning: trouble marking ", fname(&fn1, chname[c], jb->id, 1),
             "; message will be delivered twice!");
}

static void report(int c, unsigned char slot, char code, const char *text,
                   size_t tlen)
{
    struct chan *x = &ch[c];
    struct del *d;
    struct job *jb;
    sa t = SA_INIT;
    static const char toolong[] = "I'm not going to try again; this "
                                  "message has been in the queue too long.\n";

    if (slot >= x->conc || !x->d[slot].used) {
        LOGS("warning: internal error: delivery report out of range");
        return;
    }
    d = &x->d[slot];
    jb = &jobs[d->job];
    if (code == 'Z' && jb->dying) {
        code = 'D';
        while (!sa_copyb(&t, text, tlen) || !sa_cats(&t, toolong))
            nomem();
        text = t.s;
        tlen = t.len;
    }
    line.len = 0;
    if (sa_cats(&line, "delivery ") && sa_catulong(&line, d->dnum)) {
        if (code == 'K' || code == 'Z' || code == 'D') {
            if (sa_cats(&line, code == 'K'   ? ": success: "
                               : code == 'Z' ? ": deferral: "
                                             : ": failure: ") &&
                bounce_safe(&line, text, tlen) && sa_append(&line, '\n'))
                log_line(&line);
        } else if (sa_cats(&line, ": report mangled, will defer\n"))
            log_line(&line);
    }
    if (code == 'D') {
        while (!sa_0(&d->rcpt))
            nomem();
        if (jb->dx >= 0) { /* bounce/N is written with info/N */
            sa *b = &dtab[jb->dx].bounces;
            while (!sa_readyplus(b, d->rcpt.len + tlen + 1))
                nomem();
            if (!sa_cat(b, &d->rcpt) || !sa_catb(b, text, tlen) || !sa_0(b))
                BUG();
            dtab[jb->dx].failed = 1;
        } else
            addbounce(jb->id, d->rcpt.s, text, tlen);
    }
    if (code == 'K' || code == 'D')
        markdone(c, jb, d->off);
    else
        jb->defer = 1;
    sa_free(&t);
    d->used = 0;
    --x->used;
    --jb->refs;
    log_status();
    if (jb->passdone && !jb->refs)
        job_finish(d->job);
}

/* ---- spawn I/O ---- */

static void spawn_dead(int c)
{
    if (!ch[c].dead)
        LOGS("alert: oh no! lost spawn connection! dying...");
    ch[c].dead = 1;
    flagdying = flagexit = 1;
}

static void cmd_write(int c)
{
    struct chan *x = &ch[c];
    ssize_t w;

    if (!x->cmd.len || x->dead)
        return;
    w = write(x->fdcmd, x->cmd.s + x->cmdpos, x->cmd.len - x->cmdpos);
    if (w == -1) {
        if (errno == EAGAIN || errno == EINTR)
            return;
        spawn_dead(c);
        return;
    }
    x->cmdpos += (size_t)w;
    if (x->cmdpos == x->cmd.len)
        x->cmd.len = x->cmdpos = 0;
}

static void rep_read(int c)
{
    struct chan *x = &ch[c];
    char buf[4096];
    ssize_t r = read(x->fdrep, buf, sizeof buf);
    ssize_t i;

    if (r == -1 && (errno == EAGAIN || errno == EINTR))
        return;
    if (r <= 0) {
        spawn_dead(c);
        return;
    }
    for (i = 0; i < r; ++i) {
        if (buf[i]) {
            if (x->rep.len < REPORT_MAX)
                while (!sa_append(&x->rep, buf[i]))
                    nomem();
            continue;
        }
        if (x->rep.len == 0) { /* slot byte 0 */
            while (!sa_append(&x->rep, 0))
                nomem();
            continue;
        }
        if (x->rep.len == 1) { /* a NUL code letter: mangled */
            report(c, (unsigned char)x->rep.s[0], 0, "", 0);
        } else
            report(c, (unsigned char)x->rep.s[0], x->rep.s[1], x->rep.s + 2,
                   x->rep.len - 2);
        x->rep.len = 0;
    }
}

/* ---- cleanup of stale mess files (2.9) ---- */

static void cleanup_step(void)
{
    struct dirent *e;
    struct stat st;
    unsigned long id;
    sa dn = SA_INIT;

    if (flagexit || recent < nextclean)
        return;
    if (!cleandir) {
        if (cleansplit >= AUTO_SPLIT) {
            cleansplit = 0;
            nextclean = recent + SLEEP_CLEANUP;
            return;
        }
        if (!sa_cats(&dn, "mess/") ||
            !sa_catulong(&dn, (unsigned long)cleansplit++) || !sa_0(&dn) ||
            !(cleandir = opendir(dn.s))) {
            sa_free(&dn);
            return;
        }
        sa_free(&dn);
    }
    e = readdir(cleandir);
    if (!e) {
        closedir(cleandir);
        cleandir = 0;
        return;
    }
    if (!scan_digits(e->d_name) ||
        !scan_ulong(e->d_name, strlen(e->d_name), &id))
        return;
    /* ctime as well: a message file recycled by qmail-clean keeps an
       old atime until qmail-queue, which claimed it, renews it */
    if (stat(fname(&fn1, "mess", id, 1), &st) == -1 ||
        recent <= st.st_atime + OSSIFIED || recent <= st.st_ctime + OSSIFIED)
        return;
    if (stat(fname(&fn1, "info", id, 1), &st) == 0 || errno != ENOENT)
        return;
    if (stat(fname(&fn1, "todo", id, 0), &st) == 0 || errno != ENOENT)
        return;
    clean_send(CQ_SWEEP, &id, 0, 1);
}

/* ---- the loop ---- */

static void fail_step(void)
{
    prioq_elt e;
    unsigned long ids[DONE_BATCH];
    size_t n = 0, i;

    if (prioq_min(&pqfail, &e) && e.dt <= recent) {
        prioq_delmin(&pqfail);
        pqadd(e.id);
    }
    /* the finished messages, DONE_BATCH at most in one turn; a message
       can be in pqdone twice (each channel puts it there) */
    while (n < DONE_BATCH && prioq_min(&pqdone, &e) && e.dt <= recent) {
        prioq_delmin(&pqdone);
        for (i = 0; i < n && ids[i] != e.id; ++i)
            ;
        if (i == n && clean_pending(e.id) != CQ_DONE + 1 &&
            messdone_ready(e.id))
            ids[n++] = e.id;
    }
    if (n)
        messdone_finish(ids, n);
    /* files that qmail-clean could not remove: asked again when due */
    pq_clean(&pqdtodo, CQ_DTODO, DONE_BATCH, 0);
    pq_clean(&pqfoop, CQ_DONE, DONE_BATCH, 0);
    direct_expire();
}

/* start deliveries while slots are free and the spawn takes commands
   (its pipe holds many), one pass after another */
static void channel_fill(int c)
{
    struct chan *x = &ch[c];
    unsigned long before;
    int ended;

    do {
        before = dnum;
        pass_start(c);
        ended = x->pass;
        pass_step(c);
        ended = ended && !x->pass; /* a pass is over: the next may start */
        cmd_write(c);
    } while ((dnum != before || ended) && !x->cmd.len && x->used < x->conc);
}

static time_t wakeup(void)
{
    time_t w = recent + SLEEP_FOREVER;
    prioq_elt e;
    int c;

    if (tododir && !flagexit)
        return recent;
    if (!flagexit && nexttodo < w)
        w = nexttodo;
    if (!flagexit && nextclean < w)
        w = cleandir ? recent : nextclean;
    for (c = 0; c < NCHAN; ++c) {
        long dx = dring_front(c);
        if (ch[c].pass && ch[c].used < ch[c].conc && !ch[c].cmd.len &&
            !flagexit && !ch[c].dead)
            return recent;
        if (dx >= 0 && !flagexit) {
            if (!ch[c].pass && ch[c].used < ch[c].conc && !ch[c].dead)
                return recent;
            if (!dtab[dx].started && dtab[dx].birth + DIRECT_WAIT < w)
                w = dtab[dx].birth + DIRECT_WAIT;
        }
        if (!flagexit && !ch[c].pass && ch[c].used < ch[c].conc &&
            prioq_min(&ch[c].pq, &e) && e.dt < w)
            w = e.dt;
    }
    if (prioq_min(&pqdone, &e) && e.dt < w)
        w = e.dt;
    if (prioq_min(&pqdtodo, &e) && e.dt < w)
        w = e.dt;
    if (prioq_min(&pqfoop, &e) && e.dt < w)
        w = e.dt;
    if (prioq_min(&pqfail, &e) && e.dt < w)
        w = e.dt;
    return w;
}

static int busy(void)
{
    int c;

    for (c = 0; c < NCHAN; ++c)
        if (!ch[c].dead && ch[c].used)
            return 1;
    return 0;
}

static void loop_once(void)
{
    struct pollfd p[6];
    int np = 0, c, ipoll[NCHAN][2], itrig = -1, iclean = -1;
    time_t w;
    long ms;

    for (c = 0; c < NCHAN; ++c) {
        ipoll[c][0] = ipoll[c][1] = -1;
        if (ch[c].dead)
            continue;
        p[np].fd = ch[c].fdrep;
        p[np].events = POLLIN;
        ipoll[c][0] = np++;
        if (ch[c].cmd.len) {
            p[np].fd = ch[c].fdcmd;
            p[np].events = POLLOUT;
            ipoll[c][1] = np++;
        }
    }
    if (cqlen) {
        p[np].fd = 6;
        p[np].events = POLLIN;
        iclean = np++;
    }
    if (trigfd != -1 && !flagexit && !tododir) {
        p[np].fd = trigfd;
        p[np].events = POLLIN;
        itrig = np++;
    }
    recent = time(0);
    w = wakeup();
    ms = w <= recent ? 0 : (long)(w - recent + SLEEP_FUZZ) * 1000L;
    log_flush();
    if (poll(p, (nfds_t)np, (int)ms) == -1) {
        if (errno != EINTR)
            LOGS("warning: trouble in select");
        return;
    }
    recent = time(0);
    if (iclean >= 0 && p[iclean].revents)
        clean_take();
    flight_land(0);
    for (c = 0; c < NCHAN; ++c) {
        if (ipoll[c][1] >= 0 && p[ipoll[c][1]].revents)
            cmd_write(c);
        if (ipoll[c][0] >= 0 && p[ipoll[c][0]].revents)
            rep_read(c);
    }
    /* slots freed by the reports just read are filled before a batch
       of todo/ holds the loop up with its sync */
    for (c = 0; c < NCHAN; ++c)
        channel_fill(c);
    if (!flagexit &&
        (tododir || (itrig >= 0 && p[itrig].revents) || recent >= nexttodo))
        todo_step();
    for (c = 0; c < NCHAN; ++c)
        channel_fill(c);
    fail_step();
    cleanup_step();
    /* messages preprocessed after their deliveries (direct_spill) */
    if (nbatch && !tododir)
        batch_end();
}

/* on exit: remember each queued message's next try in its file's mtime */
static void persist(void)
{
    int c;
    size_t i;
    struct timeval tv[2];

    for (c = 0; c < NCHAN; ++c)
        for (i = 0; i < ch[c].pq.len; ++i) {
            tv[0].tv_sec = tv[1].tv_sec = ch[c].pq.p[i].dt;
            tv[0].tv_usec = tv[1].tv_usec = 0;
            if (utimes(fname(&fn1, chname[c], ch[c].pq.p[i].id, 1), tv) == -1)
                LOGS("warning: unable to utime ", fn1.s,
                     "; message will be retried too soon");
        }
}

static void setsig(int sig, void (*fn)(int))
{
    struct sigaction act;

    act.sa_handler = fn;
    act.sa_flags = 0;
    sigemptyset(&act.sa_mask);
    sigaction(sig, &act, 0);
}

static _Noreturn void cannot(const char *why)
{
    LOGS("alert: cannot start: ", why);
    log_flush();
    _exit(EX_TEMP);
}

static void startup(void)
{
    int c, fd;
    unsigned char b;

    if (chdir(AUTO_QMAILHOME) == -1)
        cannot("unable to switch to home directory");
    if (!read_controls())
        cannot("unable to read controls");
    if (chdir("queue") == -1)
        cannot("unable to switch to queue directory");
    setsig(SIGPIPE, SIG_IGN);
    setsig(SIGTERM, sigterm);
    setsig(SIGALRM, sigalrm);
    setsig(SIGHUP, sighup);
    setsig(SIGUSR1, sighup); /* "pkill -USR1 qmail" reloads, too */
    setsig(SIGCHLD, SIG_DFL);
    umask(077);
    fd = open("lock/sendmutex", O_WRONLY | O_CLOEXEC);
    if (fd == -1)
        cannot("unable to open mutex");
    if (flock(fd, LOCK_EX | LOCK_NB) == -1)
        cannot("qmail-send is already running");
    /* only the qmail-send holding the lock may touch the pool */
    if (!qspare_open(&spares, "spare", SPARE_MAX) && errno != ENOENT)
        LOGS("warning: unable to open queue/spare; creating files afresh");
    for (c = 0; c < NCHAN; ++c) {
        ch[c].fdcmd = c ? 3 : 1;
        ch[c].fdrep = c ? 4 : 2;
        if (read_all(ch[c].fdrep, (char *)&b, 1) != 1)
            cannot("hath the daemon spawn no fire?");
        ch[c].max = b;
        ch[c].conc = cf.conc[c] < b ? cf.conc[c] : b;
        ch[c].d = calloc(ch[c].conc ? ch[c].conc : 1, sizeof *ch[c].d);
        if (!ch[c].d)
            cannot("out of memory");
        if (fd_nonblock(ch[c].fdcmd) == -1 || fd_nonblock(ch[c].fdrep) == -1)
            ch[c].dead = 1;
    }
    njobs = ch[0].conc + ch[1].conc + 2;
    jobs = calloc(njobs, sizeof *jobs);
    if (!jobs)
        cannot("out of memory");
}

int main(void)
{
    unsigned long zero = 0;

    startup();
    recent = started = time(0);
    /* the queue is read only once qmail-clean answers: one left by a
       run that ended may still be at requests of that run (qmail-clean
       waits for it to finish), some of them about todo/ */
    if (clean_send(CQ_SYNC, &zero, 0, 1))
        clean_wait(0);
    scan_info();
    log_status();
    trigger_open();
    nexttodo = recent;
    nextclean = recent;
    for (;;) {
        if (flagexit && !busy())
            break;
        if (flagalrm) {
            flagalrm = 0;
            prioq_setall(&ch[CH_LOCAL].pq, recent);
            prioq_setall(&ch[CH_REMOTE].pq, recent);
        }
        if (flaghup) {
            flaghup = 0;
            reread();
        }
        loop_once();
    }
    direct_stop();
    if (nbatch)
        batch_end();
    flight_land(1);
    clean_wait(0);
    /* files of messages delivered from todo/, and message files of
       finished ones, that qmail-clean could not remove: asked once more
       (what stays is read from todo/ again at the next start, or swept
       after 36 hours, 2.9) */
    if (!flagdying && pq_clean(&pqdtodo, CQ_DTODO, CQ_MAX, 1))
        clean_wait(0);
    if (!flagdying && pq_clean(&pqfoop, CQ_DONE, CQ_MAX, 1))
        clean_wait(0);
    persist();
    LOGS("status: exiting");
    log_flush();
    return 0;
}
