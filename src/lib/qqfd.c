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

const char *qqfd_submit(qq *q, const char *dtline, int fd,
                        const char *sender, char *const *to, const char **why)
{
    if (qq_start(q) == -1) {
        *why = "unable to fork: ";
        return 0;
    }
    qq_puts(q, dtline);
    if (qqfd_copy(q, fd) == -1) {
        *why = "unable to read message: ";
        return 0;
    }
    qq_from(q, sender);
    for (; *to; ++to)
        qq_to(q, *to);
    return qq_close(q);
}
