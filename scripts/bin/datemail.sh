#!/bin/sh
# datemail: sendmail with a Date field in local time (spec
# smtp-and-tools.md 3.10).  predate writes the Date line in front of
# the message, so qmail-inject adds no UTC one.  Runs as the caller;
# the exit status is predate's, which is sendmail's.
exec @QMAILHOME@/bin/predate @QMAILHOME@/bin/sendmail ${1+"$@"}
