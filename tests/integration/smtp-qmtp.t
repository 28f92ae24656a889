#!/bin/sh
# QMTP (qmail-qmtpd) and QMQP (qmail-qmqpd, qmail-qmqpc) under the real
# tcpserver: answers per recipient, rcpthosts, RELAYCLIENT, databytes,
# bad senders and recipients, both line-ending forms, several messages
# per connection, framing errors, the Received lines; and the mini-qmail
# null client: qmail-inject -> qmail-qmqpc (as QMAILQUEUE) -> port 628
# -> qmail-qmqpd -> the queue, in a private network namespace.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
. "$(dirname "$0")/smtp-lib.sh"
for p in tcpserver tcprules python3; do
    command -v $p >/dev/null || skip_all "needs $p"
done

inst_fresh
trap 'tcp_down Q; tcp_down P; verify_down' EXIT
G=test.example.org
echo $G > "$QH/control/rcpthosts"
echo 0 > "$QH/control/rcptcheck"
tcp_up Q '127.0.0.1:allow' "$QH/bin/qmail-qmtpd" || { ok 1 "tcpserver qmtpd"; done_testing; }
tcp_up P '127.0.0.1:allow' "$QH/bin/qmail-qmqpd" || { ok 1 "tcpserver qmqpd"; done_testing; }
K='^Kok [0-9]+ qp [0-9]+$'

# QMTP
printf 'Subject: q\\n\\nhello\\n|a@b.example|u@%s,v@elsewhere.net\n' $G | drive qmtp $Q_PORT > "$T/got"
grep -qE "$K" "$T/got" && [ "$(sed -n 1p "$T/got" | cut -c1)" = K ]
ok $? "QMTP: the local recipient is queued (Kok ... qp ...)"
is "$(sed -n 2p "$T/got")" "Dsorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)" "QMTP: rcpthosts"
M=$(last_mess)
sed -n 2,3p "$M" > "$T/rcvd"
grep -qx "Received: from unknown (127.0.0.1)" "$T/rcvd" &&
    grep -qE '^  by test\.example\.org with QMTP; [0-9]+ [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} -0000$' "$T/rcvd"
ok $? "QMTP Received line"
is "$(sed -n '4,$p' "$M")" "$(printf 'Subject: q\n\nhello')" "QMTP message stored as sent"
is "$(last_env | grep '^[FT]' | tr '\n' ' ')" "Fa@b.example Tu@$G " "QMTP envelope"

printf 'CR:Subject: cr\\n\\nline\\nbare\rcr\\n|a@b|u@%s\nsecond\\n|c@d|u@%s\n' $G $G | drive qmtp $Q_PORT > "$T/got"
is "$(grep -cE "$K" "$T/got")" 2 "two messages on one connection, both queued"
grep -q "^line$" "$QH"/queue/mess/*/* && grep -q "$(printf '^bare\rcr$')" "$QH"/queue/mess/*/*
ok $? "CRLF form: CRLF becomes LF, a lone CR stays"

LONG=$(head -c 1000 /dev/zero | tr '\0' s)
printf 'x\\n|%s|u@%s,w@%s\n' "$LONG" $G $G | drive qmtp $Q_PORT > "$T/got"
is "$(sort -u "$T/got")" "Dunacceptable sender (#5.1.7)" "QMTP: a 1000-byte sender fails every recipient"
printf 'x\\n|a@b|%s@%s,u@%s\n' "$LONG" $G $G | drive qmtp $Q_PORT > "$T/got"
is "$(sed -n 1p "$T/got")" "Dsorry, I can't handle that recipient (#5.1.3)" "QMTP: a 1000-byte recipient"
sed -n 2p "$T/got" | grep -qE "$K"
ok $? "QMTP: the good recipient of that message is queued"

echo 5 > "$QH/control/databytes"
printf '12345\\n|a@b|u@%s\n1234\\n|a@b|u@%s\n' $G $G | drive qmtp $Q_PORT > "$T/got"
is "$(sed -n 1p "$T/got")" "Dsorry, that message size exceeds my databytes limit (#5.3.4)" "QMTP: 6 bytes over databytes 5"
sed -n 2p "$T/got" | grep -qE "$K"
ok $? "QMTP: 5 bytes pass databytes 5"
# in the CRLF form a lone CR is stored, and counted, like any byte
printf 'CR:ab\r\r\r\r|a@b|u@%s\nCR:ab\r\r\r|a@b|u@%s\nCR:a\r\r\r\r\r\r\r\r\r\r\r\r|a@b|u@%s\n' $G $G $G |
    drive qmtp $Q_PORT > "$T/got"
is "$(sed -n 1p "$T/got")" "Dsorry, that message size exceeds my databytes limit (#5.3.4)" "QMTP CRLF form: 2 bytes and 4 lone CRs are over databytes 5"
sed -n 2p "$T/got" | grep -qE "$K"
ok $? "QMTP CRLF form: 2 bytes and 3 lone CRs pass databytes 5"
is "$(sed -n 3p "$T/got")" "Dsorry, that message size exceeds my databytes limit (#5.3.4)" "QMTP CRLF form: a message ending in lone CRs is over databytes too"
rm "$QH/control/databytes"

tcp_down Q
tcp_up Q '127.0.0.1:allow,RELAYCLIENT="@relay.example"' "$QH/bin/qmail-qmtpd" || ok 1 "tcpserver qmtpd"
printf 'x\\n|a@b|joe\n' | drive qmtp $Q_PORT | grep -qE "$K"
ok $? "QMTP with RELAYCLIENT: any recipient"
is "$(last_env | grep '^T')" "Tjoe@relay.example" "QMTP: RELAYCLIENT appended"

# the recipient check, through qmail-verify, answers per recipient too
tcp_down Q
rm "$QH/control/rcptcheck"
echo $G > "$QH/control/locals"
tcp_up Q '127.0.0.1:allow' "$QH/bin/qmail-qmtpd" || ok 1 "tcpserver qmtpd"
verify_up
printf 'x\\n|a@b|qmtnosuchuser@%s,@%s\n' $G $G | drive qmtp $Q_PORT > "$T/got"
is "$(sed -n 1p "$T/got")" "Dsorry, no mailbox here by that name (#5.1.1)" "QMTP: unknown local recipient refused"
sed -n 2p "$T/got" | grep -qE "$K"
ok $? "QMTP: the trash address @$G is taken"
verify_down
echo 0 > "$QH/control/rcptcheck"

n0=$(queue_count todo)
printf '5:\nabc,1:a,0:,' > "$T/frame" # a short message length: framing error
python3 -c "
import socket,sys
s=socket.create_connection(('127.0.0.1',$Q_PORT)); s.sendall(open('$T/frame','rb').read())
print(repr(s.recv(100)))" > "$T/got"
is "$(cat "$T/got")" "b''" "QMTP framing error: the connection is closed without an answer"
printf '3:xab,1:a,4:1:b,,' > "$T/frame" # first byte neither LF nor CR
python3 -c "
import socket,sys
s=socket.create_connection(('127.0.0.1',$Q_PORT)); s.sendall(open('$T/frame','rb').read())
print(repr(s.recv(100)))" > "$T/got"
is "$(cat "$T/got")" "b''" "QMTP: a bad line-ending byte ends the session"
is "$(queue_count todo)" "$n0" "QMTP framing errors queue nothing"

# QMQP server
printf 'Subject: qmqp\n\nhi\n' | drive qmqp $P_PORT s@a.example r1@anywhere.net r2@x.org > "$T/got"
grep -qE '^[0-9]+:Kok [0-9]+ qp [0-9]+,$' "$T/got"
ok $? "QMQP: queued, any recipient (no rcpthosts)"
is "$(last_env | grep '^[FT]' | tr '\n' ' ')" "Fs@a.example Tr1@anywhere.net Tr2@x.org " "QMQP envelope"
grep -qE '^  by test\.example\.org with QMQP; ' "$(last_mess)"
ok $? "QMQP Received line"
printf 'x\n' | drive qmqp $P_PORT s@a "$LONG@x" > "$T/got"
is "$(cat "$T/got")" "51:Dsorry, I can't accept addresses like that (#5.1.3)," "QMQP: a 1000-byte recipient"

# the null client, in a network namespace of its own (port 628)
if command -v ip >/dev/null && unshare -n true 2>/dev/null; then
    echo 127.0.0.1 > "$QH/control/qmqpservers"
    cat > "$T/nullclient.sh" <<EOF
ip link set lo up
tcpserver -R -H -l nullclient.example 127.0.0.1 628 "$QH/bin/qmail-qmqpd" 2>"$T/ns.log" &
tp=\$!
i=0; while [ \$i -lt 100 ] && ! grep -q . "$T/ns.log" 2>/dev/null; do
    python3 -c "import socket; socket.create_connection(('127.0.0.1',628)).close()" 2>/dev/null && break
    i=\$((i+1)); sleep 0.05
done
printf 'To: r@somewhere.example\nSubject: null client\n\nvia qmqp\n' |
    QMAILQUEUE="$QH/bin/qmail-qmqpc" "$QH/bin/qmail-inject" -f s@nullclient.example
echo "inject=\$?"
kill \$tp; wait \$tp 2>/dev/null
printf 'x\n' | QMAILQUEUE="$QH/bin/qmail-qmqpc" "$QH/bin/qmail-inject" r@x 2>&1
echo "down=\$?"
EOF
    unshare -n sh "$T/nullclient.sh" > "$T/got" 2>&1
    is "$(grep '^inject=' "$T/got")" "inject=0" "qmail-inject through qmail-qmqpc to qmail-qmqpd"
    grep -q "^Subject: null client" "$(last_mess)" && grep -q 'with QMQP' "$(last_mess)"
    ok $? "the null client's message is in the server's queue"
    is "$(last_env | grep '^T')" "Tr@somewhere.example" "its recipient"
    grep -q 'connection to mail server rejected (#4.4.1)' "$T/got" && grep -q '^down=111' "$T/got"
    ok $? "server down: qmail-qmqpc exits 73 (temporary)"
    rm "$QH/control/qmqpservers"
    printf 'x\n' | QMAILQUEUE="$QH/bin/qmail-qmqpc" "$QH/bin/qmail-inject" r@x > "$T/got" 2>&1
    grep -q 'qq unable to read configuration (#4.3.0)' "$T/got"
    ok $? "no control/qmqpservers: exit 55"
else
    ok 0 "# SKIP no network namespaces here (unshare -n, ip)"
fi

# qmail-qmqpc's envelope checks, without a server
echo 127.0.0.1 > "$QH/control/qmqpservers"
qc() { printf 'msg\n' | "$QH/bin/qmail-qmqpc" 1<"$T/env"; echo $?; }
printf 'Xa\0\0' > "$T/env"
is "$(qc)" 91 "qmail-qmqpc: envelope not starting with F: 91"
printf 'Fa\0Tb' > "$T/env"
is "$(qc)" 91 "qmail-qmqpc: envelope cut short: 91"
done_testing
