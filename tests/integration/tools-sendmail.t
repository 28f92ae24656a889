#!/bin/sh
# sendmail, datemail, mailsubj: how sendmail options become a
# qmail-inject command line and environment (smtp-and-tools.md 3.9,
# 3.10).  bin/qmail-inject, bin/qmail-qread and bin/qmail-smtpd of the
# instance are replaced by a recorder that writes its name, working
# directory, arguments and the relevant environment to $REC, and its
# stdin to $REC.in, then exits with $FAKE_EXIT.
. "$(dirname "$0")/../lib.sh"
inst_fresh

REC=$T/rec
export REC
unset QMAILUSER QMAILHOST MAILUSER MAILHOST QMAILNAME MAILNAME NAME \
    RELAYCLIENT DATABYTES PROTO TCPLOCALIP TCPLOCALHOST TCPREMOTEIP \
    TCPREMOTEHOST TCPREMOTEINFO FAKE_EXIT

cat >"$T/recorder" <<'EOF2'
#!/bin/sh
{
    echo "prog=$0"
    echo "cwd=$(pwd)"
    for a in "$@"; do printf 'arg=%s\n' "$a"; done
    for v in QMAILUSER QMAILHOST MAILUSER MAILHOST QMAILNAME MAILNAME NAME \
        RELAYCLIENT DATABYTES PROTO TCPLOCALIP TCPLOCALHOST TCPREMOTEIP \
        TCPREMOTEHOST TCPREMOTEINFO; do
        eval "[ -z \"\${$v+x}\" ] || printf '%s=%s\\n' $v \"\$$v\""
    done
} >"$REC"
cat >"$REC.in"
exit "${FAKE_EXIT:-0}"
EOF2
for p in qmail-inject qmail-qread qmail-smtpd; do
    cp "$T/recorder" "$QH/bin/$p"
    chmod 755 "$QH/bin/$p"
done

SM=$QH/bin/sendmail
# lines LINE...: the expected record, one line per argument
lines() { printf '%s\n' "$@"; }
# run PROG ARGS...: run with empty stdin, record status and stderr
run() {
    rm -f "$REC" "$REC.in"
    "$@" </dev/null >"$T/out" 2>"$T/err"
    st=$?
}
got() { if [ -f "$REC" ]; then cat "$REC"; else echo "(not run)"; fi; }
inj() { # inj ARG...: the record of qmail-inject run with ARGs
    lines "prog=bin/qmail-inject" "cwd=$QH"
    for a in "$@"; do printf 'arg=%s\n' "$a"; done
}

# -- normal mode --------------------------------------------------------
run "$SM" joe fred@example.net
is "$(got)" "$(inj -a -- joe fred@example.net)" "recipients: qmail-inject -a -- args"
is "$st" 0 "exit status of qmail-inject (0)"

echo 'Subject: x' | { rm -f "$REC.in"; "$SM" joe; }
is "$(cat "$REC.in")" "Subject: x" "the message reaches qmail-inject's stdin"

run "$SM"
is "$(got)" "$(inj -a --)" "no arguments at all"

run "$SM" -t
is "$(got)" "$(inj -H --)" "-t gives -H"

run "$SM" -t joe
is "$(got)" "$(inj -H -- joe)" "-t with a recipient"

run "$SM" joe -oi -t
is "$(got)" "$(inj -a -- joe -oi -t)" "options end at the first recipient"

run "$SM" -- -joe
is "$(got)" "$(inj -a -- -joe)" "-- ends the options"

run "$SM" -i -v -m -x -oi -oem -o db -e q -eq -p smtp:x -B 8BITMIME -bm joe
is "$(got)" "$(inj -a -- joe)" "ignored options and their arguments"

run "$SM" -Ex -Jfoo -E joe
is "$(got)" "$(inj -a -- joe)" "-E/-J take the rest of their argument"

run "$SM" -iEt joe
is "$(got)" "$(inj -a -- joe)" "-E swallows a following -t in the same argument"

run "$SM" -it -oi joe
is "$(got)" "$(inj -H -- joe)" "clustered -it"

# -- sender and names ---------------------------------------------------
# the recorder lists variables in a fixed order: compare as sets
sorted() { printf '%s\n' "$1" | sort; }
run env QMAILNAME=Q MAILNAME=M NAME=N QMAILHOST=h1 MAILHOST=h2 MAILUSER=mu \
    "$SM" -f bob@example.net joe
is "$(sorted "$(got)")" \
    "$(sorted "$(inj -a -f bob@example.net -- joe; lines QMAILUSER=bob QMAILHOST=example.net MAILUSER=mu)")" \
    "-f: passed on; names and hosts unset; QMAILUSER/QMAILHOST from the sender"

run env QMAILHOST=h1 "$SM" -fbob joe
is "$(sorted "$(got)")" "$(sorted "$(inj -a -f bob -- joe; lines QMAILUSER=bob)")" \
    "-fsender without @: QMAILUSER only, QMAILHOST removed"

run "$SM" -f a@b@example.org joe
is "$(sorted "$(got)")" \
    "$(sorted "$(inj -a -f a@b@example.org -- joe; lines QMAILUSER=a@b QMAILHOST=example.org)")" \
    "-f splits at the last @"

run "$SM" -f '' joe
is "$(sorted "$(got)")" "$(sorted "$(inj -a -f '' -- joe; lines QMAILUSER=)")" \
    "-f '' passes the null sender"

run "$SM" -F 'Joe Bloggs' joe
is "$(sorted "$(got)")" "$(sorted "$(inj -a -- joe; lines 'MAILNAME=Joe Bloggs')")" \
    "-F sets MAILNAME"

run env QMAILNAME=Q "$SM" '-FJoe Bloggs' joe
is "$(sorted "$(got)")" "$(sorted "$(inj -a -- joe; lines 'MAILNAME=Joe Bloggs' QMAILNAME=Q)")" \
    "-F leaves QMAILNAME alone"

run "$SM" -F Joe -f bob@x.example joe
is "$(sorted "$(got)")" \
    "$(sorted "$(inj -a -f bob@x.example -- joe; lines QMAILUSER=bob QMAILHOST=x.example)")" \
    "-f wipes -F given before it"
run "$SM" -f bob@x.example -F Joe joe
is "$(sorted "$(got)")" \
    "$(sorted "$(inj -a -f bob@x.example -- joe; lines QMAILUSER=bob QMAILHOST=x.example)")" \
    "-f wipes -F given after it"

# -- exit status and failures -------------------------------------------
run env FAKE_EXIT=100 "$SM" joe
is "$st" 100 "qmail-inject's 100 is passed on"
run env FAKE_EXIT=111 "$SM" joe
is "$st" 111 "qmail-inject's 111 is passed on"

usage='sendmail: usage: sendmail [ -t ] [ -fsender ] [ -Fname ] [ -bp ] [ -bs ] [ arg ... ]'
for o in -q -bz -bd -bi -b -X; do
    run "$SM" $o joe
    is "$st:$(got):$(tail -n 1 "$T/err")" "100:(not run):$usage" "$o: usage, exit 100"
done
run "$SM" -q joe
is "$(head -n 1 "$T/err")" "sendmail: illegal option -- q" "an unknown option is named"
run "$SM" -t -f
is "$st:$(got):$(tail -n 1 "$T/err")" "100:(not run):$usage" "-f without its argument: usage"

# -- -bp, -bs -----------------------------------------------------------
run env FAKE_EXIT=7 "$SM" -bp
is "$st:$(got)" "7:$(lines prog=bin/qmail-qread "cwd=$QH")" "-bp runs qmail-qread"
run "$SM" -t -bp joe
is "$(got)" "$(lines prog=bin/qmail-qread "cwd=$QH")" "-bp after other options, arguments dropped"

run "$SM" -bs
is "$(got)" "$(lines prog=bin/qmail-smtpd "cwd=$QH" RELAYCLIENT= DATABYTES=0 \
    PROTO=TCP TCPLOCALIP=127.0.0.1 TCPLOCALHOST=localhost TCPREMOTEIP=127.0.0.1 \
    TCPREMOTEHOST=localhost TCPREMOTEINFO=sendmail-bs)" "-bs: qmail-smtpd with a local-client environment"
echo 'QUIT' | { rm -f "$REC.in"; "$SM" -bs; }
is "$(cat "$REC.in")" "QUIT" "-bs: qmail-smtpd reads our stdin"
run env PROTO=TCP TCPREMOTEIP=192.0.2.1 "$SM" -bs
is "$(got)" "$(lines prog=bin/qmail-smtpd "cwd=$QH" PROTO=TCP TCPREMOTEIP=192.0.2.1)" \
    "-bs under a TCP server: environment untouched"

# -- program names ------------------------------------------------------
S=$T/sbin
rm -rf "$S"
mkdir -p "$S"
ln -s "$SM" "$S/qmail-sendmail"
for n in sendmail mailq newaliases; do ln -s qmail-sendmail "$S/$n"; done
run "$S/qmail-sendmail" joe
is "$(got)" "$(inj -a -- joe)" "as qmail-sendmail: normal mode"
run "$S/sendmail" -t
is "$(got)" "$(inj -H --)" "as sendmail: normal mode"
run env FAKE_EXIT=3 "$S/mailq"
is "$st:$(got)" "3:$(lines prog=bin/qmail-qread "cwd=$QH")" "as mailq: qmail-qread"
run "$S/mailq" -v
is "$(got)" "$(lines prog=bin/qmail-qread "cwd=$QH")" "as mailq with an ignored option"
run "$S/newaliases"
is "$st:$(got):$(cat "$T/err")" \
    "100:(not run):sendmail: fatal: please use fastforward/newaliases instead" \
    "as newaliases: refused, exit 100"

# -- missing programs ---------------------------------------------------
for p in qmail-inject:joe qmail-qread:-bp qmail-smtpd:-bs; do
    prog=${p%%:*} arg=${p#*:}
    mv "$QH/bin/$prog" "$QH/bin/$prog.away"
    run "$SM" "$arg"
    is "$st:$(cat "$T/err")" "111:sendmail: fatal: unable to run $prog" \
        "$prog missing: exit 111"
    mv "$QH/bin/$prog.away" "$QH/bin/$prog"
done
mv "$QH" "$QH.away"
run "$QH.away/bin/sendmail" joe
is "$st:$(cat "$T/err")" "111:sendmail: fatal: unable to switch to qmail home directory" \
    "QMAILHOME missing: exit 111"
mv "$QH.away" "$QH"

# -- datemail -----------------------------------------------------------
before=$(date +%s)
printf 'Subject: hi\n\nbody\n' | { rm -f "$REC.in"; "$QH/bin/datemail" -t -f bob@example.net joe; }
st=$?
after=$(date +%s)
is "$st" 0 "datemail: exit 0"
is "$(sorted "$(got)")" \
    "$(sorted "$(inj -H -f bob@example.net -- joe; lines QMAILUSER=bob QMAILHOST=example.net)")" \
    "datemail: arguments reach sendmail"
d=$(head -n 1 "$REC.in")
case $d in
"Date: "[1-9]*" "[A-Z][a-z][a-z]" "[0-9][0-9][0-9][0-9]" "[0-2][0-9]:[0-5][0-9]:[0-6][0-9]" "[+-][0-9][0-9][0-9][0-9]) r=0 ;;
*) r=1 ;;
esac
ok $r "datemail: a Date line comes first ($d)"
t=$(date -d "${d#Date: }" +%s)
[ "$t" -ge "$before" ] && [ "$t" -le "$after" ]
ok $? "datemail: the Date is now"
is "$(tail -n +2 "$REC.in")" "$(printf 'Subject: hi\n\nbody')" "datemail: then the message"
run env FAKE_EXIT=111 "$QH/bin/datemail" joe
is "$st" 111 "datemail: exit status of qmail-inject"

# -- mailsubj -----------------------------------------------------------
printf 'line 1\nline 2\n' | { rm -f "$REC.in"; "$QH/bin/mailsubj" 'disk usage (df)' joe fred@example.net; }
is "$?" 0 "mailsubj: exit 0"
is "$(got)" "$(lines prog=$QH/bin/qmail-inject "cwd=$(pwd)")" "mailsubj: qmail-inject without arguments"
is "$(cat "$REC.in")" "$(printf 'Subject: disk usage (df)\nTo: joe fred@example.net\n\nline 1\nline 2')" \
    "mailsubj: Subject, To, empty line, body"
printf 'x\n' | env FAKE_EXIT=100 "$QH/bin/mailsubj" s joe
is "$?" 100 "mailsubj: exit status of qmail-inject"
run "$QH/bin/mailsubj" 'only a subject'
is "$st:$(got)" "100:(not run)" "mailsubj: usage without recipients"

done_testing
