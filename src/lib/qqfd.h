/*
 * qqfd.h: feeding a file descriptor to qmail-queue through qq.h, for
 * the .qmail helpers that pass the message on (forward, condredirect).
 * qqfd_copy: read fd to its end and qq_put every byte.  0 ok, -1 read
 * error (errno); qq write errors are kept in q for qq_close to report.
 * qqfd_submit: one whole submission: qq_start, the line dtline, the
 *   text of fd, envelope sender and every address of the NULL-ended
 *   list to, then qq_close.  Returns qq_close's result string; or NULL
 *   with errno set and *why the diagnostic ("unable to fork: " or
 *   "unable to read message: "), the submission left unfinished.
 */
#ifndef QQFD_H
#define QQFD_H

#include "qq.h"

int qqfd_copy(qq *q, int fd) WUR;
const char *qqfd_submit(qq *q, const char *dtline, int fd,
                        const char *sender, char *const *to,
                        const char **why) WUR;

#endif
