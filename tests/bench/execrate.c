/*
 * execrate: how many times per second one process can start a
 * dynamically linked program that does nothing and wait for it
 * (posix_spawn + waitpid), for SECONDS seconds.  Printed beside F1 by
 * make bench: process creation is the other limit of an MTA that runs
 * a program per message.
 * usage: execrate PROGRAM SECONDS
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    double t0, t, secs;
    unsigned long n = 0;
    char *av[2];
    pid_t pid;
    int st;

    if (argc != 3)
        return 2;
    secs = atof(argv[2]);
    av[0] = argv[1];
    av[1] = 0;
    t0 = now();
    do {
        if (posix_spawn(&pid, argv[1], 0, 0, av, environ) != 0 ||
            waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
            WEXITSTATUS(st)) {
            fprintf(stderr, "execrate: cannot run %s\n", argv[1]);
            return 1;
        }
        ++n;
        t = now();
    } while (t - t0 < secs);
    printf("%.1f\n", (double)n / (t - t0));
    return 0;
}
