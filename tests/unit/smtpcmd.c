/*
 * tests/unit/smtpcmd.c: the SMTP command line reader: CRLF and bare LF
 * lines, one CR dropped (not two), lines split over several feeds,
 * several lines in one feed, the SMTPCMD_MAX bound (a longer line is
 * consumed and flagged), NUL truncation in split, SPACE vs TAB, and the
 * case-insensitive verb table.
 */
#include "smtpcmd.h"
#include "ptest.h"

#define L(s) s, sizeof s - 1
#define IS_LIT(g, gl, lit, name) IS_MEM((g), (gl), lit, sizeof lit - 1, (name))

static smtpcmd c;
static const char *const verbs[] = {"rcpt", "mail", "data", 0};

static void test_lines(void)
{
    size_t used;

    smtpcmd_init(&c);
    IS_INT(smtpcmd_feed(&c, L("HELO x\r\nNOOP\r\n"), &used), 1, "first line");
    IS_INT(used, 8, "consumed up to its LF");
    IS_STR(c.line, "HELO x", "CRLF removed");
    IS_INT(smtpcmd_feed(&c, L("NOOP\r\n"), &used), 1, "second line");
    IS_STR(c.line, "NOOP", "restarts after a finished line");
    IS_INT(smtpcmd_feed(&c, L("bare\n"), &used), 1, "bare LF line");
    IS_STR(c.line, "bare", "bare LF accepted");
    IS_INT(smtpcmd_feed(&c, L("two\r\r\n"), &used), 1, "CR CR LF");
    IS_LIT(c.line, c.len, "two\r", "only one CR is dropped");
    IS_INT(smtpcmd_feed(&c, L("par"), &used), 0, "no LF yet");
    IS_INT(used, 3, "all consumed");
    IS_INT(smtpcmd_feed(&c, L("tial\r"), &used), 0, "still no LF");
    IS_INT(smtpcmd_feed(&c, L("\nX"), &used), 1, "LF in a later feed");
    IS_INT(used, 1, "the X stays for the next line");
    IS_STR(c.line, "partial", "pieces joined, CR across feeds dropped");
    IS_INT(c.toolong, 0, "not too long");
}

static void test_long(void)
{
    static char big[SMTPCMD_MAX * 3];
    size_t used, total = 0;
    int r;

    memset(big, 'a', sizeof big);
    smtpcmd_init(&c);
    IS_INT(smtpcmd_feed(&c, big, SMTPCMD_MAX, &used), 0, "exactly MAX bytes");
    IS_INT(c.toolong, 0, "MAX bytes are no overflow");
    IS_INT(smtpcmd_feed(&c, L("\n"), &used), 1, "ended");
    IS_INT(c.len, SMTPCMD_MAX, "MAX bytes kept");
    smtpcmd_init(&c);
    IS_INT(smtpcmd_feed(&c, big, SMTPCMD_MAX, &used), 0, "MAX bytes again");
    IS_INT(smtpcmd_feed(&c, L("\r\n"), &used), 1, "ended by CRLF");
    IS_INT(c.toolong, 0, "MAX bytes and CRLF are no overflow either");
    IS_INT(c.len, SMTPCMD_MAX, "MAX bytes kept, the CR dropped");
    smtpcmd_init(&c);
    IS_INT(smtpcmd_feed(&c, big, SMTPCMD_MAX + 1, &used), 0, "MAX+1 bytes");
    IS_INT(smtpcmd_feed(&c, L("\n"), &used), 1, "ended by LF");
    IS_INT(c.toolong, 1, "MAX+1 bytes are too long");
    IS_INT(c.len, SMTPCMD_MAX, "MAX of them kept");
    smtpcmd_init(&c);
    IS_INT(smtpcmd_feed(&c, big, SMTPCMD_MAX + 1, &used), 0, "MAX+1 again");
    IS_INT(smtpcmd_feed(&c, L("\r\n"), &used), 1, "ended by CRLF");
    IS_INT(c.toolong, 1, "MAX+1 bytes and CRLF are too long");
    smtpcmd_init(&c);
    while (!(r = smtpcmd_feed(&c, big, sizeof big, &used)) &&
           total < 10 * sizeof big)
        total += used;
    IS_INT(r, 0, "3*MAX bytes, no LF: no line");
    IS_INT(c.toolong, 1, "flagged too long");
    IS_INT(c.len, SMTPCMD_MAX, "never more than MAX kept");
    IS_INT(smtpcmd_feed(&c, L("xyz\r\nNEXT\r\n"), &used), 1, "the LF ends it");
    IS_INT(used, 5, "consumed through the LF");
    IS_INT(c.toolong, 1, "still flagged");
    IS_INT(smtpcmd_feed(&c, L("NEXT\r\n"), &used), 1, "next line");
    IS_INT(c.toolong, 0, "next line is fine");
}

static void test_split(void)
{
    size_t v, a, al;

    smtpcmd_split(L("MAIL FROM:<a@b>"), &v, &a, &al);
    IS_INT(v, 4, "verb MAIL");
    IS_LIT("MAIL FROM:<a@b>" + a, al, "FROM:<a@b>", "argument");
    smtpcmd_split(L("RCPT    TO:<x>  "), &v, &a, &al);
    IS_LIT("RCPT    TO:<x>  " + a, al, "TO:<x>  ",
           "leading spaces skipped, trailing kept");
    smtpcmd_split(L("NOOP\tx"), &v, &a, &al);
    IS_INT(v, 6, "TAB is no separator");
    smtpcmd_split(L("NOOP\0 junk"), &v, &a, &al);
    IS_INT(v, 4, "a NUL ends the verb");
    IS_INT(al, 0, "and the argument");
    smtpcmd_split(L(""), &v, &a, &al);
    IS_INT(v + a + al, 0, "empty line");
    IS_INT(smtpcmd_verb(verbs, L("MaIl")), 1, "verbs are case-insensitive");
    IS_INT(smtpcmd_verb(verbs, L("mai")), 3, "exact length: unknown");
    IS_INT(smtpcmd_verb(verbs, L("")), 3, "empty: unknown");
}

int main(void)
{
    test_lines();
    test_long();
    test_split();
    return pt_done();
}
