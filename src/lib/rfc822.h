/*
 * rfc822.h: RFC 822 header handling for qmail-inject (spec
 * smtp-and-tools.md 3.4-3.5): the header/body splitter, the tokeniser,
 * the right-to-left address-list parser with the address rewriting
 * (defaulthost, plusdomain, defaultdomain, source routes), and the
 * re-emitter with canonical spacing and folding after commas.
 * Pure: no I/O, no globals; every input is (bytes, length).
 * Return conventions: parsers 1 ok, 0 syntax error, -1 out of memory
 * (errno set); appenders 1 ok, 0 out of memory.
 */
#ifndef RFC822_H
#define RFC822_H

#include <stddef.h>

#include "sa.h"

#define R822_LINELEN 80 /* fold address lists after a comma beyond this */

enum r822_type {
    R822_ATOM = 1, /* content types first */
    R822_QUOTE,
    R822_LITERAL,
    R822_COMMENT,
    R822_COMMA, /* specials */
    R822_AT,
    R822_DOT,
    R822_LEFT,
    R822_RIGHT,
    R822_COLON,
    R822_SEMI
};

/* a token; s/len is the unescaped content of the four content types */
typedef struct r822_tok {
    int type;
    const char *s;
    size_t len;
} r822_tok;

typedef struct r822_toks {
    r822_tok *t;
    size_t len;
    size_t a;
} r822_toks;

#define R822_TOKS_INIT {0, 0, 0}

int r822_toks_append(r822_toks *x, const r822_tok *t) WUR; /* 1 / 0 */
int r822_toks_catb(r822_toks *x, const r822_tok *t, size_t n) WUR;
void r822_toks_free(r822_toks *x);

/*
 * r822_tokenise: tokens of s[0..len) into out (replaced).  Contents
 * are stored in buf (replaced; sized once, so the tokens point into it
 * until buf is changed or freed).  Whitespace is SPACE TAB CR LF;
 * comments nest (the inner parentheses are not kept); backslash quotes
 * the next byte; an atom holding a byte <32 or >126, ')' ']' or '\'
 * becomes a quoted string.  0: stray ')' or ']', or an unterminated
 * comment, quoted string or domain literal.
 */
int r822_tokenise(r822_toks *out, sa *buf, const char *s, size_t len) WUR;

/*
 * r822_unparse: append the tokens with canonical spacing, contents
 * re-escaped, folded after a comma when the line would pass linelen
 * (0: never), and a final LF.  1 / 0.
 */
int r822_unparse(sa *out, const r822_tok *t, size_t n, size_t linelen) WUR;
/* r822_unquote: append the tokens as an envelope address: contents raw,
   literals in brackets, comments dropped.  1 / 0. */
int r822_unquote(sa *out, const r822_tok *t, size_t n) WUR;

/* the rewriting tables: the tokens of "@" defaulthost, "." plusdomain
   and "." defaultdomain (made with r822_tokenise) */
typedef struct r822_rw {
    const r822_tok *host;
    size_t nhost;
    const r822_tok *plus;
    size_t nplus;
    const r822_tok *dom;
    size_t ndom;
} r822_rw;

/* r822_rewrite: the six rewriting steps of spec 3.5 on one address
   (tokens in order, modified in place).  1 / 0 nomem. */
int r822_rewrite(r822_toks *addr, const r822_rw *rw) WUR;

/*
 * r822_addrlist: parse the value of an address-list field (right to
 * left, as qmail does), rewrite every address when rw is not 0, and put
 * the re-ordered tokens into out (replaced).  Each address is appended
 * to addrs in the order found (right to left within the field),
 * unquoted, cut at its first NUL byte (an envelope cannot carry one)
 * and NUL-terminated.  0: a colon outside a group, a nested group, or
 * '>' without '<'.
 */
int r822_addrlist(r822_toks *out, sa *addrs, const r822_tok *in, size_t n,
                  const r822_rw *rw) WUR;

/*
 * r822_field: a whole header field (name, colon, value, continuation
 * lines, final LF) as an address list: the rewritten field is appended
 * to out (name as given, LF-terminated, folded at R822_LINELEN), the
 * addresses to addrs as in r822_addrlist.  0: no colon, or a syntax
 * error in the value.
 */
int r822_field(sa *out, sa *addrs, const char *f, size_t len,
               const r822_rw *rw) WUR;

/*
 * r822_addr: one address given as an argument (-f, recipients): the
 * local part is quoted when needed, then tokenised, rewritten and
 * unquoted into out (replaced; NUL bytes cut as above).  0: does not
 * tokenise.
 */
int r822_addr(sa *out, const char *s, size_t len, const r822_rw *rw) WUR;

/* header field names qmail-inject knows (matched case-insensitively,
   SPACE or TAB allowed before the colon) */
enum r822_hname {
    R822_H_UNKNOWN = 0,
    R822_H_SENDER,
    R822_H_FROM,
    R822_H_REPLYTO,
    R822_H_TO,
    R822_H_CC,
    R822_H_BCC,
    R822_H_DATE,
    R822_H_MESSAGEID,
    R822_H_SUBJECT,
    R822_H_R_SENDER,
    R822_H_R_FROM,
    R822_H_R_REPLYTO,
    R822_H_R_TO,
    R822_H_R_CC,
    R822_H_R_BCC,
    R822_H_R_DATE,
    R822_H_R_MESSAGEID,
    R822_H_RETURNRECEIPTTO,
    R822_H_ERRORSTO,
    R822_H_APPARENTLYTO,
    R822_H_RECEIVED,
    R822_H_RETURNPATH,
    R822_H_DELIVEREDTO,
    R822_H_CONTENTLENGTH,
    R822_H_CONTENTTYPE,
    R822_H_CONTENTTE,
    R822_H_NOTICEREQUESTED,
    R822_H_MAILFOLLOWUPTO,
    R822_H_NUM
};

int r822_hfknown(const char *s, size_t len);   /* enum r822_hname */
/* 1 if the line is a field: a colon, and a non-empty name (before it,
   minus trailing SPACE/TAB) made of bytes 33..126 only */
int r822_hfvalid(const char *s, size_t len);

/*
 * The header/body splitter, fed one line at a time (each line ends in
 * LF; the caller adds one to a final partial line).  r822_hbline and
 * r822_hbeof return -1 (nomem) or a mask of what to do, in this order:
 *   R822_HB_FIELD  a field is complete in h->done;
 *   R822_HB_END    the header is over: emit the header now;
 *   R822_HB_BLANK  emit an empty line first (the header ended at a line
 *                  that is no field, so the separator was missing);
 *   R822_HB_BODY   the line itself is body.
 * A line starting with "From " in the header becomes the field
 * "MBOX-Line: From ...".
 */
enum {
    R822_HB_FIELD = 1,
    R822_HB_END = 2,
    R822_HB_BLANK = 4,
    R822_HB_BODY = 8
};

typedef struct r822_hb {
    int inbody;
    int pending; /* cur holds a field that may still continue */
    sa cur;
    sa done;
} r822_hb;

#define R822_HB_INIT {0, 0, SA_INIT, SA_INIT}

int r822_hbline(r822_hb *h, const char *line, size_t len) WUR;
int r822_hbeof(r822_hb *h);
void r822_hbfree(r822_hb *h);

#endif
