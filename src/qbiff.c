/*
 * qbiff: announce a new message on the recipient's terminals (spec
 * smtp-and-tools.md 5.1).  Run from a .qmail file as the recipient:
 * reads USER, SENDER, LOCAL and the start of the message on fd 0, and
 * writes a three-line notice to each login of USER (utmp) whose tty
 * has its owner-execute bit set ("biff y") and belongs to this uid.
 * It never fails a delivery: every problem just ends it with exit 0.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utmpx.h>

#include "bio.h"
#include "exitcodes.h"
#include "fd.h"
#include "msghead.h"
#include "sa.h"

#define TEXTMAX 78

static struct {
    const char *user;
    sa notice;
    sa text;
} cf = {0, SA_INIT, SA_INIT};

static _Noreturn void quit(void)
{
    _exit(EX_OK);
}

static void addtext(const char *s, size_t n)
{
    if (cf.text.len + n > TEXTMAX)
        n = TEXTMAX - cf.text.len;
    if (!sa_catb(&cf.text, s, n))
        quit();
}

/* "    " + Subject value(s) + body, at most TEXTMAX bytes */
static void readtext(void)
{
    char buf[BIO_SIZE];
    bio in = BIO_INIT(bio_readop, 0, buf, sizeof buf, 0);
    msghead m = MSGHEAD_INIT;
    sa x = SA_INIT;
    size_t v;
    int r;

    if (!sa_copys(&cf.text, "    "))
        quit();
    while (cf.text.len < TEXTMAX && (r = msghead_get(&m, &in, &x)) > 0) {
        if (r == 2)
            addtext(x.s, x.len);
        else if ((v = msghead_is(x.s, x.len, "Subject")))
            addtext(x.s + v, x.len - v);
    }
}

static void visible(char *s, size_t n, char sub)
{
    size_t i;

    for (i = 0; i < n; ++i)
        if ((unsigned char)s[i] < 32 || (unsigned char)s[i] > 126)
            s[i] = sub;
}

static void compose(const char *local, const char *sender)
{
    sa tofrom = SA_INIT;

    if (!sa_copys(&tofrom, "*** TO <") || !sa_cats(&tofrom, local) ||
        !sa_cats(&tofrom, "> FROM <") || !sa_cats(&tofrom, sender) ||
        !sa_cats(&tofrom, ">"))
        quit();
    visible(tofrom.s, tofrom.len, '_');
    visible(cf.text.s, cf.text.len, '/');
    if (!sa_copys(&cf.notice, "\r\n\a") || !sa_cat(&cf.notice, &tofrom) ||
        !sa_cats(&cf.notice, "\r\n") || !sa_cat(&cf.notice, &cf.text) ||
        !sa_cats(&cf.notice, "\r\n"))
        quit();
}

/* one utmp login line: "pts/3", never a path or anything with a dot */
static void tell(const char *line, size_t n)
{
    sa path = SA_INIT;
    struct stat st;
    int fd;

    if (!n || line[0] == '/' || memchr(line, '.', n))
        return;
    if (!sa_copys(&path, "/dev/") || !sa_catb(&path, line, n) || !sa_0(&path))
        quit();
    fd = open(path.s, O_WRONLY | O_APPEND | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    sa_free(&path);
    if (fd == -1)
        return;
    if (fstat(fd, &st) == 0 && (st.st_mode & 0100) && st.st_uid == getuid())
        (void)write_all(fd, cf.notice.s, cf.notice.len);
    close(fd);
}

static void logins(void)
{
    struct utmpx *u;
    size_t ulen = strlen(cf.user);

    if (ulen > sizeof u->ut_user)
        return;
    setutxent();
    while ((u = getutxent())) {
        if (u->ut_type != USER_PROCESS)
            continue;
        if (strncmp(u->ut_user, cf.user, sizeof u->ut_user))
            continue;
        tell(u->ut_line, strnlen(u->ut_line, sizeof u->ut_line));
    }
    endutxent();
}

int main(void)
{
    const char *sender = getenv("SENDER");
    const char *local = getenv("LOCAL");

    cf.user = getenv("USER");
    if (!cf.user || !sender || !local)
        quit();
    if (fd_sanitise() == -1)
        quit();
    readtext();
    compose(local, sender);
    logins();
    quit();
}
