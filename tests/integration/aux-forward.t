#!/bin/sh
# forward and condredirect: what they hand to qmail-queue (message on
# fd 0, envelope on fd 1, recorded by a stand-in named by QMAILQUEUE),
# their exit codes and messages (delivery.md 3.5, smtp-and-tools.md
# 5.1), and one submission through the instance's real queue.
. "$(dirname "$0")/../lib.sh"
inst_fresh
B=$QH/bin
R=$T/rec
mkdir -p "$R"

# the stand-in: saves message, envelope and its pid; RECEXIT picks the
# exit code, RECTEXT is written to fd 6 first
cat >"$T/recorder" <<'EOS'
#!/bin/sh
cat >"$R/msg"
cat <&1 >"$R/env"
echo $$ >"$R/pid"
[ -n "${RECTEXT:-}" ] && printf '%s' "$RECTEXT" >&6
exit "${RECEXIT:-0}"
EOS
chmod 755 "$T/recorder"
export R

printf 'Subject: test\n\nline one\nFrom here\n' >"$T/in"
DT='Delivered-To: box@example.org
'

# envelope as visible text: NUL -> '|'
envtext() { tr '\0' '|' <"$R/env"; }
reset() { rm -f "$R/msg" "$R/env" "$R/pid"; }

# --- forward ------------------------------------------------------------
reset
env -u NEWSENDER DTLINE="$DT" QMAILQUEUE="$T/recorder" \
    "$B/forward" a@x.org <"$T/in" 2>"$T/err"
is "$?:$(cat "$T/err")" "100:forward: fatal: NEWSENDER not set" \
    "forward: no NEWSENDER"
env -u DTLINE NEWSENDER=s@y.org QMAILQUEUE="$T/recorder" \
    "$B/forward" a@x.org <"$T/in" 2>"$T/err"
is "$?:$(cat "$T/err")" "100:forward: fatal: DTLINE not set" \
    "forward: no DTLINE"
[ ! -e "$R/env" ]
ok $? "forward: nothing submitted without the environment"

NEWSENDER=owner@y.org DTLINE="$DT" QMAILQUEUE="$T/recorder" \
    "$B/forward" a@x.org 'b c@z.org' <"$T/in" 2>"$T/err"
is "$?" 0 "forward: exit 0"
is "$(cat "$T/err")" "forward: qp $(cat "$R/pid")" \
    "forward: reports the qp (the pid of qmail-queue)"
printf '%s' "$DT" | cat - "$T/in" | cmp -s - "$R/msg"
ok $? "forward: message = DTLINE + input, byte for byte"
is "$(envtext)" "Fowner@y.org|Ta@x.org|Tb c@z.org||" \
    "forward: envelope: NEWSENDER, recipients verbatim, final NUL"

reset
NEWSENDER= DTLINE="$DT" QMAILQUEUE="$T/recorder" "$B/forward" \
    <"$T/in" 2>/dev/null
is "$?:$(envtext)" "0:F||" "forward: no arguments, no recipients, empty sender"

# a large message that is not a regular file
reset
head -c 3000000 /dev/urandom >"$T/big"
cat "$T/big" | NEWSENDER=s@y.org DTLINE="$DT" QMAILQUEUE="$T/recorder" \
    "$B/forward" a@x.org 2>/dev/null
is "$?" 0 "forward: 3 MB from a pipe"
printf '%s' "$DT" | cat - "$T/big" | cmp -s - "$R/msg"
ok $? "forward: 3 MB copied exactly"

qqfail() { # CODE TEXT EXPECTED-EXIT EXPECTED-MESSAGE
    RECEXIT=$1 RECTEXT=$2 NEWSENDER=s@y.org DTLINE="$DT" \
        QMAILQUEUE="$T/recorder" "$B/forward" a@x.org <"$T/in" 2>"$T/err"
    is "$?:$(cat "$T/err")" "$3:forward: fatal: $4" "forward: qmail-queue exit $1"
}
qqfail 31 '' 100 'mail server permanently rejected message (#5.3.0)'
qqfail 11 '' 100 'envelope address too long for qq (#5.1.3)'
qqfail 71 '' 111 'mail server temporarily rejected message (#4.3.0)'
qqfail 53 '' 111 'qq write error or disk full (#4.3.0)'
qqfail 82 'Dno thanks (#5.7.1)' 100 'no thanks (#5.7.1)'
qqfail 82 'Zlater please' 111 'later please'

NEWSENDER=s@y.org DTLINE="$DT" QMAILQUEUE="$T/nonexistent" \
    "$B/forward" a@x.org <"$T/in" 2>"$T/err"
is "$?:$(cat "$T/err")" "111:forward: fatal: unable to exec qq (#4.3.0)" \
    "forward: qmail-queue cannot be run"

# --- condredirect -------------------------------------------------------
CR=$B/condredirect
"$CR" a@x.org 2>"$T/err"
is "$?:$(cat "$T/err")" \
    "100:condredirect: usage: condredirect newaddress program [ arg ... ]" \
    "condredirect: usage"

run_cr() { # run_cr PROGRAM... (stdin $T/in, sender s@y.org)
    reset
    SENDER=s@y.org NEWSENDER=n@y.org DTLINE="$DT" QMAILQUEUE="$T/recorder" \
        "$CR" new@x.org "$@" <"$T/in" 2>"$T/err"
}
run_cr false
is "$?:$(cat "$T/err")" "0:" "condredirect: program says no: exit 0, silent"
[ ! -e "$R/env" ]
ok $? "condredirect: nothing submitted"

# the test program reads the whole message first: condredirect must
# rewind before passing it on
run_cr sh -c 'cat >/dev/null; exit 0'
is "$?" 99 "condredirect: program says yes: exit 99"
is "$(cat "$T/err")" "condredirect: qp $(cat "$R/pid")" "condredirect: reports the qp"
printf '%s' "$DT" | cat - "$T/in" | cmp -s - "$R/msg"
ok $? "condredirect: message = DTLINE + whole input (rewound)"
is "$(envtext)" "Fs@y.org|Tnew@x.org||" \
    "condredirect: envelope sender is SENDER, not NEWSENDER"

run_cr sh -c 'exit 111'
is "$?:$(cat "$T/err")" "111:condredirect: fatal: temporary child error" \
    "condredirect: program exit 111"
run_cr sh -c 'exit 100'
is "$?" 0 "condredirect: program exit 100: exit 0"
run_cr "$T/no such program"
is "$?:$(cat "$T/err")" "0:" "condredirect: missing program: exit 0"
run_cr sh -c 'kill -9 $$'
is "$?:$(cat "$T/err")" "111:condredirect: fatal: child crashed" \
    "condredirect: program killed"
run_cr sh -c 'test "$1" = "a b"' sh 'a b'
is "$?" 99 "condredirect: arguments reach the program"

reset
env -u SENDER DTLINE="$DT" QMAILQUEUE="$T/recorder" "$CR" new@x.org true \
    <"$T/in" 2>"$T/err"
is "$?:$(cat "$T/err")" "100:condredirect: fatal: SENDER not set" \
    "condredirect: no SENDER"
env -u DTLINE SENDER=s@y.org QMAILQUEUE="$T/recorder" "$CR" new@x.org true \
    <"$T/in" 2>"$T/err"
is "$?:$(cat "$T/err")" "100:condredirect: fatal: DTLINE not set" \
    "condredirect: no DTLINE"

cat "$T/in" | SENDER=s@y.org DTLINE="$DT" QMAILQUEUE="$T/recorder" \
    "$CR" new@x.org true 2>"$T/err"
r=$?
case $(cat "$T/err") in
"condredirect: fatal: unable to rewind: "*) m=0 ;;
*) m=1 ;;
esac
is "$r:$m" "111:0" "condredirect: input that cannot be rewound: 111"

RECEXIT=31 SENDER=s@y.org DTLINE="$DT" QMAILQUEUE="$T/recorder" \
    "$CR" new@x.org true <"$T/in" 2>"$T/err"
is "$?:$(cat "$T/err")" \
    "100:condredirect: fatal: mail server permanently rejected message (#5.3.0)" \
    "condredirect: permanent queue failure"
RECEXIT=74 SENDER=s@y.org DTLINE="$DT" QMAILQUEUE="$T/recorder" \
    "$CR" new@x.org true <"$T/in" 2>"$T/err"
is "$?:$(cat "$T/err")" \
    "111:condredirect: fatal: communication with mail server failed (#4.4.2)" \
    "condredirect: temporary queue failure"

# --- through the real queue -------------------------------------------
t0=$(queue_count todo)
env -u QMAILQUEUE NEWSENDER=owner@y.org DTLINE="$DT" \
    "$B/forward" far@x.org near@z.org <"$T/in" 2>"$T/err"
is "$?" 0 "real queue: forward exit 0"
qp=$(sed -n 's/^forward: qp //p' "$T/err")
is "$(queue_count todo)" "$((t0 + 1))" "real queue: one new todo entry"
todo=$(grep -l -a "p$qp" "$QH"/queue/todo/* 2>/dev/null | head -n 1)
is "$(tr '\0' '|' <"$todo" | sed 's/^u[0-9]*|//')" \
    "p$qp|Fowner@y.org|Tfar@x.org|Tnear@z.org|" \
    "real queue: todo names qp, NEWSENDER and both recipients"
mess=$(find "$QH/queue/mess" -type f -name "$(basename "$todo")")
# every role account of the instance is the caller, so qmail-queue
# sees the alias uid
head -n 1 "$mess" | grep -q "^Received: (qmail $qp invoked by alias); "
ok $? "real queue: qmail-queue's Received line, qp $qp"
printf '%s' "$DT" | cat - "$T/in" >"$T/exp"
tail -n +2 "$mess" | cmp -s - "$T/exp"
ok $? "real queue: then DTLINE and the message"

done_testing
