#!/bin/sh
# The recipient check when ~alias/.qmail-default hands every unknown
# name to fastforward (Debian's fastforward package): qmail-verify asks
# fastforward -n, so a name in the aliases database gets 250 and any
# other name 550.  A .qmail-default that does more than run fastforward,
# or runs another program, is answered as before and never executed.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
. "$(dirname "$0")/smtp-lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root"
for p in tcpserver tcprules python3 setpriv; do
    command -v $p >/dev/null || skip_all "needs $p"
done
[ -x /usr/bin/fastforward ] && command -v setforward >/dev/null ||
    skip_all "needs fastforward (apt-get install fastforward)"

inst_fresh
trap 'tcp_down S; verify_down' EXIT
G=test.example.org
echo $G > "$QH/control/locals"
echo $G > "$QH/control/rcpthosts"
printf '%s\n' 'joe@: bob@example.org;' "sales@$G: ann@example.org;" |
    setforward "$T/aliases.cdb" "$T/aliases.tmp"
ok $? "setforward builds the aliases database"

tcp_up S '127.0.0.1:allow' "$QH/bin/qmail-smtpd" || { ok 1 "tcpserver"; done_testing; }
verify_up
ok $? "qmail-verify starts"
rcpt() { # rcpt ADDRESS: the reply to RCPT TO:<ADDRESS>
    crlf "MAIL FROM:<a@b.example>\nRCPT TO:<$1>\nQUIT\n" | drive chat "$S_PORT" | tr -d '\r' | sed -n 3p
}
NO="550 sorry, no mailbox here by that name (#5.1.1)"
QD=$QH/alias/.qmail-default

echo "|fastforward -d $T/aliases.cdb" > "$QD"
is "$(rcpt joe@$G)" "250 ok" "fastforward -d: a name in the aliases: 250"
is "$(rcpt sales@$G)" "250 ok" "fastforward -d: a full address in the aliases: 250"
is "$(rcpt zed@$G)" "$NO" "fastforward -d: a name not in the aliases: 550"

echo "| /usr/bin/fastforward $T/aliases.cdb" > "$QD"
is "$(rcpt Joe@$G)" "250 ok" "/usr/bin/fastforward (RECIPIENT): known name, any case: 250"
is "$(rcpt nobody-here@$G)" "$NO" "/usr/bin/fastforward (RECIPIENT): unknown name: 550"

printf '|fastforward -d %s\n|fastforward -d %s\n' "$T/aliases.cdb" "$T/aliases.cdb" > "$QD"
is "$(rcpt zed@$G)" "250 ok" "two program lines: not asked, 250 as before"
echo "|fastforward -d $T/aliases.cdb || true" > "$QD"
is "$(rcpt zed@$G)" "250 ok" "shell syntax on the line: not asked, 250 as before"

echo "|/bin/touch $T/ran" > "$QD"
is "$(rcpt zed@$G)" "250 ok" "another program: 250 as before"
[ ! -e "$T/ran" ]
ok $? "... and it is not run"
echo "|$T/fastforward -d $T/aliases.cdb" > "$QD"
printf '#!/bin/sh\ntouch %s/ran2\nexit 100\n' "$T" > "$T/fastforward"
chmod 755 "$T/fastforward"
is "$(rcpt zed@$G)" "$NO" "an absolute path ending in fastforward is the one run"
[ -e "$T/ran2" ]
ok $? "... it ran as the recipient would have it run"
rm -f "$T/ran2"
echo "|$T/fastforward -N -d $T/aliases.cdb" > "$QD"
is "$(rcpt zed@$G)" "250 ok" "fastforward with its own -N (deliver): not asked"
[ ! -e "$T/ran2" ]
ok $? "... and not run, which would forward mail"
echo "|$T/fastforward -dN $T/aliases.cdb" > "$QD"
is "$(rcpt zed@$G)" "250 ok" "fastforward -dN: not asked either"
[ ! -e "$T/ran2" ]
ok $? "... and not run"
echo "|bin/fastforward -d $T/aliases.cdb" > "$QD"
is "$(rcpt zed@$G)" "250 ok" "a relative path with a slash: not asked"
[ ! -e "$T/ran2" ]
ok $? "... and nothing is run"

echo "|fastforward -d $T/missing.cdb" > "$QD"
: > "$T/verify.log"
is "$(rcpt zed@$G)" "250 ok" "fastforward cannot read its database: accepted"
grep -q "cannot tell about zed@$G: .*missing.cdb" "$T/verify.log"
ok $? "qmail-verify logs fastforward's complaint"
done_testing
