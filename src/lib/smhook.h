/*
 * smhook.h: argument expansion for qsmhook, the sendmail delivery-hook
 * emulator (spec smtp-and-tools.md 5.2).  Pure functions, no I/O.
 *
 * smhook_expand: set out to arg with every "%g" replaced by e->sender,
 *   "%h" by e->host, "%u" by e->local and "%%" by one "%"; any other
 *   "%" is copied as it is.  out is NUL-terminated (out->len excludes
 *   the NUL).  Returns 1 ok, 0 failed (errno).
 * smhook_strip: local without its leading prefix when local starts with
 *   prefix, compared without regard to ASCII case; else local itself.
 *   Returns a pointer into local.
 */
#ifndef SMHOOK_H
#define SMHOOK_H

#include "sa.h"

typedef struct smhook_env {
    const char *sender; /* %g */
    const char *host;   /* %h */
    const char *local;  /* %u */
} smhook_env;

int smhook_expand(sa *out, const char *arg, const smhook_env *e) WUR;
const char *smhook_strip(const char *local, const char *prefix);

#endif
