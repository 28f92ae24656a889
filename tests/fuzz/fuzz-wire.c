/*
 * fuzz-wire.c: libFuzzer target for three more parsers of untrusted
 * bytes: the DATA state machine of qmail-smtpd (smtpdata_feed), the
 * netstrings of QMTP/QMQP (netstr_scan, netstr_lenbyte) and the
 * users/assign line parser (userdb_line).  smtpdata is fed the input
 * whole and then in pieces of one byte; both must agree exactly (state,
 * stored bytes, hop count).  Any disagreement or bound violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netstr.h"
#include "sa.h"
#include "smtpdata.h"
#include "userdb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)     \
    do {             \
        if (!(c))    \
            abort(); \
    } while (0)

/* feed in pieces of `step' bytes; the stored bytes go to out */
static int feed(const char *in, size_t len, size_t step, char *out,
                size_t *olen, smtpdata *d, size_t *consumed)
{
    size_t pos = 0, o, used;
    int r = SMTPDATA_MORE;

    *olen = 0;
    smtpdata_init(d);
    while (pos < len && r == SMTPDATA_MORE) {
        size_t n = len - pos < step ? len - pos : step;
        o = 0;
        used = n;
        r = smtpdata_feed(d, in + pos, n, out + *olen, &o, &used);
        CHECK(o <= n + 2);
        CHECK(used <= n);
        *olen += o;
        pos += r == SMTPDATA_MORE ? n : used;
    }
    *consumed = pos;
    return r;
}

static void data_check(const char *in, size_t len)
{
    char *a = malloc(len + 3), *b = malloc(len * 3 + 3);
    size_t la, lb, ca, cb;
    smtpdata da, db;
    int ra, rb;

    CHECK(a && b);
    ra = feed(in, len, len ? len : 1, a, &la, &da, &ca);
    rb = feed(in, len, 1, b, &lb, &db, &cb);
    CHECK(ra == rb);
    CHECK(ca == cb);
    CHECK(la == lb && (!la || memcmp(a, b, la) == 0));
    CHECK(da.hops == db.hops);
    CHECK(da.bytes == db.bytes);
    free(a);
    free(b);
}

static void netstr_check(const char *in, size_t len)
{
    size_t start, n, end, i;
    netstr_len l = NETSTR_LEN_INIT;
    int r = NETSTR_MORE;

    if (netstr_scan(in, len, &start, &n, &end)) {
        CHECK(start <= len && n <= len - start && end <= len);
        CHECK(end == start + n + 1 && in[end - 1] == ',');
    }
    for (i = 0; i < len && r == NETSTR_MORE; ++i)
        r = netstr_lenbyte(&l, in[i], 1000000);
    if (r == NETSTR_DONE)
        CHECK(l.n <= 1000000);
}

static void assign_check(const char *in, size_t len)
{
    sa key = SA_INIT, dat = SA_INIT;
    int wild = -1;
    int r = userdb_line(in, len, &key, &dat, &wild);

    CHECK(r >= -1 && r <= 1);
    if (r == 1) {
        CHECK(key.len >= 1 && key.s[0] == '!');
        CHECK(wild >= -1 && wild <= 255);
    }
    sa_free(&key);
    sa_free(&dat);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;

    data_check(in, size);
    netstr_check(in, size);
    assign_check(in, size);
    return 0;
}
