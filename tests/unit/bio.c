/*
 * tests/unit/bio.c: buffered I/O over pipes and socketpairs: the line
 * reader with its maximum (E2BIG), EOF without a separator, refills of a
 * tiny buffer, pass-through of large reads and writes, write errors, and
 * the poll() timeouts (ETIMEDOUT on a silent peer, read and write).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>

#include "bio.h"
#include "fd.h"
#include "ptest.h"

/* a bio reading a pipe that already holds text (and is closed unless
   keep is set) */
static int feedpipe(const char *text, size_t len, int keep, int *wfd)
{
    int p[2];

    if (pipe(p) == -1 || write_all(p[1], text, len) == -1)
        return -1;
    if (keep)
        *wfd = p[1];
    else
        close(p[1]);
    return p[0];
}

static void t_lines(void)
{
    static const char text[] = "abc\ndef\n\nlast";
    char buf[BIO_SIZE];
    bio b;
    sa line = SA_INIT;
    int fd = feedpipe(text, sizeof text - 1, 0, 0);

    bio_init(&b, bio_readop, fd, buf, sizeof buf);
    IS_INT(bio_getln(&b, &line, '\n', 100), 1, "first line");
    IS_SA(line, "abc\n", "line keeps its separator");
    IS_INT(bio_getln(&b, &line, '\n', 100), 1, "second line");
    IS_SA(line, "def\n", "second content");
    IS_INT(bio_getln(&b, &line, '\n', 100), 1, "empty line");
    IS_SA(line, "\n", "empty line is the separator alone");
    IS_INT(bio_getln(&b, &line, '\n', 100), 1, "final line without LF");
    IS_SA(line, "last", "EOF ends the last line, no separator");
    IS_INT(bio_getln(&b, &line, '\n', 100), 0, "then EOF");
    IS_INT(line.len, 0, "nothing read at EOF");
    IS_INT(bio_getln(&b, &line, '\n', 100), 0, "EOF again");
    close(fd);
    sa_free(&line);
}

static void t_max(void)
{
    static const char text[] = "0123456789\nabcd\nxyz\n0123456789";
    char buf[BIO_SIZE];
    bio b;
    sa line = SA_INIT;
    int fd = feedpipe(text, sizeof text - 1, 0, 0);

    bio_init(&b, bio_readop, fd, buf, sizeof buf);
    errno = 0;
    IS_INT(bio_getln(&b, &line, '\n', 5), -1, "line over max fails");
    IS_INT(errno, E2BIG, "with E2BIG");
    IS_SA(line, "01234", "the first max bytes are kept");
    IS_INT(bio_getln(&b, &line, '\n', 5), 1, "next line read");
    IS_SA(line, "abcd\n", "a line of exactly max bytes (with LF) is fine");
    IS_INT(bio_getln(&b, &line, '\n', 3), -1, "xyz\\n is 4 bytes > 3");
    IS_INT(errno, E2BIG, "E2BIG when only the separator is over");
    IS_SA(line, "xyz", "kept up to max");
    errno = 0;
    IS_INT(bio_getln(&b, &line, '\n', 5), -1, "long last line at EOF");
    IS_INT(errno, E2BIG, "E2BIG at EOF too");
    IS_INT(bio_getln(&b, &line, '\n', 5), 0, "then EOF");
    close(fd);
    sa_free(&line);
}

static void t_small_buffer(void)
{
    static const char text[] = "hello world, a line longer than the buffer\n"
                               "x\0y\0";
    char buf[4];
    bio b;
    sa line = SA_INIT;
    int fd = feedpipe(text, sizeof text - 1, 0, 0);

    bio_init(&b, bio_readop, fd, buf, sizeof buf);
    IS_INT(bio_getln(&b, &line, '\n', 1000), 1, "line across refills");
    IS_SA(line, "hello world, a line longer than the buffer\n",
          "content across refills");
    IS_INT(bio_getln(&b, &line, 0, 1000), 1, "NUL as separator");
    IS_MEM(line.s, line.len, "x\0", 2, "record x");
    IS_INT(bio_getln(&b, &line, 0, 1000), 1, "second record");
    IS_MEM(line.s, line.len, "y\0", 2, "record y");
    IS_INT(bio_getln(&b, &line, 0, 1000), 0, "EOF");
    close(fd);
    sa_free(&line);
}

static void t_get(void)
{
    char big[20000];
    char got[20000];
    char buf[16];
    bio b;
    size_t i, n = 0;
    ssize_t r;
    int fd;

    for (i = 0; i < sizeof big; ++i)
        big[i] = (char)(i * 7 + 3);
    fd = feedpipe(big, sizeof big, 0, 0);
    bio_init(&b, bio_readop, fd, buf, sizeof buf);
    r = bio_get(&b, got, 3);
    IS_INT(r, 3, "small get");
    n = 3;
    OK(bio_feed(&b) > 0, "feed returns buffered bytes");
    OK(bio_peek(&b)[0] == big[3], "peek shows the next byte");
    bio_seek(&b, 1);
    memcpy(got + 3, big + 3, 1);
    n = 4;
    while ((r = bio_get(&b, got + n, sizeof got - n)) > 0)
        n += (size_t)r;
    IS_INT(r, 0, "EOF after all bytes");
    IS_INT(n, sizeof big, "every byte arrived");
    OK(memcmp(got, big, sizeof big) == 0, "in order, through buffer and "
                                          "direct reads");
    IS_INT(bio_get(&b, got, 0), 0, "get of 0 bytes");
    close(fd);
}

static void t_put(void)
{
    char big[3000];
    char got[4000];
    char buf[16];
    bio b;
    size_t i, n = 0;
    ssize_t r;
    int p[2];

    for (i = 0; i < sizeof big; ++i)
        big[i] = (char)('A' + i % 26);
    if (pipe(p) == -1)
        return;
    bio_init(&b, bio_writeop, p[1], buf, sizeof buf);
    OK(bio_puts(&b, "ab") == 0, "buffered put");
    OK(bio_put(&b, "0123456789abcde", 15) == 0, "put over the buffer size");
    OK(bio_put(&b, big, sizeof big) == 0, "large put goes straight through");
    OK(bio_putflush(&b, "Z", 1) == 0, "putflush");
    close(p[1]);
    while ((r = read(p[0], got + n, sizeof got - n)) > 0)
        n += (size_t)r;
    IS_INT(n, 2 + 15 + sizeof big + 1, "all bytes written");
    OK(memcmp(got, "ab0123456789abcde", 17) == 0 &&
           memcmp(got + 17, big, sizeof big) == 0 &&
           got[17 + sizeof big] == 'Z',
       "written in order");
    close(p[0]);
}

static void t_write_error(void)
{
    char buf[16];
    bio b;
    int p[2];

    if (pipe(p) == -1)
        return;
    close(p[0]);
    bio_init(&b, bio_writeop, p[1], buf, sizeof buf);
    OK(bio_put(&b, "abc", 3) == 0, "buffered put succeeds");
    errno = 0;
    OK(bio_flush(&b) == -1, "flush to a closed pipe fails");
    IS_INT(errno, EPIPE, "with EPIPE");
    errno = 0;
    OK(bio_put(&b, "0123456789abcdefghij", 20) == -1, "large put fails");
    IS_INT(errno, EPIPE, "with EPIPE");
    close(p[1]);
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void t_read_timeout(void)
{
    char buf[64];
    bio b;
    sa line = SA_INIT;
    int s[2];
    double t0, dt;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) == -1)
        return;
    bio_init(&b, bio_readop, s[0], buf, sizeof buf);
    b.timeout = 1;
    if (write_all(s[1], "partial", 7) == -1)
        return;
    t0 = now();
    errno = 0;
    IS_INT(bio_getln(&b, &line, '\n', 100), -1, "silent peer: getln fails");
    dt = now() - t0;
    IS_INT(errno, ETIMEDOUT, "with ETIMEDOUT");
    OK(dt >= 0.9 && dt < 5, "after about one second");
    errno = 0;
    IS_INT(bio_get(&b, buf, sizeof buf), -1, "get times out too");
    IS_INT(errno, ETIMEDOUT, "ETIMEDOUT");
    if (write_all(s[1], "line\n", 5) == -1)
        return;
    IS_INT(bio_getln(&b, &line, '\n', 100), 1, "data before the timeout");
    IS_SA(line, "line\n", "is read");
    close(s[1]);
    IS_INT(bio_getln(&b, &line, '\n', 100), 0, "EOF is not a timeout");
    close(s[0]);
    sa_free(&line);
}

static void t_write_timeout(void)
{
    static char chunk[65536];
    char buf[16];
    bio b;
    int s[2];
    double t0, dt;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) == -1 || fd_nonblock(s[0]))
        return;
    while (write(s[0], chunk, sizeof chunk) > 0) /* fill the socket */
        ;
    bio_init(&b, bio_writeop, s[0], buf, sizeof buf);
    b.timeout = 1;
    t0 = now();
    errno = 0;
    OK(bio_putflush(&b, "x", 1) == -1, "peer not reading: flush fails");
    dt = now() - t0;
    IS_INT(errno, ETIMEDOUT, "with ETIMEDOUT");
    OK(dt >= 0.9 && dt < 5, "after about one second");
    close(s[0]);
    close(s[1]);
}

static void t_init_macro(void)
{
    char buf[8];
    bio b = BIO_INIT(bio_readop, 3, buf, sizeof buf, 7);

    OK(b.x == buf && b.p == 0 && b.n == 0 && b.size == 8 && b.fd == 3 &&
           b.timeout == 7 && b.op == bio_readop,
       "BIO_INIT fills every field");
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    t_lines();
    t_max();
    t_small_buffer();
    t_get();
    t_put();
    t_write_error();
    t_read_timeout();
    t_write_timeout();
    t_init_macro();
    return pt_done();
}
