/*
 * dotqmail.c: the pure parts of qmail-local (see dotqmail.h).  The
 * input is the user's own .qmail text and the envelope handed down by
 * qmail-lspawn; nothing here trusts a length it did not check.
 */
#include <string.h>

#include "addr.h"
#include "dotqmail.h"
#include "fromline.h"

int dq_line(const char *text, size_t len, size_t *pos, size_t *start,
            size_t *llen)
{
    const char *nl;
    size_t end, n;

    if (*pos >= len)
        return 0;
    nl = memchr(text + *pos, '\n', len - *pos);
    end = nl ? (size_t)(nl - text) : len;
    n = end - *pos;
    while (n && (text[*pos + n - 1] == ' ' || text[*pos + n - 1] == '\t'))
        --n;
    *start = *pos;
    *llen = n;
    *pos = nl ? end + 1 : len;
    return 1;
}

enum dq_kind dq_kind(const char *line, size_t len, size_t *arg)
{
    *arg = 0;
    if (!len)
        return DQ_BLANK;
    switch (line[0]) {
    case '#':
        return DQ_COMMENT;
    case '.':
    case '/':
        return line[len - 1] == '/' ? DQ_MAILDIR : DQ_MBOX;
    case '|':
        *arg = 1;
        return DQ_PROGRAM;
    case '+':
        if (len == 5 && !memcmp(line + 1, "list", 4))
            return DQ_LIST;
        return DQ_IGNORE;
    case '&':
        *arg = 1;
        return DQ_FORWARD;
    default:
        return DQ_FORWARD;
    }
}

int dq_safeext(sa *out, const char *ext, size_t len)
{
    size_t i;

    if (!sa_copyb(out, ext, len))
        return 0;
    case_lowerb(out->s, out->len);
    for (i = 0; i < out->len; ++i)
        if (out->s[i] == '.')
            out->s[i] = ':';
    return 1;
}

static int qmname(sa *fn, const char *dash, const char *x, size_t n,
                  const char *tail)
{
    fn->len = 0;
    if (!sa_cats(fn, ".qmail") || !sa_cats(fn, dash) || !sa_catb(fn, x, n) ||
        !sa_cats(fn, tail) || !sa_0(fn))
        return -1;
    --fn->len;
    return 1;
}

int dq_search_next(dq_search *s, const char *dash, const char *safeext,
                   size_t slen, sa *fn, size_t *defoff)
{
    if (s->stage == 0) {
        s->stage = 1;
        s->i = slen;
        *defoff = DQ_NODEFAULT;
        if (slen >= 7 && !memcmp(safeext + slen - 7, "default", 7))
            *defoff = slen - 7;
        return qmname(fn, dash, safeext, slen, "");
    }
    while (s->stage == 1) {
        size_t i = s->i;
        if (i == 0)
            s->stage = 2;
        else
            --s->i;
        if (i == 0 || safeext[i - 1] == '-') {
            *defoff = i;
            return qmname(fn, dash, safeext, i, "default");
        }
    }
    return 0;
}

static void nl2us(sa *x, size_t from)
{
    size_t i;

    for (i = from; i < x->len; ++i)
        if (x->s[i] == '\n')
            x->s[i] = '_';
}

int dq_dtline(sa *out, const char *local, const char *domain)
{
    size_t start = out->len;

    if (!sa_cats(out, "Delivered-To: ") || !sa_cats(out, local) ||
        !sa_append(out, '@') || !sa_cats(out, domain))
        return 0;
    nl2us(out, start);
    return sa_append(out, '\n');
}

int dq_rpline(sa *out, const char *sender)
{
    size_t start = out->len;
    size_t n = strlen(sender);

    if (!sa_cats(out, "Return-Path: <"))
        return 0;
    if (n && !addr_quote(out, sender, n))
        return 0;
    nl2us(out, start);
    return sa_cats(out, ">\n");
}

int dq_ufline(sa *out, const char *sender, time_t t)
{
    size_t i, start;

    if (!sa_cats(out, "From "))
        return 0;
    start = out->len;
    if (!sa_cats(out, *sender ? sender : "MAILER-DAEMON"))
        return 0;
    for (i = start; i < out->len; ++i)
        if (out->s[i] == ' ' || out->s[i] == '\t' || out->s[i] == '\n')
            out->s[i] = '-';
    return sa_append(out, ' ') && fromline_date(out, t) &&
           sa_append(out, '\n');
}

size_t dq_hostpart(const char *host, size_t len, int n)
{
    size_t keep = len;

    for (; n > 1; --n) {
        size_t i = keep;
        while (i && host[i - 1] != '.')
            --i;
        if (i)
            keep = i - 1; /* up to, not including, that dot */
    }
    return keep;
}

size_t dq_extpart(const char *ext, size_t len, int n)
{
    size_t i = 0;

    for (; n > 1; --n) {
        const char *d = i < len ? memchr(ext + i, '-', len - i) : 0;
        if (!d)
            return len;
        i = (size_t)(d - ext) + 1;
    }
    return i;
}

int dq_newsender(sa *out, const char *local, const char *domain, int verp)
{
    return sa_cats(out, local) && sa_cats(out, verp ? "-owner-@" : "-owner@") &&
           sa_cats(out, domain) && (!verp || sa_cats(out, "-@[]"));
}

int dq_progexit(int code)
{
    switch (code) {
    case 0:
        return 0;
    case 99:
        return 99;
    case 64:
    case 65:
    case 70:
    case 76:
    case 77:
    case 78:
    case 100:
    case 112:
        return 100;
    default:
        return 111;
    }
}

static int body_byte(dq_mbox *m, char ch, sa *out)
{
    m->lastlf = ch == '\n';
    if (m->lastlf) {
        m->body = 0;
        m->match = 0;
    }
    return sa_append(out, ch);
}

int dq_mbox_feed(dq_mbox *m, const char *in, size_t len, sa *out)
{
    static const char from[] = "From ";
    size_t i;

    for (i = 0; i < len; ++i) {
        char ch = in[i];
        if (m->body) {
            if (!body_byte(m, ch, out))
                return 0;
            continue;
        }
        if (!m->match && ch == '>') {
            m->lastlf = 0;
            if (!sa_append(out, '>'))
                return 0;
            continue;
        }
        if (ch == from[m->match]) {
            if (++m->match == 5) {
                m->body = 1;
                m->lastlf = 0;
                if (!sa_cats(out, ">From "))
                    return 0;
            }
            continue;
        }
        m->body = 1; /* not "From ": give back what was held */
        if (!sa_catb(out, from, m->match) || !body_byte(m, ch, out))
            return 0;
    }
    return 1;
}

int dq_mbox_end(dq_mbox *m, sa *out)
{
    if (m->match && !m->body) {
        if (!sa_catb(out, "From ", m->match))
            return 0;
        m->lastlf = 0;
        m->match = 0;
    }
    if (!m->lastlf && !sa_append(out, '\n'))
        return 0;
    m->lastlf = 1;
    return sa_append(out, '\n');
}
