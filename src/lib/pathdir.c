/*
 * pathdir.c: see pathdir.h.
 */
#include <string.h>

#include "pathdir.h"

int pathdir_of(sa *out, const char *path)
{
    size_t len = strlen(path);

    while (len > 1 && path[len - 1] == '/')
        --len;
    while (len && path[len - 1] != '/')
        --len;
    if (!len)
        return sa_copys(out, ".") && sa_0(out);
    while (len > 1 && path[len - 1] == '/')
        --len;
    return sa_copyb(out, path, len) && sa_0(out);
}
