/*
 * fuzz-msghead: the header/body reader of qreceipt, qbiff and
 * maildirwatch (msghead.h) on any input.  Checks that every item is
 * non-empty and bounded and that, with the header's blank separator
 * line put back, the items add up to the input (lines are never cut
 * here: inputs are shorter than MSGHEAD_MAXLINE).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msghead.h"

static const uint8_t *src;
static size_t srclen, srcpos;

static ssize_t srcop(int fd, char *buf, size_t n, unsigned timeout)
{
    (void)fd;
    (void)timeout;
    if (n > 5)
        n = 5;
    if (n > srclen - srcpos)
        n = srclen - srcpos;
    memcpy(buf, src + srcpos, n);
    srcpos += n;
    return (ssize_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char buf[16];
    bio b = BIO_INIT(srcop, -1, buf, sizeof buf, 0);
    msghead m = MSGHEAD_INIT;
    sa x = SA_INIT, all = SA_INIT;
    int r, inbody = 0;

    if (size >= MSGHEAD_MAXLINE)
        return 0;
    src = data;
    srclen = size;
    srcpos = 0;
    while ((r = msghead_get(&m, &b, &x)) > 0) {
        if (!x.len || x.len > MSGHEAD_MAXFIELD || (r == 1 && inbody))
            abort();
        if (r == 2 && !inbody) {
            inbody = 1;
            /* the separator was consumed when the body starts after
               an empty line */
            if (all.len + x.len < size && data[all.len] == '\n' &&
                !sa_append(&all, '\n'))
                abort();
        }
        if (!sa_cat(&all, &x))
            abort();
    }
    if (r == -1)
        abort();
    if (all.len == size - 1 && size && data[size - 1] == '\n' &&
        !sa_append(&all, '\n'))
        abort(); /* a final empty line ends the header, nothing follows */
    if (all.len != size || (size && memcmp(all.s, data, size)))
        abort();
    msghead_free(&m);
    sa_free(&x);
    sa_free(&all);
    return 0;
}
