/*
 * tests/unit/errtemp.c: which errno values count as temporary for the
 * delivery programs (errtemp.h): conditions that go away by themselves
 * are temporary, conditions that need someone to act are not.
 */
#include <errno.h>

#include "errtemp.h"
#include "ptest.h"

int main(void)
{
    static const int temp[] = {
        EINTR,  ENOMEM, EIO,    ETIMEDOUT, EAGAIN,       ENFILE,      EMFILE,
        ENOSPC, EDQUOT, ESTALE, ETXTBSY,   ECONNREFUSED, EHOSTUNREACH};
    static const int hard[] = {ENOENT,       EACCES, EPERM,   ENOTDIR,
                               EISDIR,       ELOOP,  EEXIST,  EINVAL,
                               ENAMETOOLONG, EROFS,  ENOEXEC, 0};
    size_t i;

    for (i = 0; i < sizeof temp / sizeof temp[0]; ++i)
        OK(errtemp(temp[i]), "temporary errno");
    for (i = 0; i < sizeof hard / sizeof hard[0]; ++i)
        OK(!errtemp(hard[i]), "permanent errno");
    return pt_done();
}
