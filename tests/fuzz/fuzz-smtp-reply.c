/*
 * fuzz-smtp-reply: qmail-remote's SMTP reply parser (smtpreply.h) on
 * any byte stream, fed in pieces whose sizes come from the input.
 * Checks the promises of the header: bounded consumption, a code that
 * matches the first line's digits, text without CR or NUL that ends in
 * LF and stays under its cap, and EHLO keyword lookups within the text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpreply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const smtpreply *r, const char *start)
{
    const char *arg;
    size_t al;

    if (!r->text.len || r->text.len > SMTPREPLY_TEXTMAX + 1 ||
        r->text.s[r->text.len - 1] != '\n' ||
        memchr(r->text.s, 0, r->text.len) ||
        memchr(r->text.s, '\r', r->text.len))
        abort();
    if (r->code > 999)
        abort();
    if (r->code && (start[0] < '0' || start[0] > '9' ||
                    (unsigned)((start[0] - '0') * 100 + (start[1] - '0') * 10 +
                               (start[2] - '0')) != r->code))
        abort();
    if (smtpreply_ext(r->text.s, r->text.len, "SIZE", &arg, &al) &&
        (arg < r->text.s || arg + al > r->text.s + r->text.len))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    smtpreply r = SMTPREPLY_INIT;
    const char *s;
    size_t pos = 0, start, used, step;
    int st;

    if (!size)
        return 0;
    step = data[0] % 17 + 1; /* the first byte picks the piece size */
    s = (const char *)data + 1;
    size--;
    while (pos < size) {
        smtpreply_start(&r);
        start = pos;
        do {
            size_t n = size - pos < step ? size - pos : step;
            st = smtpreply_feed(&r, s + pos, n, &used);
            if (used > n)
                abort();
            pos += used;
        } while (st == SMTPREPLY_MORE && pos < size);
        if (st == SMTPREPLY_DONE)
            check(&r, s + start);
        else if (st != SMTPREPLY_MORE)
            break;
        if (r.total > SMTPREPLY_MAX)
            abort();
    }
    smtpreply_free(&r);
    return 0;
}
