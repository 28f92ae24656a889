#!/bin/sh
# queue/recycle (qmail-queue(5), qmail-clean(8)): qmail-clean renames
# finished message files and envelopes into the pool (one over 64 KiB
# cut to length 0 first); qmail-queue takes spares from it, writes over
# their old contents and cuts them at the new length, renews their
# access time and never writes one that has a second name; a full pool,
# a missing one and many qmail-queue processes at once all work.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
inst_fresh
trap 'chattr -i "$QH/queue/todo" 2>/dev/null; mta_stop' EXIT
only_user joe
R=$QH/queue/recycle
spares() { find "$R" -type f | wc -l; }
delivered() { maildir_count "$H/joe/Maildir"; }
# qq SENDER: queue the message on stdin for joe straight through
# qmail-queue, envelope from SENDER
qq() {
    printf 'F%s\0Tjoe@test.example.org\0\0' "$1" > "$T/env$1"
    "$QH/bin/qmail-queue" 1<"$T/env$1"
}
ok "$([ -d "$R" ] && [ "$(stat -c %a "$R")" = 700 ]; echo $?)" \
    "install-instance made queue/recycle, mode 0700"

# round 1: three big messages with a long sender, queued while the MTA
# is down, are delivered; their files go into the pool.  The first is
# over 64 KiB, the others under.
long=$(printf 's%.0s' $(seq 1 200))
for i in 1 2 3; do
    lines=4000; [ $i = 1 ] && lines=20000
    { printf 'Subject: big %d\n\n' "$i"; seq 1 $lines; } | qq "$long@a.example"
done
find "$QH/queue/mess" -type f -printf '%f\n' | sort > "$T/ids1"
is "$(wc -l < "$T/ids1")" 3 "three messages queued"
mta_start ./Maildir/ || { ok 1 "start"; done_testing; }
wait_for 30 sh -c "[ \$(find '$H/joe/Maildir/new' -type f | wc -l) -ge 3 ]"
ok $? "three delivered"
wait_for 30 queue_empty
ok $? "the queue is empty"
is "$(spares)" 6 "three message files and three envelopes are spares now"
n=0 empty=0
while read -r id; do
    f=$(find "$R" -type f -inum "$id")
    [ -n "$f" ] && n=$((n + 1))
    [ -n "$f" ] && [ "$(stat -c %s "$f")" = 0 ] && empty=$((empty + 1))
done < "$T/ids1"
is "$n" 3 "each message file is in the pool (its inode, the message number)"
is "$empty" 1 "the one over 64 KiB was cut to length 0"
is "$(find "$R" -type f -size +0 | wc -l)" 5 \
    "the others and the envelopes keep their old contents"
is "$(find "$R" -type f -links +1 | wc -l)" 0 "every spare has one name"
names_ok=$(find "$R" -type f -printf '%f\n' | grep -cvx '[0-9]\{1,3\}')
is "$names_ok" 0 "spares are named by slot numbers"

# round 2: qmail-queue takes two spares for a small message with a short
# sender, writes over their longer old contents and cuts both, and
# gives the message file the present access time (the empty spare is
# removed first, so that both taken are long)
mta_stop
find "$R" -type f -size 0 -delete
find "$R" -type f -exec stat -c %i {} + | sort > "$T/pool2"
find "$R" -type f -exec touch -a -d '3 days ago' {} +
printf 'Subject: small\n\nhello\n' > "$T/small"
qq a@b.example < "$T/small"
ok $? "qmail-queue accepts a message"
id=$(find "$QH/queue/todo" -type f -printf '%f\n')
is "$(grep -cx "$id" "$T/pool2")" 1 "its message number is a spare's inode"
is "$(grep -cx "$(stat -c %i "$QH/queue/todo/$id")" "$T/pool2")" 1 \
    "its envelope is a spare too"
is "$(spares)" 3 "two spares were taken"
mess=$QH/queue/mess/$((id % 23))/$id
tail -n +2 "$mess" | cmp -s - "$T/small"
ok $? "the message file holds exactly the new message"
qpid=$(sed -n '1s/^Received: (qmail \([0-9]*\) invoked .*/\1/p' "$mess")
printf 'u%s\0p%s\0Fa@b.example\0Tjoe@test.example.org\0' "$uid" "$qpid" |
    cmp -s - "$QH/queue/todo/$id"
ok $? "the envelope holds exactly the new records"
age=$(($(date +%s) - $(stat -c %X "$mess")))
ok "$([ "$age" -ge 0 ] && [ "$age" -lt 600 ]; echo $?)" \
    "the message file's access time is the present (age $age s)"
is "$(find "$QH/queue/pid" -type f | wc -l)" 0 "nothing is left in pid/"

# round 3: a spare with a second name is never written
for f in $(find "$R" -type f | tail -n +2); do rm "$f"; done
f=$(find "$R" -type f)
ln "$f" "$T/keep"
cp "$T/keep" "$T/keep.copy"
echo kept >> "$T/keep.copy"; echo kept >> "$T/keep"
printf 'Subject: third\n\nhello\n' | qq c@d.example
ok $? "qmail-queue accepts a message with only a doubly named spare about"
cmp -s "$T/keep" "$T/keep.copy"
ok $? "the doubly named spare was not written to"
is "$(stat -c %h "$T/keep")" 1 "its pool name is gone, its other name stays"
is "$(spares)" 0 "the pool is empty"
is "$(find "$QH/queue/pid" -type f | wc -l)" 0 "nothing is left in pid/"

# round 3b: a FIFO and a directory in the pool neither hang qmail-queue
# nor stay behind in pid/ or intd/
mkfifo "$R/1"
mkdir "$R/2"
printf 'Subject: odd\n\nhello\n' | timeout 20 "$QH/bin/qmail-queue" 1<"$T/envc@d.example"
ok $? "qmail-queue accepts a message with only a FIFO and a directory about"
is "$(ls "$R" | wc -l)" 0 "both left the pool"
is "$(find "$QH/queue/pid" "$QH/queue/intd" ! -type f -mindepth 1 | wc -l)" 0 \
    "and are not left in pid/ or intd/"
is "$(find "$QH/queue/todo" -type f | wc -l)" 3 "three messages queued now"

# round 4: with its 256 slots full, the pool takes small files into
# overflow slots (256 and up), and a file over 16 KiB is removed; once
# qmail-clean has been idle for a second, the overflow is removed and
# the pool holds 256 again.  Mail flows throughout.
# fill: every one of the 256 slots holds a spare (after the messages
# are queued, since qmail-queue takes its spares from the slots)
fill() {
    i=0
    while [ $i -lt 256 ]; do
        [ -e "$R/$i" ] || : > "$R/$i"
        i=$((i + 1))
    done
}
{ printf 'Subject: big\n\n'; seq 1 5000; } | qq big@a.example
big=$(find "$QH/queue/mess" -type f -size +16k -printf '%f\n')
fill
mta_start ./Maildir/
wait_for 30 queue_empty
ok $? "the four queued messages are delivered with the pool full"
is "$(delivered)" 7 "seven delivered in all"
wait_for 10 sh -c "! ls '$R' | awk '\$1 >= 256' | grep -q ."
ok $? "the overflow is removed once qmail-clean is idle"
ok "$([ "$(spares)" -le 256 ]; echo $?)" "the pool holds at most 256 spares"
is "$(find "$R" -type f -inum "$big" | wc -l)" 0 \
    "the message file over 16 KiB was not kept"
ok "$(grep -q 'warning\|alert' "$T/send.log"; [ $? = 1 ]; echo $?)" \
    "nothing to warn about"
mta_stop
# the overflow slots in use while the slots are full, and emptied by
# qmail-clean once idle
for n in 1 2 3 4 5; do printf 'Subject: o%d\n\nhello\n' $n | qq o$n@a.example; done
fill
mta_start ./Maildir/
wait_for 30 sh -c "ls '$R' | awk '\$1 >= 256' | grep -q ."
ok $? "with the slots full, small finished files go into overflow slots"
wait_for 30 queue_empty
ok $? "five more delivered"
wait_for 10 sh -c "! ls '$R' | awk '\$1 >= 256' | grep -q ."
ok $? "the overflow is removed once qmail-clean is idle"
mta_stop
: > "$R/300"
: > "$R/4095"
mta_start ./Maildir/
wait_for 10 sh -c "[ ! -e '$R/300' ] && [ ! -e '$R/4095' ]"
ok $? "a new qmail-clean removes overflow left from before, once idle"
ok "$(ls "$R" | awk '$1 < 256' | grep -q .; echo $?)" \
    "the 256 slots are left alone"

# round 5: without queue/recycle files are created and removed as before
mta_stop
rm -rf "$R"
mta_start ./Maildir/
printf 'Subject: six\n\nhello\n' | inject joe@test.example.org
wait_for 30 sh -c "[ \$(find '$H/joe/Maildir/new' -type f | wc -l) -ge 7 ]"
ok $? "delivered without queue/recycle"
wait_for 30 queue_empty
ok $? "and the queue is empty"
ok "$([ ! -e "$R" ]; echo $?)" "the directory is not made again"
ok "$(grep -q 'warning\|alert' "$T/send.log"; [ $? = 1 ]; echo $?)" \
    "nothing to warn about"

# round 6: four loops of qmail-queue at once, drawing on a pool that
# qmail-clean refills meanwhile; every message arrives once and whole
mta_stop
mkdir -m 700 "$R"
mta_start ./Maildir/
loops=
for l in 1 2 3 4; do
    (
        i=1
        while [ $i -le 40 ]; do
            k=$(((l * 37 + i * 11) % 300 + 1))
            { printf 'Subject: m %s-%s-%s\n\n' "$l" "$i" "$k"; seq 1 "$k"
              echo "end $l-$i"; } | qq "l$l@e.example" || echo "fail $l $i"
            i=$((i + 1))
        done
    ) > "$T/loop$l" 2>&1 &
    loops="$loops $!"
done
for p in $loops; do wait "$p"; done
is "$(cat "$T"/loop*)" "" "all 160 injections succeeded"
wait_for 60 sh -c "[ \$(find '$H/joe/Maildir/new' -type f | wc -l) -ge 167 ]"
ok $? "all 160 delivered"
bad=0
for f in "$H"/joe/Maildir/new/*; do
    s=$(sed -n 's/^Subject: m //p' "$f")
    [ -n "$s" ] || continue
    k=${s##*-} id=${s%-*}
    [ "$(tail -n 1 "$f")" = "end $id" ] &&
        [ "$(sed -n '/^$/,$p' "$f" | grep -c '^[0-9][0-9]*$')" = "$k" ] ||
        bad=$((bad + 1))
done
is "$bad" 0 "each ends where it should, with all its lines"
is "$(grep -h '^Subject: m ' "$H"/joe/Maildir/new/* | sort | uniq -d)" "" \
    "none arrived twice"
wait_for 30 queue_empty
ok $? "the queue is empty"
ok "$([ "$(spares)" -gt 0 ]; echo $?)" "the pool was refilled ($(spares) spares)"
# a scan of todo/ meets names of messages delivered and removed since
# it read them: skipped without a word
ok "$(grep 'warning\|alert' "$T/send.log"; [ $? = 1 ]; echo $?)" \
    "nothing to warn about"

# round 7: qmail-send finishes many messages in one round of requests to
# qmail-clean; one whose message file cannot be removed (immutable) is
# warned about.  7a: delivered straight from todo/ (qmail-send(8)), it
# has no info/ file left (done/N removed intd/N and todo/N); qmail-send
# asks again later, and once more when it stops.  7b: preprocessed
# first (the local channel held), its info/ file goes first, and its
# message file is asked for again in the same way.
round7() { # ROUND
    set -- $(find "$QH/queue/mess" -type f)
    is "$#" 12 "$R7: twelve messages queued"
    stuck=$1 sid=${1##*/}
    chattr +i "$stuck"
    if [ "$R7" = 7b ]; then
        echo 0 > "$QH/control/concurrencylocal"
        mta_start ./Maildir/
        wait_for 30 sh -c "[ \$(find '$QH/queue/info' -type f | wc -l) -eq 12 ]"
        ok $? "$R7: twelve preprocessed for the held channel"
        mta_stop
        rm "$QH/control/concurrencylocal"
    fi
    mta_start ./Maildir/
    wait_for 60 sh -c "[ \$(find '$QH/queue/mess' -type f | wc -l) -le 1 ]"
    ok $? "$R7: eleven message files are gone"
    req=foop; [ "$R7" = 7a ] && req=done
    wait_for 30 grep -q "^warning: qmail-clean unable to clean up $req/$sid\$" "$T/send.log"
    ok $? "$R7: the twelfth is warned about: qmail-clean unable to clean up $req/$sid"
    is "$(grep -c '^end msg ' "$T/send.log")" 12 "$R7: end msg logged for each of the twelve"
    is "$(grep '^end msg ' "$T/send.log" | sort | uniq -d)" "" "$R7: once each"
}
mta_stop
for i in $(seq 1 12); do
    printf 'Subject: b%s\n\nhello\n' "$i" | qq b@e.example
done
: > "$T/ct"
if ! chattr +i "$T/ct" 2>/dev/null; then
    diag "chattr +i does not work here: round 7 skipped"
    done_testing
fi
chattr -i "$T/ct"
R7=7a round7
ok "$([ ! -e "$QH/queue/info/$((sid % 23))/$sid" ] &&
    [ ! -e "$QH/queue/todo/$sid" ]; echo $?)" "7a: it has neither info/ nor todo/ file"
chattr -i "$stuck"
mta_stop
ok "$([ ! -e "$stuck" ]; echo $?)" "7a: its message file goes when qmail-send stops"
ok "$(queue_empty; echo $?)" "7a: the queue is empty"

for i in $(seq 1 12); do
    printf 'Subject: c%s\n\nhello\n' "$i" | qq c@e.example
done
R7=7b round7
ok "$([ ! -e "$QH/queue/info/$((sid % 23))/$sid" ] &&
    [ ! -e "$QH/queue/todo/$sid" ]; echo $?)" "7b: its info/ file went first, as in qmail"
chattr -i "$stuck"
mta_stop
ok "$([ ! -e "$stuck" ]; echo $?)" "7b: its message file goes when qmail-send stops"
ok "$(queue_empty; echo $?)" "7b: the queue is empty"

# round 8: qmail-clean cannot remove todo/N (todo/ made immutable) after
# preprocessing.  intd/N and todo/N are one file: its first name goes,
# its contents (over 64 KiB here) stay whole under todo/N, and the next
# scan takes the message up again, none of it lost
mta_stop
echo 0 > "$QH/control/concurrencyremote" # the remote channel held
{
    printf 'F8@e.example\0'
    for i in $(seq 1 3000); do printf 'Tr%d@remote8.example\0' "$i"; done
    printf '\0'
} > "$T/env8"
printf 'Subject: r8\n\nhello\n' | "$QH/bin/qmail-queue" 1<"$T/env8"
id8=$(ls "$QH/queue/todo")
size8=$(stat -c %s "$QH/queue/todo/$id8")
ok "$([ "$size8" -gt 65536 ]; echo $?)" "8: an envelope of $size8 bytes is queued"
chattr +i "$QH/queue/todo"
mta_start ./Maildir/
wait_for 30 grep -q "^warning: qmail-clean unable to clean up todo/$id8\$" "$T/send.log"
ok $? "8: qmail-clean could not remove todo/$id8"
chattr -i "$QH/queue/todo"
is "$(stat -c %s "$QH/queue/todo/$id8" 2>&1)" "$size8" "8: todo/$id8 is whole"
ok "$([ ! -e "$QH/queue/intd/$id8" ]; echo $?)" "8: intd/$id8 is gone"
printf 'Subject: kick\n\nhello\n' | qq k@e.example # todo/ is scanned again
wait_for 30 sh -c "[ ! -e '$QH/queue/todo/$id8' ]"
ok $? "8: the next scan takes todo/$id8 up again"
wait_for 30 test -s "$QH/queue/remote/$((id8 % 23))/$id8"
is "$(tr '\0' '\n' < "$QH/queue/remote/$((id8 % 23))/$id8" | grep -c '^Tr')" 3000 \
    "8: its 3000 recipients wait in remote/"
ok "$(! grep -q "^end msg $id8\$" "$T/send.log"; echo $?)" "8: it has not ended"
mta_stop
done_testing
