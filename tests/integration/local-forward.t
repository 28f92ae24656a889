#!/bin/sh
# forwarding by qmail-local (delivery.md 3.4): what reaches qmail-queue
# (recorded by a stand-in named by QMAILQUEUE: the Delivered-To line
# and the message, NEWSENDER, every recipient in one run), failures of
# qmail-queue, the Delivered-To loop check, and a forward through the
# instance's real queue whose copy is then refused as a loop.
. "$(dirname "$0")/../lib.sh"
inst_fresh
B=$QH/bin
L=$T/lfw
H=$L/home
R=$L/rec
rm -rf "$L"
mkdir -p "$H" "$R"
chmod 755 "$H"
OUT=$L/out
export R

cat >"$L/recorder" <<'EOS'
#!/bin/sh
cat >"$R/msg"
cat <&1 >"$R/env"
echo $$ >"$R/pid"
echo x >>"$R/runs"
exit "${RECEXIT:-0}"
EOS
chmod 755 "$L/recorder"
reset() { rm -f "$R"/*; }
envtext() { tr '\0' '|' <"$R/env"; }
ql() { # ql LOCAL DASH EXT MESSAGE [SENDER]
    QMAILQUEUE=$L/recorder "$B/qmail-local" -- "$ME" "$H" "$1" "$2" "$3" \
        example.org "${5-s@x.org}" ./Mailbox <"$4" >"$OUT" 2>&1
    rc=$?
}
qm() { printf '%s\n' "$2" >"$H/$1"; chmod 644 "$H/$1"; }

printf 'Subject: fw\n\nbody\n' >"$L/m1"
qm .qmail-fw '&a@example.net
b@example.com
# not me
&c d@example.org'
reset
ql joe-fw - fw "$L/m1"
is "$rc:$(cat "$OUT")" "0:did 0+3+0
qp $(cat "$R/pid")" "three forwards: did 0+3+0 and the qp"
printf 'Delivered-To: joe-fw@example.org\n' | cat - "$L/m1" | cmp -s - "$R/msg"
ok $? "the copy is Delivered-To + the message (no Return-Path)"
is "$(envtext)" "Fs@x.org|Ta@example.net|Tb@example.com|Tc d@example.org||" \
    "envelope: the sender, every recipient verbatim"
is "$(wc -l <"$R/runs")" 1 "one qmail-queue run for all recipients"

qm .qmail-list '&m1@example.net
&m2@example.net'
qm .qmail-list-owner '&admin@example.org'
reset
ql joe-list - list "$L/m1"
is "$(envtext)" "Fjoe-list-owner@example.org|Tm1@example.net|Tm2@example.net||" \
    "a list with an owner: NEWSENDER is the sender"
qm .qmail-list-owner-default '&admin@example.org'
reset
ql joe-list - list "$L/m1"
is "$(envtext)" "Fjoe-list-owner-@example.org-@[]|Tm1@example.net|Tm2@example.net||" \
    "with -owner-default: the VERP sender"
reset
ql joe-list - list "$L/m1" ''
is "$(envtext)" "F|Tm1@example.net|Tm2@example.net||" "a bounce is forwarded as a bounce"

qm .qmail-order '&first@example.net
|echo prog; exit 99
&second@example.net
./Mailbox'
reset
ql joe-order - order "$L/m1"
is "$rc:$(sed '$d' "$OUT")" "0:prog
did 0+1+1" "exit 99 stops the file; output and counts"
is "$(envtext)" "Fs@x.org|Tfirst@example.net||" \
    "...but the forward before it is still sent"
[ ! -e "$H/Mailbox" ]
ok $? "...and the mbox after it is not written"
qm .qmail-fail '&first@example.net
|exit 111'
reset
ql joe-fail - fail "$L/m1"
is "$rc:$([ -e "$R/env" ]; echo $?)" "111:1" "a failing program: no forward is sent"

qqfail() { # STATUS EXPECTED-EXIT EXPECTED-TEXT
    reset
    RECEXIT=$1 ql joe-fw - fw "$L/m1"
    is "$rc:$(cat "$OUT")" "$2:Unable to forward message: $3." \
        "qmail-queue exit $1"
}
export RECEXIT
qqfail 31 100 'mail server permanently rejected message (#5.3.0)'
qqfail 11 100 'envelope address too long for qq (#5.1.3)'
qqfail 71 111 'mail server temporarily rejected message (#4.3.0)'
qqfail 53 111 'qq write error or disk full (#4.3.0)'
unset RECEXIT
QMAILQUEUE=$L/nonexistent "$B/qmail-local" -- "$ME" "$H" joe-fw - fw \
    example.org s@x.org ./Mailbox <"$L/m1" >"$OUT" 2>&1
is "$?:$(cat "$OUT")" "111:Unable to forward message: unable to exec qq (#4.3.0)." \
    "qmail-queue cannot be run"

# --- the loop check ---------------------------------------------------------
printf 'Received: x\nDelivered-To: joe-fw@example.org\nSubject: l\n\nbody\n' >"$L/loop"
reset
ql joe-fw - fw "$L/loop"
is "$rc:$(cat "$OUT")" "100:This message is looping: it already has my Delivered-To line. (#5.4.6)" \
    "our Delivered-To line in the header: a loop"
[ ! -e "$R/env" ]
ok $? "...nothing is forwarded"
printf 'Delivered-To: JOE-fw@example.org\nDelivered-To: joe-fw@example.org.\nDelivered-To:  joe-fw@example.org\n\nDelivered-To: joe-fw@example.org\n' >"$L/noloop"
ql joe-fw - fw "$L/noloop"
is "$rc" 0 "other case, other text, or in the body: not a loop"
printf 'Delivered-To: joe-fw@example.org' >"$L/nolf"
ql joe-fw - fw "$L/nolf"
is "$rc" 0 "a last header line without LF does not match"
"$B/qmail-local" -n -- "$ME" "$H" joe-fw - fw example.org s@x.org ./Mailbox \
    <"$L/loop" >"$OUT" 2>&1
is "$?" 0 "-n does not check for loops"
head -c 300000 /dev/zero | tr '\0' 'h' >"$L/longhdr"
printf '\nDelivered-To: joe-fw@example.org\n\nbody\n' >>"$L/longhdr"
ql joe-fw - fw "$L/longhdr"
is "$rc" 100 "a loop found after a 300 kB header line"

# --- through the real queue ----------------------------------------------------
"$B/qmail-local" -- "$ME" "$H" joe-fw - fw example.org s@x.org ./Mailbox \
    <"$L/m1" >"$OUT" 2>&1
is "$?" 0 "forward through the instance's qmail-queue"
qp=$(sed -n 's/^qp //p' "$OUT")
is "$(queue_count todo)" 1 "one message in todo/"
mess=$(find "$QH/queue/mess" -type f)
is "$(sed -n 1p "$mess" | sed 's/; .*//')" "Received: (qmail $qp invoked by alias)" \
    "queued with our qp in its Received line (we are the alias account here)"
is "$(sed -n 2p "$mess")" "Delivered-To: joe-fw@example.org" \
    "...then our Delivered-To line"
is "$(tr '\0' '|' <"$(find "$QH/queue/todo" -type f)")" \
    "u$(id -u)|p$qp|Fs@x.org|Ta@example.net|Tb@example.com|Tc d@example.org|" \
    "the envelope in todo/"
"$B/qmail-local" -- "$ME" "$H" joe-fw - fw example.org s@x.org ./Mailbox \
    <"$mess" >"$OUT" 2>&1
is "$?:$(cat "$OUT")" "100:This message is looping: it already has my Delivered-To line. (#5.4.6)" \
    "the queued copy, delivered to the same address again, is a loop"

done_testing
