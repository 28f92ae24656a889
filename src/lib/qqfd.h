/*
 * qqfd.h: feeding a file descriptor to qmail-queue through qq.h, for
 * the .qmail helpers that pass the message on (forward, condredirect).
 * qqfd_copy: read fd to its end and qq_put every byte.  0 ok, -1 read
 * error (errno); qq write errors are kept in q for qq_close to report.
 */
#ifndef QQFD_H
#define QQFD_H

#include "qq.h"

int qqfd_copy(qq *q, int fd) WUR;

#endif
