/*
 * tests/unit/rjob.c: the packets between qmail-rspawn and its workers
 * (rjob.h): a job with its descriptor across a real socketpair, data
 * and end packets, the bounds on sizes, and the splitting of a job into
 * fields, malformed ones included.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ptest.h"
#include "rjob.h"

static char big[RJOB_MAX + 2];

static void test_job(void)
{
    static const char job[] = "example.com\0a@example.org\0b@example.com";
    int sv[2], p[2], fd = -2;
    char buf[RJOB_MAX];
    struct stat a, b;
    ssize_t r;

    OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0, "socketpair");
    OK(pipe(p) == 0, "pipe");
    OK(rjob_send(sv[0], p[0], job, sizeof job) == 0, "job sent");
    r = rjob_recv(sv[1], buf, sizeof buf, &fd, 0);
    IS_INT(r, (long)sizeof job, "one packet, whole");
    IS_MEM(buf, (size_t)r, job, sizeof job, "its bytes");
    OK(fd >= 0 && fd != p[0], "a descriptor came with it");
    OK(fstat(fd, &a) == 0 && fstat(p[0], &b) == 0 && a.st_ino == b.st_ino,
       "the same pipe");
    OK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, "close-on-exec");
    close(fd);

    OK(rjob_send(sv[0], p[0], big, RJOB_MAX + 1) == -1 && errno == EMSGSIZE,
       "a job over RJOB_MAX is refused");
    OK(rjob_send(sv[0], p[0], big, sizeof buf) == 0, "RJOB_MAX fits");
    r = rjob_recv(sv[1], buf, 100, &fd, 0);
    OK(r == -1 && errno == EMSGSIZE && fd == -1,
       "a packet larger than the buffer fails, its descriptor closed");

    r = rjob_recv(sv[1], buf, sizeof buf, &fd, 1);
    OK(r == -1 && errno == EAGAIN, "nonblocking: nothing there");
    close(sv[0]);
    r = rjob_recv(sv[1], buf, sizeof buf, &fd, 0);
    IS_INT(r, 0, "EOF once the other end closed");
    close(sv[1]);
    close(p[0]);
    close(p[1]);
}

static void test_report(void)
{
    int sv[2], fd;
    char buf[RJOB_MAX];
    ssize_t r;

    OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0, "socketpair");
    IS_INT(rjob_senddata(sv[0], "r\0Kok\n\0", 7), 7, "data sent");
    IS_INT(rjob_senddata(sv[0], big, RJOB_DATA + 10), RJOB_DATA,
           "at most RJOB_DATA bytes per packet");
    OK(rjob_end(sv[0], 1) == 0, "end sent");
    OK(rjob_end(sv[0], 0) == 0, "end sent");
    r = rjob_recv(sv[1], buf, sizeof buf, &fd, 0);
    IS_MEM(buf, (size_t)r, "dr\0Kok\n\0", 8, "d and the bytes as given");
    r = rjob_recv(sv[1], buf, sizeof buf, &fd, 0);
    IS_INT(r, RJOB_DATA + 1, "a full data packet");
    r = rjob_recv(sv[1], buf, sizeof buf, &fd, 0);
    IS_MEM(buf, (size_t)r, "e1", 2, "end, connection kept");
    r = rjob_recv(sv[1], buf, sizeof buf, &fd, 0);
    IS_MEM(buf, (size_t)r, "e0", 2, "end, connection closed");
    close(sv[0]);
    close(sv[1]);
}

static void test_split(void)
{
    char ok1[] = "h\0s\0r1\0r2";
    char ok2[] = "\0\0r"; /* empty host and sender are fields too */
    char bad1[] = "h\0s";
    char bad2[] = "h\0s\0r";
    sa v = SA_INIT;
    char **f;

    IS_INT(rjob_split(ok1, sizeof ok1, &v), 4, "four fields");
    f = (char **)(void *)v.s;
    IS_STR(f[0], "h", "host");
    IS_STR(f[1], "s", "sender");
    IS_STR(f[2], "r1", "first recipient");
    IS_STR(f[3], "r2", "second recipient");
    OK(f[4] == 0, "then a null pointer");
    IS_INT(rjob_split(ok2, sizeof ok2, &v), 3, "empty fields count");
    f = (char **)(void *)v.s;
    IS_STR(f[0], "", "empty host");
    OK(rjob_split(bad1, sizeof bad1, &v) == -1 && errno == EPROTO,
       "two fields are too few");
    OK(rjob_split(bad2, sizeof bad2 - 1, &v) == -1 && errno == EPROTO,
       "a packet must end in NUL");
    OK(rjob_split(bad2, 0, &v) == -1, "an empty packet is malformed");
    sa_free(&v);
}

int main(void)
{
    test_job();
    test_report();
    test_split();
    return pt_done();
}
