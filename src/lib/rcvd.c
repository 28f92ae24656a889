/*
 * rcvd.c: the receivers' Received line (see rcvd.h).
 */
#include <string.h>

#include "date822.h"
#include "rcvd.h"

static int safe(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || (c && strchr(".@%+/=:-", c));
}

static int cat_safe(sa *out, const char *s)
{
    for (; *s; ++s)
        if (!sa_append(out, safe((unsigned char)*s) ? *s : '?'))
            return 0;
    return 1;
}

int rcvd_line(sa *out, const char *proto, const char *local,
              const char *remoteip, const char *remotehost,
              const char *remoteinfo, const char *helo, time_t t)
{
    if (!sa_cats(out, "Received: from ") || !cat_safe(out, remotehost))
        return 0;
    if (helo && (!sa_cats(out, " (HELO ") || !cat_safe(out, helo) ||
                 !sa_append(out, ')')))
        return 0;
    if (!sa_cats(out, " ("))
        return 0;
    if (remoteinfo && (!cat_safe(out, remoteinfo) || !sa_append(out, '@')))
        return 0;
    return cat_safe(out, remoteip) && sa_cats(out, ")\n  by ") &&
           cat_safe(out, local) && sa_cats(out, " with ") &&
           sa_cats(out, proto) && sa_cats(out, "; ") && date822_utc(out, t) &&
           sa_append(out, '\n');
}
