/*
 * tests/unit/smtpreply.c: the SMTP reply parser: codes, continuation
 * lines, text cleaning and capping, replies split across reads, the
 * size bound, and EHLO keyword lookup.
 */
#include "smtpreply.h"
#include "ptest.h"

/* feeds s in pieces of step bytes; returns the final status */
static int feed(smtpreply *r, const char *s, size_t len, size_t step,
                size_t *used)
{
    size_t off = 0, u;
    int st = SMTPREPLY_MORE;

    smtpreply_start(r);
    while (off < len && st == SMTPREPLY_MORE) {
        size_t n = len - off < step ? len - off : step;
        st = smtpreply_feed(r, s + off, n, &u);
        off += u;
    }
    *used = off;
    return st;
}

static void t_basic(void)
{
    smtpreply r = SMTPREPLY_INIT;
    size_t used;
    const char *s = "250-first\r\n250-second\r\n250 last\r\nEXTRA";
    size_t step;

    for (step = 1; step <= 40; step += 13) {
        IS_INT(feed(&r, s, strlen(s), step, &used), SMTPREPLY_DONE,
               "multi-line reply completes");
        IS_INT(used, strlen(s) - 5, "stops after the last line");
        IS_INT(r.code, 250, "code of the first line");
        IS_SA(r.text, "250-first\n250-second\n250 last\n", "text, CR removed");
    }
    s = "421 bye\n";
    IS_INT(feed(&r, s, strlen(s), 100, &used), SMTPREPLY_DONE, "bare LF");
    IS_INT(r.code, 421, "421");
    s = "550-a\r\n451 b\r\n";
    feed(&r, s, strlen(s), 100, &used);
    IS_INT(r.code, 550, "later lines do not change the code");
    s = "250\r\n";
    feed(&r, s, strlen(s), 100, &used);
    IS_INT(r.code, 250, "code alone");
    s = "250-\r\n";
    IS_INT(feed(&r, s, strlen(s), 100, &used), SMTPREPLY_MORE,
           "'250-' continues");
    smtpreply_free(&r);
}

static void t_bad(void)
{
    smtpreply r = SMTPREPLY_INIT;
    size_t used;
    const char *s;

    s = "2x0 what\r\n";
    IS_INT(feed(&r, s, strlen(s), 100, &used), SMTPREPLY_DONE, "done");
    IS_INT(r.code, 0, "non-digit code gives 0");
    s = "25\r\n";
    feed(&r, s, strlen(s), 100, &used);
    IS_INT(r.code, 0, "short line gives 0");
    s = "\n";
    feed(&r, s, 1, 100, &used);
    IS_INT(r.code, 0, "empty line gives 0");
    IS_SA(r.text, "\n", "empty line text");
    feed(&r, "2\0000 x\r\n", 8, 100, &used);
    IS_INT(r.code, 0, "NUL in the code gives 0");
    IS_SA(r.text, "2?0 x\n", "NUL shown as ?");
    feed(&r, "250 a\0b\r\n", 9, 3, &used);
    IS_INT(r.code, 250, "NUL in the text keeps the code");
    IS_SA(r.text, "250 a?b\n", "NUL in the text shown as ?");
    smtpreply_free(&r);
}

static void t_bounds(void)
{
    smtpreply r = SMTPREPLY_INIT;
    static char big[SMTPREPLY_MAX + 100];
    size_t used;

    memset(big, 'x', sizeof big);
    memcpy(big, "250 ", 4);
    big[SMTPREPLY_MAX - 1] = '\n';
    IS_INT(feed(&r, big, SMTPREPLY_MAX, 1000, &used), SMTPREPLY_DONE,
           "a reply of exactly SMTPREPLY_MAX bytes is fine");
    IS_INT(r.text.len, SMTPREPLY_TEXTMAX + 1, "text capped, LF added");
    OK(r.text.s[r.text.len - 1] == '\n', "capped text ends in LF");
    big[SMTPREPLY_MAX - 1] = 'x';
    IS_INT(feed(&r, big, sizeof big, 1000, &used), SMTPREPLY_TOOLONG,
           "one byte more is too long");
    IS_INT(used, SMTPREPLY_MAX, "too long: stops at the limit");
    smtpreply_free(&r);
}

static void t_ext(void)
{
    const char *t = "250-mx.example hello\n250-PIPELINING\n250-size 1000\n"
                    "250-SIZEX\n250 8BITMIME\n";
    const char *arg;
    size_t al;

    OK(smtpreply_ext(t, strlen(t), "SIZE", &arg, &al), "SIZE found");
    IS_MEM(arg, al, "1000", 4, "SIZE argument");
    OK(smtpreply_ext(t, strlen(t), "8BITMIME", &arg, &al), "last line");
    IS_INT(al, 0, "no argument");
    OK(!smtpreply_ext(t, strlen(t), "SIZEX1", &arg, &al), "no prefix match");
    OK(!smtpreply_ext(t, strlen(t), "MX.EXAMPLE", &arg, &al),
       "the first line is not a keyword");
    OK(!smtpreply_ext("250 x", 5, "SIZE", &arg, &al), "one line: none");
}

int main(void)
{
    t_basic();
    t_bad();
    t_bounds();
    t_ext();
    return pt_done();
}
