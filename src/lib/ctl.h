/*
 * ctl.h: reading control files (spec smtp-and-tools.md section 0.2).
 * Paths are relative to the current directory (programs chdir to
 * QMAILHOME first).  Return convention for every reader:
 *   1 present, 0 absent (ENOENT; the default applies), -1 read error.
 */
#ifndef CTL_H
#define CTL_H

#include "sa.h"

/* whole file into buf; 1 / 0 absent / -1 */
int ctl_slurp(const char *fn, sa *buf) WUR;
/* first line, trailing SPACE TAB LF stripped (CR kept) */
int ctl_readline(sa *out, const char *fn) WUR;
/* the first line of control/me, cached after the first call */
int ctl_me(sa *out) WUR;
/* control/me is read again at the next ctl_me */
void ctl_me_forget(void);
/* single line with default: if absent, me (when flagme) else def.
   Returns 1 when a value was stored (from file, me or def), -1 error;
   def may be 0, and then 0 means neither the file nor me exists. */
int ctl_rldef(sa *out, const char *fn, int flagme, const char *def) WUR;
/* unsigned integer: leading digits; none means absent, *u untouched */
int ctl_readint(unsigned long *u, const char *fn) WUR;
/* list: each kept line stored NUL-terminated, one after the other */
int ctl_readfile(sa *out, const char *fn) WUR;

/* pure helpers, exported for tests and fuzzing */
size_t ctl_firstline(const char *s, size_t len);   /* length kept */
int ctl_listparse(sa *out, const char *s, size_t len) WUR; /* 1 / 0 */

#endif
