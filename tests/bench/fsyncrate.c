/*
 * fsyncrate: F1, the single-writer fsync rate of a filesystem: create a
 * file, write 300 bytes, fsync it, rename it, repeated for a number of
 * seconds.  Prints the rate (operations per second).
 * usage: fsyncrate DIR [SECONDS]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    char tmp[4096], dst[4096], buf[300];
    double t0, secs = argc > 2 ? strtod(argv[2], 0) : 5.0;
    unsigned long n = 0;
    int fd;

    if (argc < 2) {
        fprintf(stderr, "usage: fsyncrate DIR [SECONDS]\n");
        return 100;
    }
    memset(buf, 'x', sizeof buf);
    t0 = now();
    while (now() - t0 < secs) {
        snprintf(tmp, sizeof tmp, "%s/f1.tmp.%lu", argv[1], n);
        snprintf(dst, sizeof dst, "%s/f1.%lu", argv[1], n % 64);
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd == -1 || write(fd, buf, sizeof buf) != sizeof buf ||
            fsync(fd) == -1 || close(fd) == -1 || rename(tmp, dst) == -1) {
            perror("fsyncrate");
            return 111;
        }
        ++n;
    }
    printf("%.1f\n", n / (now() - t0));
    for (n = 0; n < 64; ++n) {
        snprintf(dst, sizeof dst, "%s/f1.%lu", argv[1], n);
        unlink(dst);
    }
    return 0;
}
