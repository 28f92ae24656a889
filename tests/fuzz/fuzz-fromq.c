/*
 * fuzz-fromq: the mboxrd quoting of maildir2mbox (fromline.h) on any
 * input, fed in pieces whose sizes come from the input itself.  Checks
 * the property: each output line is the input line with one '>' added
 * exactly when it matches ^>*From , and a partial last line gets LF.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fromline.h"

static sa sink;

static ssize_t sinkop(int fd, char *buf, size_t n, unsigned timeout)
{
    (void)fd;
    (void)timeout;
    if (!sa_catb(&sink, buf, n))
        return -1;
    return (ssize_t)n;
}

static int matches(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && s[i] == '>')
        ++i;
    return n - i >= 5 && !memcmp(s + i, "From ", 5);
}

/* the expected output, built line by line */
static void expect(const char *in, size_t len, sa *exp)
{
    size_t i = 0, j;

    exp->len = 0;
    while (i < len) {
        for (j = i; j < len && in[j] != '\n'; ++j)
            ;
        if (matches(in + i, j - i) && !sa_append(exp, '>'))
            abort();
        if (!sa_catb(exp, in + i, j - i) || !sa_append(exp, '\n'))
            abort();
        i = j + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char buf[13];
    bio b = BIO_INIT(sinkop, -1, buf, sizeof buf, 0);
    fromq q = FROMQ_INIT;
    sa exp = SA_INIT;
    const char *in = (const char *)data;
    size_t i = 0, k;

    sink.len = 0;
    while (i < size) {
        k = 1 + (size_t)(data[i] % 7);
        if (k > size - i)
            k = size - i;
        if (fromq_put(&q, &b, in + i, k) == -1)
            abort();
        i += k;
    }
    if (fromq_end(&q, &b) == -1 || bio_flush(&b) == -1)
        abort();
    expect(in, size, &exp);
    if (exp.len != sink.len || (exp.len && memcmp(exp.s, sink.s, exp.len)))
        abort();
    sa_free(&exp);
    return 0;
}
