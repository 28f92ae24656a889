#!/bin/sh
# qmail-smtpd against hostile input, under the real tcpserver: 1 MB
# lines, NUL bytes, bare LFs in every position, 10,000 recipients, a
# client that stops in the middle of DATA, and 4 GiB streamed as one
# RCPT line and as one header line (the CVE-2005-1513/1514/1515 class).
# Memory must stay bounded (peak RSS is measured and printed), nothing
# may be queued half-way, and the session must go on where it can.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
. "$(dirname "$0")/smtp-lib.sh"
for p in tcpserver tcprules python3; do
    command -v $p >/dev/null || skip_all "needs $p"
done

inst_fresh
trap 'tcp_down S' EXIT
G=test.example.org
echo $G > "$QH/control/rcpthosts"
echo 0 > "$QH/control/rcptcheck"
tcp_up S '127.0.0.1:allow' "$QH/bin/qmail-smtpd" || { ok 1 "tcpserver"; done_testing; }
# peak RSS allowed for any session (ASan's shadow memory needs more)
LIMIT_KB=4096
[ -n "${QMT_SANITIZE:-}" ] && LIMIT_KB=65536

# a 1 MB line is refused as a whole; the session goes on
{ printf 'HELO '; head -c 1048576 /dev/zero | tr '\0' h; printf '\r\nNOOP\r\nQUIT\r\n'; } |
    drive chat $S_PORT | tr -d '\r' > "$T/got"
is "$(sed -n '2,4p' "$T/got" | tr '\n' '|')" "500 sorry, that line is too long (#5.5.2)|250 ok|221 $G|" \
    "1 MB command line: 500, then the session goes on"
{ printf 'MAIL FROM:<'; head -c 1048576 /dev/zero | tr '\0' a; printf '@b>\r\nRCPT TO:<u@%s>\r\nQUIT\r\n' $G; } |
    drive chat $S_PORT | tr -d '\r' > "$T/got"
is "$(sed -n '2,3p' "$T/got" | tr '\n' '|')" "500 sorry, that line is too long (#5.5.2)|503 MAIL first (#5.5.1)|" \
    "1 MB MAIL line: refused, no transaction started"

# NUL bytes: a NUL ends a command line; in DATA it is kept
printf 'NOOP\0junk\r\nMAIL FROM:<a\0b@c>\r\nRCPT TO:<u@%s>\0<x@evil>\r\nDATA\r\nSubject: nul\r\n\r\nA\0B\r\n.\r\nQUIT\r\n' $G |
    drive chat $S_PORT | tr -d '\r' > "$T/got"
is "$(sed -n '2,5p' "$T/got" | cut -c1-7 | tr '\n' '|')" "250 ok|250 ok|250 ok|354 go |" "NUL bytes in commands truncate them"
is "$(last_env | grep '^[FT]' | tr '\n' ' ')" "Fa Tu@$G " "the envelope is cut at the NULs"
tail -1 "$(last_mess)" | od -An -c | tr -s ' ' > "$T/body"
is "$(cat "$T/body")" " A \\0 B \\n" "a NUL in the body is kept"

# bare LFs in every state of the DATA machine
n0=$(queue_count todo)
k=0
for body in '\n' 'x\ny' '.\n' '..x\n' 'a\r\r\nb\n'; do
    k=$((k + 1))
    printf "MAIL FROM:<a@b>\r\nRCPT TO:<u@$G>\r\nDATA\r\n$body\r\n.\r\nNOOP\r\n" |
        drive chat $S_PORT | tr -d '\r' | tail -1 > "$T/got"
    is "$(cat "$T/got")" "451 See https://cr.yp.to/docs/smtplf.html." "bare LF, case $k: 451 and the end"
done
is "$(queue_count todo)" "$n0" "no bare-LF message was queued"
printf 'MAIL FROM:<a@b>\r\nRCPT TO:<u@%s>\r\nDATA\r\nx\r.\r\n\r\n.y\r\n.\r\nQUIT\r\n' $G | drive chat $S_PORT | tr -d '\r' | sed -n 5p | grep -q '^250 ok'
ok $? "lone CRs and a dot line that is not the end are data"
is "$(tail -c 7 "$(last_mess)" | od -An -c | tr -s ' ')" " x \\r . \\n \\n y \\n" "CR kept, CRLF made LF, .y unstuffed"

# a client that stops in the middle of DATA: nothing is queued and the
# qmail-queue child goes away
n0=$(queue_count todo)
f0=$(find "$QH/queue/pid" "$QH/queue/intd" "$QH/queue/mess" -type f | wc -l)
is "$(drive middata $S_PORT | tr -d '\r' | tail -1)" "354 go ahead" "mid-DATA client got 354"
gone() { [ "$(inst_procs qmail-queue)" = 0 ] && [ "$(inst_procs qmail-smtpd)" = 0 ]; }
wait_for 10 gone
ok $? "qmail-smtpd and qmail-queue are gone"
is "$(queue_count todo)" "$n0" "the half message was not queued"
is "$(find "$QH/queue/pid" "$QH/queue/intd" "$QH/queue/mess" -type f | wc -l)" "$f0" "no new files in pid/, intd/ or mess/"

# a small ordinary session, for comparison
crlf "HELO x\nMAIL FROM:<a@b>\nRCPT TO:<u@$G>\nDATA\nSubject: small\n\nhi\n.\n" > "$T/small"
python3 - "$S_PORT" "$S_PID" "$T/small" "$DRIVE" <<'EOF' > "$T/flood"
import importlib.util, socket, sys
spec = importlib.util.spec_from_file_location("d", sys.argv[4])
d = importlib.util.module_from_spec(spec); spec.loader.exec_module(d)
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
f = s.makefile("rb"); d.read_reply(f)
pid = d.child_of(sys.argv[2])
s.sendall(open(sys.argv[3], "rb").read())
for _ in range(5):
    r = d.read_reply(f)
print(r.decode().strip()[:6]); print("rss_kb", d.hwm(pid))
s.sendall(b"QUIT\r\n"); d.read_reply(f)
EOF
BASE=$(sed -n 's/^rss_kb \([0-9-]*\) .*/\1/p' "$T/flood")
diag "one small message: $(tail -1 "$T/flood")"
[ "$(head -1 "$T/flood" | tr -d '\r')" = "250 ok" ] && [ "$BASE" -gt 0 ] && [ "$BASE" -le $LIMIT_KB ]
ok $? "a small message: 250, peak RSS $BASE kB"
# the hostile sessions below may not grow more than 1 MiB over it
bounded() { [ "$1" -gt 0 ] && [ "$1" -le $LIMIT_KB ] && [ "$1" -le $((BASE + 1024)) ]; }

# 10,000 recipients: the first 1000 are taken, the rest get 452
drive flood $S_PORT $S_PID rcpts 10 > "$T/flood"
is "$(head -1 "$T/flood" | tr -d '\r')" "250:1000 452:9000" "10,000 RCPTs: 1000 accepted, 9000 told 452"
RSS=$(sed -n 's/^rss_kb \([0-9-]*\) .*/\1/p' "$T/flood")
diag "10,000 RCPTs: $(tail -1 "$T/flood")"
bounded "$RSS"
ok $? "10,000 RCPTs: peak RSS $RSS kB"

# 4 GiB as one RCPT line: consumed, refused, memory flat
drive flood $S_PORT $S_PID rcptline 4096 > "$T/flood"
is "$(head -1 "$T/flood" | tr -d '\r')" "500 sorry, that line is too long (#5.5.2)" "4 GiB RCPT line: 500"
RSS=$(sed -n 's/^rss_kb \([0-9-]*\) .*/\1/p' "$T/flood")
diag "4 GiB RCPT line: $(tail -1 "$T/flood")"
bounded "$RSS"
ok $? "4 GiB RCPT line: peak RSS $RSS kB"

# 4 GiB as one header line, with databytes: 552, nothing queued, no
# disk used beyond databytes
echo 1000000 > "$QH/control/databytes"
n0=$(queue_count todo)
drive flood $S_PORT $S_PID header 4096 > "$T/flood"
is "$(head -1 "$T/flood" | tr -d '\r')" "552 sorry, that message size exceeds my databytes limit (#5.3.4)" "4 GiB header line: 552"
RSS=$(sed -n 's/^rss_kb \([0-9-]*\) .*/\1/p' "$T/flood")
diag "4 GiB header line: $(tail -1 "$T/flood")"
bounded "$RSS"
ok $? "4 GiB header line: peak RSS $RSS kB"
is "$(queue_count todo)" "$n0" "4 GiB header line: nothing queued"
rm "$QH/control/databytes"

done_testing
