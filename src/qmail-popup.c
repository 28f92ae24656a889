/*
 * qmail-popup: the authorization half of a POP3 server (spec
 * smtp-and-tools.md 5.3).  Started by tcpserver as
 *     qmail-popup hostname checkpassword subprogram...
 * it reads USER/PASS or APOP from the client (fds 0 and 1) and hands
 * name, password and APOP timestamp to a checkpassword-style program on
 * fd 3; that program checks them, becomes the user and runs
 * qmail-pop3d.  Runs as root under tcpserver, so it keeps no state but
 * the three strings, parses lines of bounded length only, and runs
 * nothing but its argv.  Always exits 1 after the child finishes.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bio.h"
#include "err.h"
#include "fd.h"
#include "sa.h"
#include "smtpcmd.h"

#define IDLE 1200 /* seconds of silence before we hang up */

static char inbuf[1024], outbuf[1024];
static bio in, out;
static smtpcmd cmd;
static sa user, stamp;
static char *const *child;

static _Noreturn void die(void)
{
    _exit(1);
}

static void put(const char *s)
{
    if (bio_puts(&out, s) == -1)
        die();
}

static void say(const char *s)
{
    put(s);
    put("\r\n");
    if (bio_flush(&out) == -1)
        die();
}

static _Noreturn void fail(const char *s)
{
    say(s);
    die();
}

static ssize_t readop(int fd, char *buf, size_t n, unsigned timeout)
{
    ssize_t r = bio_readop(fd, buf, n, timeout);

    if (r <= 0)
        die();
    return r;
}

/* the next command line into cmd */
static void readcmd(void)
{
    size_t used;

    for (;;) {
        if (!in.n)
            (void)bio_feed(&in);
        if (smtpcmd_feed(&cmd, bio_peek(&in), in.n, &used)) {
            bio_seek(&in, used);
            return;
        }
        bio_seek(&in, used);
    }
}

/*
 * Hand name, secret and timestamp to the checkpassword program on a
 * pipe at fd 3; its fds 0 and 1 are the client, fd 2 is left as it is
 * (the log), so its diagnostics never reach the network.
 */
static _Noreturn void authorize(const char *name, const char *secret)
{
    int pi[2], st;
    pid_t pid;
    sa data = SA_INIT;

    if (pipe(pi) == -1)
        fail("-ERR unable to create pipe");
    pid = fork();
    if (pid == -1)
        fail("-ERR unable to fork");
    if (pid == 0) {
        close(pi[1]);
        if (fd_move(3, pi[0]) == -1)
            _exit(111);
        signal(SIGPIPE, SIG_DFL);
        execvp(child[0], child);
        _exit(111);
    }
    close(pi[0]);
    if (!sa_cats(&data, name) || !sa_0(&data) || !sa_cats(&data, secret) ||
        !sa_0(&data) || !sa_cat(&data, &stamp) || !sa_0(&data))
        fail("-ERR out of memory");
    (void)write_all(pi[1], data.s, data.len);
    memset(data.s, 0, data.len);
    close(pi[1]);
    while (waitpid(pid, &st, 0) == -1)
        if (errno != EINTR)
            fail("-ERR aack, child crashed");
    if (!WIFEXITED(st))
        fail("-ERR aack, child crashed");
    if (WEXITSTATUS(st))
        fail("-ERR authorization failed");
    die();
}

static void pop_user(const char *arg)
{
    if (!*arg) {
        say("-ERR syntax error");
        return;
    }
    if (!sa_copys(&user, arg) || !sa_0(&user))
        fail("-ERR out of memory");
    say("+OK ");
}

static void pop_pass(const char *arg)
{
    if (!user.len) {
        say("-ERR USER first");
        return;
    }
    if (!*arg) {
        say("-ERR syntax error");
        return;
    }
    authorize(user.s, arg);
}

static void pop_apop(char *arg)
{
    char *space = strchr(arg, ' ');

    if (!space) {
        say("-ERR syntax error");
        return;
    }
    *space = 0;
    authorize(arg, space + 1);
}

static void dispatch(void)
{
    size_t vlen, arg, alen;
    static const char *const verbs[] = {"user", "pass", "apop",
                                        "quit", "noop", 0};
    char *a;

    smtpcmd_split(cmd.line, cmd.len, &vlen, &arg, &alen);
    a = cmd.line + arg;
    a[alen] = 0;
    if (cmd.toolong) {
        say("-ERR syntax error");
        return;
    }
    switch (smtpcmd_verb(verbs, cmd.line, vlen)) {
    case 0:
        pop_user(a);
        break;
    case 1:
        pop_pass(a);
        break;
    case 2:
        pop_apop(a);
        break;
    case 3:
        say("+OK ");
        _exit(0);
    case 4:
        say("+OK ");
        break;
    default:
        say("-ERR authorization first");
    }
}

int main(int argc, char **argv)
{
    err_prog = "qmail-popup";
    signal(SIGPIPE, SIG_IGN);
    bio_init(&out, bio_writeop, 1, outbuf, sizeof outbuf);
    bio_init(&in, readop, 0, inbuf, sizeof inbuf);
    in.timeout = out.timeout = IDLE;
    if (argc < 3)
        fail("-ERR usage: popup hostname subprogram");
    child = argv + 2;
    if (!sa_copys(&stamp, "<") ||
        !sa_catulong(&stamp, (unsigned long)getpid()) ||
        !sa_append(&stamp, '.') ||
        !sa_catulong(&stamp, (unsigned long)time(0)) ||
        !sa_append(&stamp, '@') || !sa_cats(&stamp, argv[1]) ||
        !sa_append(&stamp, '>'))
        fail("-ERR out of memory");
    put("+OK ");
    if (!sa_0(&stamp))
        die();
    say(stamp.s);
    --stamp.len;
    smtpcmd_init(&cmd);
    for (;;) {
        readcmd();
        dispatch();
    }
}
