#!/bin/sh
# qmail-remote against real SMTP servers (aiosmtpd, scripted by
# remote-sink.py) on loopback ports reached through control/smtproutes:
# the report protocol byte for byte at every stage, EHLO/HELO, SIZE,
# the wire form of envelope and body, timeouts, hostile replies, the
# TCP timeout table with qmail-tcpto and qmail-tcpok.  No DNS is used.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
. "$(dirname "$0")/remote-lib.sh"
inst_fresh
echo helo.example.net > "$QH/control/helohost"
# the expected output, printf-style, NUL written as |
exp() { printf "$@"; }
S=a@example.net
R=b@example.com

printf 'Subject: test\n\n.hidden dot\nbare\rCR\n8 bit: \351\n..\n' >"$T/msg"
msgsize=$(( $(wc -c <"$T/msg") + $(wc -l <"$T/msg") ))

# --- a delivery, and what went over the wire --------------------------
sink
remote example.com "$S" "$R" c@example.com
is "$(cat "$T/rc")" 0 "exit status 0"
is "$(res)" "$(exp 'r|r|K127.0.0.1 accepted message.\nRemote host said: 250 ok message 1\n|')" \
    "two r reports, then K with the server's reply"
is "$(slog)" "$(exp 'CONNECT\nC: EHLO helo.example.net\nC: MAIL FROM:<a@example.net>\nC: RCPT TO:<b@example.com>\nC: RCPT TO:<c@example.com>\nC: DATA\nMSG 1')" \
    "EHLO helohost, MAIL, RCPT each, DATA, one at a time"
printf 'Subject: test\r\n\r\n.hidden dot\r\nbare\r\nCR\r\n8 bit: \351\r\n..\r\n' >"$T/want"
cmp -s "$T/want" "$T/s.log.1"
ok $? "body: CRLF, bare CR as line end, 8-bit intact, dots stuffed on the wire"

sink size=100000
remote example.com "$S" "$R"
grep -q "C: MAIL FROM:<a@example.net> SIZE=$msgsize\$" "$T/s.log"
ok $? "SIZE announced: MAIL FROM carries SIZE=$msgsize (bytes + CRs)"
sink
remote example.com "$S" "$R"
grep -q 'SIZE=' "$T/s.log"
is "$?" 1 "SIZE not announced: no SIZE parameter"

sink
remote example.com '' "$R"
grep -q 'C: MAIL FROM:<>$' "$T/s.log"
ok $? "null sender: MAIL FROM:<>"
remote example.com 'odd "local"@example.net' 'x y@example.com'
grep -q 'C: MAIL FROM:<"odd \\"local\\""@example.net>$' "$T/s.log" &&
    grep -q 'C: RCPT TO:<"x y"@example.com>$' "$T/s.log"
ok $? "local parts that are not dot-atoms are quoted"

rm "$QH/control/helohost"
sink
remote example.com "$S" "$R"
grep -q 'C: EHLO test.example.org$' "$T/s.log"
ok $? "no helohost: control/me"
echo helo.example.net >"$QH/control/helohost"

sink 'ehlo=502 5.5.1 what'
remote example.com "$S" "$R"
is "$(res)" "$(exp 'r|K127.0.0.1 accepted message.\nRemote host said: 250 ok message 1\n|')" \
    "EHLO refused: HELO, delivered"
grep -q 'C: HELO helo.example.net$' "$T/s.log"
ok $? "the HELO was sent"
sink 'ehlo=502 no' 'helo=501 bad name'
remote example.com "$S" "$R"
is "$(res)" "$(exp 'ZConnected to 127.0.0.1 but my name was rejected.\nRemote host said: 501 bad name\n|')" \
    "HELO refused too: Z"

# --- rejections at each stage -----------------------------------------
sink 'greeting=554 go away'
remote example.com "$S" "$R"
is "$(res)" "$(exp 'ZConnected to 127.0.0.1 but greeting failed.\nRemote host said: 554 go away\n|')" \
    "greeting 554: Z"
sink 'greeting=421-busy\r\n421 try later'
remote example.com "$S" "$R"
is "$(res)" "$(exp 'ZConnected to 127.0.0.1 but greeting failed.\nRemote host said: 421-busy\n421 try later\n|')" \
    "multi-line 421 greeting, the only address: Z with all lines"
sink 'mail=553 5.7.1 not you'
remote example.com "$S" "$R"
is "$(res)" "$(exp 'DConnected to 127.0.0.1 but sender was rejected.\nRemote host said: 553 5.7.1 not you\n|')" \
    "MAIL 553: D"
sink 'mail=451 later'
remote example.com "$S" "$R"
is "$(res)" "$(exp 'ZConnected to 127.0.0.1 but sender was rejected.\nRemote host said: 451 later\n|')" \
    "MAIL 451: Z"
sink 'rcpt:h@example.com=550 no such user' 'rcpt:s@example.com=451 full'
remote example.com "$S" h@example.com s@example.com "$R"
is "$(res)" "$(exp 'h127.0.0.1 does not like recipient.\nRemote host said: 550 no such user\n|s127.0.0.1 does not like recipient.\nRemote host said: 451 full\n|r|K127.0.0.1 accepted message.\nRemote host said: 250 ok message 1\n|')" \
    "h, s and r reports in argument order"
sink 'rcpt=550 no'
remote example.com "$S" h@example.com "$R"
is "$(res)" "$(exp 'h127.0.0.1 does not like recipient.\nRemote host said: 550 no\n|h127.0.0.1 does not like recipient.\nRemote host said: 550 no\n|DGiving up on 127.0.0.1.\n|')" \
    "no recipient accepted: D Giving up, no data sent"
grep -q 'C: DATA' "$T/s.log"
is "$?" 1 "DATA not sent"
sink 'rcpt=552 too many recipients'
remote example.com "$S" "$R"
is "$(res | head -c 1)" s "552 to RCPT without SIZE: temporary (RFC 5321 4.5.3.1.10)"
sink size=100000 'rcpt=552 too big'
remote example.com "$S" "$R"
is "$(res | head -c 1)" h "552 to RCPT with SIZE announced: permanent"
sink size=10
remote example.com "$S" "$R"
is "$(res)" "$(exp 'DConnected to 127.0.0.1 but sender was rejected.\nRemote host said: 552 Error: message size exceeds fixed maximum message size\n|')" \
    "message over the announced SIZE: the server's 552 is permanent"
sink 'data=554 no data'
remote example.com "$S" "$R"
is "$(res)" "$(exp 'r|D127.0.0.1 failed on DATA command.\nRemote host said: 554 no data\n|')" \
    "DATA 554: D"
sink 'data=451 not now'
remote example.com "$S" "$R"
is "$(res)" "$(exp 'r|Z127.0.0.1 failed on DATA command.\nRemote host said: 451 not now\n|')" \
    "DATA 451: Z"
sink 'dot=554 5.7.1 spam'
remote example.com "$S" "$R"
is "$(res)" "$(exp 'r|D127.0.0.1 failed after I sent the message.\nRemote host said: 554 5.7.1 spam\n|')" \
    "final dot 554: D"
sink 'dot=452 4.3.1 disk full'
remote example.com "$S" "$R"
is "$(res)" "$(exp 'r|Z127.0.0.1 failed after I sent the message.\nRemote host said: 452 4.3.1 disk full\n|')" \
    "final dot 452: Z"
sink 'dot=250 ok a\000b'
remote example.com "$S" "$R"
is "$(res)" "$(exp 'r|K127.0.0.1 accepted message.\nRemote host said: 250 ok a?b\n|')" \
    "NUL in a reply shown as ?"

# --- lost connections, timeouts, hostile servers ------------------------
sink greeting=drop
remote example.com "$S" "$R"
is "$(res)" "$(exp 'ZConnected to 127.0.0.1 but connection died. (#4.4.2)\n|')" \
    "dropped before the greeting: Z"
sink dot=drop
remote example.com "$S" "$R"
is "$(res)" "$(exp 'r|ZConnected to 127.0.0.1 but connection died. Possible duplicate! (#4.4.2)\n|')" \
    "dropped after the dot: possible duplicate"
echo 2 >"$QH/control/timeoutremote"
for how in stall trickle; do
    sink "greeting=$how"
    t0=$(date +%s)
    remote example.com "$S" "$R"
    t1=$(date +%s)
    is "$(res)" "$(exp 'ZConnected to 127.0.0.1 but connection died. (#4.4.2)\n|')" \
        "greeting that never ends ($how): Z"
    ok $([ $((t1 - t0)) -le 6 ] && echo 0 || echo 1) \
        "$how: given up after timeoutremote=2 ($((t1 - t0)) s)"
done
sink dot=stall
remote example.com "$S" "$R"
is "$(res)" "$(exp 'r|ZConnected to 127.0.0.1 but connection died. Possible duplicate! (#4.4.2)\n|')" \
    "no answer to the dot: Z, possible duplicate"
rm "$QH/control/timeoutremote"
for how in big endless; do
    sink "ehlo=$how"
    t0=$(date +%s)
    remote example.com "$S" "$R"
    t1=$(date +%s)
    is "$(res)" "$(exp 'ZConnected to 127.0.0.1 but connection died. (#4.4.2)\n|')" \
        "EHLO reply $how (over 64 KiB): Z"
    ok $([ $((t1 - t0)) -le 10 ] && echo 0 || echo 1) "$how: no hang ($((t1 - t0)) s)"
done
sink 'mail=garbage without code'
remote example.com "$S" "$R"
is "$(res)" "$(exp 'ZConnected to 127.0.0.1 but sender was rejected.\nRemote host said: garbage without code\n|')" \
    "a reply without a code counts as temporary"

# --- no connection ------------------------------------------------------
sink
sink_stop
remote example.com "$S" "$R"
is "$(res)" "$(exp 'ZSorry, I wasn'"'"'t able to establish an SMTP connection. (#4.4.1)\n|')" \
    "connection refused: Z"
echo "example.com:127.0.0.1:$PORT" >"$QH/control/smtproutes"
remote example.com "$S" "$R"
is "$(res | head -c 1)" Z "refused again"

# --- the message --------------------------------------------------------
sink
printf 'no final newline' >"$T/msg"
remote example.com "$S" "$R"
is "$(res)" "$(exp 'r|DSMTP cannot transfer messages with partial final lines. (#5.6.2)\n|')" \
    "partial final line: D"
: >"$T/msg"
sink
remote example.com "$S" "$R"
is "$(res | head -c 3)" "r|K" "empty message: delivered"
is "$(wc -c <"$T/s.log.1")" 0 "... as nothing but the final dot"
printf 'x\n' >"$T/msg"

# --- invocation and controls -------------------------------------------
remote example.com "$S"
is "$(res)" "$(exp 'DI (qmail-remote) was invoked improperly. (#5.3.5)\n|')" \
    "two arguments: D invoked improperly"
mv "$QH/control/smtproutes" "$QH/control/smtproutes.off"
mkdir "$QH/control/smtproutes"
remote example.com "$S" "$R"
is "$(res)" "$(exp 'ZUnable to read control files. (#4.3.0)\n|')" \
    "unreadable smtproutes: Z"
rmdir "$QH/control/smtproutes"
mv "$QH/control/smtproutes.off" "$QH/control/smtproutes"
remote '[127.0.0.1]' "$S" "b@[127.0.0.1]"
is "$(res)" "$(exp 'DSorry. Although I'"'"'m listed as a best-preference MX or A for that host,\nit isn'"'"'t in my control/locals file, so I don'"'"'t treat it as local. (#5.4.6)\n|')" \
    "an address literal of this host: D, no loop"
sink
echo ".com:127.0.0.1:$PORT" >"$QH/control/smtproutes"
remote mail.example.com "$S" "$R"
is "$(res | head -c 3)" "r|K" "smtproutes: a .domain suffix"
printf 'mail.example.com:\n:127.0.0.1:%s\n' "$PORT" >"$QH/control/smtproutes"
remote other.example.com "$S" "$R"
is "$(res | head -c 3)" "r|K" "smtproutes: the catch-all"
remote mail.example.com "$S" "$R"
is "$(res)" "$(exp 'DSorry, I couldn'"'"'t find any host named mail.example.com. (#5.1.2)\n|')" \
    "smtproutes: an empty relay means MX lookup (here: no such host)"

if $PY -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
    sink '[::1]:0'
    echo "example.com:[::1]:$PORT" >"$QH/control/smtproutes"
    remote example.com "$S" "$R"
    is "$(res)" "$(exp 'r|K::1 accepted message.\nRemote host said: 250 ok message 1\n|')" \
        "smtproutes to an IPv6 literal"
else
    ok 0 "smtproutes to an IPv6 literal # SKIP no IPv6 on lo"
fi

# --- the TCP timeout table ----------------------------------------------
TT=$QH/queue/lock/tcpto
"$QH/bin/qmail-tcpto" >"$T/tt.out"
is "$?:$(cat "$T/tt.out")" "0:" "qmail-tcpto: empty table, no output"
# 127.0.0.1 with two timeouts, the last one now
$PY - "$TT" <<'EOP'
import struct, sys, time
with open(sys.argv[1], "r+b") as f:
    f.write(bytes([127, 0, 0, 1, 2, 0, 0, 0]) + struct.pack("<I", int(time.time())) + bytes(4))
EOP
sink
echo "example.com:127.0.0.1:$PORT" >"$QH/control/smtproutes"
remote example.com "$S" "$R"
is "$(res)" "$(exp 'ZSorry, I wasn'"'"'t able to establish an SMTP connection. (#4.4.1)\n|')" \
    "an address with recent timeouts is skipped"
! grep -qs CONNECT "$T/s.log"
ok $? "... without connecting"
"$QH/bin/qmail-tcpto" >"$T/tt.out"
out=$(cat "$T/tt.out")
case $out in
"127.0.0.1 timed out "[0-9]*" seconds ago; # recent timeouts: 2") ok 0 "qmail-tcpto lists it" ;;
*) ok 1 "qmail-tcpto lists it"; diag "$out" ;;
esac
"$QH/bin/qmail-tcpok"
is "$?:$(wc -c <"$TT")" "0:1024" "qmail-tcpok: 1024 bytes"
is "$(tr -d '\000' <"$TT" | wc -c)" 0 "... all NUL"
remote example.com "$S" "$R"
is "$(res | head -c 3)" "r|K" "after qmail-tcpok: delivered"
mv "$TT" "$TT.off"
"$QH/bin/qmail-tcpto" >"$T/tt.out"
is "$?:$(cat "$T/tt.out")" "111:fatal: unable to open tcpto: No such file or directory" \
    "qmail-tcpto: errors on stdout, 111"
"$QH/bin/qmail-tcpok" 2>"$T/tt.err"
is "$?:$(cat "$T/tt.err")" "111:qmail-tcpok: fatal: unable to write $TT: No such file or directory" \
    "qmail-tcpok: errors on stderr, 111"
remote example.com "$S" "$R"
is "$(res | head -c 3)" "r|K" "no table at all: delivered all the same"
mv "$TT.off" "$TT"

done_testing
