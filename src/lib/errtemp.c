/*
 * errtemp.c: the temporary-errno table (see errtemp.h).  Pure.
 */
#include <errno.h>
#include <stddef.h>

#include "errtemp.h"

static const int temp[] = {
    EINTR,       ENOMEM,       ETXTBSY,   EIO,          ETIMEDOUT, EAGAIN,
    EWOULDBLOCK, EBUSY,        EDEADLK,   ENOLCK,       ENFILE,    EMFILE,
    ENOSPC,      EDQUOT,       EFBIG,     ENOBUFS,      ESTALE,    EREMOTEIO,
    ENOLINK,     ECOMM,        ENETDOWN,  ENETUNREACH,  ENETRESET, ECONNABORTED,
    ECONNRESET,  ECONNREFUSED, EHOSTDOWN, EHOSTUNREACH, EUSERS,    EPROTO,
};

int errtemp(int e)
{
    size_t i;

    for (i = 0; i < sizeof temp / sizeof temp[0]; ++i)
        if (temp[i] == e)
            return 1;
    return 0;
}
