#!/bin/sh
# qmail-inject with the real qmail-queue of a private instance
# (smtp-and-tools.md 0.4, 3.3, 3.8): the queued message and envelope
# byte for byte, queue refusals mapped to exit codes and messages, the
# controls read from QMAILHOME/control, read and write failures, and
# large or binary input (a 1 MB header line, NUL bytes, 100000
# recipients).
. "$(dirname "$0")/../lib.sh"
inst_fresh
Q=$QH/queue
INJ=$QH/bin/qmail-inject
W=$T/inject-queue
UID_=$(id -u)
rm -rf "$W"
mkdir -p "$W"

# inj ARGS...: qmail-inject in a clean environment plus $XENV (words)
XENV=
inj() { env -i PATH="$PATH" $XENV "$INJ" "$@"; }
nfiles() { find "$Q/$1" -type f | wc -l | tr -d ' '; }
qreset() { find "$Q/pid" "$Q/intd" "$Q/todo" "$Q/mess" -type f -exec rm -f {} +; }

# --- one message through the real queue ------------------------------------
cat >"$W/msg" <<'EOF'
Date: 1 Jan 2024 00:00:00 -0000
Message-ID: <q1@test.example.org>
From: sender@example.org
To: joe@example.com, ann
Bcc: secret@example.net

body line
EOF
qreset
XENV="QMAILUSER=bob QMAILHOST=example.net"
inj <"$W/msg" >"$W/out" 2>"$W/err"
is "$?:$(cat "$W/out" "$W/err")" "0:" "queued: exit 0, nothing printed"
is "$(nfiles todo):$(nfiles mess)" "1:1" "one file in todo/, one in mess/"
N=$(ls "$Q/todo")
M=$Q/mess/$((N % 23))/$N
pid=$(tr '\000' '\n' <"$Q/todo/$N" | sed -n 's/^p\([1-9][0-9]*\)$/\1/p')
printf "u%s\000p%s\000Fbob@example.net\000Tann@test.example.org\000Tjoe@example.com\000Tsecret@example.net\000" \
    "$UID_" "$pid" >"$W/todo-exp"
cmp -s "$Q/todo/$N" "$W/todo-exp"
ok $? "todo: the envelope exactly (sender from the environment, To right to left, then Bcc)"
head -n 1 "$M" | grep -q "^Received: (qmail $pid invoked by [a-z0-9 ]*); "
ok $? "mess starts with qmail-queue's Received line"
inj -n <"$W/msg" | tail -n +2 >"$W/printed"
tail -n +2 "$M" | cmp -s - "$W/printed"
ok $? "the queued message is what -n prints, minus Return-Path"
grep -q '^Bcc' "$M"
ok $((!$?)) "no Bcc in the queued message"

# --- refusals of the real qmail-queue ----------------------------------------
long=$(head -c 1100 /dev/zero | tr '\0' a)
inj "$long@example.com" <"$W/msg" 2>"$W/err"
is "$?:$(cat "$W/err")" \
    "100:qmail-inject: fatal: envelope address too long for qq (#5.1.3)" \
    "a 1100-byte recipient: exit 100, the queue's reason"
is "$(nfiles todo)" 1 "nothing more in todo/"

mv "$Q/intd" "$Q/intd.away"
: >"$Q/intd"
inj joe@example.com <"$W/msg" 2>"$W/err"
rc=$?
rm -f "$Q/intd"
mv "$Q/intd.away" "$Q/intd"
is "$rc:$(cat "$W/err")" \
    "111:qmail-inject: fatal: qq trouble creating files in queue (#4.3.0)" \
    "queue/intd unusable: exit 111, the queue's reason"

# a queue program with its own reason on fd 6 (exit 82)
cat >"$W/qq-custom" <<'EOF'
#!/bin/sh
cat >/dev/null
printf 'Dno mail for you today (#5.7.1)' >&6
exit 82
EOF
chmod 755 "$W/qq-custom"
XENV="QMAILQUEUE=$W/qq-custom"
inj joe@example.com <"$W/msg" 2>"$W/err"
is "$?:$(cat "$W/err")" "100:qmail-inject: fatal: no mail for you today (#5.7.1)" \
    "exit 82 with D text on fd 6: exit 100 with that text"
sed 's/^printf .D/printf '"'"'Z/' "$W/qq-custom" >"$W/qq-custom2"
chmod 755 "$W/qq-custom2"
XENV="QMAILQUEUE=$W/qq-custom2"
inj joe@example.com <"$W/msg" 2>"$W/err"
is "$?:$(cat "$W/err")" "111:qmail-inject: fatal: no mail for you today (#5.7.1)" \
    "exit 82 with Z text on fd 6: exit 111"
XENV=

# --- controls ----------------------------------------------------------------
C=$QH/control
printf 'To: joe, ann@mac+, bob@mac\n\nx\n' >"$W/ctl"
printf 'ctlhost  \n' >"$C/defaulthost"
printf 'ctl.example\n' >"$C/defaultdomain"
printf 'plus.example\n' >"$C/plusdomain"
printf 'id.ctl.example\nignored\n' >"$C/idhost"
inj -n <"$W/ctl" >"$W/out"
is "$(grep '^To:' "$W/out")" \
    "To: joe@ctlhost.ctl.example, ann@mac.plus.example, bob@mac.ctl.example" \
    "control files: defaulthost (trailing spaces cut), plusdomain, defaultdomain"
grep -Eq '^Message-ID: <[0-9]{14}\.[1-9][0-9]*\.qmail@id\.ctl\.example>$' "$W/out"
ok $? "control/idhost names the Message-ID host (first line only)"
is "$(sed -n 1p "$W/out")" "Return-Path: <anonymous@ctlhost.ctl.example>" \
    "the default sender gets the controls too"
XENV="QMAILDEFAULTHOST=envhost.example QMAILDEFAULTDOMAIN=x QMAILPLUSDOMAIN=p.example QMAILIDHOST=envid"
inj -n <"$W/ctl" >"$W/out"
is "$(grep -E '^(To|Message-ID):' "$W/out" | sed 's/<[0-9.]*qmail@/<@/')" \
    "Message-ID: <@envid>
To: joe@envhost.example, ann@mac.p.example, bob@mac.x" \
    "the environment overrides every control"
XENV=
rm -f "$C/defaulthost" "$C/defaultdomain" "$C/plusdomain" "$C/idhost"
inj -n <"$W/ctl" >"$W/out"
is "$(grep '^To:' "$W/out")" \
    "To: joe@test.example.org, ann@mac.test.example.org, bob@mac.test.example.org" \
    "without controls, me stands for all of them"
mv "$C/me" "$C/me.away"
inj -n <"$W/ctl" >"$W/out"
is "$(grep '^To:' "$W/out")" \
    "To: joe@defaulthost.defaultdomain, ann@mac.plusdomain, bob@mac.defaultdomain" \
    "without me either, the literal defaults"
grep -q '\.qmail@idhost>$' "$W/out"
ok $? "... and the Message-ID host idhost"
mv "$C/me.away" "$C/me"
mkdir "$C/defaultdomain"
inj -n <"$W/ctl" >"$W/out" 2>"$W/err"
is "$?:$(cat "$W/err")" "111:qmail-inject: fatal: read error" \
    "an unreadable control: read error, exit 111"
rmdir "$C/defaultdomain"

# no QMAILHOME at all: the chdir fails
cp "$INJ" "$W/inj"
mv "$QH" "$QH.away"
env -i PATH="$PATH" "$W/inj" -n <"$W/ctl" >"$W/out" 2>"$W/err"
rc=$?
mv "$QH.away" "$QH"
is "$rc:$(cat "$W/err")" "111:qmail-inject: fatal: internal bug" \
    "QMAILHOME missing: exit 111"

# --- read and write failures -------------------------------------------------
inj -n </ >"$W/out" 2>"$W/err"
is "$?:$(cat "$W/err")" "111:qmail-inject: fatal: read error" \
    "stdin unreadable (a directory): read error, exit 111"
if [ -w /dev/full ]; then
    inj -n <"$W/msg" >/dev/full 2>"$W/err"
    is "$?:$(cat "$W/err")" \
        "111:qmail-inject: fatal: unable to write output: No space left on device" \
        "-n output that cannot be written: exit 111"
fi
yes 'body line' | head -n 200000 >"$W/bigbody"
cat "$W/msg" "$W/bigbody" >"$W/long"
(inj -n <"$W/long" 2>"$W/err"; echo $? >"$W/rc") | head -c 10 >/dev/null
is "$(cat "$W/rc"):$(cat "$W/err")" \
    "111:qmail-inject: fatal: unable to write output: Broken pipe" \
    "reader gone: SIGPIPE ignored, exit 111"

# --- large and binary input --------------------------------------------------
{
    printf 'Date: 1 Jan 2024 00:00:00 -0000\nMessage-ID: <big@test.example.org>\n'
    printf 'From: a@b.example\nTo: joe@example.com\nSubject: '
    head -c 1048576 /dev/zero | tr '\0' x
    printf '\nX-Nul: a\000b\n\nbody\000with NUL\n'
    head -c 2000000 /dev/urandom
    printf '\n'
} >"$W/big"
inj -n <"$W/big" >"$W/out" 2>"$W/err"
is "$?:$(cat "$W/err")" "0:" "1 MB header line, NULs, 2 MB binary body: exit 0"
is "$(head -n 1 "$W/out")" "Return-Path: <anonymous@test.example.org>" \
    "the Return-Path line first"
tail -n +2 "$W/out" | cmp -s - "$W/big"
ok $? "... then the message unchanged, byte for byte"
qreset
inj joe@example.com <"$W/big" 2>"$W/err"
is "$?:$(cat "$W/err")" "0:" "the same message queued"
N=$(ls "$Q/todo")
tail -n +2 "$Q/mess/$((N % 23))/$N" | cmp -s - "$W/big"
ok $? "queued byte for byte after the Received line"

awk 'BEGIN { printf "Date: x\nMessage-ID: <y>\nFrom: a@b.c\nTo: ";
             for (i = 0; i < 100000; i++) printf "%su%d@example.com", (i ? ", " : ""), i;
             printf "\n\nbody\n" }' >"$W/many"
qreset
inj <"$W/many" 2>"$W/err"
is "$?:$(cat "$W/err")" "0:" "100000 recipients in one To line: queued"
N=$(ls "$Q/todo")
is "$(tr '\000' '\n' <"$Q/todo/$N" | grep -c '^T')" 100000 "100000 envelope recipients"
is "$(tr '\000' '\n' <"$Q/todo/$N" | sed -n '4p;$p')" \
    "Tu99999@example.com
Tu0@example.com" "collected right to left"
inj -n <"$W/many" >"$W/out"
is "$(sed -n '/^To:/,/^$/p' "$W/out" | awk 'length > 80' | wc -l | tr -d ' ')" 0 \
    "the To field folded within 80 columns"
is "$(sed -n '/^To:/,/^$/p' "$W/out" | tr -d '\n' | sed 's/,  /, /g; s/^To: //')" \
    "$(sed -n 's/^To: //p' "$W/many")" "folding only adds line breaks"
done_testing
