/*
 * err.c: writes "prog: kind: parts..." to fd 2 in a single write, so
 * lines from concurrent processes do not interleave.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"

const char *err_prog = "qmail";
const char err_sys[] = "";

static size_t add(char *buf, size_t n, size_t max, const char *s)
{
    size_t l = strlen(s);

    if (l > max - n)
        l = max - n;
    memcpy(buf + n, s, l);
    return n + l;
}

void err_out(const char *kind, const char *const *parts)
{
    char buf[4096];
    size_t n = 0;
    const size_t max = sizeof buf - 1;
    int e = errno;
    ssize_t w;
    size_t off = 0;

    n = add(buf, n, max, err_prog);
    n = add(buf, n, max, ": ");
    if (kind)
        n = add(buf, n, max, kind);
    for (; *parts; ++parts)
        n = add(buf, n, max, *parts == err_sys ? strerror(e) : *parts);
    buf[n++] = '\n';
    while (off < n) {
        w = write(2, buf + off, n - off);
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            break;
        }
        off += (size_t)w;
    }
    errno = e;
}

void err_die(int code, const char *kind, const char *const *parts)
{
    err_out(kind, parts);
    _exit(code);
}
