/*
 * fuzz-spawncmd.c: the spawn command parser (spawn.h).  The input is
 * a command stream; it is parsed twice, whole and in pieces whose size
 * comes from the first byte, and both parses must yield the same
 * commands.  Every accepted command must really be acceptable: a
 * non-empty numeric messid within bounds and a recipient with an '@'.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spawn.h"

static void check_cmd(const spawn_cmd *c)
{
    const char *why = spawn_cmd_check(c, 120, 0);
    size_t i;

    if (c->messid.len > SPAWN_MESSIDMAX + 1)
        abort();
    if (why && why[0] != 'Z' && why[0] != 'D')
        abort();
    if (why)
        return;
    if (c->slot >= 120 || !c->messid.len || c->messid.s[0] == '/' ||
        c->messid.len >= SPAWN_MESSIDMAX || !strchr(c->recip.s, '@'))
        abort();
    for (i = 0; i < c->messid.len; ++i)
        if ((c->messid.s[i] < '0' || c->messid.s[i] > '9') &&
            c->messid.s[i] != '/')
            abort();
}

/* parse all, appending each command's fields to log */
static int parse(const uint8_t *d, size_t n, size_t chunk, spawn_cmd *c,
                 sa *log)
{
    size_t pos = 0, used;

    while (pos < n) {
        size_t k = n - pos < chunk ? n - pos : chunk;
        size_t off = 0;
        while (off < k) {
            int r =
                spawn_cmd_feed(c, (const char *)d + pos + off, k - off, &used);
            if (!used || used > k - off)
                abort();
            off += used;
            if (r != SPAWN_DONE)
                continue;
            check_cmd(c);
            if (!sa_append(log, (char)c->slot) ||
                !sa_catb(log, c->messid.s, c->messid.len + 1) ||
                !sa_catb(log, c->sender.s, c->sender.len + 1) ||
                !sa_catb(log, c->recip.s, c->recip.len + 1))
                return 0;
        }
        pos += k;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    spawn_cmd a = SPAWN_CMD_INIT, b = SPAWN_CMD_INIT;
    sa la = SA_INIT, lb = SA_INIT;
    size_t chunk = size ? (size_t)data[0] % 17 + 1 : 1;

    if (parse(data, size, size ? size : 1, &a, &la) &&
        parse(data, size, chunk, &b, &lb)) {
        if (la.len != lb.len || (la.len && memcmp(la.s, lb.s, la.len)))
            abort();
        if (a.stage != b.stage)
            abort();
    }
    spawn_cmd_free(&a);
    spawn_cmd_free(&b);
    sa_free(&la);
    sa_free(&lb);
    return 0;
}
