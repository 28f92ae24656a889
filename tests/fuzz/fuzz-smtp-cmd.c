/*
 * fuzz-smtp-cmd.c: qmail-smtpd's input parsers on arbitrary bytes: the
 * command line reader (smtpcmd.h), fed in pieces whose sizes come from
 * the input, and the DATA state machine (smtpdata.h) on the same bytes.
 * Checked: lines never pass SMTPCMD_MAX, hold no LF, are NUL-terminated,
 * and every byte is consumed exactly once; splitting and verb lookup
 * stay inside the line; the DATA machine never writes more than len + 2
 * bytes per piece, counts exactly the bytes it stores, stops at the
 * first end line or stray LF, and gives the same result whatever the
 * piece sizes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpcmd.h"
#include "smtpdata.h"

static smtpcmd cmd;
static const char *const verbs[] = {"rcpt", "mail", "data", "quit", 0};

static void lines(const char *t, size_t n, size_t step)
{
    size_t pos = 0, used, vlen, arg, alen, chunk;

    smtpcmd_init(&cmd);
    while (pos < n) {
        chunk = n - pos < step ? n - pos : step;
        if (smtpcmd_feed(&cmd, t + pos, chunk, &used)) {
            if (!used || used > chunk || t[pos + used - 1] != '\n')
                abort();
            if (cmd.len > SMTPCMD_MAX || cmd.line[cmd.len] ||
                memchr(cmd.line, '\n', cmd.len))
                abort();
            smtpcmd_split(cmd.line, cmd.len, &vlen, &arg, &alen);
            if (vlen > cmd.len || arg + alen > cmd.len || arg < vlen ||
                memchr(cmd.line, ' ', vlen))
                abort();
            if (smtpcmd_verb(verbs, cmd.line, vlen) > 4)
                abort();
        } else if (used != chunk)
            abort();
        pos += used;
    }
}

/* the DATA machine over t in pieces of step bytes: result and counts */
static int data(const char *t, size_t n, size_t step, size_t *stored,
                size_t *consumed, unsigned long *hops)
{
    smtpdata d;
    char *out = malloc(step + 2);
    size_t pos = 0, olen, used, total = 0, chunk;
    int r = SMTPDATA_MORE;

    if (!out)
        return -1;
    smtpdata_init(&d);
    while (pos < n && r == SMTPDATA_MORE) {
        chunk = n - pos < step ? n - pos : step;
        r = smtpdata_feed(&d, t + pos, chunk, out, &olen, &used);
        if (used > chunk || olen > used + 2 ||
            (r == SMTPDATA_MORE && used != chunk))
            abort();
        if (r != SMTPDATA_MORE && t[pos + used - 1] != '\n')
            abort();
        total += olen;
        pos += used;
    }
    free(out);
    if (total != d.bytes)
        abort();
    *stored = total;
    *consumed = pos;
    *hops = d.hops;
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data_, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data_, size_t size)
{
    const char *t = (const char *)data_;
    size_t step = size ? (size_t)data_[0] % 17 + 1 : 1;
    size_t s1, c1, s2, c2;
    unsigned long h1, h2;
    int r1, r2;

    lines(t, size, step);
    lines(t, size, size ? size : 1);
    r1 = data(t, size, step, &s1, &c1, &h1);
    r2 = data(t, size, size ? size : 1, &s2, &c2, &h2);
    if (r1 != r2 || s1 != s2 || c1 != c2 || h1 != h2)
        abort();
    return 0;
}
