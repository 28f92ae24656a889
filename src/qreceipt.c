/*
 * qreceipt: answer a delivery-notice request (spec smtp-and-tools.md
 * 5.1).  Run from a .qmail file as the recipient with the message on
 * fd 0.  When a Notice-Requested-Upon-Delivery-To field of the header
 * lists exactly the address given as argument, it queues a short
 * success notice, with the null envelope sender, to SENDER.  Exit 0
 * also when no notice is due; 100 for an unparsable field or a
 * permanent queue failure; 111 for temporary trouble.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "bio.h"
#include "err.h"
#include "exitcodes.h"
#include "fd.h"
#include "msghead.h"
#include "qq.h"
#include "rfc822.h"

#define NOTICE "Notice-Requested-Upon-Delivery-To"

static struct {
    const char *target;
    const char *sender;
    int wanted;
    sa messageid; /* the whole field, when there is one */
    int havemid;
    qq q;
} cf;

static _Noreturn void die_nomem(void)
{
    DIE(EX_TEMP, "out of memory");
}

static _Noreturn void die_parse(sa *field)
{
    if (field->len && field->s[field->len - 1] == '\n')
        --field->len;
    if (!sa_0(field))
        die_nomem();
    DIE(EX_PERM, "unable to parse this: ", field->s);
}

/* does the field's address list name our address?  The addresses
   come unquoted and not rewritten, each NUL-terminated */
static void notice(sa *field)
{
    sa out = SA_INIT;
    sa addrs = SA_INIT;
    size_t tlen = strlen(cf.target);
    size_t i, n;

    switch (r822_field(&out, &addrs, field->s, field->len, 0)) {
    case -1:
        die_nomem();
    case 0:
        die_parse(field);
    default:
        break;
    }
    for (i = 0; i < addrs.len; i += n + 1) {
        n = strlen(addrs.s + i);
        if (n == tlen && !memcmp(addrs.s + i, cf.target, tlen))
            cf.wanted = 1;
    }
    sa_free(&out);
    sa_free(&addrs);
}

static void readheader(void)
{
    char buf[BIO_SIZE];
    bio in = BIO_INIT(bio_readop, 0, buf, sizeof buf, 0);
    msghead m = MSGHEAD_INIT;
    sa field = SA_INIT;
    int r;

    while ((r = msghead_get(&m, &in, &field)) == 1) {
        if (msghead_is(field.s, field.len, "Message-ID")) {
            if (!sa_copy(&cf.messageid, &field))
                die_nomem();
            cf.havemid = 1;
        }
        if (msghead_is(field.s, field.len, NOTICE))
            notice(&field);
    }
    if (r == -1)
        DIE(EX_TEMP, "unable to read message: ", ERRSYS);
    msghead_free(&m);
    sa_free(&field);
}

static void compose(const sa *to)
{
    qq_puts(&cf.q, "From: DELIVERY NOTICE SYSTEM <");
    qq_put(&cf.q, to->s, to->len);
    qq_puts(&cf.q, ">\nTo: <");
    qq_put(&cf.q, to->s, to->len);
    qq_puts(&cf.q, ">\nSubject: success notice\n\n"
                   "This is the qreceipt program.  Your message was "
                   "delivered to\n");
    qq_puts(&cf.q, cf.target);
    qq_puts(&cf.q, ", which asked for this notice to be sent.\n");
    if (cf.havemid) {
        const sa *m = &cf.messageid;
        qq_puts(&cf.q, "Your ");
        qq_put(&cf.q, m->s, m->len);
        if (!m->len || m->s[m->len - 1] != '\n')
            qq_puts(&cf.q, "\n");
    }
}

static void queue_notice(void)
{
    sa quoted = SA_INIT;
    const char *r;

    if (!addr_quote(&quoted, cf.sender, strlen(cf.sender)))
        die_nomem();
    if (qq_start(&cf.q) == -1)
        DIE(EX_TEMP, "unable to fork: ", ERRSYS);
    compose(&quoted);
    qq_from(&cf.q, "");
    qq_to(&cf.q, cf.sender);
    r = qq_close(&cf.q);
    sa_free(&quoted);
    if (*r)
        DIE(*r == 'D' ? EX_PERM : EX_TEMP, r + 1);
}

int main(int argc, char **argv)
{
    err_prog = "qreceipt";
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2 || !argv[1])
        DIEX(EX_PERM, "usage: qreceipt deliveryaddress");
    cf.target = argv[1];
    cf.sender = getenv("SENDER");
    if (!cf.sender)
        DIEX(EX_PERM, "usage: qreceipt deliveryaddress");
    if (fd_sanitise() == -1)
        DIE(EX_TEMP, "unable to open /dev/null: ", ERRSYS);
    readheader();
    if (!cf.wanted || !*cf.sender || !strcmp(cf.sender, "#@[]"))
        return EX_OK;
    queue_notice();
    return EX_OK;
}
