/*
 * smtproutes.c: artificial SMTP routes for qmail-remote.  Pure: the
 * control file is read by the caller.
 */
#include <string.h>
#include <strings.h>

#include "fmt.h"
#include "smtproutes.h"

/* split the value of a line into relay and port */
static void route_value(const char *v, size_t vlen, const char **relay,
                        size_t *rlen, unsigned long *port)
{
    const char *end = 0, *p;
    unsigned long u = 0;

    if (vlen && v[0] == '[')
        end = memchr(v, ']', vlen);
    p = memchr(end ? end : v, ':', vlen - (size_t)((end ? end : v) - v));
    *relay = v;
    *rlen = p ? (size_t)(p - v) : vlen;
    *port = 25;
    if (!p)
        return;
    p++;
    vlen -= (size_t)(p - v);
    if (!scan_ulong(p, vlen, &u) || u > 65535)
        u = 0; /* leading digits count, as in qmail */
    *port = u;
}

/* the line whose key is exactly k[0..klen); 1 found */
static int find_key(const sa *list, const char *k, size_t klen, const char **v,
                    size_t *vlen)
{
    size_t i = 0;

    while (i < list->len) {
        const char *line = list->s + i;
        size_t n = strlen(line);
        const char *colon = memchr(line, ':', n);

        i += n + 1;
        if (!colon || (size_t)(colon - line) != klen)
            continue;
        if (klen && strncasecmp(line, k, klen))
            continue;
        *v = colon + 1;
        *vlen = n - klen - 1;
        return 1;
    }
    return 0;
}

int smtproutes_find(const sa *list, const char *host, size_t hlen,
                    const char **relay, size_t *rlen, unsigned long *port)
{
    const char *v = 0;
    size_t vlen = 0, i;
    int hit = find_key(list, host, hlen, &v, &vlen);

    for (i = 1; !hit && i < hlen; ++i)
        if (host[i] == '.')
            hit = find_key(list, host + i, hlen - i, &v, &vlen);
    if (!hit)
        hit = find_key(list, "", 0, &v, &vlen);
    if (!hit)
        return 0;
    route_value(v, vlen, relay, rlen, port);
    return *rlen > 0;
}
