#!/bin/sh
# qq-record.sh: a stand-in for qmail-queue in the tests (QMAILQUEUE).
# Saves the message (fd 0) and the envelope (fd 1) as
# $QQ_RECORD/message and $QQ_RECORD/envelope, then exits $QQ_EXIT
# (default 0).  The message is read first, as qmail-queue does, so a
# large message cannot block the client.
cat > "$QQ_RECORD/message" || exit 53
cat <&1 > "$QQ_RECORD/envelope" || exit 53
exit "${QQ_EXIT:-0}"
