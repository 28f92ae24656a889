/*
 * bounce.c: composition of bounce entries and bounce messages.
 * Pure functions; qmail-send does the I/O.
 */
#include <string.h>

#include "addr.h"
#include "bounce.h"
#include "date822.h"

int bounce_safe(sa *out, const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; ++i) {
        unsigned char c = (unsigned char)s[i];
        char o = (char)c;
        if (c == '\n')
            o = '/';
        else if (c == '%' || c < 33 || c > 126)
            o = '_';
        if (!sa_append(out, o))
            return 0;
    }
    return 1;
}

int bounce_entry(sa *out, const char *rcpt, size_t rlen, const char *text,
                 size_t tlen)
{
    sa e = SA_INIT;
    size_t i;
    int ok;

    ok = sa_append(&e, '<');
    for (i = 0; ok && i < rlen; ++i)
        ok = sa_append(&e, rcpt[i] == '\n' ? '_' : rcpt[i]);
    ok = ok && sa_cats(&e, ">:\n") && sa_catb(&e, text, tlen);
    if (ok && tlen && text[tlen - 1] != '\n')
        ok = sa_append(&e, '\n');
    /* no blank line inside an entry: a LF that follows a LF (as sent,
       hence the walk backwards) becomes '/', but for the entry's last */
    for (i = e.len - 2; ok && i > 0; --i)
        if (e.s[i] == '\n' && e.s[i - 1] == '\n')
            e.s[i] = '/';
    ok = ok && sa_cat(out, &e) && sa_append(out, '\n');
    sa_free(&e);
    return ok;
}

int bounce_head(sa *out, time_t now, const sa *from, const sa *bouncehost,
                const char *to, size_t tolen, int dbl)
{
    sa f = SA_INIT;
    int ok = sa_copy(&f, from) && sa_append(&f, '@') && sa_cat(&f, bouncehost);

    ok = ok && sa_cats(out, "Date: ") && date822_utc(out, now) &&
         sa_cats(out, "\nFrom: ") && addr_quote(out, f.s, f.len) &&
         sa_cats(out, "\nTo: ") && addr_quote(out, to, tolen) &&
         sa_cats(out, "\nSubject: failure notice\n\n"
                      "Hi. This is the qmail-send program at ") &&
         sa_cat(out, bouncehost) && sa_cats(out, ".\n");
    sa_free(&f);
    if (!ok)
        return 0;
    if (dbl)
        return sa_cats(out, "I tried to deliver a bounce message to this "
                            "address, but the bounce bounced!\n\n");
    return sa_cats(out, "I'm afraid I wasn't able to deliver your message "
                        "to the following addresses.\n"
                        "This is a permanent error; I've given up. Sorry it "
                        "didn't work out.\n\n");
}

int bounce_tail(sa *out, const char *sender, size_t slen, int dbl)
{
    return sa_cats(out, dbl ? "--- Below this line is the original bounce.\n"
                            : "--- Below this line is a copy of the "
                              "message.\n") &&
           sa_cats(out, "\nReturn-Path: <") &&
           addr_quote(out, sender, slen) && sa_cats(out, ">\n");
}
