#!/bin/sh
# elq [ARG...]: empty the maildir MAILDIR into the mbox MAIL (scratch file
# MAILTMP) with maildir2mbox, then become elm with the given arguments
# (spec smtp-and-tools.md 5.2).  Runs as the mailbox owner.  When the
# move fails, elm is not started and the status is maildir2mbox's.
@QMAILHOME@/bin/maildir2mbox && exec elm "$@"
