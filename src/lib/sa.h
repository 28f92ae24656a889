/*
 * sa.h: the one growable string type.  A byte string {s, len, a} whose
 * growth is overflow-checked; NUL-termination only where a syscall needs
 * it (sa_0).  Suffixes: ...b pointer+length, ...s C string.
 * Return convention: every function returns 1 on success, 0 on failure
 * with errno set (ENOMEM, or EOVERFLOW when a length would wrap).
 */
#ifndef SA_H
#define SA_H

#include <stddef.h>

#define WUR __attribute__((warn_unused_result))

typedef struct sa {
    char *s;
    size_t len;
    size_t a;
} sa;

#define SA_INIT {0, 0, 0}

int sa_ready(sa *x, size_t n) WUR;      /* room for n bytes in total */
int sa_readyplus(sa *x, size_t n) WUR;  /* room for len + n bytes */
int sa_copyb(sa *x, const char *b, size_t n) WUR;
int sa_copys(sa *x, const char *s) WUR;
int sa_copy(sa *x, const sa *y) WUR;
int sa_catb(sa *x, const char *b, size_t n) WUR;
int sa_cats(sa *x, const char *s) WUR;
int sa_cat(sa *x, const sa *y) WUR;
int sa_append(sa *x, char c) WUR;
int sa_0(sa *x) WUR;                    /* append a NUL */
int sa_catulong(sa *x, unsigned long u) WUR;
int sa_catulong0(sa *x, unsigned long u, size_t width) WUR; /* 0-padded */
void sa_free(sa *x);

int sa_starts(const sa *x, const char *s); /* 1 if x begins with s */

#endif
