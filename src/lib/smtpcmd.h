/*
 * smtpcmd.h: SMTP command lines as qmail-smtpd reads them (spec
 * smtp-and-tools.md 1.4).  Pure: bytes in, a line out, no I/O and no
 * allocation, so the reader is unit-tested and fuzzed on its own.
 *
 * A line is every byte up to a LF; one CR right before the LF is
 * dropped, so bare-LF lines are accepted.  At most SMTPCMD_MAX bytes of
 * a line, not counting that CR, are kept: a longer line is still
 * consumed up to its LF, and is then reported with toolong set, so a
 * client can never make the reader use more memory than the struct
 * (the CVE-2005-1513 class).
 */
#ifndef SMTPCMD_H
#define SMTPCMD_H

#include <stddef.h>

#define SMTPCMD_MAX 4096

typedef struct smtpcmd {
    size_t len;  /* bytes kept in line */
    int toolong; /* more than SMTPCMD_MAX bytes came before the LF */
    int done;    /* line holds a finished line; the next feed restarts */
    char line[SMTPCMD_MAX + 2]; /* the CR of a CRLF may come first */
} smtpcmd;

void smtpcmd_init(smtpcmd *c);

/*
 * smtpcmd_feed: take bytes from buf[0..len).  Returns 1 when a line is
 * complete (*used bytes consumed, the last one its LF; the line is in
 * c->line[0..c->len), NUL-terminated, without LF and without one CR
 * before it), 0 when all len bytes were consumed without a LF.
 */
int smtpcmd_feed(smtpcmd *c, const char *buf, size_t len, size_t *used);

/*
 * smtpcmd_split: the verb is every byte before the first SPACE (a TAB
 * is no separator); the argument starts after the SPACEs that follow.
 * A NUL byte ends the line for both (as in qmail).  Sets *vlen, and
 * *arg and *alen to the argument's offset and length.
 */
void smtpcmd_split(const char *line, size_t len, size_t *vlen, size_t *arg,
                   size_t *alen);

/*
 * smtpcmd_verb: index of verb[0..vlen) in the table names (ASCII case
 * insensitive, exact length, ended by a null pointer), or the index of
 * that null pointer when the verb is not there.
 */
size_t smtpcmd_verb(const char *const *names, const char *verb, size_t vlen);

#endif
