/*
 * envelope.c: the envelope state machine of qmail-queue and the record
 * scanner for queue files.  Pure functions: no I/O, no globals.
 */
#include <string.h>

#include "envelope.h"

enum { S_F, S_SENDER, S_TYPE, S_RCPT, S_DONE };

int envelope_feed(envelope *e, const char *buf, size_t len, size_t *used)
{
    size_t i;

    if (e->state == S_DONE) { /* finished: nothing more is consumed */
        *used = 0;
        return ENV_DONE;
    }
    for (i = 0; i < len; ++i) {
        char c = buf[i];

        switch (e->state) {
        case S_F:
            if (c != 'F') {
                *used = i;
                return ENV_BAD;
            }
            e->state = S_SENDER;
            e->alen = 0;
            break;
        case S_TYPE:
            if (!c) {
                e->state = S_DONE;
                *used = i + 1;
                return ENV_DONE;
            }
            if (c != 'T') {
                *used = i;
                return ENV_BAD;
            }
            e->state = S_RCPT;
            e->alen = 0;
            ++e->nrcpt;
            break;
        case S_SENDER:
        case S_RCPT:
            if (!c) {
                e->state = S_TYPE;
                break;
            }
            if (++e->alen > ENV_MAXADDR) {
                *used = i;
                return ENV_LONG;
            }
            break;
        default: /* not a state (S_DONE returned above): fail closed */
            *used = i;
            return ENV_BAD;
        }
    }
    *used = len;
    return ENV_MORE;
}

int rec_next(const char *buf, size_t buflen, size_t *pos, char *type,
             size_t *start, size_t *len)
{
    const char *nul;
    size_t p = *pos;

    if (p >= buflen)
        return 0;
    nul = memchr(buf + p, 0, buflen - p);
    if (!nul)
        return -1;
    *pos = (size_t)(nul - buf) + 1;
    if (*pos == p + 1) { /* a lone NUL: a record with no type byte */
        *type = 0;
        *start = p;
        *len = 0;
        return 1;
    }
    *type = buf[p];
    *start = p + 1;
    *len = *pos - p - 2;
    return 1;
}
