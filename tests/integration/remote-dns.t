#!/bin/sh
# qmail-remote finding its servers through DNS: a real DNS server (nsd)
# and scripted SMTP servers (aiosmtpd) in a private network namespace
# (lo only) with a private mount namespace whose /etc/resolv.conf names
# 127.0.0.1.  Servers listen on port 25 of 127.0.0.2-7 (the 127/8 route
# reaches them, yet they are not addresses of this host) and of
# fd00:5::25 (routed to lo as a local prefix, not configured on it).
# Then a hostile DNS server: broken answers must give a temporary
# failure, never a crash or a hang.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
PY=/usr/bin/python3
[ "$(id -u)" = 0 ] || skip_all "needs root for private network and mount namespaces"
command -v nsd >/dev/null || skip_all "needs nsd (Debian package)"
$PY -c 'import aiosmtpd' 2>/dev/null ||
    skip_all "needs python3-aiosmtpd (Debian package)"
if [ -z "${REMOTE_DNS_INSIDE:-}" ]; then
    unshare -m -n true 2>/dev/null || skip_all "cannot make namespaces here"
    REMOTE_DNS_INSIDE=1 exec unshare -m -n sh "$0" "$@"
fi

inst_fresh
ip link set lo up
V6=1
ip -6 route add local fd00:5::/64 dev lo 2>/dev/null || V6=
echo 'nameserver 127.0.0.1' >"$T/resolv.conf"
mount --bind "$T/resolv.conf" /etc/resolv.conf ||
    { ok 1 "bind-mount resolv.conf"; done_testing; }
: >"$QH/control/smtproutes"
PIDS=
trap 'for p in $PIDS; do kill $p 2>/dev/null; done' EXIT

# --- the DNS server ---------------------------------------------------
D=$T/nsd
rm -rf "$D"
mkdir -p "$D"
cat >"$D/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1
    port: 53
    username: ""
    chroot: ""
    zonesdir: "$D"
    database: ""
    zonelistfile: "$D/zone.list"
    xfrdfile: "$D/xfrd.state"
    xfrdir: "$D"
    pidfile: "$D/nsd.pid"
    logfile: "$D/nsd.log"
    do-ip6: no
    server-count: 1
remote-control:
    control-enable: no
zone:
    name: "test"
    zonefile: "test.zone"
EOF
{
    cat <<'EOF'
$ORIGIN test.
$TTL 60
@ IN SOA ns.test. admin.test. 1 3600 600 86400 60
@ IN NS ns.test.
ns IN A 127.0.0.1
mx-a IN A 127.0.0.2
mx-b IN A 127.0.0.3
mx-greet4 IN A 127.0.0.4
mx-ehlo4 IN A 127.0.0.5
mx-mail4 IN A 127.0.0.6
mx-mail5 IN A 127.0.0.7
mx-dead IN A 127.0.0.9
mx-me IN A 127.0.0.1
mx-v6 IN AAAA fd00:5::25
mx-alias IN CNAME mx-b.test.
deliver IN MX 10 mx-a.test.
nextconn IN MX 10 mx-dead.test.
nextconn IN MX 20 mx-b.test.
nextgreet IN MX 10 mx-greet4.test.
nextgreet IN MX 20 mx-b.test.
nextehlo IN MX 10 mx-ehlo4.test.
nextehlo IN MX 20 mx-b.test.
nextmail IN MX 10 mx-mail4.test.
nextmail IN MX 20 mx-b.test.
nonext IN MX 10 mx-mail5.test.
nonext IN MX 20 mx-b.test.
allfail IN MX 10 mx-greet4.test.
allfail IN MX 20 mx-dead.test.
equal IN MX 10 mx-a.test.
equal IN MX 10 mx-b.test.
v6only IN MX 10 mx-v6.test.
aonly IN A 127.0.0.3
aaaaonly IN AAAA fd00:5::25
alias IN CNAME deliver.test.
viaalias IN MX 10 mx-alias.test.
selfbest IN MX 10 mx-me.test.
selfbackup IN MX 10 mx-a.test.
selfbackup IN MX 20 mx-me.test.
selfequal IN MX 10 mx-a.test.
selfequal IN MX 10 mx-me.test.
nullmx IN MX 0 .
mapped IN AAAA ::ffff:127.0.0.1
noaddr IN MX 10 nothing.test.
tcpto IN MX 10 mx-a.test.
tcpto IN MX 20 mx-b.test.
big IN MX 1 mx-b.test.
EOF
    i=0
    while [ $i -lt 60 ]; do
        echo "big IN MX 50 a-rather-long-exchanger-name-to-fill-the-answer-$i.test."
        i=$((i + 1))
    done
} >"$D/test.zone"
nsd -d -c "$D/nsd.conf" >"$D/out" 2>&1 &
NSD=$!
PIDS="$PIDS $NSD"
wait_for 10 grep -q 'nsd started' "$D/nsd.log" ||
    { ok 1 "nsd starts"; cat "$D/out" "$D/nsd.log" >&2; done_testing; }

# --- the SMTP servers -------------------------------------------------
SINK=$TOP/tests/integration/remote-sink.py
# sink NAME ADDRESS ARGS...: a server on ADDRESS:25, log $T/NAME.log
sink() {
    sn=$1 sa=$2; shift 2
    rm -f "$T/$sn".log* "$T/$sn.ready"
    $PY "$SINK" "$T/$sn.log" "$T/$sn.ready" "$sa:25" "$@" 2>"$T/$sn.err" &
    PIDS="$PIDS $!"
    wait_for 10 test -f "$T/$sn.ready" || { cat "$T/$sn.err" >&2; exit 1; }
}
sink a 127.0.0.2
sink b 127.0.0.3
sink greet4 127.0.0.4 'greeting=421 busy'
sink ehlo4 127.0.0.5 'ehlo=451 later'
sink mail4 127.0.0.6 'mail=451 later'
sink mail5 127.0.0.7 'mail=550 never'
[ -n "$V6" ] && sink v6 '[fd00:5::25]'
reset() { for n in a b greet4 ehlo4 mail4 mail5 v6; do : >"$T/$n.log"; done; }
conns() { grep -c CONNECT "$T/$1.log"; }

printf 'Subject: dns\n\nhello\n' >"$T/msg"
remote() {
    reset
    "$QH/bin/qmail-remote" "$1" a@example.net "b@$1" <"$T/msg" >"$T/out" 2>"$T/err"
    echo $? >"$T/rc"
}
res() { tr '\000' '|' <"$T/out"; }
first() { res | head -n 1; }

remote deliver.test
is "$(first)" "r|K127.0.0.2 accepted message." "MX: delivered to the exchanger"
is "$(cat "$T/rc")" 0 "exit 0"
grep -q 'C: RCPT TO:<b@deliver.test>' "$T/a.log"
ok $? "RCPT with the domain as given"
remote alias.test
is "$(first)" "r|K127.0.0.2 accepted message." "CNAME to a domain with MX"
grep -q 'C: RCPT TO:<b@alias.test>' "$T/a.log"
ok $? "CNAME: the recipient's domain is not rewritten"
remote viaalias.test
is "$(first)" "r|K127.0.0.3 accepted message." "MX target that is a CNAME"
remote aonly.test
is "$(first)" "r|K127.0.0.3 accepted message." "no MX: the A record"
if [ -n "$V6" ]; then
    remote aaaaonly.test
    is "$(first)" "r|Kfd00:5::25 accepted message." "no MX: the AAAA record (IPv6)"
    remote v6only.test
    is "$(first)" "r|Kfd00:5::25 accepted message." "MX to an IPv6-only exchanger"
else
    ok 0 "IPv6 exchangers # SKIP no IPv6 in this kernel"
fi
remote big.test
is "$(first)" "r|K127.0.0.3 accepted message." \
    "61 MX records: an answer too big for UDP, fetched over TCP"

remote nextconn.test
is "$(first)" "r|K127.0.0.3 accepted message." "next MX after a refused connection"
remote nextgreet.test
is "$(first)" "r|K127.0.0.3 accepted message." "next MX after a 421 greeting"
is "$(conns greet4)" 1 "... the first exchanger was tried"
remote nextehlo.test
is "$(first)" "r|K127.0.0.3 accepted message." "next MX after a 451 to EHLO"
remote nextmail.test
is "$(first)" "r|K127.0.0.3 accepted message." "next MX after a 451 to MAIL"
remote nonext.test
is "$(res)" "$(printf 'DConnected to 127.0.0.7 but sender was rejected.\nRemote host said: 550 never\n|')" \
    "a 550 to MAIL is final"
is "$(conns b)" 0 "... the next exchanger is not tried"
remote allfail.test
is "$(res)" "$(printf 'ZConnected to 127.0.0.4 but greeting failed.\nRemote host said: 421 busy\n|')" \
    "every exchanger failed: the last server's answer"

a=0 b=0 i=0
while [ $i -lt 24 ]; do
    remote equal.test
    a=$((a + $(conns a))) b=$((b + $(conns b))) i=$((i + 1))
done
is "$((a + b))" 24 "equal preferences: one connection per delivery"
ok $([ $a -gt 0 ] && [ $b -gt 0 ] && echo 0 || echo 1) \
    "equal preferences: both exchangers used first ($a and $b of 24)"

remote selfbest.test
is "$(res)" "$(printf 'DSorry. Although I'"'"'m listed as a best-preference MX or A for that host,\nit isn'"'"'t in my control/locals file, so I don'"'"'t treat it as local. (#5.4.6)\n|')" \
    "the best MX is this host: D"
remote selfbackup.test
is "$(first)" "r|K127.0.0.2 accepted message." "this host as backup MX: the better one is used"
remote selfequal.test
is "$(first)" "$(printf 'DSorry. Although I'"'"'m listed as a best-preference MX or A for that host,')" \
    "this host among the best: only strictly better ones count"
remote mapped.test
is "$(first)" "$(printf 'DSorry. Although I'"'"'m listed as a best-preference MX or A for that host,')" \
    "an IPv4-mapped AAAA of this host is this host"
remote nullmx.test
is "$(res)" "$(printf 'DSorry, I couldn'"'"'t find a mail exchanger or IP address. (#5.4.4)\n|')" \
    "null MX: D"
remote noaddr.test
is "$(res)" "$(printf 'DSorry, I couldn'"'"'t find a mail exchanger or IP address. (#5.4.4)\n|')" \
    "exchanger without an address: D"
remote nx.test
is "$(res)" "$(printf 'DSorry, I couldn'"'"'t find any host named nx.test. (#5.1.2)\n|')" \
    "no such domain: D"
remote example.invalid
is "$(res)" "$(printf 'ZSorry, I couldn'"'"'t find any host by that name. (#4.1.2)\n|')" \
    "a zone the server refuses: Z"

# 127.0.0.2 with two recent timeouts
$PY - "$QH/queue/lock/tcpto" <<'EOP'
import struct, sys, time
with open(sys.argv[1], "r+b") as f:
    f.write(bytes([127, 0, 0, 2, 2, 0, 0, 0]) + struct.pack("<I", int(time.time())) + bytes(4))
EOP
remote tcpto.test
is "$(first)" "r|K127.0.0.3 accepted message." "an exchanger in the timeout table is skipped"
is "$(conns a)" 0 "... no connection to it"
"$QH/bin/qmail-tcpok"

# connect timeouts: 10.9.0.2 and fd00:9::2 are on the link of a veth
# pair whose other end has no address, so nobody ever answers
if [ -n "$V6" ] && ip link add qt1 type veth peer name qt2 2>/dev/null &&
    ip link set qt1 up && ip link set qt2 up &&
    ip addr add 10.9.0.1/24 dev qt1 && ip -6 addr add fd00:9::1/64 dev qt1 nodad; then
    echo 1 >"$QH/control/timeoutconnect"
    printf 'v4.timeout:[10.9.0.2]\nv6.timeout:[IPv6:fd00:9::2]\n' >"$QH/control/smtproutes"
    # each address already timed out once, 200 s ago
    $PY - "$QH/queue/lock/tcpto" <<'EOP'
import socket, struct, sys, time
t = int(time.time()) - 200
with open(sys.argv[1], "r+b") as f:
    f.write(bytes([10, 9, 0, 2, 1, 0, 0, 0]) + struct.pack("<I", t) + bytes(4))
    f.seek(1024)
    f.write(socket.inet_pton(socket.AF_INET6, "fd00:9::2") + bytes([1]) + bytes(7) + struct.pack("<I", t) + bytes(4))
EOP
    for v in v4 v6; do
        t0=$(date +%s)
        remote $v.timeout
        t1=$(date +%s)
        is "$(res)" "$(printf 'ZSorry, I wasn'"'"'t able to establish an SMTP connection. (#4.4.1)\n|')" \
            "$v: connect timeout: Z"
        ok $([ $((t1 - t0)) -ge 1 ] && [ $((t1 - t0)) -le 4 ] && echo 0 || echo 1) \
            "$v: after timeoutconnect=1 ($((t1 - t0)) s)"
    done
    "$QH/bin/qmail-tcpto" | sed 's/out [0-9]* seconds/out N seconds/' >"$T/tt.out"
    is "$(cat "$T/tt.out")" "$(printf '10.9.0.2 timed out N seconds ago; # recent timeouts: 2\nfd00:9::2 timed out N seconds ago; # recent timeouts: 2')" \
        "qmail-tcpto: the second timeout of each, IPv4 and IPv6"
    t0=$(date +%s%N)
    remote v6.timeout
    t1=$(date +%s%N)
    ms=$(((t1 - t0) / 1000000))
    is "$(res | head -c 7)" "ZSorry," "two recent timeouts: Z"
    ok $([ $ms -lt 900 ] && echo 0 || echo 1) \
        "... at once, without waiting for timeoutconnect ($ms ms)"
    "$QH/bin/qmail-tcpok"
    is "$("$QH/bin/qmail-tcpto")" "" "qmail-tcpok forgets IPv6 records too"
    rm "$QH/control/timeoutconnect"
    : >"$QH/control/smtproutes"
else
    ok 0 "connect timeouts # SKIP no veth interfaces or no IPv6 here"
fi

kill "$NSD"
wait "$NSD" 2>/dev/null
remote deliver.test
is "$(res)" "$(printf 'ZSorry, I couldn'"'"'t find any host by that name. (#4.1.2)\n|')" \
    "no DNS server: Z"

# --- a hostile DNS server ---------------------------------------------
rm -f "$T/evil.ready"
$PY "$TOP/tests/integration/remote-dns-evil.py" "$T/evil.ready" 2>"$T/evil.err" &
PIDS="$PIDS $!"
wait_for 10 test -f "$T/evil.ready" || { cat "$T/evil.err" >&2; exit 1; }
for k in loop forward trunc lies longname reserved tc; do
    t0=$(date +%s)
    remote "$k.evil"
    t1=$(date +%s)
    is "$(cat "$T/rc"):$(res)" "0:$(printf 'ZSorry, I couldn'"'"'t find any host by that name. (#4.1.2)\n|')" \
        "hostile answer '$k': Z"
    ok $([ $((t1 - t0)) -le 30 ] && echo 0 || echo 1) "'$k': no hang ($((t1 - t0)) s)"
done
remote badaddr.evil
is "$(res)" "$(printf 'DSorry, I couldn'"'"'t find a mail exchanger or IP address. (#5.4.4)\n|')" \
    "A record of the wrong length: ignored"

done_testing
