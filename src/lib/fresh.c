/*
 * fresh.c: see fresh.h.  Runs in a child between fork and the function
 * that takes the place of an exec'd program; touches only the process's
 * own descriptors, signal actions and name.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fresh.h"

static int fds_close(void)
{
    long max, fd;

    /* the system call itself: not every libc wraps close_range */
    if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
        return 0;
    if (errno != ENOSYS && errno != EINVAL)
        return -1;
    max = sysconf(_SC_OPEN_MAX); /* a kernel before 5.9: one by one */
    if (max < 0 || max > INT32_MAX)
        max = 65536;
    for (fd = 3; fd < max; ++fd)
        close((int)fd);
    return 0;
}

int fresh_child(const char *name)
{
    struct sigaction act;
    int s;

    if (fds_close() == -1)
        return -1;
    for (s = 1; s < NSIG; ++s) {
        /* fails for SIGKILL, SIGSTOP and the C library's own: skipped */
        if (sigaction(s, 0, &act) == -1 || act.sa_handler == SIG_DFL ||
            act.sa_handler == SIG_IGN)
            continue;
        memset(&act, 0, sizeof act);
        act.sa_handler = SIG_DFL;
        sigemptyset(&act.sa_mask);
        if (sigaction(s, &act, 0) == -1)
            return -1;
    }
    (void)prctl(PR_SET_NAME, name, 0, 0, 0);
    return 0;
}
