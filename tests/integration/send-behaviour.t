#!/bin/sh
# qmail-send on a private instance: bounces, double bounces, the triple
# bounce discard, retries after a temporary failure (SIGALRM), HUP and
# USR1 re-reading locals, queuelifetime, and every log line checked
# against the catalogue of qmail-log(5).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
inst_fresh
trap 'mta_stop' EXIT
uid=$(id -u) gid=$(id -g)
H=$T/homes
mkdir -p "$H/joe" "$H/pm"
{
    echo "=joe:$ME:$uid:$gid:$H/joe:::"
    echo "+joe-:$ME:$uid:$gid:$H/joe:-::"
    echo "=postmaster:$ME:$uid:$gid:$H/pm:::"
    echo .
} > "$QH/users/assign"
"$QH/bin/qmail-newu"
"$QH/bin/maildirmake" "$H/joe/Maildir"
"$QH/bin/maildirmake" "$H/pm/Maildir"
printf 'test.example.org\n' > "$QH/control/locals"
printf 'postmaster\n' > "$QH/control/doublebounceto"
# joe-fail always bounces; joe-temp fails temporarily until a flag exists
echo '|bouncesaying "no thanks"' > "$H/joe/.qmail-fail"
printf '|test -f %s/ok || exit 111\n./Maildir/\n' "$T" > "$H/joe/.qmail-temp"
echo '|bouncesaying "bounced again"' > "$H/joe/.qmail-bounces"
mta_start ./Maildir/ || { ok 1 "start"; done_testing; }

# a single bounce: to the sender, joe
printf 'Subject: one\n\nbody one\n' |
    "$QH/bin/qmail-inject" -f joe@test.example.org joe-fail@test.example.org
wait_for 30 sh -c "[ \$(find '$H/joe/Maildir/new' -type f | wc -l) -ge 1 ]"
f=$(grep -l '^Subject: failure notice' "$H"/joe/Maildir/new/* | head -n 1)
ok "$([ -n "$f" ]; echo $?)" "a bounce reaches the sender"
grep -q '^<joe-fail@test.example.org>:$' "$f"; ok $? "bounce names the recipient"
grep -q '^no thanks$' "$f"; ok $? "bounce carries the failure text"
grep -q "^Hi. This is the qmail-send program at test.example.org.$" "$f"; ok $? "bounce greeting"
grep -q '^--- Below this line is a copy of the message.$' "$f"; ok $? "bounce separator"
grep -q '^Return-Path: <joe@test.example.org>$' "$f"; ok $? "bounce Return-Path"
grep -q '^body one$' "$f"; ok $? "bounce carries the message"
grep -q '^Received: (qmail [0-9]* invoked ' "$f"; ok $? "bounce went through qmail-queue"

# a double bounce: the sender's own address bounces too
printf 'Subject: two\n\nbody two\n' |
    "$QH/bin/qmail-inject" -f joe-bounces@test.example.org joe-fail@test.example.org
wait_for 30 sh -c "[ \$(find '$H/pm/Maildir/new' -type f | wc -l) -ge 1 ]"
f=$(ls "$H"/pm/Maildir/new/* 2>/dev/null | head -n 1)
ok "$([ -n "$f" ]; echo $?)" "a double bounce reaches doublebounceto (postmaster)"
grep -q "^I tried to deliver a bounce message to this address, but the bounce bounced!$" "$f"
ok $? "double bounce text"
grep -q '^--- Below this line is the original bounce.$' "$f"; ok $? "double bounce separator"
grep -q '^<joe-bounces@test.example.org>:$' "$f"; ok $? "double bounce names the bounce recipient"
grep -q '^Return-Path: <>$' "$f"; ok $? "the original bounce had the null sender"

# a triple bounce is discarded: doublebounceto itself bounces
printf 'joe-fail\n' > "$QH/control/doublebounceto"
mta_stop; mta_start ./Maildir/
printf 'Subject: three\n\nbody three\n' |
    "$QH/bin/qmail-inject" -f joe-bounces@test.example.org joe-fail@test.example.org
wait_for 30 grep -q '^triple bounce: discarding bounce/[0-9]*$' "$T/send.log"
ok $? "log: triple bounce: discarding bounce/N"
wait_for 30 queue_empty; ok $? "queue empty after the triple bounce"

# retries: a temporary failure, then SIGALRM makes it try again at once
printf 'Subject: temp\n\nbody temp\n' | "$QH/bin/qmail-inject" joe-temp@test.example.org
wait_for 30 grep -q ': deferral: ' "$T/send.log"; ok $? "log: deferral"
ls "$QH"/queue/local/*/* >/dev/null 2>&1; ok $? "deferred message stays queued"
touch "$T/ok"
kill -ALRM "$MTA_PID"   # what "svc -a" and "qmailctl flush" do
wait_for 30 sh -c "grep -l '^Subject: temp' '$H'/joe/Maildir/new/* >/dev/null 2>&1"
ok $? "after SIGALRM the retry delivers"
wait_for 30 queue_empty; ok $? "queue empty after the retry"

# VERP: a sender pre@host-@[] is delivered as prebox=dom@host, the
# recipient box@dom split at its last @
printf '|echo "$SENDER" >> %s/verp.out\n' "$T" > "$H/joe/.qmail-verp-default"
for r in joe-verp-a@test.example.org joe-verp-v@x@test.example.org; do
    printf 'Flist-@test.example.org-@[]\0T%s\0\0' "$r" > "$T/envv"
    printf 'Subject: verp\n\nverp\n' | "$QH/bin/qmail-queue" 1<"$T/envv"
done
wait_for 30 sh -c "[ \$(wc -l < '$T/verp.out' 2>/dev/null || echo 0) -ge 2 ]"
is "$(sort "$T/verp.out" | tr '\n' ' ')" \
    "list-joe-verp-a=test.example.org@test.example.org list-joe-verp-v@x=test.example.org@test.example.org " \
    "VERP senders, the recipient split at its last @"

# HUP and USR1 re-read locals: other.example becomes local
printf 'Subject: hup\n\nbody\n' | "$QH/bin/qmail-inject" joe@other.example
wait_for 30 grep -q 'to remote joe@other.example' "$T/send.log"; ok $? "other.example is remote at first"
printf 'test.example.org\nother.example\n' > "$QH/control/locals"
kill -HUP "$MTA_PID"    # what "svc -h" and "qmailctl reload" do
printf 'Subject: hup2\n\nbody\n' | "$QH/bin/qmail-inject" joe@other.example
wait_for 30 grep -q 'to local joe@other.example' "$T/send.log"; ok $? "after HUP other.example is local"
printf 'test.example.org\nother.example\nthird.example\n' > "$QH/control/locals"
inst_signal USR1        # the seed page's "pkill -SIGUSR1 qmail"
printf 'Subject: usr1\n\nbody\n' | "$QH/bin/qmail-inject" joe@third.example
wait_for 30 grep -q 'to local joe@third.example' "$T/send.log"; ok $? "after USR1 third.example is local"
# a reread that fails for virtualdomains keeps the old locals too
printf 'test.example.org\nother.example\nthird.example\nfourth.example\n' > "$QH/control/locals"
vd=$QH/control/virtualdomains
[ -e "$vd" ] && mv "$vd" "$T/vd.saved"
mkdir "$vd"
kill -HUP "$MTA_PID"
wait_for 30 grep -q '^alert: unable to reread control/virtualdomains$' "$T/send.log"
ok $? "HUP with an unreadable virtualdomains: alert logged"
printf 'Subject: hup3\n\nbody\n' | "$QH/bin/qmail-inject" joe@fourth.example
wait_for 30 grep -q 'to remote joe@fourth.example' "$T/send.log"
ok $? "and the new locals are not taken either"
rmdir "$vd"
[ -e "$T/vd.saved" ] && mv "$T/vd.saved" "$vd"
kill -HUP "$MTA_PID"
printf 'Subject: hup4\n\nbody\n' | "$QH/bin/qmail-inject" joe@fourth.example
wait_for 30 grep -q 'to local joe@fourth.example' "$T/send.log"
ok $? "once it can be read, both are"
kill -0 "$MTA_PID"; ok $? "qmail-send survives HUP and USR1"
mta_stop
grep -q '^status: exiting$' "$T/send.log"; ok $? "log: status: exiting"

# queuelifetime: a pass after the lifetime turns a deferral into a bounce
rm -f "$T/ok"
printf '0\n' > "$QH/control/queuelifetime"
mta_start ./Maildir/
printf 'Subject: old\n\nbody old\n' |
    "$QH/bin/qmail-inject" -f joe@test.example.org joe-temp@test.example.org
wait_for 30 grep -q ': deferral: ' "$T/send.log"; ok $? "first attempt deferred"
# the next pass starts after the lifetime (0 s) once the clock has moved
t0=$(date +%s)
wait_for 5 test "$(date +%s)" -gt "$t0"
kill -ALRM "$MTA_PID"
wait_for 30 grep -q "I'm_not_going_to_try_again;_this_message_has_been_in_the_queue_too_long" "$T/send.log"
ok $? "past queuelifetime a deferral becomes a failure"
mta_stop

# every line of the logs has a shape of the catalogue
cat "$T/send-prev.log" "$T/send.log" > "$T/all.log" 2>/dev/null
bad=$(grep -v -E \
 -e '^status: local [0-9]+/[0-9]+ remote [0-9]+/[0-9]+( exitasap)?$' \
 -e '^status: exiting$' \
 -e '^new msg [0-9]+$' \
 -e '^info msg [0-9]+: bytes [0-9]+ from <[^ ]*> qp [0-9]+ uid [0-9]+$' \
 -e '^starting delivery [0-9]+: msg [0-9]+ to (local|remote) [^ ]+$' \
 -e '^delivery [0-9]+: (success|failure|deferral): [^ ]*$' \
 -e '^bounce msg [0-9]+ qp [0-9]+$' \
 -e '^triple bounce: discarding bounce/[0-9]+$' \
 -e '^end msg [0-9]+$' \
 -e '^warning: [^ ].*$' \
 -e '^alert: unable to reread control/(locals|virtualdomains)$' \
 "$T/all.log" | grep -v '^$' || true)
is "$bad" "" "every log line matches the catalogue"
grep -q '^delivery [0-9]*: success: did_1+0+0/$' "$T/all.log"; ok $? "log: success text did_1+0+0/ (one maildir delivery)"
grep -q '^delivery [0-9]*: failure: no_thanks/$' "$T/all.log"; ok $? "log: failure text filtered (space to _, LF to /)"
done_testing
