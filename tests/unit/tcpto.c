/*
 * tests/unit/tcpto.c: the timeout table's decisions (skip, count,
 * the 120-second grace, eviction) for IPv4 and IPv6 records, and the
 * file access under its lock.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "ptest.h"
#include "tcpto.h"

static ipad v4(unsigned char last)
{
    ipad a;

    memset(&a, 0, sizeof a);
    a.b[0] = 10;
    a.b[3] = last;
    return a;
}

static ipad v6(unsigned char last)
{
    ipad a;

    memset(&a, 0, sizeof a);
    a.v6 = 1;
    a.b[0] = 0x20;
    a.b[15] = last;
    return a;
}

static void t_logic(const ipad *ip, size_t reclen, size_t base)
{
    unsigned char t[TCPTO_SIZE];
    unsigned long now = 1000000, when;
    unsigned count;
    size_t n = 0;
    long off;
    ipad got;

    memset(t, 0, sizeof t);
    OK(!tcpto_skip(t, ip, now, 0), "unknown: tried");
    IS_INT(tcpto_note(t, ip, 0, now, &n), -1, "success, unknown: no write");
    off = tcpto_note(t, ip, 1, now, &n);
    IS_INT(off, base, "first timeout: first free slot");
    IS_INT(n, reclen, "record size");
    OK(!tcpto_skip(t, ip, now, 0), "one timeout: still tried");
    IS_INT(tcpto_note(t, ip, 1, now + 119, &n), -1, "within 120 s: same");
    OK(tcpto_note(t, ip, 1, now + 120, &n) == off, "after 120 s: counted");
    OK(tcpto_skip(t, ip, now + 121, 0), "two timeouts: skipped");
    OK(tcpto_skip(t, ip, now + 120 + 60 * 64 - 1, 0), "skipped 64 min");
    OK(!tcpto_skip(t, ip, now + 120 + 60 * 64, 0), "then tried again");
    OK(tcpto_skip(t, ip, now + 120 + 60 * 64, 31), "pid spreads: 91 min");
    OK(!tcpto_skip(t, ip, now, 0), "clock went back: tried");
    OK(tcpto_get(t,
                 off < TCPTO_V4SIZE ? (size_t)off / 16
                                    : 64 + ((size_t)off - 1024) / 32,
                 &got, &count, &when),
       "record in use");
    OK(ipad_eq(&got, ip), "record address");
    IS_INT(count, 2, "record count");
    IS_INT(when, now + 120, "record time");
    OK(tcpto_note(t, ip, 0, now, &n) == off, "success clears the count");
    OK(!tcpto_skip(t, ip, now + 121, 0), "cleared: tried");
}

static void t_limits(void)
{
    unsigned char t[TCPTO_SIZE];
    unsigned long i, when;
    unsigned count;
    size_t n;
    ipad a = v4(200), got;

    memset(t, 0, sizeof t);
    for (i = 0; i < 20; ++i)
        tcpto_note(t, &a, 1, 1000 + i * 200, &n);
    tcpto_get(t, 0, &got, &count, &when);
    IS_INT(count, 10, "count stops at 10");
    for (i = 0; i < 64; ++i) {
        ipad b = v4((unsigned char)i);
        if (i)
            OK(tcpto_note(t, &b, 1, 5000 + i, &n) == (long)i * 16,
               "free slots in order");
    }
    a = v4(201);
    IS_INT(tcpto_note(t, &a, 1, 9000, &n), 16,
           "full: the oldest, least timed-out record goes");
    a = v6(1);
    IS_INT(tcpto_note(t, &a, 1, 9000, &n), 1024,
           "IPv6 records after the IPv4 ones");
}

static void t_file(void)
{
    char dir[] = "/tmp/tcptoXXXXXX", fn[64];
    tcpto x;
    const char *why = "";
    ipad a = v6(7);
    size_t n;
    long off;
    struct stat st;
    int fd;

    if (!mkdtemp(dir))
        return;
    memcpy(fn, dir, sizeof dir - 1);
    memcpy(fn + sizeof dir - 1, "/t", 3);
    IS_INT(tcpto_open(&x, fn, &why), -1, "missing file");
    IS_STR(why, "open", "the step that failed");
    fd = open(fn, O_CREAT | O_WRONLY, 0644);
    OK(fd >= 0 && write(fd, (char[1024]){0}, 1024) == 1024, "1024 bytes");
    close(fd);
    IS_INT(tcpto_open(&x, fn, &why), 0, "opens");
    off = tcpto_note(x.t, &a, 1, 77, &n);
    IS_INT(tcpto_write(&x, off, n), 0, "IPv6 record written");
    tcpto_close(&x);
    OK(stat(fn, &st) == 0 && st.st_size == 1024 + 32,
       "the file grew by one IPv6 record");
    IS_INT(tcpto_open(&x, fn, &why), 0, "opens again");
    OK(x.t[1024 + 16] == 1 && x.t[1024 + 15] == 7, "record read back");
    tcpto_close(&x);
    unlink(fn);
    rmdir(dir);
}

int main(void)
{
    ipad a = v4(1), b = v6(1);

    t_logic(&a, 16, 0);
    t_logic(&b, 32, 1024);
    t_limits();
    t_file();
    return pt_done();
}
