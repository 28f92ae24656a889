/*
 * smtpdata.c: the DATA state machine (see smtpdata.h).  The states
 * follow the table of spec smtp-and-tools.md 1.9: BOL (start of a
 * line), MID, DOT (a leading dot seen), DOTCR (dot and CR held), CR (a
 * CR held).  Pure.
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "smtpdata.h"

enum { BOL, MID, DOT, DOTCR, CR };

void smtpdata_init(smtpdata *d)
{
    d->state = BOL;
    d->inheader = 1;
    d->pos = 0;
    d->maybe_rcvd = d->maybe_dlvd = d->maybe_empty = 1;
    d->hops = 0;
    d->bytes = 0;
}

static int lowered(char c, char want)
{
    return c == want || (c >= 'A' && c <= 'Z' && c - 'A' + 'a' == want);
}

/* the hop count looks at raw bytes, line by line, in the header only */
static void hopcount(smtpdata *d, char ch)
{
    if (!d->inheader)
        return;
    if (d->pos < 9) {
        if (!lowered(ch, "delivered"[d->pos]))
            d->maybe_dlvd = 0;
        if (d->maybe_dlvd && d->pos == 8 && d->hops < ULONG_MAX)
            ++d->hops;
        if (d->pos < 8 && !lowered(ch, "received"[d->pos]))
            d->maybe_rcvd = 0;
        if (d->maybe_rcvd && d->pos == 7 && d->hops < ULONG_MAX)
            ++d->hops;
        if (d->pos < 2 && ch != "\r\n"[d->pos])
            d->maybe_empty = 0;
        if (d->maybe_empty && d->pos == 1)
            d->inheader = 0;
        ++d->pos;
    }
    if (ch == '\n') {
        d->pos = 0;
        d->maybe_rcvd = d->maybe_dlvd = d->maybe_empty = 1;
    }
}

static void put(smtpdata *d, char *out, size_t *olen, char c)
{
    out[(*olen)++] = c;
    if (d->bytes < SIZE_MAX)
        ++d->bytes;
}

/* one byte through the state machine; returns MORE, END or BARELF */
static int step(smtpdata *d, char ch, char *out, size_t *olen)
{
    switch (d->state) {
    case BOL:
    case MID:
        if (ch == '\n')
            return SMTPDATA_BARELF;
        if (ch == '.' && d->state == BOL)
            d->state = DOT;
        else if (ch == '\r')
            d->state = CR;
        else {
            put(d, out, olen, ch);
            d->state = MID;
        }
        return SMTPDATA_MORE;
    case DOT:
        if (ch == '\n')
            return SMTPDATA_BARELF;
        if (ch == '\r')
            d->state = DOTCR;
        else {
            put(d, out, olen, ch);
            d->state = MID;
        }
        return SMTPDATA_MORE;
    case DOTCR:
        if (ch == '\n')
            return SMTPDATA_END;
        put(d, out, olen, '.');
        put(d, out, olen, '\r');
        if (ch == '\r')
            d->state = CR;
        else {
            put(d, out, olen, ch);
            d->state = MID;
        }
        return SMTPDATA_MORE;
    default: /* CR */
        if (ch == '\n') {
            put(d, out, olen, '\n');
            d->state = BOL;
        } else if (ch == '\r')
            put(d, out, olen, '\r');
        else {
            put(d, out, olen, '\r');
            put(d, out, olen, ch);
            d->state = MID;
        }
        return SMTPDATA_MORE;
    }
}

int smtpdata_feed(smtpdata *d, const char *in, size_t len, char *out,
                  size_t *olen, size_t *used)
{
    size_t i;
    int r;

    *olen = 0;
    for (i = 0; i < len; ++i) {
        if (d->state == MID && (!d->inheader || d->pos >= 9)) {
            /* the fast path: a run of ordinary bytes inside a line */
            size_t j = i;
            while (j < len && in[j] != '\r' && in[j] != '\n')
                ++j;
            memcpy(out + *olen, in + i, j - i);
            *olen += j - i;
            d->bytes =
                d->bytes > SIZE_MAX - (j - i) ? SIZE_MAX : d->bytes + (j - i);
            i = j;
            if (i == len)
                break;
        }
        hopcount(d, in[i]);
        r = step(d, in[i], out, olen);
        if (r != SMTPDATA_MORE) {
            *used = i + 1;
            return r;
        }
    }
    *used = len;
    return SMTPDATA_MORE;
}
