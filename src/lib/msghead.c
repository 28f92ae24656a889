/*
 * msghead.c: header/body splitter for the small readers of messages
 * (qreceipt, qbiff, maildirwatch).  Never exits; it reads only what
 * the caller asks for, so a caller may stop early.
 */
#include <errno.h>
#include <string.h>

#include "addr.h"
#include "msghead.h"

/* one line; an overlong one is cut and given an LF */
static int readline(bio *in, sa *line)
{
    int r = bio_getln(in, line, '\n', MSGHEAD_MAXLINE);

    if (r == -1 && errno == E2BIG)
        return sa_append(line, '\n') ? 1 : -1;
    return r;
}

/* "name:" or "name  :" with a name of visible characters */
static int fieldstart(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len && s[i] > 32 && s[i] < 127 && s[i] != ':')
        ++i;
    if (!i)
        return 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        ++i;
    return i < len && s[i] == ':';
}

static int blank(const sa *x)
{
    return x->len && (x->s[0] == ' ' || x->s[0] == '\t');
}

/* append the continuation lines of the field now in out */
static int continuation(msghead *m, bio *in, sa *out)
{
    int r;

    for (;;) {
        r = readline(in, &m->next);
        if (r <= 0)
            return r;
        if (!blank(&m->next)) {
            m->havenext = 1;
            return 1;
        }
        if (out->len + m->next.len <= MSGHEAD_MAXFIELD &&
            !sa_cat(out, &m->next))
            return -1;
    }
}

int msghead_get(msghead *m, bio *in, sa *out)
{
    int r;

    if (m->havenext) {
        m->havenext = 0;
        if (!sa_copy(out, &m->next))
            return -1;
    } else {
        r = readline(in, out);
        if (r <= 0)
            return r;
    }
    if (!m->inhead)
        return 2;
    if (out->len == 1 && out->s[0] == '\n') {
        m->inhead = 0;
        r = readline(in, out);
        return r == 1 ? 2 : r;
    }
    if (!fieldstart(out->s, out->len)) {
        m->inhead = 0;
        return 2;
    }
    if (continuation(m, in, out) == -1)
        return -1;
    return 1;
}

size_t msghead_is(const char *f, size_t len, const char *name)
{
    size_t n = strlen(name);
    size_t i;

    if (len < n || case_diffb(f, n, name, n))
        return 0;
    for (i = n; i < len && (f[i] == ' ' || f[i] == '\t'); ++i)
        ;
    if (i >= len || f[i] != ':')
        return 0;
    for (++i; i < len && (f[i] == ' ' || f[i] == '\t'); ++i)
        ;
    return i;
}

void msghead_free(msghead *m)
{
    sa_free(&m->next);
}
