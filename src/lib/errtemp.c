/*
 * errtemp.c: the temporary-errno table (see errtemp.h).  Pure.
 */
#include <errno.h>
#include <stddef.h>

#include "errtemp.h"

/* the classes of spec smtp-and-tools.md 0.3: conditions that may pass */
static const int temp[] = {
    EINTR,    ENOMEM,       ETXTBSY,      EIO,       ETIMEDOUT,    EWOULDBLOCK,
    EAGAIN,   EDEADLK,      EBUSY,        ENFILE,    EMFILE,       EFBIG,
    ENOSPC,   ENETDOWN,     ENETUNREACH,  ENETRESET, ECONNABORTED, ECONNRESET,
    ENOBUFS,  ETOOMANYREFS, ECONNREFUSED, EHOSTDOWN, EHOSTUNREACH, EUSERS,
    EDQUOT,   ESTALE,       ENOLCK,
#ifdef EPROCLIM
    EPROCLIM,
#endif
};

int errtemp(int e)
{
    size_t i;

    for (i = 0; i < sizeof temp / sizeof temp[0]; ++i)
        if (temp[i] == e)
            return 1;
    return 0;
}
