/*
 * xrun.c: fork, exec and wait for the .qmail wrapper programs.  Never
 * exits in the parent; the child exits with 111 or 100 when it cannot
 * run the program, which is how qmail-local reads "cannot run".
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exitcodes.h"
#include "xrun.h"

/* errno values for which trying again later can help */
static const int temp_errnos[] = {
    EINTR,    ENOMEM,       ETXTBSY,      EIO,       ETIMEDOUT,    EWOULDBLOCK,
    EAGAIN,   EDEADLK,      EBUSY,        ENFILE,    EMFILE,       EFBIG,
    ENOSPC,   ENETDOWN,     ENETUNREACH,  ENETRESET, ECONNABORTED, ECONNRESET,
    ENOBUFS,  ETOOMANYREFS, ECONNREFUSED, EHOSTDOWN, EHOSTUNREACH, EUSERS,
    EDQUOT,   ESTALE,       ENOLCK,
#ifdef EPROCLIM
    EPROCLIM,
#endif
};

int xrun_errtemp(int e)
{
    size_t i;

    for (i = 0; i < sizeof temp_errnos / sizeof temp_errnos[0]; ++i)
        if (temp_errnos[i] == e)
            return 1;
    return 0;
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
