/*
 * ctl.c: control-file readers.  A missing file means "use the default";
 * any other failure is an error the caller must treat as temporary.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "fd.h"
#include "fmt.h"

int ctl_slurp(const char *fn, sa *buf)
{
    int fd;
    ssize_t r;

    buf->len = 0;
    fd = open_read(fn);
    if (fd == -1)
        return errno == ENOENT ? 0 : -1;
    for (;;) {
        if (!sa_readyplus(buf, 4096)) {
            close(fd);
            return -1;
        }
        r = read_all(fd, buf->s + buf->len, 4096);
        if (r == -1) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (r == 0)
            break;
        buf->len += (size_t)r;
    }
    close(fd);
    return 1;
}

static int is_trail(char c) { return c == ' ' || c == '\t' || c == '\n'; }

size_t ctl_firstline(const char *s, size_t len)
{
    const char *nl = memchr(s, '\n', len);
    size_t n = nl ? (size_t)(nl - s) : len;

    while (n && is_trail(s[n - 1]))
        --n;
    return n;
}

int ctl_readline(sa *out, const char *fn)
{
    sa buf = SA_INIT;
    int r = ctl_slurp(fn, &buf);

    if (r == 1 && !sa_copyb(out, buf.s, ctl_firstline(buf.s, buf.len)))
        r = -1;
    sa_free(&buf);
    return r;
}

static sa me = SA_INIT;
static int me_state = -2; /* -2 unread, else result of ctl_readline */

int ctl_me(sa *out)
{
    if (me_state == -2 || me_state == -1)
        me_state = ctl_readline(&me, "control/me");
    if (me_state != 1)
        return me_state;
    return sa_copy(out, &me) ? 1 : -1;
}

void ctl_me_forget(void)
{
    me_state = -2;
}

int ctl_rldef(sa *out, const char *fn, int flagme, const char *def)
{
    int r = ctl_readline(out, fn);

    if (r)
        return r;
    if (flagme) {
        r = ctl_me(out);
        if (r)
            return r;
    }
    if (!def)
        return 0; /* no literal default: the caller decides */
    return sa_copys(out, def) ? 1 : -1;
}

int ctl_readint(unsigned long *u, const char *fn)
{
    sa line = SA_INIT;
    unsigned long v;
    int r = ctl_readline(&line, fn);

    if (r == 1) {
        if (scan_ulong(line.s, line.len, &v))
            *u = v;
        else
            r = 0;
    }
    sa_free(&line);
    return r;
}

int ctl_listparse(sa *out, const char *s, size_t len)
{
    size_t i = 0;

    out->len = 0;
    while (i < len) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - s) : len;
        size_t n = end - i;

        while (n && is_trail(s[i + n - 1]))
            --n;
        if (n && s[i] != '#') {
            if (!sa_catb(out, s + i, n) || !sa_0(out))
                return 0;
        }
        i = end + 1;
    }
    return 1;
}

int ctl_readfile(sa *out, const char *fn)
{
    sa buf = SA_INIT;
    int r = ctl_slurp(fn, &buf);

    out->len = 0;
    if (r == 1 && !ctl_listparse(out, buf.s, buf.len))
        r = -1;
    sa_free(&buf);
    return r;
}
