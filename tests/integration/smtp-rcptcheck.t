#!/bin/sh
# The recipient check at RCPT time (design 6): qmail-smtpd asks
# qmail-verify, which answers as qmail-send + qmail-lspawn + qmail-local
# would: 550 for a local recipient that would bounce, 250 for one that
# exists through its account, a .qmail-ext file, .qmail-default,
# users/assign or virtualdomains + ~alias; changes count at once; the
# off switches (RCPTCHECK=0, VERIFY="", control/rcptcheck), Debian's
# VERIFY="DEFER", a missing qmail-verify, and SIGUSR1.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
. "$(dirname "$0")/smtp-lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root to create local users"
for p in tcpserver tcprules python3 setpriv; do
    command -v $p >/dev/null || skip_all "needs $p"
done

inst_fresh
trap 'tcp_down S; tcp_down V; verify_down' EXIT
G=test.example.org
echo $G > "$QH/control/locals"
printf '%s\n' $G myisp.com relayed.example > "$QH/control/rcpthosts"
echo myisp.com:alias-myisp > "$QH/control/virtualdomains"
for u in qmtrcj qmtrck; do mkuser $u || { ok 1 "mkuser $u"; done_testing; }; done
J=$T/homes/qmtrcj

tcp_up S '127.0.0.1:allow' "$QH/bin/qmail-smtpd" || { ok 1 "tcpserver"; done_testing; }
verify_up
ok $? "qmail-verify starts and makes its socket"
is "$(stat -c %a "$QH/verify.sock")" 600 "the socket is mode 0600"

rcpt() { # rcpt ADDRESS [PORT]: the reply to RCPT TO:<ADDRESS>
    crlf "MAIL FROM:<a@b.example>\nRCPT TO:<$1>\nQUIT\n" | drive chat "${2:-$S_PORT}" | tr -d '\r' | sed -n 3p
}
NO="550 sorry, no mailbox here by that name (#5.1.1)"

# through qmail-getpw (no users/cdb)
is "$(rcpt qmtrcj@$G)" "250 ok" "an account: 250"
is "$(rcpt QMTRCJ@$G)" "250 ok" "an account, any case: 250"
is "$(rcpt qmtnosuch@$G)" "$NO" "no such account, no alias file: 550"
is "$(rcpt qmtrcj-lists@$G)" "$NO" "user-ext without .qmail-ext: 550"
as_user qmtrcj sh -c 'cd && echo ./Maildir/ > .qmail-lists'
is "$(rcpt qmtrcj-lists@$G)" "250 ok" "~/.qmail-lists appears: 250 at once"
is "$(rcpt qmtrcj-lists-x@$G)" "$NO" "qmtrcj-lists-x: no .qmail-lists-default: 550"
as_user qmtrcj sh -c 'cd && echo ./Maildir/ > .qmail-lists-default'
is "$(rcpt qmtrcj-lists-x@$G)" "250 ok" ".qmail-lists-default: 250"
as_user qmtrcj sh -c 'cd && echo ./Maildir/ > .qmail-default'
is "$(rcpt qmtrcj-anything@$G)" "250 ok" ".qmail-default takes every extension"
rm "$J/.qmail-default"
is "$(rcpt qmtrcj-anything@$G)" "$NO" ".qmail-default removed: 550 again (no cache)"
mkdir "$J/.qmail-dir"
is "$(rcpt qmtrcj-dir@$G)" "$NO" "a directory named .qmail-dir is no .qmail file"
is "$(rcpt @$G)" "250 ok" "the empty local part (qmail's trash address)"
is "$(rcpt user@relayed.example)" "250 ok" "rcpthosts but not local: not checked"

# a file of the user's that makes qmail-local fail temporarily: accept
chmod 777 "$J"
is "$(rcpt qmtrcj@$G)" "250 ok" "writable home (qmail-local defers): accepted"
grep -q "cannot tell about qmtrcj@$G: Uh-oh: home directory is writable" "$T/verify.log"
ok $? "qmail-verify logs why it could not tell"
chmod 755 "$J"
# a sticky home: the user is editing .qmail files, and delivery waits
chmod +t "$J"
is "$(rcpt qmtrcj-newlist@$G)" "250 ok" "sticky home, no .qmail-newlist yet: accepted"
chmod -t "$J"
is "$(rcpt qmtrcj-newlist@$G)" "$NO" "not sticky any more: 550"

# users/assign, with the alias catch-all as qmail-pw2u writes it
uid=$(id -u qmtrcj) gid=$(id -g qmtrcj)
cat > "$QH/users/assign" <<EOF
=qmtrcj:qmtrcj:$uid:$gid:$J:::
+qmtrcj-:qmtrcj:$uid:$gid:$J:-::
=sales:qmtrcj:$uid:$gid:$J:::
+shop-:qmtrcj:$uid:$gid:$J:-:shop-:
+alias-:root:0:0:$QH/alias:-::
+:root:0:0:$QH/alias:-::
.
EOF
is "$(rcpt sales@$G)" "$NO" "users/assign not compiled yet: sales is unknown"
"$QH/bin/qmail-newu"
is "$(rcpt sales@$G)" "250 ok" "=sales in users/cdb: 250 at once after qmail-newu"
is "$(rcpt shop-toys@$G)" "$NO" "+shop- wildcard without ~/.qmail-shop-toys: 550"
as_user qmtrcj sh -c 'cd && echo ./Maildir/ > .qmail-shop-default'
is "$(rcpt shop-toys@$G)" "250 ok" "+shop- wildcard with .qmail-shop-default: 250"
is "$(rcpt postmaster@$G)" "$NO" "postmaster without ~alias/.qmail-postmaster: 550"
echo qmtrcj > "$QH/alias/.qmail-postmaster"
is "$(rcpt Postmaster@$G)" "250 ok" "~alias/.qmail-postmaster: 250"

# virtualdomains: the seed page's myisp.com
echo qmtrcj > "$QH/alias/.qmail-myisp-family"
is "$(rcpt family@myisp.com)" "250 ok" "family@myisp.com via ~alias/.qmail-myisp-family"
is "$(rcpt any@myisp.com)" "$NO" "any@myisp.com without .qmail-myisp-default: 550"
echo qmtrcj > "$QH/alias/.qmail-myisp-default"
is "$(rcpt any@myisp.com)" "250 ok" "any@myisp.com via ~alias/.qmail-myisp-default"
echo "$G:qmtrck" >> "$QH/control/virtualdomains"
is "$(rcpt qmtrcj@$G)" "250 ok" "locals wins over virtualdomains"

# the off switches and Debian's VERIFY
echo 0 > "$QH/control/rcptcheck"
is "$(rcpt qmtnosuch@$G)" "250 ok" "control/rcptcheck 0: no check"
rm "$QH/control/rcptcheck"
tcp_up V '127.0.0.1:allow,RCPTCHECK="0"' "$QH/bin/qmail-smtpd" || ok 1 "tcpserver V"
is "$(rcpt qmtnosuch@$G $V_PORT)" "250 ok" "RCPTCHECK=0 from tcp.smtp: no check"
tcp_down V
tcp_up V '127.0.0.1:allow,VERIFY=""' "$QH/bin/qmail-smtpd" || ok 1 "tcpserver V"
is "$(rcpt qmtnosuch@$G $V_PORT)" "250 ok" "VERIFY=\"\": no check"
tcp_down V
tcp_up V '127.0.0.1:allow,VERIFY="DEFER"' "$QH/bin/qmail-smtpd" || ok 1 "tcpserver V"
is "$(rcpt qmtnosuch@$G $V_PORT)" "$NO" "Debian's VERIFY=\"DEFER\" keeps the check (at RCPT)"
is "$(rcpt qmtrcj@$G $V_PORT)" "250 ok" "VERIFY=\"DEFER\": known users pass"
tcp_down V

# many recipients on one connection to qmail-verify
i=0; : > "$T/many"
while [ $i -lt 50 ]; do echo "RCPT TO:<qmtrcj@$G>" >> "$T/many"; echo "RCPT TO:<qmtno$i@$G>" >> "$T/many"; i=$((i + 1)); done
{ echo "MAIL FROM:<a@b>"; cat "$T/many"; echo QUIT; } | sed 's/$/\r/' | drive chat $S_PORT | tr -d '\r' > "$T/got"
is "$(grep -c '^250 ok$' "$T/got"):$(grep -c '^550 ' "$T/got")" "51:50" "100 pipelined recipients: 50 known, 50 refused"

# SIGUSR1 ("pkill -SIGUSR1 qmail") kills neither qmail-verify nor a session
python3 - "$S_PORT" "$QH" <<'EOF' > "$T/usr1"
import os, signal, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
f = s.makefile("rb")
f.readline()
s.sendall(b"MAIL FROM:<a@b>\r\n"); f.readline()
# the session is up: signal every process of this instance
for p in os.listdir("/proc"):
    try:
        if p.isdigit() and os.readlink("/proc/%s/exe" % p).startswith(sys.argv[2] + "/bin/"):
            os.kill(int(p), signal.SIGUSR1)
    except OSError:
        pass
s.sendall(b"RCPT TO:<qmtno@test.example.org>\r\nRCPT TO:<qmtrcj@test.example.org>\r\nQUIT\r\n")
print(f.read().decode().replace("\r", ""), end="")
EOF
is "$(tr '\n' '|' < "$T/usr1")" "$NO|250 ok|221 $G|" "after SIGUSR1 the session and qmail-verify go on"
kill -0 "$VERIFY_PID"
ok $? "qmail-verify is still running"

# qmail-verify down: recipients are accepted, and the log says why
verify_down
is "$(rcpt qmtnosuch@$G)" "250 ok" "qmail-verify not running: accepted (the bounce path remains)"
grep -q 'qmail-smtpd: warning: recipients accepted unchecked: qmail-verify is not running' "$T/S.log"
ok $? "qmail-smtpd logs that it could not check"

# only qmaild (and root) may ask
verify_up
python3 - "$QH/verify.sock" <<'EOF' > "$T/peer"
import os, socket, sys
os.setgid(65534); os.setuid(65534)
try:
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print("connected")
except OSError as e:
    print("refused", e.errno)
EOF
is "$(cut -d' ' -f1 "$T/peer")" refused "another user cannot connect to the socket"
python3 - "$QH/verify.sock" <<'EOF' > "$T/long"
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b"x" * 100000 + b"\0qmtrcj@test.example.org\0")
print(s.recv(1).decode(), s.recv(1).decode())
EOF
is "$(cat "$T/long")" "? Y" "an over-long question gets '?', the next one is answered"

# workers: 20 connections at once are all served; afterwards at most a
# few idle workers stay; a restart needs no wait for open connections
python3 - "$QH/verify.sock" <<'EOF' > "$T/many"
import socket, sys
socks = []
for i in range(20):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); socks.append(s)
for i, s in enumerate(socks):
    s.sendall(b"qmtrcj@test.example.org\0" if i % 2 else b"qmtnosuch@test.example.org\0")
print("".join(s.recv(1).decode() for s in socks))
for s in socks: s.close()
EOF
is "$(cat "$T/many")" "NYNYNYNYNYNYNYNYNYNY" "20 connections at once, each answered"
wait_for 10 sh -c "[ \$(pgrep -P $VERIFY_PID | wc -l) -le 5 ]"
ok $? "then at most five workers stay ($(pgrep -P $VERIFY_PID | wc -l))"
python3 - "$QH/verify.sock" "$T/held" <<'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b"qmtrcj@test.example.org\0"); s.recv(1)
open(sys.argv[2], "w").close()
time.sleep(30)
EOF
HELD=$!
wait_for 10 test -e "$T/held"
verify_down
verify_up
ok $? "a new qmail-verify starts while a connection to the old one is open"
is "$(printf 'qmtrcj@test.example.org\0' | python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read()); print(s.recv(1).decode())' "$QH/verify.sock")" Y \
    "and answers"
kill $HELD 2>/dev/null; wait $HELD 2>/dev/null

# an account's own address whose home has no .qmail is answered by the
# worker itself; an extension needs a child that becomes the account
if command -v strace >/dev/null; then
    verify_down
    rm -f "$QH/verify.sock" "$J/.qmail"
    strace -f -qq -e trace=clone,clone3,fork,vfork -o "$T/st" \
        "$QH/bin/qmail-verify" >/dev/null 2>>"$T/verify.log" &
    STRACE=$!
    wait_for 10 test -S "$QH/verify.sock"
    VERIFY_PID=$(pgrep -P $STRACE)
    ask() {
        python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\0"); print(s.recv(1).decode())' "$QH/verify.sock" "$1"
    }
    a=$(ask qmtrcj@$G); n1=$(grep -c 'clone\|fork' "$T/st")
    b=$(ask qmtrcj-lists@$G); n2=$(grep -c 'clone\|fork' "$T/st")
    is "$a:$b" "Y:Y" "both answered"
    is "$n1" 1 "the own address: only the worker was started, no child"
    ok "$([ "$n2" -gt "$n1" ]; echo $?)" "an extension: a child ($n1 then $n2 starts)"
    verify_down
    wait $STRACE 2>/dev/null
else
    diag "no strace: the worker's own answer is not checked"
fi
done_testing
