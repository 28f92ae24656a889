#!/bin/sh
# qmail-qstat: count the messages in the queue (spec smtp-and-tools.md
# 5.4): every regular file under queue/mess, and those in queue/todo
# that qmail-send has not taken in yet.  Runs as root or a member of
# group qmail.  Exit 0; 111 when the queue cannot be entered or a
# directory cannot be listed (find has said why on stderr; the counts
# are printed anyway but are not to be trusted).
cd @QMAILHOME@/queue || exit 111
rc=0
count() { # one x per regular file, so the length is the count
    x=$(find "$1" -type f -printf x) || rc=111
    n=${#x}
}
count mess
echo "messages in queue: $n"
count todo
echo "messages in queue but not yet preprocessed: $n"
exit $rc
