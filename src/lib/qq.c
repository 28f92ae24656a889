/*
 * qq.c: submit one message to qmail-queue.  Every failure becomes a
 * result string; nothing here exits the calling program.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sysspawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auto.h"
#include "exitcodes.h"
#include "fd.h"
#include "qq.h"

extern char **environ;

static void closeall(int *fds, int n)
{
    int i;

    for (i = 0; i < n; ++i)
        close(fds[i]);
}

/* in the child: put the three pipe ends on 0, 1 and 6, whatever
   numbers they had (they may collide with 0, 1 or 6) */
static int childfds(int m, int e, int x)
{
    m = fcntl(m, F_DUPFD_CLOEXEC, 10);
    e = fcntl(e, F_DUPFD_CLOEXEC, 10);
    x = fcntl(x, F_DUPFD_CLOEXEC, 10);
    if (m == -1 || e == -1 || x == -1)
        return -1;
    if (fd_move(0, m) == -1 || fd_move(1, e) == -1 || fd_move(6, x) == -1)
        return -1;
    return 0;
}

/* the old way, kept for the rare case where posix_spawn fails: the
   child's exit code then tells qq_close exactly what went wrong */
static pid_t forkqq(int m, int e, int x, const char *prog)
{
    pid_t pid = fork();

    if (pid == 0) {
        if (childfds(m, e, x) == -1)
            _exit(QQ_EXEC);
        if (chdir(AUTO_QMAILHOME) == -1)
            _exit(QQ_HOME);
        execl(prog, prog, (char *)0);
        _exit(QQ_EXEC);
    }
    return pid;
}

/* without a copy of the caller's page tables: the child ends, moved
   above 9 so that they cannot collide, go to 0, 1 and 6 */
static pid_t spawnqq(int m, int e, int x, const char *prog)
{
    posix_spawn_file_actions_t fa;
    char *argv[2];
    pid_t pid;
    int hi[3], i, r = -1;

    hi[0] = fcntl(m, F_DUPFD_CLOEXEC, 10);
    hi[1] = fcntl(e, F_DUPFD_CLOEXEC, 10);
    hi[2] = fcntl(x, F_DUPFD_CLOEXEC, 10);
    if (hi[0] != -1 && hi[1] != -1 && hi[2] != -1 &&
        posix_spawn_file_actions_init(&fa) == 0) {
        if (posix_spawn_file_actions_adddup2(&fa, hi[0], 0) == 0 &&
            posix_spawn_file_actions_adddup2(&fa, hi[1], 1) == 0 &&
            posix_spawn_file_actions_adddup2(&fa, hi[2], 6) == 0 &&
            posix_spawn_file_actions_addchdir_np(&fa, AUTO_QMAILHOME) == 0) {
            argv[0] = (char *)prog;
            argv[1] = 0;
            r = posix_spawn(&pid, prog, &fa, 0, argv, environ);
        }
        posix_spawn_file_actions_destroy(&fa);
    }
    for (i = 0; i < 3; ++i)
        if (hi[i] != -1)
            close(hi[i]);
    return r == 0 ? pid : forkqq(m, e, x, prog);
}

int qq_start(qq *q)
{
    int p[6]; /* message r/w, envelope r/w, error text r/w */
    const char *prog;

    q->werr = 0;
    q->abort = 0;
    if (pipe2(p, O_CLOEXEC) == -1)
        return -1;
    if (pipe2(p + 2, O_CLOEXEC) == -1) {
        closeall(p, 2);
        return -1;
    }
    if (pipe2(p + 4, O_CLOEXEC) == -1) {
        closeall(p, 4);
        return -1;
    }
    prog = getenv("QMAILQUEUE");
    if (!prog || !*prog)
        prog = "bin/qmail-queue";
    q->pid = spawnqq(p[0], p[2], p[5], prog);
    if (q->pid == -1) {
        int e = errno;
        closeall(p, 6);
        errno = e;
        return -1;
    }
    close(p[0]);
    close(p[2]);
    close(p[5]);
    q->fdm = p[1];
    q->fde = p[3];
    q->fderr = p[4];
    bio_init(&q->b, bio_writeop, q->fdm, q->buf, sizeof q->buf);
    return 0;
}

unsigned long qq_qp(const qq *q) { return (unsigned long)q->pid; }

void qq_put(qq *q, const char *buf, size_t n)
{
    if (!q->werr && bio_put(&q->b, buf, n) == -1)
        q->werr = 1;
}

void qq_puts(qq *q, const char *s) { qq_put(q, s, strlen(s)); }

static void envstart(qq *q)
{
    if (q->b.fd == q->fde)
        return;
    if (!q->werr && bio_flush(&q->b) == -1)
        q->werr = 1;
    close(q->fdm);
    q->fdm = -1;
    bio_init(&q->b, bio_writeop, q->fde, q->buf, sizeof q->buf);
}

void qq_from(qq *q, const char *s)
{
    envstart(q);
    qq_put(q, "F", 1);
    qq_put(q, s, strlen(s));
    qq_put(q, "", 1);
}

void qq_to(qq *q, const char *s)
{
    envstart(q);
    qq_put(q, "T", 1);
    qq_put(q, s, strlen(s));
    qq_put(q, "", 1);
}

void qq_fail(qq *q) { q->abort = 1; }

const char *qq_exitmsg(int code)
{
    switch (code) {
    case 0:
        return "";
    case 11:
    case 115:
        return "Denvelope address too long for qq (#5.1.3)";
    case 31:
        return "Dmail server permanently rejected message (#5.3.0)";
    case 51:
        return "Zqq out of memory (#4.3.0)";
    case 52:
        return "Zqq timeout (#4.3.0)";
    case 53:
        return "Zqq write error or disk full (#4.3.0)";
    case 54:
        return "Zqq read error (#4.3.0)";
    case 55:
        return "Zqq unable to read configuration (#4.3.0)";
    case 56:
        return "Zqq trouble making network connection (#4.3.0)";
    case 61:
        return "Zqq trouble in home directory (#4.3.0)";
    case 62:
    case 63:
    case 64:
    case 65:
    case 66:
        return "Zqq trouble creating files in queue (#4.3.0)";
    case 71:
        return "Zmail server temporarily rejected message (#4.3.0)";
    case 72:
        return "Zconnection to mail server timed out (#4.4.1)";
    case 73:
        return "Zconnection to mail server rejected (#4.4.1)";
    case 74:
        return "Zcommunication with mail server failed (#4.4.2)";
    case 81:
    case 91:
        return "Zqq internal bug (#4.3.0)";
    case 120:
        return "Zunable to exec qq (#4.3.0)";
    default:
        if (code >= 11 && code <= 40)
            return "Dqq permanent problem (#5.3.0)";
        return "Zqq temporary problem (#4.3.0)";
    }
}

const char *qq_close(qq *q)
{
    int st;
    pid_t r;
    size_t got = 0;
    ssize_t n;

    envstart(q);
    if (!q->abort)
        qq_put(q, "", 1);
    if (!q->abort && !q->werr && bio_flush(&q->b) == -1)
        q->werr = 1;
    close(q->fde);
    q->fde = -1;
    for (;;) { /* notqmail's fd 6: up to 255 bytes of custom text */
        n = read_all(q->fderr, q->msg + got, sizeof q->msg - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        if (got == sizeof q->msg - 1) {
            char junk[256];
            while (read_all(q->fderr, junk, sizeof junk) > 0)
                ;
            break;
        }
    }
    q->msg[got] = 0;
    /* one line of text: a CR or LF must not reach the client as a
       reply line of the queue program's making */
    q->msg[strcspn(q->msg, "\r\n")] = 0;
    got = strlen(q->msg);
    close(q->fderr);
    do
        r = waitpid(q->pid, &st, 0);
    while (r == -1 && errno == EINTR);
    if (r != q->pid)
        return "Zqq waitpid surprise (#4.3.0)";
    if (WIFSIGNALED(st))
        return "Zqq crashed (#4.3.0)";
    if (!WIFEXITED(st))
        return "Zqq crashed (#4.3.0)";
    st = WEXITSTATUS(st);
    if (st == 0) /* an aborted message is never a success */
        return q->werr || q->abort ? "Zqq read error (#4.3.0)" : "";
    if (st == QQ_CUSTOM && got > 2 && (q->msg[0] == 'D' || q->msg[0] == 'Z'))
        return q->msg;
    return qq_exitmsg(st);
}
