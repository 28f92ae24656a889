/*
 * dotqmail.h: the pure parts of local delivery (spec delivery.md 3.4):
 * reading .qmail instructions, the order in which control files are
 * searched, the header lines and environment values qmail-local
 * builds, the mbox ">From " quoting, and the meaning of a delivery
 * program's exit status.  No I/O and no globals, so all of it is unit
 * tested and fuzzed; qmail-local does the system calls.
 * Return convention: functions that append to an sa return 1 ok,
 * 0 out of memory; the others are documented one by one.
 */
#ifndef DOTQMAIL_H
#define DOTQMAIL_H

#include <stddef.h>
#include <time.h>

#include "sa.h"

/* ---- instruction lines ---- */

enum dq_kind {
    DQ_BLANK,   /* empty (only an error as the first line) */
    DQ_COMMENT, /* # */
    DQ_MBOX,    /* . or / not ending in / */
    DQ_MAILDIR, /* . or / ending in / */
    DQ_PROGRAM, /* | */
    DQ_FORWARD, /* & or any other first character */
    DQ_LIST,    /* +list: forward-only from here on */
    DQ_IGNORE   /* any other + line */
};

/*
 * dq_line: the line starting at text[*pos]: 1 with [*start, *start +
 * *llen) the line without its LF and without trailing spaces and TABs,
 * *pos moved past the LF; 0 when *pos >= len.  A last line without LF
 * counts as a line.
 */
int dq_line(const char *text, size_t len, size_t *pos, size_t *start,
            size_t *llen);

/*
 * dq_kind: what a (stripped) line asks for.  *arg is the offset of the
 * argument inside the line: the path (0) for mbox and maildir, the
 * command (1) for a program, the address for a forward (1 after '&',
 * else 0).
 */
enum dq_kind dq_kind(const char *line, size_t len, size_t *arg);

/* ---- where the instructions come from ---- */

/* safeext: ext lowercased (ASCII) with every '.' turned into ':' */
int dq_safeext(sa *out, const char *ext, size_t len) WUR;

/*
 * The search for the control file, one candidate at a time:
 * ".qmail" dash safeext, then ".qmail" dash safeext[0..i) "default"
 * for i from len(safeext) down to 0 where i = 0 or safeext[i-1] = '-'.
 * dq_search_next stores the next name in fn (NUL-terminated, len not
 * counting the NUL) and in *defoff the offset in ext of the part that
 * "default" stands for (the DEFAULT variable), or DQ_NODEFAULT when
 * the name does not end in "default".  Returns 1 candidate, 0 no more,
 * -1 out of memory.
 */
#define DQ_NODEFAULT ((size_t)-1)

typedef struct dq_search {
    int stage; /* 0 exact name, 1 default names, 2 done */
    size_t i;
} dq_search;

#define DQ_SEARCH_INIT {0, 0}

int dq_search_next(dq_search *s, const char *dash, const char *safeext,
                   size_t slen, sa *fn, size_t *defoff);

/* ---- header lines and environment values ---- */

/* "Delivered-To: local@domain" LF, any LF inside turned into '_' */
int dq_dtline(sa *out, const char *local, const char *domain) WUR;
/* "Return-Path: <quoted sender>" LF, any LF inside turned into '_' */
int dq_rpline(sa *out, const char *sender) WUR;
/* "From sender Www Mmm DD hh:mm:ss YYYY" LF in UTC, day zero-padded;
   space, TAB and LF in the sender become '-', empty is MAILER-DAEMON */
int dq_ufline(sa *out, const char *sender, time_t t) WUR;

/* HOST2..HOST4 (n = 2..4): the length of host kept; EXT2..EXT4: the
   offset in ext where the value starts (len when there is none) */
size_t dq_hostpart(const char *host, size_t len, int n);
size_t dq_extpart(const char *ext, size_t len, int n);

/* NEWSENDER for a list with an owner: local-owner@domain, or the VERP
   form local-owner-@domain-@[] when verp is set */
int dq_newsender(sa *out, const char *local, const char *domain,
                 int verp) WUR;

/* ---- results ---- */

/* a delivery program's exit status as qmail-local's verdict:
   0 success, 99 success and stop, 100 permanent, 111 temporary */
int dq_progexit(int code);

/*
 * mbox quoting (mboxrd): a line that begins with "From " after any
 * number of '>' gets one more '>'.  Feed the message in pieces of any
 * size; dq_mbox_end adds a LF if the message did not end with one,
 * then the empty line that separates messages.
 */
typedef struct dq_mbox {
    int body;     /* inside a line, past the quoting decision */
    size_t match; /* bytes of "From " matched at the line start */
    int lastlf;   /* the last byte written was a LF (or none yet) */
} dq_mbox;

#define DQ_MBOX_INIT {0, 0, 1}

int dq_mbox_feed(dq_mbox *m, const char *in, size_t len, sa *out) WUR;
int dq_mbox_end(dq_mbox *m, sa *out) WUR;

#endif
