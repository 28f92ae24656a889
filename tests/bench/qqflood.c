/*
 * qqflood: queue many small messages fast, straight through qmail-queue
 * (no qmail-inject), from several parallel workers.  Used by make bench
 * to fill the queue before a measurement.  Stops early, with exit 2,
 * once the deadline (seconds, 0 = none) has passed.
 * usage: qqflood QMAIL-QUEUE COUNT WORKERS SENDER RECIPIENT [DEADLINE]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int writeall(int fd, const char *buf, size_t len)
{
    ssize_t w;

    while (len) {
        w = write(fd, buf, len);
        if (w == -1 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

/* one message through qmail-queue; 0 when it exits 0 */
static int queue_one(const char *qq, const char *from, const char *to,
                     unsigned long n)
{
    char msg[512], env[1024];
    int m[2], e[2], st, ml, el, bad = 0;
    pid_t pid;

    ml = snprintf(msg, sizeof msg,
                  "From: %s\nTo: %s\nSubject: bench %lu\n"
                  "Message-ID: <bench.%lu.%ld@bench.example.org>\n\n"
                  "bench message %lu\n",
                  from, to, n, n, (long)getpid(), n);
    el = snprintf(env, sizeof env, "F%s%cT%s%c%c", from, 0, to, 0, 0);
    if (ml < 0 || el < 0 || (size_t)el >= sizeof env || pipe(m) == -1)
        return -1;
    if (pipe(e) == -1)
        return -1;
    pid = fork();
    if (pid == -1)
        return -1;
    if (pid == 0) {
        if (dup2(m[0], 0) == -1 || dup2(e[0], 1) == -1)
            _exit(120);
        close(m[0]); close(m[1]); close(e[0]); close(e[1]);
        execl(qq, qq, (char *)0);
        _exit(120);
    }
    close(m[0]);
    close(e[0]);
    /* both fit in a pipe's buffer, so the order cannot deadlock */
    if (writeall(m[1], msg, (size_t)ml) || close(m[1]) ||
        writeall(e[1], env, (size_t)el))
        bad = 1;
    close(e[1]);
    if (waitpid(pid, &st, 0) != pid || bad)
        return -1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int worker(char **argv, unsigned long k, unsigned long count,
                  unsigned long workers, time_t deadline)
{
    unsigned long i;

    for (i = k; i < count; i += workers) {
        if (deadline && time(0) > deadline)
            return 2;
        if (queue_one(argv[1], argv[4], argv[5], i)) {
            fprintf(stderr, "qqflood: qmail-queue failed for message %lu\n",
                    i);
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long count, workers, k;
    time_t deadline = 0;
    int st, failed = 0, late = 0;

    if (argc < 6) {
        fprintf(stderr, "usage: qqflood QMAIL-QUEUE COUNT WORKERS SENDER "
                        "RECIPIENT [DEADLINE]\n");
        return 100;
    }
    count = strtoul(argv[2], 0, 10);
    workers = strtoul(argv[3], 0, 10);
    if (argc > 6 && strtoul(argv[6], 0, 10))
        deadline = time(0) + (time_t)strtoul(argv[6], 0, 10);
    if (!workers)
        workers = 1;
    signal(SIGPIPE, SIG_IGN);
    for (k = 0; k < workers; ++k) {
        pid_t pid = fork();

        if (pid == -1)
            return 111;
        if (pid == 0)
            _exit(worker(argv, k, count, workers, deadline));
    }
    while (wait(&st) > 0) {
        if (WIFEXITED(st) && WEXITSTATUS(st) == 2)
            late = 1;
        else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            failed = 1;
    }
    return failed ? 1 : late ? 2 : 0;
}
