/*
 * tests/unit/fd.c: the open wrappers (flags, modes, close-on-exec),
 * moving and copying descriptors, fd_sanitise, dir_fsync, and the
 * read/write loops under signals that interrupt them, and fd_prime:
 * what it writes, and that a small write into an old block it primed
 * reads nothing from disk (measured by /proc/self/io, against a control
 * write without it).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "fd.h"
#include "ptest.h"

static char dir[] = "/tmp/fdtest.XXXXXX";
static char fn[128];

static const char *at(const char *name)
{
    snprintf(fn, sizeof fn, "%s/%s", dir, name);
    return fn;
}

static int cloexec(int fd) { return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }
static int flags(int fd) { return fcntl(fd, F_GETFL); }

static mode_t mode(const char *name)
{
    struct stat st;

    return stat(at(name), &st) == 0 ? st.st_mode & 07777 : 0;
}

static void t_open(void)
{
    char buf[16];
    int fd;

    errno = 0;
    OK(open_read(at("missing")) == -1 && errno == ENOENT, "open_read ENOENT");
    OK(open_write(at("missing")) == -1 && errno == ENOENT,
       "open_write does not create");
    fd = open_trunc(at("f"));
    OK(fd >= 0 && cloexec(fd), "open_trunc creates, close-on-exec");
    OK((flags(fd) & O_ACCMODE) == O_WRONLY, "write-only");
    IS_INT(mode("f"), 0644, "mode 0644");
    OK(write_all(fd, "hello", 5) == 0, "write");
    close(fd);
    fd = open_read(at("f"));
    OK(fd >= 0 && cloexec(fd) && (flags(fd) & O_NONBLOCK), "open_read: "
                                                           "cloexec, nonblock");
    IS_INT(read_all(fd, buf, sizeof buf), 5, "read back");
    close(fd);
    fd = open_trunc(at("f"));
    close(fd);
    fd = open_read(at("f"));
    IS_INT(read_all(fd, buf, sizeof buf), 0, "open_trunc truncates");
    close(fd);
    fd = open_write(at("f"));
    OK(fd >= 0 && cloexec(fd), "open_write on an existing file");
    OK(write_all(fd, "abc", 3) == 0, "write");
    close(fd);
    errno = 0;
    OK(open_excl(at("f"), 0600) == -1 && errno == EEXIST, "open_excl EEXIST");
    fd = open_excl(at("g"), 0640);
    OK(fd >= 0 && cloexec(fd), "open_excl creates, close-on-exec");
    IS_INT(mode("g"), 0640, "with the given mode");
    close(fd);
    fd = open_append(at("f"));
    OK(fd >= 0 && cloexec(fd) && (flags(fd) & O_APPEND), "open_append");
    OK(write_all(fd, "def", 3) == 0, "append");
    close(fd);
    fd = open_read(at("f"));
    IS_INT(read_all(fd, buf, sizeof buf), 6, "appended");
    OK(memcmp(buf, "abcdef", 6) == 0, "at the end");
    close(fd);
    fd = open_append(at("h"));
    OK(fd >= 0, "open_append creates");
    IS_INT(mode("h"), 0600, "mode 0600");
    close(fd);
}

static void t_move(void)
{
    int p[2], r;
    char c;

    if (pipe2(p, O_CLOEXEC) == -1)
        return;
    OK(fd_move(20, p[0]) == 0, "fd_move");
    OK(fcntl(p[0], F_GETFD) == -1 && errno == EBADF, "from is closed");
    OK(fcntl(20, F_GETFD) == 0, "to is open, not close-on-exec");
    OK(write(p[1], "x", 1) == 1 && read(20, &c, 1) == 1 && c == 'x',
       "to reads the pipe");
    OK(fd_cloexec(20) == 0 && cloexec(20), "fd_cloexec");
    OK(fd_move(20, 20) == 0 && !cloexec(20), "fd_move onto itself clears "
                                             "close-on-exec");
    OK(fd_copy(21, 20) == 0, "fd_copy");
    OK(fcntl(20, F_GETFD) != -1 && fcntl(21, F_GETFD) != -1, "both open");
    OK(fd_copy(21, 21) == 0, "fd_copy onto itself");
    OK(fd_nonblock(21) == 0 && (flags(21) & O_NONBLOCK), "fd_nonblock");
    errno = 0;
    r = (int)read(21, &c, 1);
    OK(r == -1 && errno == EAGAIN, "nonblocking read of an empty pipe");
    errno = 0;
    OK(fd_move(22, 99) == -1 && errno == EBADF, "fd_move of a closed fd");
    OK(fd_cloexec(99) == -1 && fd_nonblock(99) == -1, "EBADF helpers");
    close(20);
    close(21);
    close(p[1]);
}

static void sanitise_child(void *arg)
{
    int which = *(int *)arg, i, fd;

    for (i = 0; i < 3; ++i)
        if (which & (1 << i))
            close(i);
    if (fd_sanitise() != 0)
        _exit(1);
    for (i = 0; i < 3; ++i)
        if (fcntl(i, F_GETFD) == -1)
            _exit(2);
    fd = open("/dev/null", O_RDONLY);
    if (fd < 3)
        _exit(3);
    _exit(0);
}

static void t_sanitise(void)
{
    int which;
    char name[64];

    for (which = 0; which < 8; ++which) {
        snprintf(name, sizeof name, "fd_sanitise with mask %d closed", which);
        IS_INT(pt_exitcode(sanitise_child, &which), 0, name);
    }
}

static void t_dir_fsync(void)
{
    OK(dir_fsync(dir) == 0, "dir_fsync");
    errno = 0;
    OK(dir_fsync(at("missing")) == -1 && errno == ENOENT, "missing dir");
    errno = 0;
    OK(dir_fsync(at("f")) == -1 && errno == ENOTDIR, "not a directory");
}

static volatile sig_atomic_t ticks;
static void tick(int s)
{
    (void)s;
    ++ticks;
}

/* a timer interrupting blocked reads and writes every millisecond */
static void timer(int on)
{
    struct itimerval it = {{0, on ? 1000 : 0}, {0, on ? 1000 : 0}};
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on ? tick : SIG_DFL;
    sa.sa_flags = 0; /* no SA_RESTART: blocked calls get EINTR */
    sigaction(SIGALRM, &sa, 0);
    setitimer(ITIMER_REAL, &it, 0);
}

static void t_eintr(void)
{
    static char big[1 << 20], got[1 << 20];
    int p[2], st;
    size_t n = 0;
    ssize_t r;
    pid_t pid;

    if (pipe(p) == -1)
        return;
    memset(big, 'q', sizeof big);
    fflush(stdout);
    pid = fork();
    if (pid == 0) { /* a slow reader: 1 MB in small sips */
        close(p[1]);
        while ((r = read(p[0], got, 4096)) > 0) {
            n += (size_t)r;
            usleep(200);
        }
        _exit(n == sizeof big ? 0 : 1);
    }
    close(p[0]);
    ticks = 0;
    timer(1);
    OK(write_all(p[1], big, sizeof big) == 0, "write_all through signals");
    timer(0);
    OK(ticks > 0, "signals did arrive");
    close(p[1]);
    waitpid(pid, &st, 0);
    OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "every byte arrived");

    if (pipe(p) == -1)
        return;
    pid = fork();
    if (pid == 0) { /* a slow writer */
        close(p[0]);
        usleep(50000);
        _exit(write(p[1], "late", 4) == 4 ? 0 : 1);
    }
    close(p[1]);
    ticks = 0;
    timer(1);
    r = read_all(p[0], got, sizeof got);
    timer(0);
    IS_INT(r, 4, "read_all waits through signals");
    OK(ticks > 5, "signals arrived while it waited");
    close(p[0]);
    waitpid(pid, &st, 0);
}

static void t_pipe_errors(void)
{
    int p[2];

    if (pipe(p) == -1)
        return;
    close(p[0]);
    errno = 0;
    OK(write_all(p[1], "x", 1) == -1 && errno == EPIPE, "write_all EPIPE");
    close(p[1]);
    errno = 0;
    OK(read_all(99, fn, 1) == -1 && errno == EBADF, "read_all EBADF");
    OK(write_all(1, "", 0) == 0, "write_all of nothing");
}

/* bytes this process has had read from storage so far; -1 unknown */
static long long read_bytes(void)
{
    char buf[512], *p;
    int fd = open("/proc/self/io", O_RDONLY);
    ssize_t n;

    if (fd == -1)
        return -1;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    p = strstr(buf, "\nread_bytes: ");
    return p ? strtoll(p + 13, 0, 10) : -1;
}

/* FD's pages written out and dropped from the cache */
static void evict(int fd)
{
    fsync(fd);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
}

static void t_prime(void)
{
    char old[10000], buf[16384];
    struct stat st;
    long long r0, r1;
    size_t i;
    int fd, rd, zero;

    memset(old, 'x', sizeof old);
    fd = open_trunc(at("p"));
    OK(fd >= 0 && write_all(fd, old, sizeof old) == 0, "an old file");
    OK(fd_prime(fd, sizeof old, 4096) == 0, "fd_prime");
    OK(fstat(fd, &st) == 0 && st.st_size == 12288, "whole blocks: 12288");
    rd = open_read(at("p"));
    OK(pread(rd, buf, sizeof buf, 0) == 12288, "read back");
    close(rd);
    for (zero = 1, i = 0; i < 12288; ++i)
        zero &= buf[i] == 0;
    OK(zero, "all zeros");
    OK(lseek(fd, 0, SEEK_CUR) == (off_t)sizeof old, "offset untouched");
    OK(ftruncate(fd, 5) == 0 && fd_prime(fd, 0, 4096) == 0 &&
           fstat(fd, &st) == 0 && st.st_size == 5,
       "size 0: nothing written");
    OK(fd_prime(fd, 5, 0) == 0 && fstat(fd, &st) == 0 && st.st_size == 4096,
       "no block size: 4096");
    OK(fd_prime(fd, (off_t)1 << 40, 4096) == 0 && fstat(fd, &st) == 0 &&
           st.st_size == FD_PRIME_MAX,
       "at most FD_PRIME_MAX bytes");
    close(fd);

    /* the point of it: no read of the old block before a small write */
    fd = open_trunc(at("p"));
    write_all(fd, old, sizeof old);
    evict(fd);
    r0 = read_bytes();
    pwrite(fd, "new", 3, 0);
    r1 = read_bytes();
    if (r0 < 0 || r1 <= r0) {
        SKIP("no read saved", "the filesystem did not read the old block "
                              "back for a small write (tmpfs?)");
    } else {
        evict(fd);
        r0 = read_bytes();
        OK(fd_prime(fd, sizeof old, 4096) == 0 &&
               pwrite(fd, "new", 3, 0) == 3 && pwrite(fd, "x", 1, 9000) == 1,
           "primed, then small writes into two old blocks");
        r1 = read_bytes();
        IS_INT(r1 - r0, 0, "nothing read from disk");
    }
    close(fd);
    unlink(at("p"));
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    if (!mkdtemp(dir))
        return 2;
    umask(022);
    t_open();
    t_move();
    t_sanitise();
    t_dir_fsync();
    t_eintr();
    t_pipe_errors();
    t_prime();
    unlink(at("f"));
    unlink(at("g"));
    unlink(at("h"));
    rmdir(dir);
    return pt_done();
}
