/*
 * qmail-pw2u: turn a passwd file (stdin) into users/assign lines
 * (stdout), the way qmail-getpw would resolve the same accounts, plus
 * the extras of users/include, exclude, mailnames, subusers and
 * append (spec smtp-and-tools.md 5.5).  Run by the administrator;
 * its input is the administrator's passwd file.  Failures print
 * "qmail-pw2u: fatal: ..." and exit 111; a bad option exits 100.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acct.h"
#include "addr.h"
#include "auto.h"
#include "bio.h"
#include "ctl.h"
#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "fmt.h"
#include "sa.h"
#include "sgopt.h"

/* a case-insensitive map over NUL-separated "key[:value]" entries */
struct ent {
    const char *k, *v;
    size_t kl;
};
typedef struct map {
    struct ent *e;
    size_t n;
} map;

static struct {
    const char *dashcolon;
    int homes;   /* 2 skip missing homes, 1 stop on them, 0 no check */
    int noupper; /* skip names with capitals */
    char brk;    /* the break character, 0 for none */
    int okincl, okexcl, okmana, alias;
    sa incl, excl, mana, all;
    map mincl, mexcl, mmana, mall;
    sa line, uugh;
    bio out;
    char outbuf[BIO_SIZE];
} pw = {.dashcolon = "-:", .homes = 2, .noupper = 1};

static _Noreturn void nomem(void)
{
    DIE(EX_TEMP, "out of memory");
}

static void out(const char *s, size_t n)
{
    if (bio_put(&pw.out, s, n) == -1)
        DIE(EX_TEMP, "unable to write output");
}

static void outs(const char *s)
{
    out(s, strlen(s));
}

static int ent_cmp(const void *a, const void *b)
{
    const struct ent *x = a, *y = b;

    return case_diffb(x->k, x->kl, y->k, y->kl);
}

static void map_init(map *m, const sa *list, int colon)
{
    size_t i, n = 0;

    for (i = 0; i < list->len; ++i)
        n += !list->s[i];
    m->e = calloc(n ? n : 1, sizeof *m->e);
    if (!m->e)
        nomem();
    m->n = 0;
    for (i = 0; i < list->len; i += strlen(list->s + i) + 1) {
        struct ent *e = &m->e[m->n++];
        const char *c = colon ? strchr(list->s + i, ':') : 0;
        e->k = list->s + i;
        e->kl = c ? (size_t)(c - e->k) : strlen(e->k);
        e->v = e->k + e->kl + (c != 0);
    }
    qsort(m->e, m->n, sizeof *m->e, ent_cmp);
}

/* the value for key (the empty string when it has none), or 0 */
static const char *map_get(const map *m, const char *k, size_t kl)
{
    struct ent key, *e;

    key.k = k;
    key.kl = kl;
    e = m->n ? bsearch(&key, m->e, m->n, sizeof *m->e, ent_cmp) : 0;
    return e ? e->v : 0;
}

static int readlist(sa *l, map *m, const char *fn, int colon)
{
    int r = ctl_readfile(l, fn);

    if (r == -1)
        DIE(EX_TEMP, "unable to read controls");
    if (r)
        map_init(m, l, colon);
    return r;
}

/* split a passwd line; 0 when it has too few fields */
static int fields(const char *s, size_t len, const char *f[6], size_t fl[6])
{
    size_t i, pos = 0;

    for (i = 0; i < 6; ++i) {
        const char *c = pos < len ? memchr(s + pos, ':', len - pos) : 0;
        if (!c)
            return 0;
        f[i] = s + pos;
        fl[i] = (size_t)(c - f[i]);
        pos += fl[i] + 1;
    }
    return 1;
}

/* 1 when the account passes every filter */
static int wanted(const char *const f[6], const size_t fl[6])
{
    unsigned long uid = 0;
    size_t i;
    struct stat st;
    sa home = SA_INIT;

    scan_ulong(f[2], fl[2], &uid);
    if (!uid)
        return 0;
    for (i = 0; pw.noupper && i < fl[0]; ++i)
        if (f[0][i] >= 'A' && f[0][i] <= 'Z')
            return 0;
    if (pw.okincl && !map_get(&pw.mincl, f[0], fl[0]))
        return 0;
    if (pw.okexcl && map_get(&pw.mexcl, f[0], fl[0]))
        return 0;
    if (!pw.homes)
        return 1;
    if (!sa_copyb(&home, f[5], fl[5]) || !sa_0(&home))
        nomem();
    if (stat(home.s, &st) == -1) {
        if (errno != ENOENT || pw.homes == 1)
            DIE(EX_TEMP, "unable to stat ", home.s);
        sa_free(&home);
        return 0;
    }
    sa_free(&home);
    return st.st_uid == uid;
}

static void mailname(const char *name, size_t n)
{
    out("=", 1);
    out(name, n);
    out(pw.uugh.s, pw.uugh.len);
    outs("::\n");
    if (pw.brk) {
        out("+", 1);
        out(name, n);
        out(&pw.brk, 1);
        out(pw.uugh.s, pw.uugh.len);
        outs(pw.dashcolon);
        outs(":\n");
    }
}

static void account(const char *s, size_t len)
{
    const char *f[6], *names;
    size_t fl[6], i, n;
    static const int keep[] = {0, 2, 3, 5}; /* user uid gid home */

    if (memchr(s, 0, len) || !fields(s, len, f, fl) || !wanted(f, fl))
        return;
    pw.uugh.len = 0;
    for (i = 0; i < 4; ++i)
        if (!sa_append(&pw.uugh, ':') ||
            !sa_catb(&pw.uugh, f[keep[i]], fl[keep[i]]))
            nomem();
    if (!sa_append(&pw.uugh, ':') || !sa_catb(&pw.all, f[0], fl[0]) ||
        !sa_append(&pw.all, ':') || !sa_cat(&pw.all, &pw.uugh) ||
        !sa_0(&pw.all))
        nomem();
    if (fl[0] == strlen(acct_username(ACCT_ALIAS)) &&
        !memcmp(f[0], acct_username(ACCT_ALIAS), fl[0])) {
        out("+", 1);
        out(pw.uugh.s, pw.uugh.len);
        outs(pw.dashcolon);
        outs(":\n");
        pw.alias = 1;
    }
    names = pw.okmana ? map_get(&pw.mmana, f[0], fl[0]) : 0;
    if (!names) {
        mailname(f[0], fl[0]);
        return;
    }
    for (; *names; names += n) {
        while (*names == ':')
            ++names;
        n = strcspn(names, ":");
        if (n)
            mailname(names, n);
    }
}

/* "sub:user:pre:" */
static void subuser(const char *s, size_t len)
{
    const char *c1 = memchr(s, ':', len), *c2, *c3, *uugh;
    sa u = SA_INIT;

    if (!c1 || !(c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - s))) ||
        !(c3 = memchr(c2 + 1, ':', len - (size_t)(c2 + 1 - s))))
        return;
    uugh = map_get(&pw.mall, c1 + 1, (size_t)(c2 - c1 - 1));
    if (!uugh) {
        if (!sa_copyb(&u, c1 + 1, (size_t)(c2 - c1 - 1)) || !sa_0(&u))
            nomem();
        DIE(EX_TEMP, "unable to find ", u.s, " user for subuser");
    }
    out("=", 1);
    out(s, (size_t)(c1 - s));
    outs(uugh);
    outs(pw.dashcolon);
    out(c2 + 1, (size_t)(c3 - c2 - 1));
    outs(":\n");
    if (pw.brk) {
        out("+", 1);
        out(s, (size_t)(c1 - s));
        out(&pw.brk, 1);
        outs(uugh);
        outs(pw.dashcolon);
        out(c2 + 1, (size_t)(c3 - c2 - 1));
        outs("-:\n");
    }
}

/* every line of fd (to EOF) through fn */
static void lines(int fd, void (*fn)(const char *, size_t))
{
    char buf[BIO_SIZE];
    bio b;
    int r;

    bio_init(&b, bio_readop, fd, buf, sizeof buf);
    while ((r = bio_getln(&b, &pw.line, '\n', (size_t)-1)) == 1)
        fn(pw.line.s, pw.line.len);
    if (r == -1)
        DIE(EX_TEMP, "unable to read input");
}

static void verbatim(const char *s, size_t n)
{
    out(s, n);
}

static void file(const char *fn, void (*each)(const char *, size_t))
{
    int fd = open_read(fn);

    if (fd == -1) {
        if (errno != ENOENT)
            DIE(EX_TEMP, "unable to read controls");
        return;
    }
    lines(fd, each);
    close(fd);
}

static void options(int argc, char **argv)
{
    sgopt g = SGOPT_INIT;
    int opt;

    pw.brk = AUTO_BREAK[0];
    while ((opt = sgopt_next(&g, argc, argv, "/ohHuUc:C")) != -1)
        switch (opt) {
        case '/':
            pw.dashcolon = "-/:";
            break;
        case 'o':
            pw.homes = 2;
            break;
        case 'h':
            pw.homes = 1;
            break;
        case 'H':
            pw.homes = 0;
            break;
        case 'u':
            pw.noupper = 0;
            break;
        case 'U':
            pw.noupper = 1;
            break;
        case 'c':
            pw.brk = g.arg[0];
            break;
        case 'C':
            pw.brk = 0;
            break;
        default:
            _exit(EX_PERM);
        }
}

int main(int argc, char **argv)
{
    err_prog = "qmail-pw2u";
    options(argc, argv);
    bio_init(&pw.out, bio_writeop, 1, pw.outbuf, sizeof pw.outbuf);
    if (chdir(AUTO_QMAILHOME) == -1)
        DIE(EX_TEMP, "unable to chdir");
    pw.okincl = readlist(&pw.incl, &pw.mincl, "users/include", 0);
    pw.okexcl = readlist(&pw.excl, &pw.mexcl, "users/exclude", 0);
    pw.okmana = readlist(&pw.mana, &pw.mmana, "users/mailnames", 1);
    lines(0, account);
    if (!pw.alias)
        DIE(EX_TEMP, "unable to find ", acct_username(ACCT_ALIAS), " user");
    map_init(&pw.mall, &pw.all, 1);
    file("users/subusers", subuser);
    file("users/append", verbatim);
    outs(".\n");
    if (bio_flush(&pw.out) == -1)
        DIE(EX_TEMP, "unable to write output");
    return EX_OK;
}
