/*
 * smtpreply.c: SMTP reply parsing for qmail-remote.  Pure: bytes in,
 * state out; every byte is checked before it is used, and a reply is
 * bounded in size however the server behaves.
 */
#include <string.h>
#include <strings.h>

#include "smtpreply.h"

void smtpreply_start(smtpreply *r)
{
    r->code = 0;
    r->bad = 0;
    r->col = 0;
    r->more = 0;
    r->first = 1;
    r->total = 0;
    r->text.len = 0;
}

/* the first line's code, one byte at a time */
static void code_byte(smtpreply *r, char c)
{
    if (c < '0' || c > '9')
        r->bad = 1;
    else
        r->code = r->code * 10 + (unsigned)(c - '0');
}

static int keep(smtpreply *r, char c)
{
    if (c == '\r' || r->text.len >= SMTPREPLY_TEXTMAX)
        return 1;
    return sa_append(&r->text, c ? c : '?');
}

static int finish(smtpreply *r)
{
    if (r->bad)
        r->code = 0;
    if (!r->text.len || r->text.s[r->text.len - 1] != '\n')
        return sa_append(&r->text, '\n');
    return 1;
}

int smtpreply_feed(smtpreply *r, const char *buf, size_t len, size_t *used)
{
    size_t i;

    for (i = 0; i < len; ++i) {
        char c = buf[i];

        if (++r->total > SMTPREPLY_MAX) {
            *used = i;
            return SMTPREPLY_TOOLONG;
        }
        if (!keep(r, c))
            return SMTPREPLY_NOMEM;
        if (c == '\n') {
            if (r->first && r->col < 3)
                r->bad = 1;
            if (!r->more) {
                *used = i + 1;
                return finish(r) ? SMTPREPLY_DONE : SMTPREPLY_NOMEM;
            }
            r->col = 0;
            r->more = 0;
            r->first = 0;
            continue;
        }
        if (r->first && r->col < 3)
            code_byte(r, c);
        else if (r->col == 3 && c == '-')
            r->more = 1;
        if (r->col < 4)
            ++r->col;
    }
    *used = len;
    return SMTPREPLY_MORE;
}

/* is line[0..n) (after the code and separator) the keyword kw? */
static int ext_line(const char *line, size_t n, const char *kw,
                    const char **arg, size_t *arglen)
{
    size_t k = strlen(kw);

    if (n < 4)
        return 0;
    line += 4;
    n -= 4;
    if (n < k || strncasecmp(line, kw, k))
        return 0;
    if (n > k && line[k] != ' ')
        return 0;
    *arg = line + k + (n > k);
    *arglen = n > k ? n - k - 1 : 0;
    return 1;
}

int smtpreply_ext(const char *text, size_t len, const char *kw,
                  const char **arg, size_t *arglen)
{
    const char *nl = memchr(text, '\n', len);

    while (nl) {
        const char *line = nl + 1;
        size_t rest = len - (size_t)(line - text);

        nl = memchr(line, '\n', rest);
        if (ext_line(line, nl ? (size_t)(nl - line) : rest, kw, arg, arglen))
            return 1;
    }
    return 0;
}

void smtpreply_free(smtpreply *r)
{
    sa_free(&r->text);
}
