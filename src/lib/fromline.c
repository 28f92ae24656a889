/*
 * fromline.c: mbox separator lines and mboxrd quoting, for
 * maildir2mbox.  The quoting runs as a byte-at-a-time state machine so
 * that lines of any length pass through in constant memory.
 */
#include <string.h>

#include "date822.h"
#include "fromline.h"

static const char wdays[7][4] = {"Sun", "Mon", "Tue", "Wed",
                                 "Thu", "Fri", "Sat"};

int fromline_date(sa *out, time_t t)
{
    struct tm tm;

    if (!date822_gmtime(t, &tm))
        return 0;
    return sa_cats(out, wdays[tm.tm_wday % 7]) && sa_append(out, ' ') &&
           sa_cats(out, date822_month(tm.tm_mon)) && sa_append(out, ' ') &&
           sa_catulong0(out, (unsigned long)tm.tm_mday, 2) &&
           sa_append(out, ' ') &&
           sa_catulong0(out, (unsigned long)tm.tm_hour, 2) &&
           sa_append(out, ':') &&
           sa_catulong0(out, (unsigned long)tm.tm_min, 2) &&
           sa_append(out, ':') &&
           sa_catulong0(out, (unsigned long)tm.tm_sec, 2) &&
           sa_append(out, ' ') &&
           sa_catulong(out, (unsigned long)((long)tm.tm_year + 1900));
}

#define RP "Return-Path: <"

/* the envelope sender named by a Return-Path first line */
static int sender(sa *out, const char *line, size_t len)
{
    size_t i, end;

    if (!len || line[len - 1] != '\n' || len < sizeof RP - 1 ||
        memcmp(line, RP, sizeof RP - 1))
        return sa_cats(out, "XXX");
    i = sizeof RP - 1;
    if (i < len && line[i] == '>')
        return sa_cats(out, "MAILER-DAEMON");
    end = len - 1; /* the LF */
    if (end > i && line[end - 1] == '>')
        --end;
    for (; i < end; ++i) {
        char c = line[i];
        if (!sa_append(out, (c == ' ' || c == '\t') ? '-' : c))
            return 0;
    }
    return 1;
}

int fromline_make(sa *out, const char *line, size_t len, time_t t)
{
    return sa_cats(out, "From ") && sender(out, line, len) &&
           sa_append(out, ' ') && fromline_date(out, t) && sa_append(out, '\n');
}

static int putgt(bio *out, size_t n)
{
    static const char gts[] = ">>>>>>>>>>>>>>>>";

    while (n) {
        size_t k = n < sizeof gts - 1 ? n : sizeof gts - 1;
        if (bio_put(out, gts, k) == -1)
            return -1;
        n -= k;
    }
    return 0;
}

/* the held-back line start turned out not to be a From line */
static int release(fromq *q, bio *out)
{
    if (putgt(out, q->gt) == -1 || bio_put(out, "From ", q->k) == -1)
        return -1;
    q->gt = 0;
    q->k = 0;
    return 0;
}

/* one byte at the start of a line; 1 consumed, 0 not (state left) */
static int linestart(fromq *q, bio *out, char c)
{
    if (q->state == 0 && c == '>') {
        ++q->gt;
        return 1;
    }
    if (c == "From "[q->k]) {
        q->state = 1;
        if (++q->k < 5)
            return 1;
        if (bio_put(out, ">", 1) == -1 || release(q, out) == -1)
            return -1;
        q->state = 2;
        return 1;
    }
    if (release(q, out) == -1)
        return -1;
    q->state = 2;
    return 0;
}

int fromq_put(fromq *q, bio *out, const char *buf, size_t len)
{
    size_t i = 0, j;
    int r;

    if (len)
        q->any = 1;
    while (i < len) {
        if (q->state != 2) {
            r = linestart(q, out, buf[i]);
            if (r == -1)
                return -1;
            i += (size_t)r;
            continue;
        }
        for (j = i; j < len && buf[j] != '\n'; ++j)
            ;
        if (j < len) {
            ++j;
            q->state = 0;
        }
        if (bio_put(out, buf + i, j - i) == -1)
            return -1;
        i = j;
    }
    return 0;
}

int fromq_end(fromq *q, bio *out)
{
    int partial = q->state != 0 || q->gt;

    if (release(q, out) == -1)
        return -1;
    q->state = 0;
    if (q->any && partial && bio_put(out, "\n", 1) == -1)
        return -1;
    return 0;
}
