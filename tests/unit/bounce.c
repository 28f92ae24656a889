/*
 * tests/unit/bounce.c: one failure report as appended to bounce/N
 * (spec delivery.md 2.8): the recipient line, the report, a LF added
 * only to a non-empty report without one, no empty line inside an
 * entry (a LF after a LF, as the report had it, becomes '/', all but
 * the entry's last), and the empty line that ends the entry.
 */
#include "bounce.h"
#include "ptest.h"

static void entry_is(const char *rcpt, const char *text, const char *exp,
                     const char *name)
{
    sa out = SA_INIT;

    OK(bounce_entry(&out, rcpt, strlen(rcpt), text, strlen(text)), name);
    IS_SA(out, exp, name);
    sa_free(&out);
}

int main(void)
{
    entry_is("a@b", "Sorry.\n", "<a@b>:\nSorry.\n\n", "plain report");
    entry_is("a@b", "Sorry.", "<a@b>:\nSorry.\n\n", "a LF is added");
    entry_is("a@b", "", "<a@b>:\n\n", "an empty report adds no LF");
    entry_is("a@b", "a\n\nb\n", "<a@b>:\na\n/b\n\n", "one empty line");
    entry_is("a@b", "a\n\n\nb\n", "<a@b>:\na\n//b\n\n",
             "a run of empty lines: each LF as the report had it");
    entry_is("a@b", "x\n\n", "<a@b>:\nx\n\n\n",
             "the entry's last LF is never replaced");
    entry_is("a@b", "\n\nx", "<a@b>:\n//x\n\n",
             "empty lines first: the LF after the colon counts");
    entry_is("a\nb@c", "x\n", "<a_b@c>:\nx\n\n", "a LF in the recipient");
    return pt_done();
}
