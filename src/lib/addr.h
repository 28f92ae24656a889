/*
 * addr.h: envelope address helpers.
 * addr_quote: append the address with its local part in RFC 822 quotes
 *   when it is not a dot-atom (empty, leading/trailing/double dot, or a
 *   byte outside the atom set); 1 ok / 0 nomem.
 * addr_unquote is not needed: envelope addresses are stored unquoted.
 * case_diffb: ASCII case-insensitive compare, <0 / 0 / >0.
 * case_lowerb: lowercase in place.
 */
#ifndef ADDR_H
#define ADDR_H

#include <stddef.h>

#include "sa.h"

int addr_needquote(const char *local, size_t len);
int addr_quote(sa *out, const char *addr, size_t len) WUR;
int case_diffb(const char *a, size_t alen, const char *b, size_t blen);
void case_lowerb(char *s, size_t len);
int addr_atomchar(unsigned char c);

#endif
