/*
 * fuzz-control.c: libFuzzer target for the control-file parsers of
 * src/lib/ctl.c (spec smtp-and-tools.md 0.2): ctl_firstline (single
 * lines), ctl_listparse (lists) and scan_ulong on the first line (the
 * integer reader).  Each result is compared with a reading of the spec
 * written here, and the list output is checked for its invariants (no
 * empty or # lines, no trailing SPACE/TAB, every line NUL-ended).
 * Any disagreement aborts.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "fmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) \
    do {         \
        if (!(c)) \
            abort(); \
    } while (0)

static int blank(char c) { return c == ' ' || c == '\t'; }

static size_t ref_firstline(const char *s, size_t n)
{
    size_t end = 0;

    while (end < n && s[end] != '\n')
        ++end;
    while (end > 0 && blank(s[end - 1]))
        --end;
    return end;
}

/* the expected list: kept lines, each followed by a NUL */
static char *ref_list(const char *s, size_t n, size_t *outlen)
{
    char *out = malloc(n + 1);
    size_t i = 0, o = 0, start, end;

    while (i < n) {
        start = i;
        while (i < n && s[i] != '\n')
            ++i;
        end = i;
        ++i; /* past the LF, or past the end */
        while (end > start && blank(s[end - 1]))
            --end;
        if (end == start || s[start] == '#')
            continue;
        memcpy(out + o, s + start, end - start);
        o += end - start;
        out[o++] = 0;
    }
    *outlen = o;
    return out;
}

static void check_int(const char *s, size_t n)
{
    unsigned long u = 42, r = 0;
    size_t k = scan_ulong(s, n, &u), i;
    int over = 0;

    for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; ++i) {
        unsigned d = (unsigned)(s[i] - '0');
        if (r > (ULONG_MAX - d) / 10)
            over = 1;
        r = r * 10 + d;
    }
    if (!i || over)
        CHECK(k == 0 && u == 42); /* absent: the default stays */
    else
        CHECK(k == i && u == r);
}

static void check_list(const char *s, size_t n)
{
    sa out = SA_INIT;
    size_t elen, i, start;
    char *exp = ref_list(s, n, &elen);

    CHECK(ctl_listparse(&out, s, n) == 1);
    CHECK(out.len == elen && (!elen || memcmp(out.s, exp, elen) == 0));
    if (memchr(s, 0, n)) { /* NULs inside lines: only the comparison */
        free(exp);
        sa_free(&out);
        return;
    }
    for (i = start = 0; i < out.len; ++i) {
        if (out.s[i])
            continue;
        CHECK(i > start && out.s[start] != '#' && !blank(out.s[i - 1]));
        CHECK(!memchr(out.s + start, '\n', i - start));
        start = i + 1;
    }
    CHECK(start == out.len);
    free(exp);
    sa_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t n = ctl_firstline(s, size);

    CHECK(n == ref_firstline(s, size));
    CHECK(n <= size && !memchr(s, '\n', n));
    check_int(s, n);
    check_list(s, size);
    return 0;
}
