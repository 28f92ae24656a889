#!/bin/sh
# The programs kept for Debian's old qmail package (smtp-and-tools.md
# 5.2): qail, elq and pinq move the maildir into the mbox and then
# become the mail reader; qsmhook runs a sendmail-style delivery agent
# with %g/%h/%u expanded and the envelope lines on top of the message.
. "$(dirname "$0")/../lib.sh"
inst_fresh
B=$QH/bin

# --- qail, elq, pinq ----------------------------------------------------
# fake readers: record their pid, arguments and the mbox they were given
F=$T/fake
mkdir -p "$F"
for r in Mail elm pine; do
    cat >"$F/$r" <<EOF
#!/bin/sh
echo \$\$ >"$T/$r.pid"
printf '%s\n' "\$@" >"$T/$r.args"
cat "\$MAIL" >"$T/$r.mbox" 2>/dev/null
exit 7
EOF
    chmod 755 "$F/$r"
done

# a maildir with one message in new/ and one in cur/, both older than now
mkmaildir() {
    rm -rf "$T/Maildir" "$T/mbox" "$T/mbox.tmp"
    mkdir -p "$T/Maildir/new" "$T/Maildir/cur" "$T/Maildir/tmp"
    printf 'Return-Path: <s@y.org>\nSubject: one\n\nFrom here\n' \
        >"$T/Maildir/new/1.a.host"
    printf 'Subject: two\n\nbody without LF' >"$T/Maildir/cur/2.b.host:2,S"
    touch -d '2001-02-03 04:05:06 UTC' "$T/Maildir/new/1.a.host"
    touch -d '2001-02-03 04:05:07 UTC' "$T/Maildir/cur/2.b.host:2,S"
}
cat >"$T/mbox.exp" <<'EOF'
From s@y.org Sat Feb 03 04:05:06 2001
Return-Path: <s@y.org>
Subject: one

>From here

From XXX Sat Feb 03 04:05:07 2001
Subject: two

body without LF

EOF
MAILDIR=$T/Maildir MAIL=$T/mbox MAILTMP=$T/mbox.tmp
export MAILDIR MAIL MAILTMP

for pair in qail:Mail elq:elm pinq:pine; do
    p=${pair%%:*} r=${pair#*:}
    mkmaildir
    rm -f "$T/$r".*
    PATH=$F:$PATH "$B/$p" -f "two words" '$HOME' '' 2>"$T/err" &
    pid=$!
    wait $pid
    is "$?:$(cat "$T/err")" "7:" "$p: the exit status is $r's"
    is "$(cat "$T/$r.pid" 2>/dev/null)" "$pid" "$p: $r replaces the script (exec)"
    printf -- '-f\ntwo words\n$HOME\n\n' >"$T/args.exp"
    cmp -s "$T/args.exp" "$T/$r.args"
    ok $? "$p: $r gets the arguments unchanged, empty ones too"
    cmp -s "$T/mbox.exp" "$T/mbox" && cmp -s "$T/mbox.exp" "$T/$r.mbox"
    ok $? "$p: the mbox is complete before $r starts"
    is "$(find "$T/Maildir" -type f | wc -l)" 0 "$p: the maildir is emptied"
done

# nothing to move: the mbox is left alone and the reader still runs
mkmaildir
rm -f "$T"/Mail.*
printf 'From a@b Thu Jan 01 00:00:00 1970\n\nold\n\n' >"$T/mbox"
cp "$T/mbox" "$T/mbox.old"
rm -f "$T/Maildir/new/"* "$T/Maildir/cur/"*
PATH=$F:$PATH "$B/qail" 2>"$T/err"
is "$?:$(cat "$T/err")" "7:" "qail, empty maildir: Mail runs"
cmp -s "$T/mbox.old" "$T/mbox" && cmp -s "$T/mbox.old" "$T/Mail.mbox"
ok $? "qail, empty maildir: the mbox is untouched"

# maildir2mbox fails: the reader is not started
mkmaildir
rm -f "$T"/elm.*
env -u MAIL PATH="$F:$PATH" "$B/elq" 2>"$T/err"
is "$?:$(cat "$T/err")" "111:maildir2mbox: fatal: MAIL not set" \
    "elq, MAIL unset: maildir2mbox's failure and status"
[ ! -e "$T/elm.pid" ] && [ -f "$T/Maildir/new/1.a.host" ]
ok $? "elq, MAIL unset: elm not run, the maildir kept"
rm -f "$T"/pine.*
MAILDIR=$T/nonexistent PATH=$F:$PATH "$B/pinq" 2>"$T/err"
r=$?
case $(cat "$T/err") in
"maildir2mbox: fatal: unable to "*) m=ok ;;
*) m=$(cat "$T/err") ;;
esac
is "$r:$m" "111:ok" "pinq, missing maildir: 111 from maildir2mbox"
[ ! -e "$T/pine.pid" ]
ok $? "pinq, missing maildir: pine not run"

# the reader missing from PATH: the shell's "not found" status
mkmaildir
PATH=/nonexistent:/usr/bin:/bin "$B/pinq" 2>/dev/null
is "$?" 127 "pinq, no pine anywhere: 127, after the move"
cmp -s "$T/mbox.exp" "$T/mbox"
ok $? "pinq, no pine anywhere: the mail is in the mbox all the same"
unset MAILDIR MAIL MAILTMP

# --- qsmhook ------------------------------------------------------------
Q=$B/qsmhook
UFLINE='From s@y.org Thu Jan 01 00:00:00 1970
'
RPLINE='Return-Path: <s@y.org>
'
DTLINE='Delivered-To: alias-joe@example.org
'
SENDER=s@y.org HOST=example.org LOCAL=alias-joe
export UFLINE RPLINE DTLINE SENDER HOST LOCAL
printf 'Subject: x\n\nFrom the start\nlast line without LF' >"$T/in"

# the agent: its arguments one per line, then its input, then exit $1
cat >"$T/agent" <<EOF
#!/bin/sh
code=\$1
shift
printf '%s\n' "\$@" >"$T/agent.args"
cat >"$T/agent.in"
exit \$code
EOF
chmod 755 "$T/agent"

expect() { # expect LETTERS: U R D in front of the input
    : >"$T/exp"
    case $1 in *U*) printf '%s' "$UFLINE" >>"$T/exp" ;; esac
    case $1 in *R*) printf '%s' "$RPLINE" >>"$T/exp" ;; esac
    case $1 in *D*) printf '%s' "$DTLINE" >>"$T/exp" ;; esac
    cat "$T/in" >>"$T/exp"
}
lines() { # lines LETTERS NAME OPTIONS...
    l=$1 n=$2
    shift 2
    expect "$l"
    rm -f "$T/agent.in"
    "$Q" "$@" "$T/agent" 0 <"$T/in" 2>"$T/err"
    r=$?
    cmp -s "$T/exp" "$T/agent.in"
    is "$r:$?:$(cat "$T/err")" "0:0:" "$n"
}
lines U "default: the From_ line, then the message verbatim"
lines "" "-n: no From_ line" -n
lines UR "-P: From_ and Return-Path" -P
lines UD "-l: From_ and Delivered-To" -l
lines URD "-lP: all three, in order" -lP
lines RD "-lsDFMPmn (a sendmail F= list): Return-Path, Delivered-To" -lsDFMPmn
lines D "-n -l -D -F -M -m -s: the sendmail-only letters change nothing" \
    -n -l -D -F -M -m -s

args() { # args EXPECTED NAME [OPTIONS --] ARG...: the agent's argv
    e=$1 n=$2
    shift 2
    "$Q" "$@" <"$T/in" 2>"$T/err"
    r=$?
    is "$r:$(cat "$T/err"):$(tr '\n' '|' <"$T/agent.args")" "0::$e" "$n"
}
args "-f|s@y.org|-d|alias-joe|example.org|" "%g %u %h become SENDER LOCAL HOST" \
    "$T/agent" 0 -f %g -d %u %h
args "-fs@y.org|alias-joe@example.org|%x|%g|100%|" \
    "escapes inside arguments; %% and unknown escapes" \
    "$T/agent" 0 -f%g %u@%h %x %%g 100%
args "joe|" "-x alias-: the prefix is cut from %u" -x alias- "$T/agent" 0 %u
args "alias-joe|" "-x with another prefix: %u unchanged" -x other- "$T/agent" 0 %u
LOCAL=Alias-Joe args "Joe|" "-x compares the prefix without case" \
    -xalias- "$T/agent" 0 %u
SENDER='a b;$(x)' args "<a b;\$(x)>|" "a sender with blanks stays one argument" \
    "$T/agent" 0 "<%g>"
SENDER= args "-r||" "the null sender expands to nothing" "$T/agent" 0 -r %g
cp "$T/agent" "$T/s@y.org"
args "x|" "the program name is expanded" "$T/%g" 0 x

for c in 0 67 99 100 111 75; do
    "$Q" "$T/agent" $c <"$T/in" 2>"$T/err"
    is "$?:$(cat "$T/err")" "$c:" "the agent's exit status $c is qsmhook's"
done
"$Q" sh -c 'cat >/dev/null; kill -9 $$' <"$T/in" 2>"$T/err"
is "$?:$(cat "$T/err")" "111:qsmhook: fatal: child crashed" "agent killed: 111"
"$Q" "$T/missing" <"$T/in" 2>"$T/err"
is "$?:$(cat "$T/err")" \
    "100:qsmhook: fatal: unable to run $T/missing: No such file or directory" \
    "missing program: 100"
printf '#!/bin/sh\n' >"$T/noexec"
chmod 644 "$T/noexec"
"$Q" "$T/noexec" <"$T/in" 2>"$T/err"
is "$?:$(cat "$T/err")" \
    "100:qsmhook: fatal: unable to run $T/noexec: Permission denied" \
    "program not executable: 100"
# a program file open for writing cannot be run just now: temporary
cp "$T/agent" "$T/busy"
exec 3>>"$T/busy"
"$Q" "$T/busy" 0 <"$T/in" 2>"$T/err"
r=$?
exec 3>&-
if [ "$r:$(cat "$T/err")" = "0:" ]; then
    ok 0 "program busy: 111 # SKIP this kernel runs files open for writing"
else
    is "$r:$(cat "$T/err")" \
        "111:qsmhook: fatal: unable to run $T/busy: Text file busy" \
        "program busy (ETXTBSY): 111"
fi
PATH=/nonexistent:/bin:/usr/bin "$Q" -n tr a-z A-Z <"$T/in" >"$T/out" 2>/dev/null
is "$(head -n 1 "$T/out")" "SUBJECT: X" "the program is found through PATH"

usage="100:qsmhook: fatal: incorrect usage"
"$Q" <"$T/in" 2>"$T/err"
is "$?:$(cat "$T/err")" "$usage" "no program: usage, 100"
"$Q" -l -x <"$T/in" 2>"$T/err"
is "$?:$(tail -n 1 "$T/err")" "$usage" "-x without its argument: usage, 100"
"$Q" -r "$T/agent" 0 <"$T/in" 2>"$T/err"
is "$?:$(tail -n 1 "$T/err")" "$usage" "unknown option -r: usage, 100"
for v in DTLINE RPLINE UFLINE LOCAL HOST SENDER; do
    rm -f "$T/agent.in"
    env -u $v "$Q" "$T/agent" 0 <"$T/in" 2>"$T/err"
    is "$?:$(cat "$T/err"):$([ -e "$T/agent.in" ]; echo $?)" "$usage:1" \
        "$v not set: usage, 100, agent not run"
done

# the agent stops reading early: its verdict counts
head -c 2000000 /dev/zero >"$T/big"
"$Q" sh -c 'exit 0' <"$T/big" 2>"$T/err"
is "$?:$(cat "$T/err")" "0:" "an agent that reads nothing and exits 0: 0"
"$Q" sh -c 'exit 100' <"$T/big" 2>"$T/err"
is "$?:$(cat "$T/err")" "100:" "an agent that reads nothing and exits 100: 100"
head -c 2000000 /dev/urandom >"$T/big"
"$Q" -n cat <"$T/big" | cmp -s - "$T/big"
ok $? "2 MB of binary input copied exactly"
is "$("$Q" sh -c 'cat >/dev/null; echo report' <"$T/in")" "report" \
    "the agent writes to qsmhook's stdout"

done_testing
