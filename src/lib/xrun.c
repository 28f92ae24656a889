/*
 * xrun.c: fork, exec and wait for the .qmail wrapper programs.  Never
 * exits in the parent; the child exits with 111 or 100 when it cannot
 * run the program, which is how qmail-local reads "cannot run".
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errtemp.h"
#include "exitcodes.h"
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
