/*
 * qlx.c: qmail-lspawn's report translation (see qlx.h).  Pure; the
 * spawn engine calls it once per finished delivery.
 */
#include <string.h>
#include <sys/wait.h>

#include "qlx.h"

static const struct {
    int code;
    const char *text;
} fixed[] = {
    {QLX_CDB, "ZTrouble reading users/cdb in qmail-lspawn.\n"},
    {QLX_NOMEM, "ZOut of memory in qmail-lspawn.\n"},
    {QLX_SYS, "ZTemporary failure in qmail-lspawn.\n"},
    {QLX_NOALIAS, "ZUnable to find alias user!\n"},
    {QLX_ROOT, "ZNot allowed to perform deliveries as root.\n"},
    {QLX_USAGE, "ZInternal qmail-lspawn bug.\n"},
    {QLX_NFS, "ZNFS failure in qmail-local.\n"},
    {QLX_EXECHARD, "DUnable to run qmail-local.\n"},
    {QLX_EXECSOFT, "ZUnable to run qmail-local.\n"},
    {QLX_EXECPW, "ZUnable to run qmail-getpw.\n"},
};

static const char toolong[] = "\nError report too long, sorry.\n";

int qlx_report(sa *out, int wstat, const char *s, size_t len)
{
    size_t i;
    int code;
    char letter;
    const char *nul;

    if (!WIFEXITED(wstat))
        return sa_cats(out, "Zqmail-local crashed.\n");
    code = WEXITSTATUS(wstat);
    for (i = 0; i < sizeof fixed / sizeof fixed[0]; ++i)
        if (fixed[i].code == code)
            return sa_cats(out, fixed[i].text);
    if (code == 0)
        letter = 'K';
    else if (code == 111 || code == 71 || code == 74 || code == 75)
        letter = 'Z';
    else
        letter = 'D';
    if (!sa_append(out, letter))
        return 0;
    nul = len ? memchr(s, 0, len) : 0;
    if (nul)
        len = (size_t)(nul - s);
    if (len <= QLX_TRUNC)
        return sa_catb(out, s, len);
    /* spec 2.7: 3000 - 34 bytes of output, then the notice */
    return sa_catb(out, s, QLX_TRUNC - 34) && sa_cats(out, toolong);
}
