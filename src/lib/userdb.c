/*
 * userdb.c: users/assign lines and users/cdb lookups (see userdb.h).
 * Used by qmail-newu (as root, on root's file) and by the child of
 * qmail-lspawn (as root, before it drops to the recipient); the data
 * comes from the administrator, but every length is still checked.
 */
#include <errno.h>
#include <string.h>

#include "addr.h"
#include "cdbx.h"
#include "userdb.h"

int userdb_line(const char *line, size_t len, sa *key, sa *data, int *wild)
{
    const char *colon = len ? memchr(line, ':', len) : 0;
    size_t i, k, n, start;
    int colons = 0;

    if (!colon || colon == line || memchr(line, 0, len))
        return 0;
    k = (size_t)(colon - line); /* key field, with its '=' or '+' */
    key->len = 0;
    if (!sa_append(key, '!') || !sa_catb(key, line + 1, k - 1))
        return -1;
    case_lowerb(key->s, key->len);
    *wild = -1;
    if (line[0] != '+') {
        if (!sa_0(key))
            return -1;
    } else if (k >= 2)
        *wild = (unsigned char)key->s[key->len - 1];
    start = k + 1;
    for (i = start, n = len; i < len; ++i)
        if (line[i] == ':' && ++colons == 6) {
            n = i;
            break;
        }
    if (colons < 6)
        return 0;
    if (!sa_copyb(data, line + start, n - start))
        return -1;
    for (i = 0; i < data->len; ++i)
        if (data->s[i] == ':')
            data->s[i] = 0;
    return 1;
}

static int probe(int fd, const char *k, size_t n, sa *rec)
{
    int r = cdbx_find(fd, k, n, rec);

    if (r == -1 && errno != ENOMEM)
        errno = EPROTO;
    return r;
}

int userdb_find(int fd, const char *local, size_t len, sa *rec)
{
    sa key = SA_INIT, wild = SA_INIT;
    size_t i;
    int r;

    if (!sa_append(&key, '!') || !sa_catb(&key, local, len) || !sa_0(&key))
        return -1;
    case_lowerb(key.s, key.len);
    r = probe(fd, "", 0, &wild);
    if (r == 0) {
        errno = EPROTO; /* qmail-newu always writes it */
        r = -1;
    }
    if (r == 1)
        r = probe(fd, key.s, key.len, rec); /* the exact entry */
    for (i = key.len - 1; r == 0 && i >= 1; --i) {
        if (i > 1 && !(wild.len && memchr(wild.s, key.s[i - 1], wild.len)))
            continue;
        r = probe(fd, key.s, i, rec);
        if (r == 1 && !sa_catb(rec, local + i - 1, len - (i - 1)))
            r = -1;
    }
    if (r == 1 && !sa_0(rec))
        r = -1;
    sa_free(&key);
    sa_free(&wild);
    return r;
}

int userdb_fields(const char *rec, size_t len, userdb_rec *r)
{
    const char **f[6];
    size_t i, pos = 0;

    f[0] = &r->user;
    f[1] = &r->uid;
    f[2] = &r->gid;
    f[3] = &r->home;
    f[4] = &r->dash;
    f[5] = &r->ext;
    for (i = 0; i < 6; ++i) {
        const char *nul = pos < len ? memchr(rec + pos, 0, len - pos) : 0;
        if (!nul)
            return 0;
        *f[i] = rec + pos;
        pos = (size_t)(nul - rec) + 1;
    }
    return 1;
}
