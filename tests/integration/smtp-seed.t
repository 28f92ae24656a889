#!/bin/sh
# The seed page's how-to, end to end over the network: fetchmail fetches
# the mailbox at "myisp.com" from our qmail-popup + checkpassword +
# qmail-pop3d and hands each message to our qmail-smtpd (--smtphost),
# which checks the recipients with qmail-verify; qmail-send then
# delivers through virtualdomains (myisp.com:alias-myisp) and
# ~alias/.qmail-myisp-family (john, jane) / .qmail-myisp-default (john).
# In this private instance every role account is the caller, so ~alias
# is given to qmail-lspawn as users/assign does on a real system
# (qmail-pw2u's "+alias-" and "+" lines) with the home QMAILHOME/alias.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
. "$(dirname "$0")/smtp-lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root to create the page's local users"
for p in tcpserver tcprules python3 setpriv fetchmail checkpw; do
    command -v $p >/dev/null || skip_all "needs $p (apt-get install fetchmail checkpw ucspi-tcp)"
done

inst_fresh
trap 'tcp_down POP; tcp_down SMTP; verify_down; mta_stop' EXIT
printf 'mypc.local\n' > "$QH/control/me"
printf 'localhost\nmypc.local\nmyisp.com\n' > "$QH/control/rcpthosts"
printf 'mypc.local\n' > "$QH/control/locals"
printf 'myisp.com:alias-myisp\n' > "$QH/control/virtualdomains"
for u in john jane qmtisp; do
    mkuser $u && as_user $u sh -c "cd && '$QH/bin/maildirmake' Maildir" ||
        { ok 1 "user $u"; done_testing; }
done
{
    for u in john jane; do
        h=$T/homes/$u uid=$(id -u $u) gid=$(id -g $u)
        echo "=$u:$u:$uid:$gid:$h:::"
        echo "+$u-:$u:$uid:$gid:$h:-::"
    done
    echo "+alias-:$ME:$(id -u):$(id -g):$QH/alias:-::"
    echo "+:$ME:$(id -u):$(id -g):$QH/alias:-::"
    echo .
} > "$QH/users/assign"
"$QH/bin/qmail-newu"
ok $? "users/assign compiled"
printf 'john\njane\n' > "$QH/alias/.qmail-myisp-family"
printf 'john\n' > "$QH/alias/.qmail-myisp-default"

# the mailbox at the ISP: two messages and the POP password
ISP=$T/homes/qmtisp/Maildir
for to in family any; do
    printf 'Delivered-To: %s@myisp.com\nFrom: friend@far.example\nTo: %s@myisp.com\nSubject: to %s\n\nhello %s\n.a line with a dot\n' \
        $to $to $to $to > "$ISP/new/$(date +%s).$to.isp"
done
chown qmtisp "$ISP"/new/*
echo secret > "$ISP/.password"
chmod 600 "$ISP/.password"; chown qmtisp "$ISP/.password"
# messages must be older than the current second to be listed
wait_for 5 sh -c "[ \$(date +%s) -gt $(stat -c %Y "$ISP"/new/* | sort -n | tail -1) ]"

mta_start ./Maildir/ || { ok 1 "the MTA starts"; done_testing; }
verify_up
ok $? "qmail-verify runs"
tcp_up SMTP '127.0.0.1:allow' "$QH/bin/qmail-smtpd" || { ok 1 "smtp"; done_testing; }
tcp_up POP '127.0.0.1:allow' "$QH/bin/qmail-popup" mypc.local checkpw "$QH/bin/qmail-pop3d" Maildir ||
    { ok 1 "pop3"; done_testing; }

cat > "$T/fetchmailrc" <<EOF
set no syslog
poll 127.0.0.1 with proto POP3 port $POP_PORT auth password
    envelope "Delivered-To"
    localdomains myisp.com
    user "qmtisp" there with password "secret" is * here
    sslproto ""
    smtphost 127.0.0.1/$SMTP_PORT
    smtpaddress myisp.com
EOF
chmod 600 "$T/fetchmailrc"
HOME=$T fetchmail -v -f "$T/fetchmailrc" -i "$T/fetchids" --pidfile "$T/fetchmail.pid" > "$T/fetchmail.log" 2>&1
ok $? "fetchmail fetches the ISP mailbox and forwards it (exit 0)"
grep -q 'RCPT TO:<family@myisp.com>' "$T/fetchmail.log" && grep -q 'SMTP< 250 ok' "$T/fetchmail.log"
ok $? "fetchmail sent RCPT TO:<family@myisp.com> to our qmail-smtpd"
is "$(find "$ISP/new" "$ISP/cur" -type f | wc -l)" 0 "the ISP mailbox is empty afterwards (DELE, QUIT)"

JM=$T/homes/john/Maildir JA=$T/homes/jane/Maildir
wait_for 30 sh -c "[ \$(find '$JM/new' '$JA/new' -type f | wc -l) -ge 3 ] && [ -z \"\$(ls '$QH'/queue/todo)\" ]"
is "$(maildir_grep "$JM" '^Subject: to family')" 1 "family@myisp.com reaches john"
is "$(maildir_grep "$JA" '^Subject: to family')" 1 "family@myisp.com reaches jane"
is "$(maildir_grep "$JM" '^Subject: to any')" 1 "any@myisp.com reaches john (.qmail-myisp-default)"
is "$(maildir_count "$JA")" 1 "jane has only the family message"
is "$(maildir_grep "$JM" '^\.a line with a dot$')" 2 "dot lines survive POP3 and SMTP unchanged"
is "$(maildir_grep "$JM" ' with SMTP; ')" 2 "the messages came in through qmail-smtpd"
grep -q "to local alias-myisp-family@myisp.com" "$T/send.log"
ok $? "log: virtualdomains made family@myisp.com alias-myisp-family@myisp.com"

# and with the page's setup, a stranger is refused during the dialogue
# only where no .qmail-myisp-default exists
rm "$QH/alias/.qmail-myisp-default"
crlf 'MAIL FROM:<a@b.example>\nRCPT TO:<stranger@myisp.com>\nRCPT TO:<family@myisp.com>\nQUIT\n' |
    drive chat $SMTP_PORT | tr -d '\r' | sed -n '3,4p' | tr '\n' '|' > "$T/got"
is "$(cat "$T/got")" "550 sorry, no mailbox here by that name (#5.1.1)|250 ok|" \
    "without .qmail-myisp-default: stranger@myisp.com gets 550 at RCPT"
wait_for 20 queue_empty
ok $? "queue empty"
done_testing
