/*
 * smhook.c: the %-escapes of qsmhook's arguments and the -x prefix
 * cut.  Called by qsmhook only; the values come from qmail-local's
 * environment and end up as argv elements, never in a shell.  Fails
 * only on memory (0, errno).
 */
#include <string.h>

#include "smhook.h"

static const char *smhook_value(char c, const smhook_env *e)
{
    switch (c) {
    case 'g':
        return e->sender;
    case 'h':
        return e->host;
    case 'u':
        return e->local;
    case '%':
        return "%";
    default:
        return 0;
    }
}

int smhook_expand(sa *out, const char *arg, const smhook_env *e)
{
    const char *v;

    out->len = 0;
    while (*arg) {
        v = arg[0] == '%' ? smhook_value(arg[1], e) : 0;
        if (v) {
            if (!sa_cats(out, v))
                return 0;
            arg += 2;
            continue;
        }
        if (!sa_append(out, *arg))
            return 0;
        ++arg;
    }
    if (!sa_0(out))
        return 0;
    --out->len;
    return 1;
}

static char smhook_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

const char *smhook_strip(const char *local, const char *prefix)
{
    size_t i;

    for (i = 0; prefix[i]; ++i)
        if (smhook_lower(local[i]) != smhook_lower(prefix[i]))
            return local;
    return local + i;
}
