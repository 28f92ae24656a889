#!/bin/sh
# qmail-send meets an info/N with no local/N or remote/N left, as a crash
# between the removal of a finished message's files and that of its
# info/N leaves it (qmail-send(8), "Finishing a message").  If mess/S/N
# is newer than info/N, the number already belongs to a new message that
# qmail-queue is still writing: only info/N may go, and the new message
# must then be delivered whole.  If mess/S/N is older, the old message
# is finished as usual.
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
info_of() { echo "$Q/info/$(basename "$(dirname "$(mess_of "$1")")")/$1"; }

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
is "$(maildir_count "$H/u1/Maildir")" 0 "nothing delivered for either"

# qmail-queue commits the new message: it is delivered whole
ln "$Q/intd/$N" "$Q/todo/$N"
timeout 10 sh -c "printf x > '$Q/lock/trigger'"
wait_for 30 sh -c "[ \$(find '$H/u1/Maildir/new' -type f | wc -l) -ge 1 ]"
ok $? "the new message is delivered once committed"
grep -q '^reused body$' "$H"/u1/Maildir/new/*; ok $? "whole"
wait_for 30 queue_empty; ok $? "the queue ends empty"
is "$(maildir_count "$H/u1/Maildir")" 1 "and only it was delivered"
done_testing
