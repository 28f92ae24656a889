/*
 * injloop: the local throughput figure's injectors.  Runs WORKERS
 * parallel loops; loop k injects messages k, k+WORKERS, ... up to
 * COUNT, each by running QMAIL-INJECT with a small message on its
 * standard input ("To: RECIPIENT", "Subject: <number>").  Spawning the
 * injector directly keeps the load generator's own cost (a shell and
 * its pipelines) out of the figure.  Exit 1 if any injection failed.
 * usage: injloop QMAIL-INJECT COUNT WORKERS RECIPIENT
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int inject_one(const char *prog, const char *to, unsigned long n)
{
    posix_spawn_file_actions_t fa;
    char msg[512], *argv[2];
    int p[2], st, len, bad = 0;
    pid_t pid;

    len = snprintf(msg, sizeof msg, "To: %s\nSubject: %lu\n\nbench\n", to, n);
    if (len < 0 || (size_t)len >= sizeof msg || pipe(p) == -1)
        return -1;
    if (write(p[1], msg, (size_t)len) != len) /* fits in the pipe */
        bad = 1;
    close(p[1]);
    argv[0] = (char *)prog;
    argv[1] = 0;
    if (posix_spawn_file_actions_init(&fa) != 0 ||
        posix_spawn_file_actions_adddup2(&fa, p[0], 0) != 0 ||
        posix_spawn_file_actions_addclose(&fa, p[0]) != 0 ||
        posix_spawn(&pid, prog, &fa, 0, argv, environ) != 0) {
        close(p[0]);
        return -1;
    }
    posix_spawn_file_actions_destroy(&fa);
    close(p[0]);
    while (waitpid(pid, &st, 0) == -1)
        if (errno != EINTR)
            return -1;
    return bad || !WIFEXITED(st) || WEXITSTATUS(st) ? -1 : 0;
}

int main(int argc, char **argv)
{
    unsigned long count, workers, k, i;
    int st, fail = 0;
    pid_t pid;

    if (argc != 5) {
        fprintf(stderr, "usage: injloop QMAIL-INJECT COUNT WORKERS RECIPIENT\n");
        return 2;
    }
    count = strtoul(argv[2], 0, 10);
    workers = strtoul(argv[3], 0, 10);
    if (!workers)
        return 2;
    for (k = 1; k <= workers; ++k) {
        pid = fork();
        if (pid == -1) {
            perror("injloop: fork");
            return 1;
        }
        if (pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGTERM); /* stop with the bench */
            for (i = k; i <= count; i += workers)
                if (inject_one(argv[1], argv[4], i) == -1) {
                    fprintf(stderr, "injloop: message %lu failed\n", i);
                    _exit(1);
                }
            _exit(0);
        }
    }
    while ((pid = wait(&st)) != -1 || errno == EINTR)
        if (pid != -1 && (!WIFEXITED(st) || WEXITSTATUS(st)))
            fail = 1;
    return fail;
}
