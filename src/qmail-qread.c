/*
 * qmail-qread: list the preprocessed messages of the queue with their
 * recipients (spec smtp-and-tools.md 5.4).  Runs as root or qmails and
 * only reads queue/info, queue/local, queue/remote, queue/bounce and
 * the sizes in queue/mess.  Everything, errors included, goes to
 * stdout.  A message that cannot be read gives a warning and the
 * listing goes on; a queue that cannot be entered is fatal (111).
 * qmail listed messages in directory-scan order; we sort them by
 * message number so that the output is stable.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auto.h"
#include "bio.h"
#include "ctl.h"
#include "date822.h"
#include "envelope.h"
#include "exitcodes.h"
#include "fmt.h"
#include "sa.h"

static char outbuf[BIO_SIZE];

static struct {
    bio out;
    unsigned long *ids; /* message numbers found in info/ */
    size_t nids, aids;
    sa msg;          /* the output for one message */
    sa fn, file;     /* scratch: a file name, a file's contents */
    const char *why; /* reason of the last trouble */
} q = {BIO_INIT(bio_writeop, 1, outbuf, sizeof outbuf, 0),
       0,
       0,
       0,
       SA_INIT,
       SA_INIT,
       SA_INIT,
       0};

static _Noreturn void leave(int code)
{
    if (bio_flush(&q.out) == -1)
        _exit(EX_TEMP);
    _exit(code);
}

static void out(const char *s)
{
    if (bio_puts(&q.out, s) == -1)
        _exit(EX_TEMP);
}

static _Noreturn void fatal(const char *what, const char *arg)
{
    const char *e = strerror(errno);

    out("fatal: ");
    out(what);
    out(arg);
    out(": ");
    out(e);
    out("\n");
    leave(EX_TEMP);
}

static _Noreturn void die_nomem(void)
{
    out("fatal: out of memory\n");
    leave(EX_TEMP);
}

static void id_add(unsigned long id)
{
    unsigned long *n;

    if (q.nids == q.aids) {
        q.aids = q.aids ? q.aids * 2 : 64;
        n = reallocarray(q.ids, q.aids, sizeof *n);
        if (!n)
            die_nomem();
        q.ids = n;
    }
    q.ids[q.nids++] = id;
}

static void scan_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    unsigned long id;

    if (!d)
        fatal("unable to opendir ", dir);
    for (;;) {
        errno = 0;
        de = readdir(d);
        if (!de)
            break;
        if (scan_digits(de->d_name) &&
            scan_ulong(de->d_name, strlen(de->d_name), &id))
            id_add(id);
    }
    if (errno)
        fatal("unable to read ", dir);
    closedir(d);
}

static int cmp_id(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a;
    unsigned long y = *(const unsigned long *)b;

    return x < y ? -1 : x > y;
}

static void scan_info(void)
{
    char dir[FMT_ULONG + 8];
    unsigned long i;

    for (i = 0; i < AUTO_SPLIT; ++i) {
        memcpy(dir, "info/", 5);
        dir[5 + fmt_ulong(dir + 5, i)] = 0;
        scan_dir(dir);
    }
    if (q.nids)
        qsort(q.ids, q.nids, sizeof *q.ids, cmp_id);
}

/* q.fn = "<dir>/<id mod split>/<id>" (split) or "<dir>/<id>" */
static void name(const char *dir, unsigned long id, int split)
{
    q.fn.len = 0;
    if (!sa_cats(&q.fn, dir) || !sa_append(&q.fn, '/') ||
        (split &&
         (!sa_catulong(&q.fn, id % AUTO_SPLIT) || !sa_append(&q.fn, '/'))) ||
        !sa_catulong(&q.fn, id) || !sa_0(&q.fn))
        die_nomem();
}

/* bytes outside 32..126 would reach the terminal: show them as _ */
static void cat_clean(sa *x, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; ++i)
        if (!sa_append(x, (s[i] < 32 || s[i] > 126) ? '_' : s[i]))
            die_nomem();
}

static void cats(sa *x, const char *s)
{
    if (!sa_cats(x, s))
        die_nomem();
}

/* "<d Mon yyyy HH:MM:SS> GMT" of t */
static void cat_date(sa *x, time_t t)
{
    struct tm tm;

    if (!date822_gmtime(t, &tm)) {
        cats(x, "?");
        return;
    }
    if (!sa_catulong(x, (unsigned long)tm.tm_mday) || !sa_append(x, ' ') ||
        !sa_cats(x, date822_month(tm.tm_mon)) || !sa_append(x, ' ') ||
        !sa_catulong(x, (unsigned long)tm.tm_year + 1900) ||
        !sa_append(x, ' ') || !sa_catulong0(x, (unsigned long)tm.tm_hour, 2) ||
        !sa_append(x, ':') || !sa_catulong0(x, (unsigned long)tm.tm_min, 2) ||
        !sa_append(x, ':') || !sa_catulong0(x, (unsigned long)tm.tm_sec, 2))
        die_nomem();
    cats(x, " GMT");
}

/* the message's first line; 1 ok, 0 trouble (q.why) */
static int stats(unsigned long id)
{
    struct stat si, sm, sb;
    size_t pos = 0, start, len;
    char type;
    int bouncing;

    name("info", id, 1);
    if (stat(q.fn.s, &si) == -1 || ctl_slurp(q.fn.s, &q.file) != 1)
        return 0;
    if (rec_next(q.file.s, q.file.len, &pos, &type, &start, &len) != 1 ||
        type != 'F') {
        q.why = "info file has no sender";
        return 0;
    }
    name("mess", id, 1);
    if (stat(q.fn.s, &sm) == -1)
        return 0;
    name("bounce", id, 0);
    bouncing = stat(q.fn.s, &sb) == 0;
    if (!bouncing && errno != ENOENT)
        return 0;
    cat_date(&q.msg, si.st_mtime);
    cats(&q.msg, "  #");
    if (!sa_catulong(&q.msg, id) || !sa_cats(&q.msg, "  ") ||
        !sa_catulong(&q.msg, (unsigned long)sm.st_size))
        die_nomem();
    cats(&q.msg, "  <");
    cat_clean(&q.msg, q.file.s + start, len);
    cats(&q.msg, bouncing ? ">  bouncing\n" : "> \n");
    return 1;
}

/* one line per recipient of channel ch; 1 ok, 0 trouble (q.why) */
static int recipients(const char *ch, unsigned long id)
{
    size_t pos = 0, start, len;
    char type;
    int r;

    name(ch, id, 1);
    r = ctl_slurp(q.fn.s, &q.file);
    if (r == 0)
        return 1; /* no recipients on this channel */
    if (r == -1)
        return 0;
    while ((r = rec_next(q.file.s, q.file.len, &pos, &type, &start, &len)))
        if (r == -1) {
            q.why = "truncated recipient file";
            return 0;
        } else if (type == 'T' || type == 'D') {
            cats(&q.msg, type == 'D' ? "  done\t" : "\t");
            cats(&q.msg, ch);
            cats(&q.msg, "\t");
            cat_clean(&q.msg, q.file.s + start, len);
            cats(&q.msg, "\n");
        }
    return 1;
}

static void message(unsigned long id)
{
    char num[FMT_ULONG];

    q.msg.len = 0;
    q.why = 0;
    errno = 0;
    if (stats(id) && recipients("local", id) && recipients("remote", id)) {
        if (bio_put(&q.out, q.msg.s, q.msg.len) == -1)
            _exit(EX_TEMP);
        return;
    }
    if (!q.why)
        q.why = strerror(errno);
    num[fmt_ulong(num, id)] = 0;
    out("warning: trouble with #");
    out(num);
    out(": ");
    out(q.why);
    out("\n");
}

int main(void)
{
    size_t i;

    if (chdir(AUTO_QMAILHOME) == -1 || chdir("queue") == -1)
        fatal("unable to chdir", "");
    scan_info();
    for (i = 0; i < q.nids; ++i)
        message(q.ids[i]);
    leave(EX_OK);
}
