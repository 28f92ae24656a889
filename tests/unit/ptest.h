/*
 * ptest.h: the in-tree unit-test harness.  Each tests/unit/<module>.c
 * includes this, runs named checks and ends with `return pt_done();`.
 * Output is TAP (prove runs the binaries directly).
 * pt_exitcode runs a function in a child and returns its exit status
 * (or 1000 + signal), so failure paths that exit can be tested too;
 * pt_capture does the same and also collects what the child wrote to
 * fd 2.  SKIP(name, reason) records a check that cannot run here.
 */
#ifndef PTEST_H
#define PTEST_H

#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define PT_UNUSED __attribute__((unused))

static int pt_n, pt_failed;

PT_UNUSED static void pt_ok(int c, const char *name, const char *file,
                            int line)
{
    printf("%sok %d - %s\n", c ? "" : "not ", ++pt_n, name);
    if (!c) {
        ++pt_failed;
        printf("#   failed at %s:%d\n", file, line);
    }
    fflush(stdout);
}

PT_UNUSED static void pt_ismem(const char *got, size_t glen,
                               const char *exp, size_t elen,
                               const char *name, const char *file, int line)
{
    int c = glen == elen && (!elen || memcmp(got, exp, elen) == 0);

    pt_ok(c, name, file, line);
    if (!c)
        printf("#   got:      '%.*s' (%zu)\n#   expected: '%.*s' (%zu)\n",
               (int)glen, got ? got : "", glen, (int)elen, exp, elen);
}

#define OK(c, name) pt_ok(!!(c), (name), __FILE__, __LINE__)
#define IS_MEM(g, gl, e, el, name) \
    pt_ismem((g), (gl), (e), (el), (name), __FILE__, __LINE__)
#define IS_STR(g, e, name) \
    pt_ismem((g), strlen(g), (e), strlen(e), (name), __FILE__, __LINE__)
#define IS_SA(x, e, name) IS_MEM((x).s, (x).len, (e), strlen(e), (name))
#define IS_INT(g, e, name)                                              \
    do {                                                                \
        long long pt_g = (long long)(g), pt_e = (long long)(e);         \
        pt_ok(pt_g == pt_e, (name), __FILE__, __LINE__);                \
        if (pt_g != pt_e)                                               \
            printf("#   got %lld, expected %lld\n", pt_g, pt_e);        \
    } while (0)

PT_UNUSED static int pt_exitcode(void (*fn)(void *), void *arg)
{
    int st;
    pid_t pid;

    fflush(stdout);
    pid = fork();
    if (pid == -1)
        return -1;
    if (pid == 0) {
        fn(arg);
        _exit(0);
    }
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    if (WIFSIGNALED(st))
        return 1000 + WTERMSIG(st);
    return WEXITSTATUS(st);
}

PT_UNUSED static void pt_skip(const char *name, const char *why)
{
    printf("ok %d - %s # SKIP %s\n", ++pt_n, name, why);
    fflush(stdout);
}

#define SKIP(name, why) pt_skip((name), (why))

/* like pt_exitcode; the child's fd 2 goes to a pipe whose contents
   (at most max - 1 bytes, NUL-terminated) end up in err */
PT_UNUSED static int pt_capture(void (*fn)(void *), void *arg, char *err,
                                size_t max, size_t *errlen)
{
    int st, p[2];
    pid_t pid;
    size_t got = 0;
    ssize_t r;
    char junk[512];

    fflush(stdout);
    fflush(stderr);
    if (pipe(p) == -1)
        return -1;
    pid = fork();
    if (pid == -1)
        return -1;
    if (pid == 0) {
        close(p[0]);
        if (dup2(p[1], 2) == -1)
            _exit(126);
        close(p[1]);
        fn(arg);
        _exit(0);
    }
    close(p[1]);
    while ((r = read(p[0], got + 1 < max ? err + got : junk,
                     got + 1 < max ? max - 1 - got : sizeof junk)) > 0)
        if (got + 1 < max)
            got += (size_t)r;
    close(p[0]);
    if (max)
        err[got] = 0;
    if (errlen)
        *errlen = got;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    if (WIFSIGNALED(st))
        return 1000 + WTERMSIG(st);
    return WEXITSTATUS(st);
}

PT_UNUSED static int pt_done(void)
{
    printf("1..%d\n", pt_n);
    return pt_failed ? 1 : 0;
}

#endif
