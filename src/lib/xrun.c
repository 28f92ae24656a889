/*
 * xrun.c: fork, exec and wait for the .qmail wrapper programs.  Never
 * exits in the parent; the child exits with 111 or 100 when it cannot
 * run the program, which is how qmail-local reads "cannot run".
 * xrun_test and xrun_code only classify; the caller picks the exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bio.h"
#include "errtemp.h"
#include "exitcodes.h"
#include "fd.h"
#include "xrun.h"

int xrun_errtemp(int e)
{
    return errtemp(e);
}

pid_t xrun_spawn(char *const *argv)
{
    pid_t pid = fork();

    if (pid != 0)
        return pid;
    signal(SIGPIPE, SIG_DFL);
    execvp(argv[0], argv);
    _exit(xrun_errtemp(errno) ? EX_TEMP : EX_PERM);
}

pid_t xrun_feed(char *const *argv, int *fdw, const char **why)
{
    int p[2];
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) == -1) {
        *why = "unable to create pipe: ";
        return -1;
    }
    pid = fork();
    if (pid == -1) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        errno = e;
        *why = "unable to fork: ";
        return -1;
    }
    if (pid == 0) {
        if (fd_move(0, p[0]) == -1)
            DIE(EX_TEMP, "unable to set up fds: ", ERRSYS);
        signal(SIGPIPE, SIG_DFL);
        execvp(argv[0], argv);
        DIE(xrun_errtemp(errno) ? EX_TEMP : EX_PERM, "unable to run ", argv[0],
            ": ", ERRSYS);
    }
    close(p[0]);
    *fdw = p[1];
    return pid;
}

/* 1 written, 0 the reader is gone, -1 error */
static int pour_put(bio *out, const char *s, size_t n)
{
    if (bio_put(out, s, n) == 0)
        return 1;
    return errno == EPIPE ? 0 : -1;
}

int xrun_pour(int fd, const char *const *head, const int *want, size_t n,
              int *rderr)
{
    char obuf[BIO_SIZE], ibuf[BIO_SIZE];
    bio out = BIO_INIT(bio_writeop, fd, obuf, sizeof obuf, 0);
    ssize_t r;
    size_t i;
    int w = 1;

    *rderr = 0;
    for (i = 0; i < n && w == 1; ++i)
        if (want[i])
            w = pour_put(&out, head[i], strlen(head[i]));
    while (w == 1) {
        r = read_all(0, ibuf, sizeof ibuf);
        if (r == -1) {
            *rderr = 1;
            return -1;
        }
        if (r == 0) {
            if (bio_flush(&out) == -1 && errno != EPIPE)
                return -1;
            break;
        }
        w = pour_put(&out, ibuf, (size_t)r);
    }
    if (w == -1)
        return -1;
    close(fd);
    return 0;
}

int xrun_wait(pid_t pid, int *code)
{
    int st;
    pid_t r;

    do
        r = waitpid(pid, &st, 0);
    while (r == -1 && errno == EINTR);
    if (r == -1)
        return -1;
    if (r != pid) {
        errno = ECHILD;
        return -1;
    }
    if (WIFEXITED(st)) {
        *code = WEXITSTATUS(st);
        return 1;
    }
    *code = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
    return 0;
}

int xrun_code(pid_t pid)
{
    int code;

    switch (xrun_wait(pid, &code)) {
    case -1:
        return XRUN_EWAIT;
    case 0:
        return XRUN_CRASH;
    default:
        return code;
    }
}

int xrun_test(char *const *argv)
{
    pid_t pid = xrun_spawn(argv);
    int code;

    if (pid == -1)
        return XRUN_EFORK;
    code = xrun_code(pid);
    if (code < 0)
        return code;
    if (code == EX_TEMP)
        return XRUN_TEMP;
    return code == 0 ? XRUN_TRUE : XRUN_FALSE;
}

const char *xrun_why(int r)
{
    switch (r) {
    case XRUN_EFORK:
        return "unable to fork: ";
    case XRUN_EWAIT:
        return "wait failed: ";
    case XRUN_CRASH:
        return "child crashed";
    case XRUN_TEMP:
        return "temporary child error";
    default:
        return "unknown child error";
    }
}
