#!/bin/sh
# qmail-send delivers a new message straight from todo/ (qmail-send(8),
# DELIVERY FROM TODO): the log is the same; a message with a deferred
# or failed recipient is preprocessed once its deliveries are over, its
# done recipients marked, so that a retry delivers the others only; a
# message is preprocessed at once for a held channel (concurrency 0),
# and after DIRECT_WAIT seconds without a free slot; one half delivered
# when qmail-send stops is preprocessed before it exits; one whose
# todo/N could not be removed is preprocessed again, not delivered again;
# files a crash left for a message in todo/ are removed when it is taken.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
inst_fresh
# on the way out, a delivery still reading $T/fifo gets its end of file
trap 'chattr -i "$QH/queue/todo" 2>/dev/null; ( exec 3<>"$T/fifo" ) 2>/dev/null
    mta_stop' EXIT
uid=$(id -u) gid=$(id -g)
H=$T/homes
mkdir -p "$H/joe"
{
    echo "=joe:$ME:$uid:$gid:$H/joe:::"
    echo "+joe-:$ME:$uid:$gid:$H/joe:-::"
    echo .
} > "$QH/users/assign"
"$QH/bin/qmail-newu"
"$QH/bin/maildirmake" "$H/joe/Maildir"
printf 'test.example.org\n' > "$QH/control/locals"
MD=$H/joe/Maildir
# joe-temp fails temporarily until $T/ok exists; joe-fail always bounces;
# joe-slow waits until something is written to $T/fifo
printf '|test -f %s/ok || exit 111\n./Maildir/\n' "$T" > "$H/joe/.qmail-temp"
echo '|bouncesaying "no thanks"' > "$H/joe/.qmail-fail"
mkfifo "$T/fifo"
printf '|echo run >> %s/slow.log && cat %s/fifo > /dev/null\n' "$T" "$T" \
    > "$H/joe/.qmail-slow"
# copies of the message with SUBJECT that reached ADDRESS (bounces,
# which quote it, left out)
copies() { grep -L '^Subject: failure notice' "$MD"/new/* 2>/dev/null |
    xargs -r grep -l "^Subject: $1\$" | xargs -r grep -l "^Delivered-To: $2\$" |
    wc -l; }
# the file of the message with SUBJECT in queue/DIR (info, local)
qfile() {
    for _f in "$QH"/queue/mess/*/*; do
        grep -q "^Subject: $1\$" "$_f" 2>/dev/null || continue
        _n=${_f##*/}
        echo "$QH/queue/$2/$((_n % 23))/$_n"
        return
    done
}
# the records of a queue file, one a line
records() { tr '\0' '\n' < "$1"; }
# until qmail-send has taken signal SIG (it is no longer pending)
taken() {
    for _k in ShdPnd SigPnd; do
        _v=$(sed -n "s/^$_k:[[:space:]]*//p" "/proc/$MTA_PID/status") || return 1
        [ -n "$_v" ] && [ $((0x$_v & (1 << ($1 - 1)))) -eq 0 ] || return 1
    done
}
mta_start ./Maildir/ || { ok 1 "start"; done_testing; }

# 1. delivered at the first try: the log of any message, no files
printf 'Subject: one\n\nbody\n' | inject joe@test.example.org
wait_for 30 grep -q '^end msg ' "$T/send.log"; ok $? "one: delivered"
n=$(sed -n 's/^new msg \([0-9]*\)$/\1/p' "$T/send.log")
sed -n "/ $n\$/p; / $n:/p; /: msg $n /p; /^delivery /p" "$T/send.log" |
    sed 's/[0-9][0-9]*/N/g' > "$T/seq"
cat > "$T/seq.want" <<EOF
new msg N
info msg N: bytes N from <anonymous@test.example.org> qp N uid N
starting delivery N: msg N to local joe@test.example.org
delivery N: success: did_N+N+N/
end msg N
EOF
diff "$T/seq.want" "$T/seq" >/dev/null; ok $? "one: its log lines, in the usual order"
wait_for 30 queue_empty; ok $? "one: the queue is empty"
is "$(copies one joe@test.example.org)" 1 "one: one copy"

# 2. one recipient deferred: preprocessed with the other one marked done
printf 'Subject: two\n\nbody\n' | inject joe@test.example.org joe-temp@test.example.org
wait_for 30 grep -q ': deferral: ' "$T/send.log"; ok $? "two: joe-temp deferred"
wait_for 30 sh -c "[ -n \"\$(find '$QH/queue/local' -type f)\" ] &&
    [ -z \"\$(find '$QH/queue/todo' -type f)\" ]"
ok $? "two: preprocessed: a local/ file, todo/ empty"
f=$(qfile two local)
is "$(records "$f" | sort | tr '\n' ' ')" \
    "Djoe@test.example.org Tjoe-temp@test.example.org " \
    "two: local/N: joe done, joe-temp left"
is "$(records "$(qfile two info)")" "Fanonymous@test.example.org" "two: info/N: the sender"
is "$(copies two joe@test.example.org)" 1 "two: joe has his copy"
touch "$T/ok"
kill -ALRM "$MTA_PID"
wait_for 30 sh -c "[ \$(grep -l '^Subject: two\$' '$MD'/new/* | wc -l) -ge 2 ]"
ok $? "two: the retry delivers joe-temp's"
wait_for 30 queue_empty; ok $? "two: the queue is empty"
is "$(copies two joe@test.example.org)" 1 "two: joe was not delivered to again"
is "$(copies two joe-temp@test.example.org)" 1 "two: joe-temp has one copy"

# 3. one recipient fails: the bounce goes to the sender, once
printf 'Subject: three\n\nbody\n' |
    inject -f joe@test.example.org joe@test.example.org joe-fail@test.example.org
wait_for 30 sh -c "grep -l '^Subject: failure notice' '$MD'/new/* >/dev/null"
ok $? "three: a bounce reaches the sender"
b=$(grep -l '^Subject: failure notice' "$MD"/new/*)
grep -q '^<joe-fail@test.example.org>:$' "$b"; ok $? "three: it names joe-fail"
grep -q '^no thanks$' "$b"; ok $? "three: with the failure text"
grep -q '^<joe@test.example.org>:$' "$b"; ok "$([ $? = 1 ]; echo $?)" "three: not joe"
wait_for 30 queue_empty; ok $? "three: the queue is empty"
is "$(copies three joe@test.example.org)" 1 "three: joe has one copy"
is "$(grep -c '^bounce msg ' "$T/send.log")" 1 "three: one bounce"

# 4. a held channel: preprocessed at once, nothing delivered
mta_stop
echo 0 > "$QH/control/concurrencylocal"
mta_start ./Maildir/
printf 'Subject: four\n\nbody\n' | inject joe@test.example.org
wait_for 30 sh -c "[ -n \"\$(find '$QH/queue/local' -type f)\" ] &&
    [ -z \"\$(find '$QH/queue/todo' -type f)\" ]"
ok $? "four: held: preprocessed into local/ at once"
mta_stop
is "$(copies four joe@test.example.org)" 0 "four: not delivered"
rm "$QH/control/concurrencylocal"

# 5. no free slot for DIRECT_WAIT (30) seconds: preprocessed.  One slot,
# taken by joe-slow until $T/fifo is written to
echo 1 > "$QH/control/concurrencylocal"
mta_start ./Maildir/
printf 'Subject: five-a\n\nbody\n' | inject joe-slow@test.example.org
wait_for 30 grep -q 'to local joe-slow@' "$T/send.log"; ok $? "five: joe-slow's delivery runs"
printf 'Subject: five-b\n\nbody\n' | inject joe@test.example.org
wait_for 90 sh -c "[ \$(find '$QH/queue/todo' -type f | wc -l) -eq 1 ] &&
    [ -n \"\$(find '$QH/queue/local' -type f)\" ]"
ok $? "five: the waiting message is preprocessed (five-a, being delivered, stays in todo/)"
is "$(records "$(qfile five-b local)")" "Tjoe@test.example.org" "five: its local/ file"
echo go > "$T/fifo"
wait_for 30 sh -c "[ \$(grep -l '^Subject: five-b\$' '$MD'/new/* | wc -l) -ge 1 ]"
ok $? "five: delivered once the slot is free"
wait_for 30 queue_empty; ok $? "five: the queue is empty"
is "$(wc -l < "$T/slow.log")" 1 "five: joe-slow's delivery ran once"

# 6. stopped half way: joe-slow's delivery runs, joe's waits for the one
# slot; qmail-send is told to stop, then joe-slow's ends
: > "$T/slow.log"
printf 'Subject: six\n\nbody\n' | inject joe-slow@test.example.org joe@test.example.org
wait_for 30 grep -q 'to local joe-slow@' "$T/send.log"; ok $? "six: joe-slow's delivery runs"
kill -TERM "$MTA_PID"
wait_for 30 taken 15; ok $? "six: qmail-send has taken SIGTERM"
echo go > "$T/fifo"
wait_for 60 grep -q '^status: exiting' "$T/send.log"; ok $? "six: qmail-send exits"
wait "$MTA_PID" 2>/dev/null
MTA_PID=
ok "$([ -z "$(find "$QH/queue/todo" -type f)" ]; echo $?)" "six: not left in todo/"
f=$(qfile six local)
is "$(records "$f" | sort | tr '\n' ' ')" \
    "Djoe-slow@test.example.org Tjoe@test.example.org " \
    "six: local/N: joe-slow done, joe left"
rm "$QH/control/concurrencylocal"
mta_start ./Maildir/
wait_for 30 sh -c "[ \$(grep -l '^Subject: six\$' '$MD'/new/* 2>/dev/null | wc -l) -ge 1 ]"
ok $? "six: joe's delivered after the restart"
wait_for 30 queue_empty; ok $? "six: the queue is empty"
is "$(wc -l < "$T/slow.log")" 1 "six: joe-slow's delivery was not repeated"

# 7. a long recipient list (over 16 KiB of records) is preprocessed at
# once: its local/ file is there while the first delivery (joe-slow's,
# in the one slot) runs
mta_stop
echo 1 > "$QH/control/concurrencylocal"
echo ./Maildir/ > "$H/joe/.qmail-default"
: > "$T/slow.log"
mta_start ./Maildir/
long=$(printf 'x%.0s' $(seq 1 180))
printf 'Subject: seven\n\nbody\n' |
    inject joe-slow@test.example.org $(seq -f "joe-$long-%g@test.example.org" 1 90)
wait_for 30 grep -q 'to local joe-slow@' "$T/send.log"; ok $? "seven: joe-slow's delivery runs"
f=$(qfile seven local)
ok "$([ -f "$f" ] && [ -z "$(find "$QH/queue/todo" -type f)" ]; echo $?)" \
    "seven: preprocessed before its first delivery ended"
is "$(records "$f" | grep -c '^T')" 91 "seven: its local/ file holds the 91 recipients"
echo go > "$T/fifo"
wait_for 60 queue_empty; ok $? "seven: the queue is empty"
is "$(grep -l '^Subject: seven$' "$MD"/new/* | wc -l)" 90 "seven: 90 delivered to the maildir"
rm "$QH/control/concurrencylocal"
ok "$(grep -q 'warning\|alert' "$T/send.log" "$T/send-prev.log"; [ $? = 1 ]; echo $?)" \
    "nothing to warn about"

# 8. todo/N cannot be removed (todo/ made immutable): a message
# delivered to joe and deferred for joe-wait is preprocessed, but stays
# in todo/; read again from there, it is preprocessed again, and joe's
# delivery is not repeated at each scan
: > "$T/ct"
if ! chattr +i "$T/ct" 2>/dev/null; then
    ok 0 "eight # SKIP chattr +i does not work here"
    done_testing
fi
chattr -i "$T/ct"
printf '|test -f %s/ok2 && exit 0; cat %s/fifo > /dev/null; exit 111\n./Maildir/\n' \
    "$T" "$T" > "$H/joe/.qmail-wait"
mta_stop
mta_start ./Maildir/
printf 'Subject: eight\n\nbody\n' | inject joe@test.example.org joe-wait@test.example.org
wait_for 30 sh -c "grep -q 'to local joe-wait@' '$T/send.log' &&
    [ \$(grep -l '^Subject: eight\$' '$MD'/new/* 2>/dev/null | wc -l) -ge 1 ]"
ok $? "eight: joe delivered, joe-wait's delivery waits"
n=$(sed -n 's/^new msg \([0-9]*\)$/\1/p' "$T/send.log" | tail -n 1)
chattr +i "$QH/queue/todo"
echo go > "$T/fifo"
wait_for 30 grep -q "^warning: qmail-clean unable to clean up todo/$n\$" "$T/send.log"
ok $? "eight: deferred, preprocessed, todo/$n cannot be removed"
for k in 2 3; do
    printf x > "$QH/queue/lock/trigger"
    wait_for 30 sh -c "[ \$(grep -c '^warning: qmail-clean unable to clean up todo/$n\$' '$T/send.log') -ge $k ]"
    ok $? "eight: scan $k reads it again, preprocesses it again"
done
# (a trigger whose writer closes it just as a scan reopens it can start
# one scan more: harmless, so at least three)
takes=$(grep -c "^new msg $n\$" "$T/send.log")
ok "$([ "$takes" -ge 3 ]; echo $?)" "eight: taken from todo/ at each scan ($takes times)"
is "$(grep -c 'to local joe@' "$T/send.log")" 1 "eight: joe's delivery was started once"
chattr -i "$QH/queue/todo"
touch "$T/ok2"
printf x > "$QH/queue/lock/trigger"
wait_for 30 queue_empty; ok $? "eight: once todo/ is writable again, it leaves the queue"
is "$(copies eight joe-wait@test.example.org)" 1 "eight: joe-wait has one copy"
c=$(copies eight joe@test.example.org)
ok "$([ "$c" -ge 1 ] && [ "$c" -le 2 ]; echo $?)" \
    "eight: joe has one or two copies, not one a scan ($c)"

# 9. files a crash left for a message still in todo/ (info/N, local/N,
# bounce/N of an attempt of the run before) go when it is taken again
mta_stop
printf 'Subject: nine\n\nbody\n' | inject joe@test.example.org
n=$(ls "$QH/queue/todo")
s9=$((n % 23))
printf 'Fstale@test.example.org\0' > "$QH/queue/info/$s9/$n"
printf 'Tjoe-fail@test.example.org\0' > "$QH/queue/local/$s9/$n"
printf '<joe-fail@test.example.org>:\nstale\n\n' > "$QH/queue/bounce/$n"
mta_start ./Maildir/
wait_for 30 queue_empty; ok $? "nine: the queue is empty"
is "$(copies nine joe@test.example.org)" 1 "nine: joe has one copy"
ok "$(grep -q 'to local joe-fail@' "$T/send.log"; [ $? = 1 ]; echo $?)" \
    "nine: the leftover recipient was not tried"
ok "$(grep -q '^bounce msg ' "$T/send.log"; [ $? = 1 ]; echo $?)" "nine: no bounce"

# ten: a deferral that comes a while after its delivery began: the
# message's age (info/N's mtime) counts from when it was taken, and its
# next retry from when its pass began (spec 2.6), not from when the
# deferral came; the first local retry is 100 s after
mta_stop
printf '|sleep 3; exit 111\n' > "$H/joe/.qmail-late"
printf 'Subject: ten\n\nbody\n' | inject joe-late@test.example.org
n=$(ls "$QH/queue/todo")
s10=$((n % 23))
t0=$(date +%s)
mta_start ./Maildir/
wait_for 30 test -f "$QH/queue/local/$s10/$n"
ok $? "ten: deferred, and preprocessed after its delivery"
mta_stop # which records each due time as its channel file's mtime
born=$(stat -c %Y "$QH/queue/info/$s10/$n")
due=$(stat -c %Y "$QH/queue/local/$s10/$n")
ok "$([ "$born" -le $((t0 + 1)) ]; echo $?)" \
    "ten: info/N's mtime is when it was taken ($born; started at $t0)"
is "$((due - born))" 100 "ten: its first local retry is 100 s after that"
done_testing
