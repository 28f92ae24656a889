#!/bin/sh
# pinq [ARG...]: empty the maildir MAILDIR into the mbox MAIL (scratch file
# MAILTMP) with maildir2mbox, then become pine with the given arguments
# (spec smtp-and-tools.md 5.2).  Runs as the mailbox owner.  When the
# move fails, pine is not started and the status is maildir2mbox's.
@QMAILHOME@/bin/maildir2mbox && exec pine "$@"
