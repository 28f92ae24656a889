#!/bin/sh
# mailsubj SUBJECT RECIPIENT...: send stdin as the body of a new message
# (spec smtp-and-tools.md 3.10).  Writes Subject and To lines, an empty
# line and stdin to qmail-inject, which takes the recipients from To.
# The arguments go into the header as they are: the caller quotes
# header syntax.  Runs as the caller; exit status is qmail-inject's,
# or 100 when the subject or every recipient is missing.
if [ $# -lt 2 ]; then
    echo 'mailsubj: usage: mailsubj subject recip ...' >&2
    exit 100
fi
subject=$1
shift
IFS=' '
{
    printf 'Subject: %s\nTo: %s\n\n' "$subject" "$*"
    cat
} | @QMAILHOME@/bin/qmail-inject
