/*
 * fuzz-envelope.c: libFuzzer target for the envelope parser and the
 * queue-file record scanner (src/lib/envelope.c).  The first input byte
 * picks a chunking, the rest is the envelope: fed whole, in those
 * chunks and one byte at a time, envelope_feed must reach the same
 * verdict at the same offset as a byte-by-byte reading of spec
 * delivery.md 1.5 step 8 written here.  rec_next must walk the input
 * without leaving it.  Any disagreement aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct verdict {
    int st;
    size_t at;
    size_t nrcpt;
};

#define CHECK(c) \
    do {         \
        if (!(c)) \
            abort(); \
    } while (0)

/* the spec, one byte at a time */
static struct verdict reference(const char *b, size_t n)
{
    struct verdict v = {ENV_MORE, 0, 0};
    size_t i = 0, alen;

    if (i == n)
        return v;
    if (b[i] != 'F')
        return (struct verdict){ENV_BAD, 0, 0};
    for (++i;; ++i) { /* the sender, then each recipient */
        for (alen = 0; i < n && b[i]; ++i)
            if (++alen > ENV_MAXADDR)
                return (struct verdict){ENV_LONG, i, v.nrcpt};
        if (i >= n)
            return (struct verdict){ENV_MORE, n, v.nrcpt};
        if (++i >= n) /* past the NUL: the next type byte */
            return (struct verdict){ENV_MORE, n, v.nrcpt};
        if (!b[i])
            return (struct verdict){ENV_DONE, i + 1, v.nrcpt};
        if (b[i] != 'T')
            return (struct verdict){ENV_BAD, i, v.nrcpt};
        ++v.nrcpt;
    }
}

/* chunk sizes from a seed: 1..(seed % 64 + 1), varying */
static struct verdict chunked(const char *b, size_t n, unsigned seed)
{
    envelope e = ENVELOPE_INIT;
    struct verdict v = {ENV_MORE, 0, 0};
    size_t off = 0, used, k;
    unsigned s = seed;

    while (off < n) {
        s = s * 1103515245u + 12345u;
        k = seed ? 1 + (s >> 16) % (seed % 64 + 1) : n - off;
        if (k > n - off)
            k = n - off;
        v.st = envelope_feed(&e, b + off, k, &used);
        CHECK(used <= k);
        if (v.st != ENV_MORE) {
            v.at = off + used;
            break;
        }
        CHECK(used == k);
        off += k;
        v.at = off;
    }
    if (v.st == ENV_DONE) { /* finished: consumes nothing more */
        CHECK(envelope_feed(&e, b, n, &used) == ENV_DONE && used == 0);
        CHECK(envelope_feed(&e, b, 0, &used) == ENV_DONE && used == 0);
    }
    v.nrcpt = e.nrcpt;
    return v;
}

static int same(struct verdict a, struct verdict b)
{
    return a.st == b.st && a.at == b.at && a.nrcpt == b.nrcpt;
}

static void records(const char *b, size_t n)
{
    size_t pos = 0, start, len, last;
    char type;
    int r;

    for (;;) {
        last = pos;
        r = rec_next(b, n, &pos, &type, &start, &len);
        if (r == 0) {
            CHECK(last >= n && pos == last);
            return;
        }
        if (r == -1) {
            CHECK(pos == last && !memchr(b + last, 0, n - last));
            return;
        }
        CHECK(r == 1 && pos > last && pos <= n && b[pos - 1] == 0);
        CHECK(start + len == pos - 1 && start >= last);
        CHECK(!memchr(b + start, 0, len));
        CHECK(type == b[last]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *b;
    struct verdict ref, whole;
    unsigned seed;

    if (size < 1)
        return 0;
    seed = data[0];
    b = (const char *)data + 1;
    --size;
    ref = reference(b, size);
    whole = chunked(b, size, 0);
    CHECK(same(whole, ref));
    CHECK(same(chunked(b, size, seed ? seed : 1), ref));
    CHECK(same(chunked(b, size, 64), ref)); /* 1-byte chunks */
    if (ref.st == ENV_DONE)
        CHECK(ref.at >= 3 && b[ref.at - 1] == 0 && b[ref.at - 2] == 0);
    records(b, size);
    return 0;
}
