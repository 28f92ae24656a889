/*
 * qmail-showctl: print the compiled-in settings and, in plain words,
 * the effect of every control file (spec smtp-and-tools.md 5.5).  Runs
 * as anyone and changes nothing.  Output goes to stdout; values are
 * filtered (bytes outside 32..126 shown as ?).  Exit 111 when an
 * account is missing (on stderr) or the control directory cannot be
 * entered or listed ("Oops!" on stdout); 0 otherwise.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acct.h"
#include "auto.h"
#include "bio.h"
#include "ctl.h"
#include "err.h"
#include "exitcodes.h"
#include "fmt.h"
#include "sa.h"

/*
 * How a file is read and what its absence means:
 *   LINE    one line; absent: the default value dflt
 *   LINEME  one line; absent: me, else the value dflt (or the sentence
 *           nome when the program using it has no fallback)
 *   INT     an unsigned number; absent or no digits: dflt (or the
 *           sentence nome when there is no default)
 *   LIST    one entry per line; absent: the sentence dflt
 *   LISTME  as LIST, but absent means me (else the sentence nome)
 *   TEXT    one line; absent: the sentence dflt
 * A value v is shown as pre v post; a LIST entry likewise, one a line.
 */
enum kind { LINE, LINEME, INT, LIST, LISTME, TEXT };

struct ctl {
    const char *name;
    enum kind kind;
    const char *pre, *post;
    const char *dflt;
    const char *nome;
};

static const struct ctl ctls[] = {
    {"me", TEXT, "This host's name is ", ".",
     "None. Most programs refuse to run without it; run config-fast.", 0},
    {"badmailfrom", LIST, "SMTP refuses mail from the envelope sender ", ".",
     "SMTP accepts any envelope sender.", 0},
    {"bouncefrom", LINE, "Bounces are sent from the user ", ".",
     "MAILER-DAEMON", 0},
    {"bouncehost", LINEME, "Bounces are sent from the host ", ".", "bouncehost",
     0},
    {"concurrencyincoming", INT, "The SMTP service takes at most ",
     " connections at once.", 0,
     "None. The qmail-smtpd service does not start without it."},
    {"concurrencylocal", INT, "At most ", " local deliveries run at once.",
     "10", 0},
    {"concurrencyremote", INT, "At most ", " remote deliveries run at once.",
     "20", 0},
    {"databytes", INT, "SMTP takes messages of up to ", " bytes (0: no limit).",
     "0", 0},
    {"defaultdelivery", LIST, "Delivery for users without a .qmail file: ", ".",
     "None. The qmail-send service delivers to ./Maildir/ and says so on "
     "its log.",
     0},
    {"defaultdomain", LINEME, "qmail-inject adds .",
     " to host names without a dot.", "defaultdomain", 0},
    {"defaulthost", LINEME, "qmail-inject adds @",
     " to addresses without a host.", "defaulthost", 0},
    {"doublebouncehost", LINEME, "Double bounces go to the host ", ".",
     "doublebouncehost", 0},
    {"doublebounceto", LINE, "Double bounces go to the user ", ".",
     "postmaster", 0},
    {"envnoathost", LINEME, "Recipients without @ are taken to be at ", ".",
     "envnoathost", 0},
    {"helohost", LINEME, "Remote deliveries say HELO ", ".", 0,
     "None. qmail-remote defers every delivery."},
    {"idhost", LINEME, "Message-IDs made by qmail-inject end in @", ".",
     "idhost", 0},
    {"localiphost", LINEME, "SMTP takes [local IP] in addresses to mean ", ".",
     0, "None. qmail-smtpd leaves address literals as they are."},
    {"locals", LISTME, "Mail for ", " is delivered locally.", 0,
     "None. qmail-send refuses to start."},
    {"morercpthosts", LIST, "SMTP also accepts mail for ",
     " (after qmail-newmrh).", "No extra recipient hosts.", 0},
    {"morercpthosts.cdb", TEXT, 0, 0, 0, 0}, /* see cdb_check */
    {"percenthack", LIST, "The % hack is applied to mail for ", ".",
     "The % hack is applied to no domain.", 0},
    {"plusdomain", LINEME,
     "qmail-inject replaces a final + in host names "
     "by .",
     ".", "plusdomain", 0},
    {"qmqpservers", LIST, "qmail-qmqpc sends mail to the QMQP server ", ".",
     "None. qmail-qmqpc cannot send anything.", 0},
    {"queuelifetime", INT, "Messages are bounced after ",
     " seconds in the queue.", "604800", 0},
    {"rcptcheck", INT,
     "SMTP checks local recipients at RCPT time: ", " (0: off).", "1", 0},
    {"rcpthosts", LIST, "SMTP accepts mail for ", ".",
     "SMTP accepts mail for any host: an open relay unless the tcpserver "
     "rules prevent it!",
     0},
    {"smtpgreeting", LINEME, "SMTP greets with 220 ", ".", 0,
     "None. qmail-smtpd refuses to run."},
    {"smtproutes", LIST, "SMTP route: ", ".",
     "Remote mail goes to the hosts named in DNS.", 0},
    {"timeoutconnect", INT, "qmail-remote gives up connecting after ",
     " seconds.", "60", 0},
    {"timeoutremote", INT, "qmail-remote gives up on a silent server after ",
     " seconds.", "1200", 0},
    {"timeoutsmtpd", INT, "qmail-smtpd gives up on a silent client after ",
     " seconds (0 counts as 1).", "1200", 0},
    {"virtualdomains", LIST, "Virtual domain rule: ", ".",
     "There are no virtual domains.", 0},
};

#define NCTLS (sizeof ctls / sizeof ctls[0])

static char outbuf[BIO_SIZE];

static struct {
    bio out;
    sa me; /* control/me, when mestate is 1 */
    int mestate;
    sa val; /* scratch: a file's value(s) */
} s = {BIO_INIT(bio_writeop, 1, outbuf, sizeof outbuf, 0), SA_INIT, 0, SA_INIT};

static _Noreturn void leave(int code)
{
    if (bio_flush(&s.out) == -1)
        _exit(EX_TEMP);
    _exit(code);
}

static void out(const char *x)
{
    if (bio_puts(&s.out, x) == -1)
        _exit(EX_TEMP);
}

static void out_clean(const char *x, size_t n)
{
    char c;
    size_t i;

    for (i = 0; i < n; ++i) {
        c = (x[i] < 32 || x[i] > 126) ? '?' : x[i];
        if (bio_put(&s.out, &c, 1) == -1)
            _exit(EX_TEMP);
    }
}

static void out_ulong(unsigned long u)
{
    char num[FMT_ULONG];

    num[fmt_ulong(num, u)] = 0;
    out(num);
}

static void out_value(const struct ctl *c, const char *v, size_t n)
{
    out(c->pre);
    out_clean(v, n);
    out(c->post);
    out("\n");
}

static void out_default(const struct ctl *c)
{
    out("(Default.) ");
    if (c->kind == LINEME || c->kind == LISTME) {
        if (s.mestate == 1) {
            out_value(c, s.me.s, s.me.len);
            return;
        }
        if (s.mestate == -1) {
            out("Oops! It would be me, which cannot be read.\n");
            return;
        }
    }
    if ((c->kind == LINE || c->kind == INT || c->kind == LINEME) && c->dflt) {
        out_value(c, c->dflt, strlen(c->dflt));
        return;
    }
    out(c->kind == LINEME || c->kind == LISTME || c->kind == INT ? c->nome
                                                                 : c->dflt);
    out("\n");
}

static void show_list(const struct ctl *c)
{
    size_t i, n;

    out("\n");
    if (!s.val.len)
        out("(Present, with no entries.)\n");
    for (i = 0; i < s.val.len; i += n + 1) {
        n = strlen(s.val.s + i);
        out_value(c, s.val.s + i, n);
    }
}

static void show(const struct ctl *c)
{
    unsigned long u;
    char num[FMT_ULONG];
    int r;

    out("\n");
    out(c->name);
    out(": ");
    if (c->kind == INT)
        r = ctl_readint(&u, c->name);
    else if (c->kind == LIST || c->kind == LISTME)
        r = ctl_readfile(&s.val, c->name);
    else
        r = ctl_readline(&s.val, c->name);
    if (r == -1)
        out("Oops! Trouble reading this file.\n");
    else if (r == 0)
        out_default(c);
    else if (c->kind == INT)
        out_value(c, num, fmt_ulong(num, u));
    else if (c->kind == LIST || c->kind == LISTME)
        show_list(c);
    else
        out_value(c, s.val.s, s.val.len);
}

/* morercpthosts.cdb must exist exactly when its source does, and be
   compiled after the source was last changed */
static void cdb_check(void)
{
    struct stat ss, sc;
    int hs = stat("morercpthosts", &ss) == 0;
    int es = errno;
    int hc = stat("morercpthosts.cdb", &sc) == 0;
    int ec = errno;

    out("\nmorercpthosts.cdb: ");
    if ((!hs && es != ENOENT) || (!hc && ec != ENOENT))
        out("Oops! Trouble reading this file.\n");
    else if (!hs && !hc)
        out("(Default.) No extra recipient hosts.\n");
    else if (!hs)
        out("Oops! It exists but morercpthosts does not; "
            "qmail-smtpd still uses it.\n");
    else if (!hc)
        out("Oops! morercpthosts exists but this file does not; "
            "run qmail-newmrh.\n");
    else if (ss.st_mtime > sc.st_mtime)
        out("Oops! It is older than morercpthosts; run qmail-newmrh.\n");
    else
        out("Compiled from morercpthosts, and up to date.\n");
}

static int known(const char *n)
{
    size_t i;

    for (i = 0; i < NCTLS; ++i)
        if (!strcmp(n, ctls[i].name))
            return 1;
    return !strcmp(n, ".") || !strcmp(n, "..");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* every other entry, sorted by name so that the output is stable */
static void show_unknown(DIR *d)
{
    char **names = 0, **nn;
    size_t n = 0, a = 0, i;
    struct dirent *de;

    for (errno = 0; (de = readdir(d)); errno = 0)
        if (!known(de->d_name)) {
            if (n == a) {
                a = a ? 2 * a : 16;
                nn = reallocarray(names, a, sizeof *names);
                if (!nn)
                    DIE(EX_TEMP, "out of memory");
                names = nn;
            }
            names[n] = strdup(de->d_name);
            if (!names[n++])
                DIE(EX_TEMP, "out of memory");
        }
    if (errno) {
        out("\nOops! Trouble listing the control directory.\n");
        leave(EX_TEMP);
    }
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    for (i = 0; i < n; ++i) {
        out("\n");
        out_clean(names[i], strlen(names[i]));
        out(": I have no idea what this file does.\n");
    }
}

/* the ids are looked up before anything is printed: a missing account
   is fatal, as for every program that needs them */
static void header(void)
{
    static const enum acct_group gorder[] = {ACCT_GNOFILES, ACCT_GQMAIL};
    unsigned long uids[ACCT_NUSERS], gids[ACCT_NGROUPS];
    size_t i;
    uid_t u;
    gid_t g;

    for (i = 0; i < ACCT_NUSERS; ++i) {
        if (acct_uid((enum acct_user)i, &u) != 1)
            DIE(EX_TEMP, "unable to find user ", acct_username(i));
        uids[i] = (unsigned long)u;
    }
    for (i = 0; i < ACCT_NGROUPS; ++i) {
        if (acct_gid(gorder[i], &g) != 1)
            DIE(EX_TEMP, "unable to find group ", acct_groupname(gorder[i]));
        gids[i] = (unsigned long)g;
    }
    out("qmail home directory: " AUTO_QMAILHOME ".\n");
    out("user-ext delimiter: " AUTO_BREAK ".\n");
    out("paternalism (in decimal): ");
    out_ulong(AUTO_PATRN);
    out(".\nsilent concurrency limit: ");
    out_ulong(AUTO_SPAWN);
    out(".\nsubdirectory split: ");
    out_ulong(AUTO_SPLIT);
    out(".\nuser ids: ");
    for (i = 0; i < ACCT_NUSERS; ++i) {
        out_ulong(uids[i]);
        out(i + 1 < ACCT_NUSERS ? ", " : ".\ngroup ids: ");
    }
    out_ulong(gids[0]);
    out(", ");
    out_ulong(gids[1]);
    out(".\n");
}

int main(void)
{
    DIR *d;
    size_t i;

    err_prog = "qmail-showctl";
    header();
    if (chdir(AUTO_QMAILHOME) == -1) {
        out("Oops! Unable to chdir to " AUTO_QMAILHOME ".\n");
        leave(EX_TEMP);
    }
    if (chdir("control") == -1) {
        out("Oops! Unable to chdir to control.\n");
        leave(EX_TEMP);
    }
    d = opendir(".");
    if (!d) {
        out("Oops! Unable to list the control directory.\n");
        leave(EX_TEMP);
    }
    s.mestate = ctl_readline(&s.me, "me");
    for (i = 0; i < NCTLS; ++i)
        if (!strcmp(ctls[i].name, "morercpthosts.cdb"))
            cdb_check();
        else
            show(&ctls[i]);
    show_unknown(d);
    closedir(d);
    leave(EX_OK);
}
