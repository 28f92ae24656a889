/*
 * fuzz-dns-answer: the DNS answer parser (dnsans.h) on any message.
 * MX, A and AAAA extraction and name expansion at the first positions
 * must stay within the input, terminate, and give names of at most 253
 * bytes without NUL, and records of the right size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnsans.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_mx(const sa *recs, const sa *names, int r)
{
    size_t i, n = recs->len / sizeof(dnsans_mxrec);
    dnsans_mxrec m;

    if (recs->len % sizeof m)
        abort();
    for (i = 0; i < n; ++i) {
        memcpy(&m, recs->s + i * sizeof m, sizeof m);
        if (m.pref > 65535 || m.name >= names->len)
            abort();
        if (strlen(names->s + m.name) > 253)
            abort();
    }
    (void)r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sa recs = SA_INIT, names = SA_INIT, ips = SA_INIT, x = SA_INIT;
    size_t pos, i;
    int r, v6;

    r = dnsans_mx(data, size, &recs, &names);
    if (r < 0)
        abort(); /* out of memory cannot happen at these sizes */
    check_mx(&recs, &names, r);
    for (v6 = 0; v6 < 2; ++v6) {
        ips.len = 0;
        if (dnsans_addr(data, size, v6, &ips) < 0 || ips.len % sizeof(ipad))
            abort();
        for (i = 0; i < ips.len / sizeof(ipad); ++i)
            if (((const ipad *)(const void *)ips.s)[i].v6 != v6)
                abort();
    }
    for (i = 0; i < size && i < 64; ++i) {
        pos = i;
        r = dnsans_name(data, size, &pos, &x);
        if (r < 0 || (r == 1 && (pos <= i || pos > size || x.len > 253 ||
                                 (x.len && memchr(x.s, 0, x.len)))))
            abort();
    }
    sa_free(&recs);
    sa_free(&names);
    sa_free(&ips);
    sa_free(&x);
    return 0;
}
