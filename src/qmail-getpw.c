/*
 * qmail-getpw: find the account for a local part when users/cdb has
 * none (spec delivery.md 3.3; the lookup is getpw.h).  Run by hand,
 * by tests and by qmail-verify's child as qmailp; qmail-lspawn's child
 * does the same lookup itself.  Prints user NUL uid NUL gid NUL home
 * NUL dash NUL ext NUL and exits 0.  The local part is only used as a
 * getpwnam key.  Failures are exit statuses for qmail-lspawn (qlx.h):
 * 100 usage, 115 temporary stat failure, 116 no alias account, 118
 * temporary account-database failure.
 */
#include <unistd.h>

#include "exitcodes.h"
#include "fd.h"
#include "getpw.h"
#include "sa.h"

int main(int argc, char **argv)
{
    sa out = SA_INIT;
    int r;

    if (argc < 2 || !argv[1])
        _exit(EX_PERM);
    r = getpw_lookup(argv[1], &out);
    if (r)
        _exit(r);
    if (write_all(1, out.s, out.len) == -1)
        _exit(EX_TEMP);
    sa_free(&out);
    return EX_OK;
}
