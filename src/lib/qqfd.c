/*
 * qqfd.c: see qqfd.h.  Never exits.
 */
#include "qqfd.h"
#include "fd.h"

int qqfd_copy(qq *q, int fd)
{
    char buf[BIO_SIZE];
    ssize_t r;

    for (;;) {
        r = read_all(fd, buf, sizeof buf);
        if (r == -1)
            return -1;
        if (r == 0)
            return 0;
        qq_put(q, buf, (size_t)r);
    }
}
