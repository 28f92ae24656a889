#!/bin/sh
# qmail-smtpd under the real tcpserver: every reply of the spec's table,
# byte for byte, pipelined and step by step, with swaks and smtplib;
# relaying only with RELAYCLIENT (tcprules), rcpthosts and
# morercpthosts.cdb (qmail-newmrh), badmailfrom, databytes and SIZE,
# the hop limit, localiphost, dot-stuffing, the Received line, the
# qmail-queue exit codes as replies, the bare-LF rule and timeoutsmtpd.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
. "$(dirname "$0")/smtp-lib.sh"
for p in tcpserver tcprules swaks python3; do
    command -v $p >/dev/null || skip_all "needs $p"
done

inst_fresh
trap 'tcp_down S; tcp_down R' EXIT
echo test.example.org > "$QH/control/rcpthosts"
echo .sub.example.com >> "$QH/control/rcpthosts"
echo 0 > "$QH/control/rcptcheck" # this file tests the dialogue; see smtp-rcptcheck.t
G=test.example.org

# S: no relaying from 127.0.0.1; R: RELAYCLIENT from the rules
tcp_up S '127.0.0.1:allow' "$QH/bin/qmail-smtpd" || { ok 1 "tcpserver S"; done_testing; }
tcp_up R '127.0.0.1:allow,RELAYCLIENT=""' "$QH/bin/qmail-smtpd" || { ok 1 "tcpserver R"; done_testing; }

talk() { # talk NAME PORT INPUT EXPECTED: pipelined session, exact bytes
    crlf "$3" | drive chat "$2" > "$T/got"
    crlf "$4" > "$T/exp"
    if cmp -s "$T/got" "$T/exp"; then ok 0 "$1"; else
        ok 1 "$1"; diff "$T/exp" "$T/got" | sed 's/^/#   /' | cat -A | head -20; fi
}

talk "greeting, HELO, QUIT" $S_PORT 'HELO client\nQUIT\n' \
    "220 $G ESMTP\n250 $G\n221 $G\n"
talk "EHLO: PIPELINING, 8BITMIME, SIZE" $S_PORT 'EHLO client\nQUIT\n' \
    "220 $G ESMTP\n250-$G\n250-PIPELINING\n250-8BITMIME\n250 SIZE\n221 $G\n"
talk "RSET NOOP VRFY HELP" $S_PORT 'RSET\nNOOP\nVRFY joe\nHELP\nQUIT\n' \
    "220 $G ESMTP\n250 flushed\n250 ok\n252 send some mail, i'll try my best\n214 netqmail home page: http://qmail.org/netqmail\n221 $G\n"
talk "unimplemented verbs, empty line, case" $S_PORT 'EXPN x\nAUTH PLAIN\nSTARTTLS\nETRN x\nTURN\n\nhelo x\nnOoP\nQuit\n' \
    "220 $G ESMTP\n502 unimplemented (#5.5.1)\n502 unimplemented (#5.5.1)\n502 unimplemented (#5.5.1)\n502 unimplemented (#5.5.1)\n502 unimplemented (#5.5.1)\n502 unimplemented (#5.5.1)\n250 $G\n250 ok\n221 $G\n"
talk "TAB is no separator" $S_PORT 'NOOP\tx\nQUIT\n' \
    "220 $G ESMTP\n502 unimplemented (#5.5.1)\n221 $G\n"
talk "sequence: RCPT and DATA need MAIL, DATA needs RCPT" $S_PORT \
    'RCPT TO:<u@test.example.org>\nDATA\nMAIL FROM:<a@b>\nDATA\nRCPT TO:<u@test.example.org>\nRSET\nDATA\nQUIT\n' \
    "220 $G ESMTP\n503 MAIL first (#5.5.1)\n503 MAIL first (#5.5.1)\n250 ok\n503 RCPT first (#5.5.1)\n250 ok\n250 flushed\n503 MAIL first (#5.5.1)\n221 $G\n"
talk "HELO resets the transaction" $S_PORT 'MAIL FROM:<a@b>\nHELO x\nRCPT TO:<u@test.example.org>\nQUIT\n' \
    "220 $G ESMTP\n250 ok\n250 $G\n503 MAIL first (#5.5.1)\n221 $G\n"

# address syntax: 899 bytes pass, 900 do not
A899=$(head -c 882 /dev/zero | tr '\0' a)@test.example.org
A900=b$A899
talk "addresses: 899 bytes ok, 900 syntax error" $S_PORT \
    "MAIL FROM:<$A900>\nMAIL FROM:<$A899>\nRCPT TO:<$A900>\nRCPT TO:<$A899>\nQUIT\n" \
    "220 $G ESMTP\n555 syntax error (#5.5.4)\n250 ok\n555 syntax error (#5.5.4)\n250 ok\n221 $G\n"

# rcpthosts and relaying
talk "rcpthosts: exact host, .suffix, refusal" $S_PORT \
    'MAIL FROM:<a@b>\nRCPT TO:<u@test.example.org>\nRCPT TO:<u@TEST.Example.ORG>\nRCPT TO:<u@a.sub.example.com>\nRCPT TO:<u@sub.example.com>\nRCPT TO:<u@elsewhere.net>\nRCPT TO:<nobody>\nQUIT\n' \
    "220 $G ESMTP\n250 ok\n250 ok\n250 ok\n250 ok\n553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)\n553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)\n250 ok\n221 $G\n"
talk "RELAYCLIENT from tcp rules: relaying allowed" $R_PORT \
    'MAIL FROM:<a@b>\nRCPT TO:<u@elsewhere.net>\nQUIT\n' \
    "220 $G ESMTP\n250 ok\n250 ok\n221 $G\n"
printf 'Other.Example\n# comment\n\n.more.example\n' > "$QH/control/morercpthosts"
"$QH/bin/qmail-newmrh"
ok $? "qmail-newmrh compiles morercpthosts"
talk "morercpthosts.cdb is consulted" $S_PORT \
    'MAIL FROM:<a@b>\nRCPT TO:<u@other.example>\nRCPT TO:<u@x.more.example>\nRCPT TO:<u@more.example>\nQUIT\n' \
    "220 $G ESMTP\n250 ok\n250 ok\n250 ok\n553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)\n221 $G\n"
rm "$QH/control/morercpthosts"
"$QH/bin/qmail-newmrh" 2>"$T/mrh.err"
is "$?:$(cat "$T/mrh.err")" "111:qmail-newmrh: fatal: unable to read control/morercpthosts: No such file or directory" \
    "qmail-newmrh without its source: 111 and the message"

# badmailfrom: MAIL gets 250, every RCPT 553
printf 'spammer@bad.example\n@worse.example\n' > "$QH/control/badmailfrom"
talk "badmailfrom: address and @domain" $S_PORT \
    'MAIL FROM:<Spammer@BAD.example>\nRCPT TO:<u@test.example.org>\nMAIL FROM:<x@worse.example>\nRCPT TO:<u@test.example.org>\nMAIL FROM:<>\nRCPT TO:<u@test.example.org>\nQUIT\n' \
    "220 $G ESMTP\n250 ok\n553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)\n250 ok\n553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)\n250 ok\n250 ok\n221 $G\n"
rm "$QH/control/badmailfrom"

# a whole message: dot-stuffing, CRLF to LF, the Received line
rm -f "$QH"/queue/todo/*
crlf 'HELO client.example\nMAIL FROM:<sender@a.example> BODY=8BITMIME\nRCPT TO:<u@test.example.org>\nDATA\nSubject: dots\n\n..leading\n.\nQUIT\n' |
    drive chat $S_PORT | tr -d '\r' > "$T/got"
grep -q '^250 ok [0-9]* qp [0-9]*$' "$T/got"
ok $? "message accepted: 250 ok <time> qp <pid>"
M=$(last_mess)
sed -n 2,3p "$M" > "$T/rcvd"
grep -qx "Received: from unknown (HELO client.example) (127.0.0.1)" "$T/rcvd" &&
    grep -qE '^  by test\.example\.org with SMTP; [1-9][0-9]? [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} -0000$' "$T/rcvd"
ok $? "Received line of spec 0.6"
is "$(sed -n '4,$p' "$M" | od -An -c | tr -s ' ')" "$(printf 'Subject: dots\n\n.leading\n' | od -An -c | tr -s ' ')" \
    "body: CRLF became LF, leading dot unstuffed"
is "$(last_env | grep '^[FT]' | tr '\n' ' ')" "Fsender@a.example Tu@test.example.org " "envelope"

# RELAYCLIENT's value is appended to every recipient
tcp_down R
tcp_up R '127.0.0.1:allow,RELAYCLIENT="@relay.example"' "$QH/bin/qmail-smtpd" || ok 1 "tcpserver R"
rm -f "$QH"/queue/todo/*
crlf 'MAIL FROM:<a@b>\nRCPT TO:<joe>\nDATA\nhi\n.\nQUIT\n' | drive chat $R_PORT > /dev/null
is "$(last_env | grep '^T')" "Tjoe@relay.example" "RELAYCLIENT is appended to the recipient"

# localiphost: [127.0.0.1] is one of ours
echo local.example > "$QH/control/localiphost"
rm -f "$QH"/queue/todo/*
crlf 'MAIL FROM:<a@[127.0.0.1]>\nRCPT TO:<joe@[127.0.0.1]>\nRCPT TO:<joe@[192.0.2.1]>\nDATA\nhi\n.\nQUIT\n' | drive chat $R_PORT > /dev/null
is "$(last_env | grep '^[FT]' | tr '\n' ' ')" "Fa@local.example Tjoe@local.example@relay.example Tjoe@[192.0.2.1]@relay.example " \
    "localiphost replaces our own literal, not others"
rm -f "$QH"/queue/todo/*
crlf 'MAIL FROM:<a@[IPv6:::]>\nRCPT TO:<joe@[0.0.0.0]>\nRCPT TO:<joe@[IPv6:2001:db8::1]>\nDATA\nhi\n.\nQUIT\n' | drive chat $R_PORT > /dev/null
is "$(last_env | grep '^[FT]' | tr '\n' ' ')" "Fa@local.example Tjoe@local.example@relay.example Tjoe@[IPv6:2001:db8::1]@relay.example " \
    "localiphost: 0.0.0.0 and :: count as ours, IPv6 literals too"
rm "$QH/control/localiphost"

# the hop limit: 100 Received/Delivered-To lines are a loop, 99 are not
hops() { # hops N: a DATA session with N hop lines (half each kind)
    i=0; : > "$T/hops"
    while [ $i -lt "$1" ]; do
        if [ $((i % 2)) = 0 ]; then echo "Received: from x by y"; else echo "DELIVERED-TO: z"; fi >> "$T/hops"
        i=$((i + 1))
    done
    { printf 'MAIL FROM:<a@b>\nRCPT TO:<u@test.example.org>\nDATA\n'; cat "$T/hops"; printf '\nReceived: in the body\n.\nQUIT\n'; } |
        sed 's/$/\r/' | drive chat $S_PORT | tr -d '\r' | sed -n 5p
}
is "$(hops 100)" "554 too many hops, this message is looping (#5.4.6)" "100 hops: 554"
is "$(hops 99 | cut -c1-7)" "250 ok " "99 hops (and more in the body): accepted"

# databytes, from the control file and from DATABYTES
echo 20 > "$QH/control/databytes"
talk "EHLO advertises SIZE databytes; MAIL SIZE= over it is refused" $S_PORT \
    'EHLO x\nMAIL FROM:<a@b> SIZE=21\nRCPT TO:<u@test.example.org>\nMAIL FROM:<a@b> size=20\nQUIT\n' \
    "220 $G ESMTP\n250-$G\n250-PIPELINING\n250-8BITMIME\n250 SIZE 20\n552 sorry, that message size exceeds my databytes limit (#5.3.4)\n503 MAIL first (#5.5.1)\n250 ok\n221 $G\n"
crlf 'MAIL FROM:<a@b>\nRCPT TO:<u@test.example.org>\nDATA\n0123456789\n01234567\n.\nQUIT\n' | drive chat $S_PORT | tr -d '\r' | sed -n 5p > "$T/got"
grep -q '^250 ok [0-9]* qp [0-9]*$' "$T/got"
ok $? "20 stored bytes pass databytes 20"
crlf 'MAIL FROM:<a@b>\nRCPT TO:<u@test.example.org>\nDATA\n0123456789\n0123456789\n.\nQUIT\n' | drive chat $S_PORT | tr -d '\r' | sed -n 5p > "$T/got"
is "$(cat "$T/got")" "552 sorry, that message size exceeds my databytes limit (#5.3.4)" "21 stored bytes: 552"
tcp_down R
tcp_up R '127.0.0.1:allow,DATABYTES="0"' "$QH/bin/qmail-smtpd" || ok 1 "tcpserver R"
crlf 'EHLO x\nMAIL FROM:<a@b>\nRCPT TO:<u@test.example.org>\nDATA\n0123456789\n0123456789\n.\nQUIT\n' | drive chat $R_PORT | tr -d '\r' > "$T/got"
grep -qx '250 SIZE' "$T/got" && sed -n 9p "$T/got" | grep -q '^250 ok '
ok $? "DATABYTES=0 from the rules overrides control/databytes"
rm "$QH/control/databytes"

# qmail-queue's exit status becomes the reply (QMAILQUEUE from the rules)
cat > "$T/fakeqq" <<EOF
#!/bin/sh
cat >/dev/null; cat <&1 >/dev/null 2>&1
code=\$(cat "$T/qqcode")
[ "\$code" = crash ] && kill -KILL \$\$
[ "\$code" = 82 ] && printf 'Dsorry, the filter said no (#5.7.0)' >&6
[ "\$code" = 82n ] && printf 'Dsorry, no (#5.7.0)\\r\\n250 injected\\n' >&6 && exit 82
exit \$code
EOF
chmod 755 "$T/fakeqq"
tcp_down R
tcp_up R "127.0.0.1:allow,QMAILQUEUE=\"$T/fakeqq\"" "$QH/bin/qmail-smtpd" || ok 1 "tcpserver R"
qqreply() {
    echo "$1" > "$T/qqcode"
    crlf 'MAIL FROM:<a@b>\nRCPT TO:<u@test.example.org>\nDATA\nhi\n.\nQUIT\n' | drive chat $R_PORT | tr -d '\r' | sed -n 5p
}
is "$(qqreply 11)" "554 envelope address too long for qq (#5.1.3)" "qq 11"
is "$(qqreply 31)" "554 mail server permanently rejected message (#5.3.0)" "qq 31"
is "$(qqreply 51)" "451 qq out of memory (#4.3.0)" "qq 51"
is "$(qqreply 53)" "451 qq write error or disk full (#4.3.0)" "qq 53"
is "$(qqreply 71)" "451 mail server temporarily rejected message (#4.3.0)" "qq 71"
is "$(qqreply 81)" "451 qq internal bug (#4.3.0)" "qq 81"
is "$(qqreply 20)" "554 qq permanent problem (#5.3.0)" "qq 20: other 11-40"
is "$(qqreply 99)" "451 qq temporary problem (#4.3.0)" "qq 99: anything else"
is "$(qqreply 82)" "554 sorry, the filter said no (#5.7.0)" "qq 82 with a text on fd 6"
is "$(qqreply crash)" "451 qq crashed (#4.3.0)" "qq killed by a signal"
echo 82n > "$T/qqcode"
crlf 'MAIL FROM:<a@b>\nRCPT TO:<u@test.example.org>\nDATA\nhi\n.\nQUIT\n' | drive chat $R_PORT | tr -d '\r' | sed -n '5,$p' > "$T/got82"
is "$(cat "$T/got82")" "$(printf '554 sorry, no (#5.7.0)\n221 test.example.org')" \
    "qq 82: the text's first line only, no line of its own for the client"
tcp_down R
tcp_up R "127.0.0.1:allow,QMAILQUEUE=\"$T/nonexistent\"" "$QH/bin/qmail-smtpd" || ok 1 "tcpserver R"
is "$(qqreply 0)" "451 unable to exec qq (#4.3.0)" "qq cannot be run"

# the bare-LF rule: 451 and the connection ends; nothing is queued
n0=$(queue_count todo)
printf 'MAIL FROM:<a@b>\r\nRCPT TO:<u@test.example.org>\r\nDATA\r\nline one\nline two\r\n.\r\nNOOP\r\n' | drive chat $S_PORT | tr -d '\r' > "$T/got"
is "$(tail -1 "$T/got")" "451 See https://cr.yp.to/docs/smtplf.html." "bare LF in DATA: 451, then the session ends"
is "$(queue_count todo)" "$n0" "bare LF: nothing queued"
printf 'NOOP\nQUIT\n' | drive chat $S_PORT > "$T/got"
crlf "220 $G ESMTP\n250 ok\n221 $G\n" > "$T/exp"
cmp -s "$T/got" "$T/exp"
ok $? "bare-LF command lines are taken; replies still end in CRLF"

# step by step (not pipelined) gives the same replies
crlf 'EHLO x\nMAIL FROM:<a@b>\nRCPT TO:<u@test.example.org>\nDATA\nSubject: step\n\nhi\n.\nQUIT\n' | drive step $S_PORT | tr -d '\r' > "$T/got"
sed -n '6,8p' "$T/got" | tr '\n' '|' | grep -q '^250 ok|250 ok|354 go ahead|$' && sed -n 9p "$T/got" | grep -q '^250 ok [0-9]* qp [0-9]*$'
ok $? "step-by-step session"

# swaks and smtplib, pipelined and not
swaks --server 127.0.0.1:$S_PORT --to u@test.example.org --from a@b.example --pipeline > "$T/swaks" 2>&1
ok $? "swaks --pipeline delivers"
grep -q '<-  250 ok [0-9]* qp' "$T/swaks"
ok $? "swaks saw 250 ok ... qp"
swaks --server 127.0.0.1:$S_PORT --to u@elsewhere.net --from a@b.example > "$T/swaks" 2>&1
grep -q "<\*\* 553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)" "$T/swaks"
ok $? "swaks: relaying refused without RELAYCLIENT"
is "$(drive smtplib $S_PORT a@b.example u@test.example.org,v@elsewhere.net pipelined)" \
    "refused: [('v@elsewhere.net', (553, b\"sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)\"))]" \
    "smtplib with EHLO (pipelining offered): one refused"
is "$(drive smtplib $S_PORT a@b.example u@test.example.org plain)" "refused: []" "smtplib with HELO"
grep -q '^\.leading dot$' "$(last_mess)"
ok $? "smtplib's dot-stuffed line arrives unstuffed"

# smtpgreeting, and controls that cannot be read
echo "mx.example.net at your service" > "$QH/control/smtpgreeting"
talk "smtpgreeting" $S_PORT 'EHLO x\nQUIT\n' \
    "220 mx.example.net at your service ESMTP\n250-mx.example.net at your service\n250-PIPELINING\n250-8BITMIME\n250 SIZE\n221 mx.example.net at your service\n"
rm "$QH/control/smtpgreeting"
mkdir "$QH/control/badmailfrom"
talk "an unreadable control file: 421" $S_PORT '' "421 unable to read controls (#4.3.0)\n"
rmdir "$QH/control/badmailfrom"
# control/me is read even when smtpgreeting and localiphost make it
# unneeded: it cannot be read, so the controls cannot be trusted
echo "mx.example.net" > "$QH/control/smtpgreeting"
echo mx.example.net > "$QH/control/localiphost"
mv "$QH/control/me" "$T/me.saved"
mkdir "$QH/control/me"
talk "control/me unreadable: 421" $S_PORT '' "421 unable to read controls (#4.3.0)\n"
rmdir "$QH/control/me"
mv "$T/me.saved" "$QH/control/me"
rm "$QH/control/smtpgreeting" "$QH/control/localiphost"

# timeoutsmtpd: a client that never speaks
echo 1 > "$QH/control/timeoutsmtpd"
is "$(drive idle $S_PORT | tr -d '\r' | tr '\n' '|')" "220 $G ESMTP|451 timeout (#4.4.2)|" "silent client: 451 timeout after timeoutsmtpd"
rm "$QH/control/timeoutsmtpd"
done_testing
