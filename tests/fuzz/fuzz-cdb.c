/*
 * fuzz-cdb.c: libFuzzer target for the cdb reader (src/lib/cdbx.c).
 * The input is a whole cdb file, put in an anonymous memory file; keys
 * are looked up in it: a few fixed ones, and the keys of the first
 * records the input itself holds.  Each lookup must give 1, 0 or -1
 * with EPROTO, and data that was found must be bytes of the input,
 * right after the key it was found by.  Anything else aborts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cdbx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)      \
    do {              \
        if (!(c))     \
            abort();  \
    } while (0)

static int memfd = -1;

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void one(const uint8_t *data, size_t size, const char *k, size_t kl)
{
    sa out = SA_INIT;
    int r;
    size_t i;
    int seen = 0;

    errno = 0;
    r = cdbx_find(memfd, k, kl, &out);
    CHECK(r == 1 || r == 0 || (r == -1 && (errno == EPROTO ||
                                           errno == ENOMEM)));
    if (r == 1) {
        CHECK(out.len <= size);
        /* somewhere a record header, the key, then exactly this data */
        for (i = 2048; !seen && i + 8 + kl + out.len <= size; ++i)
            seen = get32(data + i) == kl && get32(data + i + 4) == out.len &&
                   !memcmp(data + i + 8, k, kl) &&
                   !memcmp(data + i + 8 + kl, out.s, out.len);
        CHECK(seen);
    }
    sa_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const fixed[] = {"", "a", "example.com", "!joe",
                                        ".example.org"};
    size_t i, pos = 2048, n;

    if (memfd == -1)
        memfd = memfd_create("fuzz-cdb", MFD_CLOEXEC);
    CHECK(memfd != -1);
    CHECK(ftruncate(memfd, 0) == 0);
    CHECK(size == 0 || pwrite(memfd, data, size, 0) == (ssize_t)size);
    for (i = 0; i < sizeof fixed / sizeof fixed[0]; ++i)
        one(data, size, fixed[i], strlen(fixed[i]));
    /* the keys of up to 8 records from offset 2048 */
    for (i = 0; i < 8 && pos + 8 <= size; ++i) {
        n = get32(data + pos);
        if (n > size - pos - 8)
            break;
        one(data, size, (const char *)data + pos + 8, n);
        if (get32(data + pos + 4) > size - pos - 8 - n)
            break;
        pos += 8 + n + get32(data + pos + 4);
    }
    return 0;
}
