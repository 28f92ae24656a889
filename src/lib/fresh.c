/*
 * fresh.c: see fresh.h.  Runs in a child between fork and the function
 * that takes the place of an exec'd program; touches only the process's
 * own descriptors, signal actions and name.
 */
#include <errno.h>
#include <fcntl.h>
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

int fresh_sigcgt(const char *buf, size_t len, unsigned long long *mask)
{
    static const char key[] = "\nSigCgt:";
    size_t i, k = sizeof key - 1;
    unsigned long long m = 0;
    int digits = 0, d;

    for (i = 0; i + k <= len && memcmp(buf + i, key, k); ++i)
        ;
    if (i + k > len)
        return 0;
    for (i += k; i < len && (buf[i] == ' ' || buf[i] == '\t'); ++i)
        ;
    for (; i < len && buf[i] != '\n'; ++i) {
        char c = buf[i];
        d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
        if (d < 0 || ++digits > 16)
            return 0;
        m = m << 4 | (unsigned long long)d;
    }
    if (!digits || i == len)
        return 0;
    *mask = m;
    return 1;
}

/* the signals the process catches, bit s-1 for signal s, as the kernel
   tells them: one read instead of a query per signal */
static int caught(unsigned long long *mask)
{
    char buf[4096];
    size_t len = 0;
    ssize_t r;
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

    if (fd == -1)
        return 0;
    while (len < sizeof buf && (r = read(fd, buf + len, sizeof buf - len)) > 0)
        len += (size_t)r;
    close(fd);
    return fresh_sigcgt(buf, len, mask);
}

int fresh_child(const char *name)
{
    struct sigaction act;
    unsigned long long mask;
    int s, known = caught(&mask);

    if (fds_close() == -1)
        return -1;
    for (s = 1; s < NSIG && s <= 64; ++s) {
        if (known && !(mask >> (s - 1) & 1))
            continue;
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
