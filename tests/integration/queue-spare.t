#!/bin/sh
# queue/spare (qmail-queue(5)): qmail-send renames finished info/ and
# local/ files into the pool, writes new ones into those spares, cuts
# each to its new length, and never reuses a spare that also has a name
# elsewhere; without the directory it creates and removes files as
# before.  Remote recipients are held (concurrencyremote 0) so that the
# files of a preprocessed message can be read.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
inst_fresh
trap 'mta_stop' EXIT
only_user joe
echo 0 > "$QH/control/concurrencyremote"
S=$QH/queue/spare
ino() { stat -c %i "$1"; }
spares() { find "$S" -type f | wc -l; }
# the files of the held message(s) sent by SENDER: "info remote" paths
held_files() {
    grep -l -a "^F$1" "$QH"/queue/info/*/* 2>/dev/null | while read -r f; do
        n=${f##*/}
        echo "$f $QH/queue/remote/$((n % 23))/$n"
    done
}
ok "$([ -d "$S" ]; echo $?)" "install-instance made queue/spare"

# round 1: three local messages with a long sender, queued while
# qmail-send is down so that none can reuse another's files, fill the
# pool.  The local channel is held at first (concurrencylocal 0), so
# that they are preprocessed into files rather than delivered straight
# from todo/ (qmail-send(8))
long=$(printf 'x%.0s' $(seq 1 300))
for i in 1 2 3; do
    printf 'Subject: %d\n\nbody\n' "$i" |
        "$QH/bin/qmail-inject" -f "$long@test.example.org" joe@test.example.org
done
echo 0 > "$QH/control/concurrencylocal"
mta_start ./Maildir/ || { ok 1 "start"; done_testing; }
wait_for 30 sh -c "[ \$(find '$QH/queue/local' -type f | wc -l) -eq 3 ]"
ok $? "three preprocessed for the held local channel"
mta_stop
rm "$QH/control/concurrencylocal"
mta_start ./Maildir/ || { ok 1 "start"; done_testing; }
wait_for 30 sh -c "[ \$(find '$H/joe/Maildir/new' -type f | wc -l) -ge 3 ]"
ok $? "three delivered"
wait_for 30 queue_empty
ok $? "the queue is empty"
is "$(spares)" 6 "three info/ and three local/ files are spares now"
pool=$(find "$S" -type f -exec stat -c %i {} + | sort)
first=$(find "$S" -type f -printf '%s %p\n' | sort -n | tail -n 1 | cut -d' ' -f2)
big=$(stat -c %s "$first")
ok "$([ "$big" -gt 300 ]; echo $?)" "a spare still holds its old contents ($big bytes)"

# a spare with a second name is dropped at start, its other name kept
mta_stop
ln "$first" "$T/keep1"
cp "$T/keep1" "$T/keep1.copy"
mta_start ./Maildir/
is "$(spares)" 5 "a spare with two links is removed from the pool at start"
is "$(stat -c %h "$T/keep1")" 1 "and its other name stays"

# round 2: two held messages with a short sender take four spares
for i in 1 2; do
    printf 'Subject: r%d\n\nbody\n' "$i" |
        "$QH/bin/qmail-inject" -f a@b.example r@remote.example
done
wait_for 30 sh -c "[ \$(find '$QH/queue/remote' -type f | wc -l) -ge 2 ]"
ok $? "two messages preprocessed for the remote channel"
wait_for 30 sh -c "[ \$(find '$QH/queue/todo' -type f | wc -l) -eq 0 ]"
held_files a@b.example > "$T/held2"
is "$(wc -l < "$T/held2")" 2 "two info/ files name the sender"
reused=0 exact=0
while read -r info rem; do
    for f in "$info" "$rem"; do
        echo "$pool" | grep -qx "$(ino "$f")" && reused=$((reused + 1))
    done
    printf 'Fa@b.example\0' | cmp -s - "$info" &&
        printf 'Tr@remote.example\0' | cmp -s - "$rem" && exact=$((exact + 1))
done < "$T/held2"
is "$reused" 4 "all four files are former spares (same inodes)"
is "$exact" 2 "each holds exactly its new records, cut to length"
is "$(spares)" 1 "one spare is left"
cmp -s "$T/keep1" "$T/keep1.copy"
ok $? "the spare with two names was not written to"

# round 3: a spare given a second name while qmail-send runs is not used
set -- $(find "$S" -type f)
ln "$1" "$T/keep2"
cp "$T/keep2" "$T/keep2.copy"
printf 'Subject: r3\n\nbody\n' | "$QH/bin/qmail-inject" -f c@d.example r@remote.example
wait_for 30 sh -c "grep -l -a '^Fc@d.example' '$QH'/queue/info/*/* >/dev/null"
ok $? "the third held message is preprocessed"
wait_for 30 sh -c "[ \$(find '$QH/queue/todo' -type f | wc -l) -eq 0 ]"
read -r info rem < "$(held_files c@d.example > "$T/held3"; echo "$T/held3")"
printf 'Fc@d.example\0' | cmp -s - "$info" && printf 'Tr@remote.example\0' | cmp -s - "$rem"
ok $? "its files are right"
cmp -s "$T/keep2" "$T/keep2.copy"
ok $? "the doubly named spare was not written to"
is "$(spares)" 0 "and it left the pool"
is "$(stat -c %h "$T/keep2")" 1 "its other name stays"

# without queue/spare: files are created and removed as before
mta_stop
rm -rf "$S"
mta_start ./Maildir/
printf 'Subject: 4\n\nbody\n' | "$QH/bin/qmail-inject" joe@test.example.org
wait_for 30 sh -c "[ \$(find '$H/joe/Maildir/new' -type f | wc -l) -ge 4 ]"
ok $? "delivered without queue/spare"
wait_for 30 sh -c "[ -z \"\$(find '$QH/queue/local' -type f)\" ]"
ok $? "its local/ file is removed"
ok "$(grep -q 'warning\|alert' "$T/send.log"; [ $? = 1 ]; echo $?)" "nothing to warn about"
is "$("$QH/bin/qmail-qread" | grep -c 'remote	r@remote.example')" 3 \
    "qmail-qread lists the three held messages"
done_testing
