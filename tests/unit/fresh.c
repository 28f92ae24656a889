/*
 * tests/unit/fresh.c: fresh_child leaves a forked child as an exec
 * would: descriptors above 2 closed (marked close-on-exec or not),
 * caught signals back to their default, ignored ones still ignored,
 * the mask untouched, the name set.  Each check runs in a child (the
 * function changes the whole process); the child's exit status says
 * which part failed.
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "fresh.h"
#include "ptest.h"

static void handler(int s)
{
    (void)s;
}

/* 0 when the child looks fresh, else the number of the first failure */
static void child(void *arg)
{
    struct sigaction act;
    sigset_t mask, now;
    char name[17];
    int plain, cloexec;

    (void)arg;
    plain = open("/dev/null", O_RDONLY);
    cloexec = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (plain < 3 || cloexec < 3 || dup2(plain, 200) == -1)
        _exit(90);
    memset(&act, 0, sizeof act);
    sigemptyset(&act.sa_mask);
    act.sa_handler = handler;
    sigaction(SIGUSR1, &act, 0);
    sigaction(SIGCHLD, &act, 0);
    sigaction(SIGRTMIN + 3, &act, 0);
    act.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &act, 0);
    sigemptyset(&mask);
    sigaddset(&mask, SIGHUP);
    sigprocmask(SIG_SETMASK, &mask, 0);

    if (fresh_child("fresh-test-name-too-long") == -1)
        _exit(91);
    if (fcntl(plain, F_GETFD) != -1 || fcntl(cloexec, F_GETFD) != -1 ||
        fcntl(200, F_GETFD) != -1)
        _exit(1);
    if (fcntl(0, F_GETFD) == -1 || fcntl(1, F_GETFD) == -1 ||
        fcntl(2, F_GETFD) == -1)
        _exit(2);
    if (sigaction(SIGUSR1, 0, &act) == -1 || act.sa_handler != SIG_DFL)
        _exit(3);
    if (sigaction(SIGCHLD, 0, &act) == -1 || act.sa_handler != SIG_DFL)
        _exit(4);
    if (sigaction(SIGPIPE, 0, &act) == -1 || act.sa_handler != SIG_IGN)
        _exit(5);
    if (sigaction(SIGRTMIN + 3, 0, &act) == -1 || act.sa_handler != SIG_DFL)
        _exit(8);
    if (sigprocmask(SIG_SETMASK, 0, &now) == -1 || !sigismember(&now, SIGHUP) ||
        sigismember(&now, SIGUSR1))
        _exit(6);
    memset(name, 0, sizeof name);
    if (prctl(PR_GET_NAME, name, 0, 0, 0) == -1 ||
        strcmp(name, "fresh-test-name"))
        _exit(7);
    _exit(0);
}

#define CGT(text, ok, want)                                                    \
    do {                                                                       \
        unsigned long long m = 7;                                              \
        static const char t[] = text;                                          \
        IS_INT(fresh_sigcgt(t, sizeof t - 1, &m), ok, "SigCgt: " #text);       \
        if (ok)                                                                \
            IS_INT(m, want, "  its mask");                                     \
    } while (0)

int main(void)
{
    IS_INT(pt_exitcode(child, 0), 0,
           "fds above 2 closed, handlers (a real-time one too) reset, "
           "SIG_IGN and mask kept, name set (15 bytes)");
    CGT("Name:\tx\nSigIgn:\t0000000000001000\nSigCgt:"
        "\t0000000280014a02\nCapInh:\t0\n",
        1, 0x280014a02ULL);
    CGT("Name:\tx\nSigCgt:\tFFFFFFFFFFFFFFFF\n", 1, ~0ULL);
    CGT("Name:\tx\nSigCgt: 0\n", 1, 0);
    CGT("Name:\tx\nSigCgt:\t10000000000000000\n", 0, 0);
    CGT("Name:\tx\nSigCgt:\t00z0\n", 0, 0);
    CGT("Name:\tx\nSigCgt:\t\n", 0, 0);
    CGT("Name:\tx\nSigCgt:\t0000000000000002", 0, 0);
    CGT("Name:\tx\nSigBlk:\t0000000000000002\n", 0, 0);
    CGT("SigCgt:\t0000000000000002\n", 0, 0);
    return pt_done();
}
