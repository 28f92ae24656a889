#!/bin/sh
# Remote delivery end to end through the private MTA: qmail-inject
# queues, qmail-send hands the recipient to qmail-rspawn, which runs
# qmail-remote from $QH/bin (PATH), which talks SMTP to an aiosmtpd
# sink reached through control/smtproutes.  A delivery, a permanent
# failure that bounces to the (remote) sender, and a deferral that
# stays in the queue.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
PY=/usr/bin/python3
$PY -c 'import aiosmtpd' 2>/dev/null ||
    skip_all "needs python3-aiosmtpd (Debian package)"

inst_fresh
SINKPID=
trap 'mta_stop; [ -n "$SINKPID" ] && kill "$SINKPID"' EXIT
rm -f "$T"/s.log* "$T/s.ready"
$PY "$TOP/tests/integration/remote-sink.py" "$T/s.log" "$T/s.ready" 127.0.0.1:0 \
    'rcpt:bad@example.com=550 5.1.1 no such user here' \
    'rcpt:later@example.com=451 4.2.0 come back later' 2>"$T/s.err" &
SINKPID=$!
wait_for 10 test -f "$T/s.ready" || { cat "$T/s.err" >&2; exit 1; }
PORT=$(cat "$T/s.ready")
printf 'example.com:127.0.0.1:%s\nexample.net:127.0.0.1:%s\n' "$PORT" "$PORT" \
    >"$QH/control/smtproutes"

mta_start || { ok 1 "mta starts"; done_testing; }
msgs() { grep -c ' MSG ' "$T/s.log" 2>/dev/null; }

printf 'Subject: e2e one\n\n.first line\n' |
    inject -fsender@example.net good@example.com
ok $? "qmail-inject to good@example.com"
wait_for 30 sh -c "[ \$(grep -c ' MSG ' '$T/s.log' 2>/dev/null) -ge 1 ]"
ok $? "the sink received a message"
grep -q 'C: MAIL FROM:<sender@example.net>' "$T/s.log" &&
    grep -q 'C: RCPT TO:<good@example.com>' "$T/s.log"
ok $? "with the envelope from qmail-inject"
grep -q '^Subject: e2e one' "$T/s.log.1" && grep -q '^\.first line' "$T/s.log.1"
ok $? "and the message (a leading dot survives the round trip)"
wait_for 30 grep -q 'delivery [0-9]*: success: 127.0.0.1_accepted_message' "$T/send.log"
ok $? "qmail-send logs the success with qmail-remote's text"
wait_for 30 queue_empty
ok $? "the queue is empty again"

printf 'Subject: e2e two\n\nbounce me\n' |
    inject -fsender@example.net bad@example.com
wait_for 30 sh -c "[ \$(grep -c ' MSG ' '$T/s.log' 2>/dev/null) -ge 2 ]"
ok $? "a permanent failure: a second message reaches the sink"
grep -q 'delivery [0-9]*: failure: 127.0.0.1_does_not_like_recipient' "$T/send.log"
ok $? "qmail-send logs the failure"
grep -q 'C: MAIL FROM:<>' "$T/s.log" &&
    grep -q 'C: RCPT TO:<sender@example.net>' "$T/s.log"
ok $? "the bounce goes to the sender, from <>"
grep -q '^<bad@example.com>:' "$T/s.log.2" &&
    grep -q 'Remote host said: 550 5.1.1 no such user here' "$T/s.log.2" &&
    grep -q 'Subject: e2e two' "$T/s.log.2"
ok $? "the bounce names the recipient, the server's answer, the message"
wait_for 30 queue_empty
ok $? "the queue is empty again"

printf 'Subject: e2e three\n\nlater\n' |
    inject -fsender@example.net later@example.com
wait_for 30 grep -q 'delivery [0-9]*: deferral: 127.0.0.1_does_not_like_recipient' "$T/send.log"
ok $? "a temporary failure: qmail-send logs a deferral"
queue_empty
is "$?" 1 "the message stays in the queue"
is "$(msgs)" 2 "no bounce for it"

done_testing
