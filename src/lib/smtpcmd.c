/*
 * smtpcmd.c: the SMTP command line reader (see smtpcmd.h).  Pure;
 * qmail-smtpd feeds it what it reads from the client.
 */
#include <string.h>

#include "addr.h"
#include "smtpcmd.h"

void smtpcmd_init(smtpcmd *c)
{
    c->len = 0;
    c->toolong = 0;
    c->done = 0;
    c->line[0] = 0;
}

int smtpcmd_feed(smtpcmd *c, const char *buf, size_t len, size_t *used)
{
    const char *lf = len ? memchr(buf, '\n', len) : 0;
    size_t n = lf ? (size_t)(lf - buf) : len;
    size_t room;

    if (c->done)
        smtpcmd_init(c);
    room = SMTPCMD_MAX + 1 - c->len; /* one more: the CR of a CRLF */
    if (n > room) {
        c->toolong = 1;
        if (c->len < SMTPCMD_MAX)
            memcpy(c->line + c->len, buf, SMTPCMD_MAX - c->len);
        c->len = SMTPCMD_MAX;
    } else {
        memcpy(c->line + c->len, buf, n);
        c->len += n;
    }
    c->line[c->len] = 0;
    if (!lf) {
        *used = len;
        return 0;
    }
    /* one CR before the LF is part of the terminator */
    if (!c->toolong && c->len && c->line[c->len - 1] == '\r')
        c->line[--c->len] = 0;
    if (c->len > SMTPCMD_MAX) {
        c->toolong = 1;
        c->len = SMTPCMD_MAX;
        c->line[c->len] = 0;
    }
    *used = n + 1;
    c->done = 1;
    return 1;
}

void smtpcmd_split(const char *line, size_t len, size_t *vlen, size_t *arg,
                   size_t *alen)
{
    const char *nul = memchr(line, 0, len);
    size_t i = 0;

    if (nul)
        len = (size_t)(nul - line);
    while (i < len && line[i] != ' ')
        ++i;
    *vlen = i;
    while (i < len && line[i] == ' ')
        ++i;
    *arg = i;
    *alen = len - i;
}

size_t smtpcmd_verb(const char *const *names, const char *verb, size_t vlen)
{
    size_t i;

    for (i = 0; names[i]; ++i)
        if (!case_diffb(names[i], strlen(names[i]), verb, vlen))
            break;
    return i;
}
