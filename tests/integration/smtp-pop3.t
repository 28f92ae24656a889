#!/bin/sh
# qmail-popup and qmail-pop3d under the real tcpserver with checkpw
# (Debian's checkpassword): the authorization replies, then every
# transaction command byte for byte (STAT LIST UIDL RETR TOP DELE LAST
# RSET NOOP QUIT and the message-number errors), dot-stuffing and CRLF,
# QUIT's unlinking and its move from new/ to cur/, and the refusals;
# then the failures: one reply for a maildir that is missing or cannot
# be scanned, a last line without LF, a message that cannot be opened
# or read, a deleted message that cannot be removed.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
. "$(dirname "$0")/smtp-lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root to create a mailbox user"
for p in tcpserver tcprules python3 setpriv checkpw; do
    command -v $p >/dev/null || skip_all "needs $p"
done

inst_fresh
trap 'tcp_down POP' EXIT
mkuser qmtpop && as_user qmtpop sh -c "cd && '$QH/bin/maildirmake' Maildir" || { ok 1 "user"; done_testing; }
MD=$T/homes/qmtpop/Maildir
echo sesame > "$MD/.password"; chown qmtpop "$MD/.password"; chmod 600 "$MD/.password"
printf 'Subject: one\n\n.dot\nplain\n' > "$MD/new/1000000001.a.host"
printf 'Subject: two\n\nl1\nl2\nl3\n' > "$MD/cur/1000000002.b.host:2,S"
touch -d @1000000001 "$MD/new/1000000001.a.host"
touch -d @1000000002 "$MD/cur/1000000002.b.host:2,S"
chown qmtpop "$MD"/new/* "$MD"/cur/*
tcp_up POP '127.0.0.1:allow' "$QH/bin/qmail-popup" pop.example checkpw "$QH/bin/qmail-pop3d" Maildir ||
    { ok 1 "tcpserver"; done_testing; }

"$QH/bin/qmail-popup" > "$T/got"
is "$?:$(tr -d '\r' < "$T/got")" "1:-ERR usage: popup hostname subprogram" "qmail-popup without arguments"

printf 'NOOP\nPASS x\nUSER\nSTAT\nAPOP joe\nUSER qmtpop\nPASS wrong\n' | drive pop $POP_PORT | tr -d '\r' > "$T/got"
grep -qE '^\+OK <[0-9]+\.[0-9]+@pop\.example>$' "$T/got"
ok $? "greeting with the APOP timestamp <pid.time@host>"
is "$(sed -n '2,$p' "$T/got" | tr '\n' '|')" \
    "+OK |-ERR USER first|-ERR syntax error|-ERR authorization first|-ERR syntax error|+OK |-ERR authorization failed|" \
    "authorization replies; a wrong password ends the session"

cat > "$T/cmds" <<'EOF2'
USER qmtpop
PASS sesame
STAT
LIST
UIDL
LIST 2
UIDL 1
RETR 1
TOP 2 1
RETR 0
RETR 3
RETR x
DELE 1
DELE 1
RETR 1
STAT
LAST
RSET
LAST
DELE 2
XTND
NOOP
QUIT
EOF2
drive pop $POP_PORT < "$T/cmds" > "$T/got"
sed 1d "$T/got" > "$T/got1"
printf '%s\r\n' '+OK ' '+OK ' '+OK 2 48' '+OK ' '1 25' '2 23' '.' '+OK ' '1 1000000001.a.host' '2 1000000002.b.host' '.' \
    '+OK 2 23' '+OK 1 1000000001.a.host' '+OK ' 'Subject: one' '' '..dot' 'plain' '' '.' \
    '+OK ' 'Subject: two' '' 'l1' '' '.' \
    '-ERR messages are counted from 1' '-ERR not that many messages' '-ERR syntax error' \
    '+OK ' '-ERR already deleted' '-ERR already deleted' '+OK 2 23' '+OK 1' '+OK ' '+OK 0' '+OK ' \
    '-ERR unimplemented' '+OK ' '+OK ' > "$T/exp"
if cmp -s "$T/got1" "$T/exp"; then ok 0 "the whole transaction, byte for byte"; else
    ok 1 "the whole transaction, byte for byte"; diff "$T/exp" "$T/got1" | cat -A | sed 's/^/#   /' | head -20; fi
is "$(cd "$MD" && find new cur -type f | sort | tr '\n' ' ')" "cur/1000000001.a.host:2, " \
    "QUIT: message 2 unlinked, message 1 moved from new/ to cur/ with :2,"

# one reply per failure: after its own -ERR, qmail-pop3d exits 0, so
# qmail-popup adds no "-ERR authorization failed"
chmod 000 "$MD/cur"
printf 'USER qmtpop\nPASS sesame\n' | drive pop $POP_PORT | tr -d '\r' > "$T/got"
chmod 700 "$MD/cur"
is "$(sed 1d "$T/got" | tr '\n' '|')" "+OK |-ERR unable to scan \$HOME/Maildir|" \
    "unscannable maildir: one -ERR, no second reply from qmail-popup"
printf '#!/bin/sh\ncat <&3 >/dev/null\nexec "$@"\n' > "$T/fakecp"; chmod 755 "$T/fakecp"
( cd "$T/homes/qmtpop" && printf 'USER a\r\nPASS b\r\n' |
    "$QH/bin/qmail-popup" pop.example "$T/fakecp" setpriv --reuid=qmtpop \
    --regid="$(id -g qmtpop)" --clear-groups "$QH/bin/qmail-pop3d" NoSuchDir ) > "$T/got"
is "$(sed 1d "$T/got" | tr -d '\r' | tr '\n' '|')" "+OK |-ERR this user has no \$HOME/Maildir|" \
    "no maildir: one -ERR, no second reply from qmail-popup"

# RETR and TOP of a last line without LF: it gets its CRLF, then the
# empty line and the dot; a message that cannot be opened is refused
printf 'Subject: three\n\nbody\n.lastpartial' > "$MD/cur/1000000003.c.host:2,"
mkdir "$MD/cur/1000000004.d.host:2,"
: > "$MD/cur/1000000005.e.host:2,"
chown qmtpop "$MD"/cur/*
chown root "$MD/cur/1000000005.e.host:2,"
chmod 000 "$MD/cur/1000000005.e.host:2,"
for n in 3 4 5; do touch -d @100000000$n "$MD"/cur/100000000$n.*; done
printf 'USER qmtpop\nPASS sesame\nRETR 2\nTOP 2 1\nTOP 2 9\nRETR 4\nQUIT\n' |
    drive pop $POP_PORT | sed 1d > "$T/got"
printf '%s\r\n' '+OK ' '+OK ' \
    '+OK ' 'Subject: three' '' 'body' '..lastpartial' '' '.' \
    '+OK ' 'Subject: three' '' 'body' '' '.' \
    '+OK ' 'Subject: three' '' 'body' '..lastpartial' '' '.' \
    '-ERR unable to open that message' '+OK ' > "$T/exp"
if cmp -s "$T/got" "$T/exp"; then ok 0 "a last line without LF; an unopenable message"; else
    ok 1 "a last line without LF; an unopenable message"; diff "$T/exp" "$T/got" | cat -A | sed 's/^/#   /' | head -20; fi

# QUIT when a deleted message cannot be removed (here a directory):
# the -ERR line, then "+OK "
printf 'USER qmtpop\nPASS sesame\nDELE 3\nQUIT\n' | drive pop $POP_PORT | sed 1d | tr -d '\r' > "$T/got"
is "$(tr '\n' '|' < "$T/got")" "+OK |+OK |+OK |-ERR unable to unlink all deleted messages|+OK |" \
    "QUIT with a failed unlink: -ERR, then +OK"

# a message that cannot be read to its end is never ended by the dot
# line: the connection drops (so a client does not go on to DELE it)
printf 'USER qmtpop\nPASS sesame\nRETR 3\n' |
    drive pop $POP_PORT | sed 1d | tr -d '\r' > "$T/got"
case $(tr '\n' '|' < "$T/got") in
"+OK |+OK |" | "+OK |+OK |+OK |") ok 0 "read error in RETR: the connection drops" ;;
*) ok 1 "read error in RETR: the connection drops"; sed 's/^/#   /' "$T/got" ;;
esac

# the refusals of qmail-pop3d itself
( cd "$T/homes/qmtpop" && "$QH/bin/qmail-pop3d" Maildir </dev/null >/dev/null 2>"$T/err" ); st=$?
is "$st:$(cat "$T/err")" "1:qmail-pop3d invoked as uid 0, terminating" "qmail-pop3d refuses uid 0"
( cd /tmp && as_user qmtpop "$QH/bin/qmail-pop3d" NoSuchDir </dev/null > "$T/got" 2>&1 ); st=$?
is "$st:$(tr -d '\r' < "$T/got")" "0:-ERR this user has no \$HOME/Maildir" "no maildir"
done_testing
