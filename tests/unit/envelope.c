/*
 * tests/unit/envelope.c: the qmail-queue envelope parser (spec
 * delivery.md 1.5 step 8) and the queue-file record scanner.  The
 * parser must give the same verdict at the same byte whatever the
 * chunking: whole, split at every point, one byte at a time.
 */
#include <stdlib.h>

#include "envelope.h"
#include "ptest.h"

struct verdict {
    int st;        /* final status */
    size_t at;     /* absolute offset: bytes consumed, or the bad byte */
    size_t nrcpt;
};

/* feed buf in chunks: sizes from cut[] (0-ended), then the rest */
static struct verdict feed_chunks(const char *buf, size_t len,
                                  const size_t *cut)
{
    envelope e = ENVELOPE_INIT;
    struct verdict v = {ENV_MORE, 0, 0};
    size_t off = 0, used, n;

    while (off < len) {
        n = cut && *cut ? *cut++ : len - off;
        if (n > len - off)
            n = len - off;
        v.st = envelope_feed(&e, buf + off, n, &used);
        if (used > n) {
            v.st = -1; /* never consumes more than given */
            break;
        }
        if (v.st != ENV_MORE) {
            v.at = off + used;
            break;
        }
        if (used != n) {
            v.st = -2; /* MORE must consume everything */
            break;
        }
        off += n;
        v.at = off;
    }
    v.nrcpt = e.nrcpt;
    return v;
}

static struct verdict feed_bytes(const char *buf, size_t len)
{
    size_t *cut = calloc(len + 1, sizeof *cut);
    struct verdict v;
    size_t i;

    for (i = 0; i < len; ++i)
        cut[i] = 1;
    v = feed_chunks(buf, len, cut);
    free(cut);
    return v;
}

static int same(struct verdict a, struct verdict b)
{
    return a.st == b.st && a.at == b.at && a.nrcpt == b.nrcpt;
}

/* whole, every split point, 1-byte chunks, and a few random chunkings
   must agree; returns the whole-buffer verdict */
static struct verdict check_all(const char *buf, size_t len,
                                const char *name)
{
    struct verdict whole = feed_chunks(buf, len, 0);
    size_t cut[2] = {0, 0};
    size_t i, k;
    int good = 1;

    for (i = 1; i < len; ++i) {
        cut[0] = i;
        if (!same(feed_chunks(buf, len, cut), whole))
            good = 0;
    }
    if (!same(feed_bytes(buf, len), whole))
        good = 0;
    srand(12345);
    for (k = 0; k < 50 && len; ++k) {
        size_t rc[64];
        for (i = 0; i < 63; ++i)
            rc[i] = 1 + (size_t)rand() % (len < 40 ? len : 40);
        rc[63] = 0;
        if (!same(feed_chunks(buf, len, rc), whole))
            good = 0;
    }
    OK(good, name);
    return whole;
}

#define CHECK(lit, st_, at_, n_, name)                              \
    do {                                                            \
        struct verdict v_ = check_all((lit), sizeof(lit) - 1, name); \
        IS_INT(v_.st, (st_), name ": status");                      \
        IS_INT(v_.at, (at_), name ": offset");                      \
        IS_INT(v_.nrcpt, (n_), name ": recipients");                \
    } while (0)

static void t_valid(void)
{
    CHECK("Fsender@example.com\0Trcpt1@example.org\0Tr2@x\0\0", ENV_DONE,
          46, 2, "two recipients");
    CHECK("F\0\0", ENV_DONE, 3, 0, "empty sender, no recipients");
    CHECK("F\0T\0\0", ENV_DONE, 5, 1, "empty recipient");
    CHECK("Fa\0Tb\0Tc\0Td\0\0", ENV_DONE, 13, 3, "three recipients");
    CHECK("Fa\0Tb\0\0XYZ", ENV_DONE, 7, 1, "bytes after the end unread");
    CHECK("Fa\0Tb\0\0\0\0", ENV_DONE, 7, 1, "stops at the first end");
    CHECK("F\xff\x01 \t\r\n\0T\x80@x\0\0", ENV_DONE, 14, 1,
          "any non-NUL byte is address text");
}

static void t_incomplete(void)
{
    CHECK("", ENV_MORE, 0, 0, "nothing");
    CHECK("F", ENV_MORE, 1, 0, "F only");
    CHECK("Fs@x", ENV_MORE, 4, 0, "mid-sender");
    CHECK("Fs@x\0", ENV_MORE, 5, 0, "after the sender");
    CHECK("Fs@x\0Tr", ENV_MORE, 7, 1, "mid-recipient");
    CHECK("Fs@x\0Tr\0", ENV_MORE, 8, 1, "after a recipient");
}

static void t_bad(void)
{
    CHECK("X", ENV_BAD, 0, 0, "bad first byte");
    CHECK("\0", ENV_BAD, 0, 0, "NUL first");
    CHECK("T\0\0", ENV_BAD, 0, 0, "T first");
    CHECK("f\0\0", ENV_BAD, 0, 0, "lowercase f");
    CHECK("Fa\0X", ENV_BAD, 3, 0, "bad type byte");
    CHECK("Fa\0F\0\0", ENV_BAD, 3, 0, "a second F");
    CHECK("Fa\0Tb\0Y\0", ENV_BAD, 6, 1, "bad type after a recipient");
    CHECK("Fa\0t\0\0", ENV_BAD, 3, 0, "lowercase t");
}

/* an envelope with a sender of slen bytes and one recipient of rlen */
static struct verdict sized(size_t slen, size_t rlen, const char *name,
                            size_t *len)
{
    char *buf = malloc(slen + rlen + 5);
    struct verdict v;
    size_t n = 0;

    buf[n++] = 'F';
    memset(buf + n, 's', slen);
    n += slen;
    buf[n++] = 0;
    buf[n++] = 'T';
    memset(buf + n, 'r', rlen);
    n += rlen;
    buf[n++] = 0;
    buf[n++] = 0;
    v = check_all(buf, n, name);
    free(buf);
    *len = n;
    return v;
}

static void t_long(void)
{
    struct verdict v;
    size_t len;

    v = sized(1002, 5, "sender of 1002 bytes", &len);
    IS_INT(v.st, ENV_DONE, "accepted");
    IS_INT(v.at, len, "whole envelope");
    v = sized(1003, 5, "sender of 1003 bytes", &len);
    IS_INT(v.st, ENV_LONG, "ENV_LONG");
    IS_INT(v.at, 1 + 1002, "at the 1003rd byte of the sender");
    v = sized(5, 1002, "recipient of 1002 bytes", &len);
    IS_INT(v.st, ENV_DONE, "accepted");
    v = sized(5, 1003, "recipient of 1003 bytes", &len);
    IS_INT(v.st, ENV_LONG, "ENV_LONG");
    IS_INT(v.at, 7 + 1 + 1002, "at the 1003rd byte of the recipient");
    IS_INT(v.nrcpt, 1, "counted the recipient");
    v = sized(2000, 5, "sender of 2000 bytes", &len);
    IS_INT(v.st, ENV_LONG, "ENV_LONG");
    IS_INT(v.at, 1003, "reported as soon as the limit is passed");
    v = sized(0, 1002, "empty sender, 1002-byte recipient", &len);
    IS_INT(v.st, ENV_DONE, "accepted");
    OK(ENV_MAXADDR == 1002, "ENV_MAXADDR is qmail's 1002");
}

static void t_after_done(void)
{
    envelope e = ENVELOPE_INIT;
    size_t used = 99;

    IS_INT(envelope_feed(&e, "F\0\0", 3, &used), ENV_DONE, "done");
    IS_INT(used, 3, "used");
    used = 99;
    IS_INT(envelope_feed(&e, "Tx\0", 3, &used), ENV_DONE, "fed after done");
    IS_INT(used, 0, "consumes nothing");
    used = 99;
    IS_INT(envelope_feed(&e, "", 0, &used), ENV_DONE,
           "fed nothing after done: still done");
    IS_INT(used, 0, "consumes nothing");
    IS_INT(e.nrcpt, 0, "no recipient counted");
}

static void t_rec(void)
{
    static const char q[] = "u0\0p12\0F\0Ta@b\0Dx\0";
    size_t pos = 0, start, len;
    char type;

    IS_INT(rec_next(q, sizeof q - 1, &pos, &type, &start, &len), 1, "u");
    OK(type == 'u' && start == 1 && len == 1 && pos == 3, "u0");
    IS_INT(rec_next(q, sizeof q - 1, &pos, &type, &start, &len), 1, "p");
    IS_MEM(q + start, len, "12", 2, "p12");
    OK(type == 'p' && pos == 7, "p type and next position");
    IS_INT(rec_next(q, sizeof q - 1, &pos, &type, &start, &len), 1, "F");
    OK(type == 'F' && len == 0 && start == 8, "empty sender");
    IS_INT(rec_next(q, sizeof q - 1, &pos, &type, &start, &len), 1, "T");
    IS_MEM(q + start, len, "a@b", 3, "recipient");
    IS_INT(rec_next(q, sizeof q - 1, &pos, &type, &start, &len), 1, "D");
    OK(type == 'D' && len == 1 && q[start] == 'x', "done record");
    IS_INT(pos, sizeof q - 1, "at the end");
    IS_INT(rec_next(q, sizeof q - 1, &pos, &type, &start, &len), 0, "end");
    IS_INT(pos, sizeof q - 1, "end leaves pos");

    pos = 0;
    IS_INT(rec_next("Tabc", 4, &pos, &type, &start, &len), -1,
           "no NUL: truncated");
    IS_INT(pos, 0, "truncated leaves pos");
    pos = 0;
    IS_INT(rec_next("", 0, &pos, &type, &start, &len), 0, "empty buffer");
    pos = 0;
    IS_INT(rec_next("\0Tx\0", 4, &pos, &type, &start, &len), 1, "lone NUL");
    OK(type == 0 && len == 0 && pos == 1, "no type, no text");
    IS_INT(rec_next("\0Tx\0", 4, &pos, &type, &start, &len), 1, "then Tx");
    OK(type == 'T' && len == 1 && pos == 4, "Tx");
    pos = 7;
    IS_INT(rec_next("Ta\0", 3, &pos, &type, &start, &len), 0,
           "pos beyond the end");
}

int main(void)
{
    t_valid();
    t_incomplete();
    t_bad();
    t_long();
    t_after_done();
    t_rec();
    return pt_done();
}
