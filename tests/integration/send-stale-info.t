#!/bin/sh
# qmail-send meets an info/N with no local/N or remote/N left, as a crash
# between the removal of a finished message's files and that of its
# info/N leaves it (qmail-send(8), "Finishing a message").  If mess/S/N
# is newer than info/N, the number already belongs to a new message that
# qmail-queue is still writing: only info/N may go, and the new message
# must then be delivered whole.  If mess/S/N is older, the old message
# is finished as usual.  Files that an interrupted preprocessing left
# (todo/N still there) are replaced or removed, with spares at hand or
# without.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
inst_fresh
trap 'mta_stop' EXIT
only_user u1
Q=$QH/queue

# one message queued with qmail-send down; prints its number
queue_one() {
    _before=$(ls "$Q/todo")
    printf 'Subject: %s\n\n%s body\n' "$1" "$1" | inject u1@test.example.org
    for _n in $(ls "$Q/todo"); do
        case " $(echo $_before) " in *" $_n "*) ;; *) echo "$_n" ;; esac
    done
}
mess_of() { find "$Q/mess" -type f -name "$1"; }
split_of() { basename "$(dirname "$(mess_of "$1")")"; }
info_of() { echo "$Q/info/$(split_of "$1")/$1"; }
# leftovers of an interrupted preprocessing of message $1: an info file
# and a local and a remote file with recipients it does not have
leftovers() {
    printf 'Fstale@test.example.org\0' > "$(info_of "$1")"
    printf 'Tstale@test.example.org\0' > "$Q/local/$(split_of "$1")/$1"
    printf 'Tsomeone@remote.example\0' > "$Q/remote/$(split_of "$1")/$1"
}

# P: todo/P still there, with leftovers; it is preprocessed first, when
# queue/spare is still empty
P=$(queue_one leftover)
leftovers "$P"

# N: a new message half written by qmail-queue (mess/S/N and intd/N, no
# todo/N yet) under a number whose stale info/N is an hour old
N=$(queue_one reused)
rm "$Q/todo/$N"
IN=$(info_of "$N")
printf 'Fold@test.example.org\0' > "$IN"
touch -d "@$(( $(date +%s) - 3600 ))" "$IN"

# M: an old message all of whose deliveries were done, info/M newer
# than its message file
M=$(queue_one finished)
rm "$Q/todo/$M"
IM=$(info_of "$M")
printf 'Fold@test.example.org\0' > "$IM"
touch -d "@$(( $(date +%s) + 60 ))" "$IM"
MM=$(mess_of "$M")

mta_start ./Maildir/ || { ok 1 "start"; done_testing; }
wait_for 30 sh -c "[ ! -e '$IN' ] && [ ! -e '$IM' ] && [ ! -e '$MM' ]"
ok $? "both info files go, and the finished message's file"
[ -n "$(mess_of "$N")" ] && [ -e "$Q/intd/$N" ]
ok $? "the new message's files are left alone"
grep -q "^end msg $N\$" "$T/send.log"
ok "$(( ! $? ))" "no end msg for the new message"
grep -q "^end msg $M\$" "$T/send.log"
ok $? "end msg for the finished one"
[ ! -e "$Q/intd/$M" ]; ok $? "its envelope is gone too"
is "$(grep -l '^\(reused\|finished\) body$' "$H"/u1/Maildir/new/* 2>/dev/null | wc -l)" 0 \
    "nothing delivered for either"

# qmail-queue commits the new message: it is delivered whole
ln "$Q/intd/$N" "$Q/todo/$N"
timeout 10 sh -c "printf x > '$Q/lock/trigger'"
wait_for 30 sh -c "grep -q '^reused body\$' '$H'/u1/Maildir/new/*"
ok $? "the new message is delivered once committed"
f=$(grep -l '^reused body$' "$H"/u1/Maildir/new/*)
grep -q '^Subject: reused$' "$f"; ok $? "whole"
wait_for 30 queue_empty; ok $? "the queue ends empty"
# (P was preprocessed and delivered before the others were finished)
is "$(maildir_count "$H/u1/Maildir")" 2 "P and the new message, nothing else"
is "$(grep -l '^leftover body$' "$H"/u1/Maildir/new/* | wc -l)" 1 \
    "P delivered once, its leftovers replaced (no spare at hand)"
grep -q 'to remote\|stale' "$T/send.log"
ok "$(( ! $? ))" "no delivery to a recipient of the leftovers"

# and again with spares at hand (the finished files of the above)
mta_stop
ls "$Q/spare" | grep -q . ; ok $? "queue/spare holds spares now"
L=$(queue_one again)
leftovers "$L"
mta_start ./Maildir/ || { ok 1 "restart"; done_testing; }
wait_for 30 sh -c "[ \$(find '$H/u1/Maildir/new' -type f | wc -l) -ge 3 ]"
ok $? "delivered"
wait_for 30 queue_empty; ok $? "the queue ends empty again"
is "$(grep -l '^again body$' "$H"/u1/Maildir/new/* | wc -l)" 1 "once"
grep -q 'to remote\|stale' "$T/send.log"
ok "$(( ! $? ))" "no delivery to a recipient of the leftovers"

# a message with a bounce still to send, whose message file's ctime a
# chmod (or a restore from a backup) made newer than info/N: it is its
# own message still, and the bounce goes out when it is finished
mta_stop
printf '=u1:%s:%s:%s:%s:::\n+u1-:%s:%s:%s:%s:-::\n.\n' "$ME" "$uid" "$gid" "$H/u1" \
    "$ME" "$uid" "$gid" "$H/u1" > "$QH/users/assign"
"$QH/bin/qmail-newu"
printf '|exit 100\n' > "$H/u1/.qmail-fail"
printf '|exit 111\n' > "$H/u1/.qmail-later"
before=$(ls "$Q/todo")
printf 'Subject: b\n\nbounced body\n' |
    inject -fu1@test.example.org u1-fail@test.example.org u1-later@test.example.org
B=$(ls "$Q/todo" | grep -vxF -e "$before" -e '')
mta_start ./Maildir/ || { ok 1 "restart"; done_testing; }
wait_for 30 grep -q "^delivery [0-9]*: deferral" "$T/send.log"
ok $? "one recipient fails, one is deferred"
wait_for 30 test -e "$(info_of "$B")"
mta_stop
[ -s "$Q/bounce/$B" ]; ok $? "its bounce waits in bounce/$B"
chmod 600 "$(mess_of "$B")"
printf './Maildir/\n' > "$H/u1/.qmail-later"
mta_start ./Maildir/ || { ok 1 "restart"; done_testing; }
kill -ALRM $(instpids qmail-send)
wait_for 30 grep -q "^end msg $B\$" "$T/send.log"
ok $? "the message is finished"
grep -q "^bounce msg $B qp [0-9]*\$" "$T/send.log"
ok $? "its bounce is sent (bounce msg $B)"
wait_for 30 sh -c "grep -q '^<u1-fail@test.example.org>:' '$H'/u1/Maildir/new/*"
ok $? "the bounce reaches the sender"
wait_for 30 queue_empty; ok $? "the queue ends empty"
done_testing
