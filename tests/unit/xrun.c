/*
 * tests/unit/xrun.c: the exec-failure classes of spec
 * smtp-and-tools.md 0.3, and spawn/wait of a child.
 */
#include <errno.h>
#include <signal.h>

#include "ptest.h"
#include "xrun.h"

static void t_class(void)
{
    static const int temp[] = {
        EINTR,        ENOMEM,       ETXTBSY,      EIO,      ETIMEDOUT,
        EWOULDBLOCK,  EAGAIN,       EDEADLK,      EBUSY,    ENFILE,
        EMFILE,       EFBIG,        ENOSPC,       ENETDOWN, ENETUNREACH,
        ENETRESET,    ECONNABORTED, ECONNRESET,   ENOBUFS,  ETOOMANYREFS,
        ECONNREFUSED, EHOSTDOWN,    EHOSTUNREACH, EUSERS,   EDQUOT,
        ESTALE,       ENOLCK};
    static const int perm[] = {
        ENOENT,       EACCES, EPERM,  ENOEXEC, ENOTDIR, EISDIR, ELOOP,
        ENAMETOOLONG, E2BIG,  EINVAL, EFAULT,  EPROTO,  0};
    size_t i;
    int good = 1;

    for (i = 0; i < sizeof temp / sizeof temp[0]; ++i)
        if (!xrun_errtemp(temp[i])) {
            good = 0;
            printf("# %s should be temporary\n", strerror(temp[i]));
        }
    OK(good, "the 27 temporary errno values of the spec");
    good = 1;
    for (i = 0; i < sizeof perm / sizeof perm[0]; ++i)
        if (xrun_errtemp(perm[i])) {
            good = 0;
            printf("# %s should be permanent\n", strerror(perm[i]));
        }
    OK(good, "others are permanent (ENOENT, EACCES, ENOEXEC, ...)");
}

static int run(char *const *argv, int *code)
{
    pid_t pid = xrun_spawn(argv);

    if (pid == -1)
        return -2;
    return xrun_wait(pid, code);
}

static void t_run(void)
{
    char sh[] = "sh", c[] = "-c", e42[] = "exit 42";
    char term[] = "kill -TERM $$", pipe_[] = "kill -PIPE $$";
    char none[] = "/nonexistent/prog", root[] = "/";
    char *t[] = {sh, c, e42, 0};
    char *k[] = {sh, c, term, 0};
    char *p[] = {sh, c, pipe_, 0};
    char *n[] = {none, 0};
    char *d[] = {root, 0};
    int code = -1;

    IS_INT(run(t, &code), 1, "exit: 1");
    IS_INT(code, 42, "exit code 42");
    IS_INT(run(k, &code), 0, "signal: 0");
    IS_INT(code, SIGTERM, "signal number");
    signal(SIGPIPE, SIG_IGN);
    IS_INT(run(p, &code), 0, "SIGPIPE is back to default in the child");
    signal(SIGPIPE, SIG_DFL);
    IS_INT(run(n, &code), 1, "missing program: the child exits");
    IS_INT(code, 100, "ENOENT: 100");
    IS_INT(run(d, &code), 1, "a directory: the child exits");
    IS_INT(code, 100, "EACCES: 100");
    IS_INT(xrun_wait(getpid(), &code), -1, "waiting for a non-child: -1");
}

static void t_test(void)
{
    char sh[] = "sh", c[] = "-c", e0[] = "exit 0", e1[] = "exit 1";
    char e111[] = "exit 111", e3[] = "exit 3", term[] = "kill -TERM $$";
    char *a0[] = {sh, c, e0, 0}, *a1[] = {sh, c, e1, 0};
    char *a111[] = {sh, c, e111, 0}, *ak[] = {sh, c, term, 0};
    char *a3[] = {sh, c, e3, 0};

    IS_INT(xrun_test(a0), XRUN_TRUE, "exit 0 is true");
    IS_INT(xrun_test(a1), XRUN_FALSE, "exit 1 is false");
    IS_INT(xrun_test(a111), XRUN_TEMP, "exit 111 is temporary");
    IS_INT(xrun_test(ak), XRUN_CRASH, "a signal is a crash");
    IS_INT(xrun_code(xrun_spawn(a3)), 3, "xrun_code: the exit status");
    IS_INT(xrun_code(getpid()), XRUN_EWAIT, "xrun_code: not a child");
    IS_STR(xrun_why(XRUN_EFORK), "unable to fork: ", "fork text");
    IS_STR(xrun_why(XRUN_EWAIT), "wait failed: ", "wait text");
    IS_STR(xrun_why(XRUN_CRASH), "child crashed", "crash text");
    IS_STR(xrun_why(XRUN_TEMP), "temporary child error", "temp text");
}

int main(void)
{
    t_class();
    t_run();
    t_test();
    return pt_done();
}
