#!/bin/sh
# splogger: what reaches syslog (smtp-and-tools.md 5.6).  A private
# mount namespace puts a datagram socket of ours at /dev/log, so the
# test reads exactly what splogger sends, without a syslog daemon.
. "$(dirname "$0")/../lib.sh"
unshare -m true 2>/dev/null || skip_all "no mount namespaces (needs root or user namespaces)"
inst_fresh
S=$QH/bin/splogger
rm -rf "$T/sl"
mkdir -p "$T/sl/dev"

# log INPUT-FILE ARGS...: run splogger with /dev/log = our socket; the
# datagrams end up one per line in $T/sl/got as "PRI|TAG|TEXT"
log() {
    in=$1
    shift
    python3 - "$T/sl" "$in" "$S" "$@" <<'EOP'
import os, re, socket, subprocess, sys, threading
d, infile, prog, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
sock = os.path.join(d, "log.sock")
if os.path.exists(sock):
    os.unlink(sock)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sock)
got = []
def rx():
    while True:
        m = s.recv(65536)
        if m == b"":
            break
        got.append(m)
t = threading.Thread(target=rx, daemon=True)
t.start()
script = ('for n in null zero; do : >"$1/dev/$n"; mount --bind /dev/$n "$1/dev/$n"; done; '
          ': >"$1/dev/log" && mount --bind "$1/log.sock" "$1/dev/log" && '
          'mount --rbind "$1/dev" /dev && shift && exec "$@"')
with open(infile, "rb") as f:
    r = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", d, prog] + args,
                       stdin=f)
# every datagram is queued by the time splogger has exited; wake the
# reader with an empty one of our own and wait for it
c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
c.sendto(b"", sock)
t.join(10)
with open(os.path.join(d, "got"), "w") as out:
    for m in got:
        m = m.decode("latin-1")
        x = re.match(r"<(\d+)>[A-Z][a-z][a-z] [ 0-9]\d \d\d:\d\d:\d\d ([^:\s]+): (.*)$", m, re.S)
        out.write("%s|%s|%s\n" % x.groups() if x else "UNPARSED|%r\n" % m)
sys.exit(r.returncode)
EOP
}

printf 'hello world\nwarning: low disk\nalert: queue gone\n\n  \ttab\001bin\377ary\n' >"$T/sl/in1"
log "$T/sl/in1"
is "$?" 0 "exit 0 at end of input"
# strip the stamp, keep the character after it (space or +)
sed -E 's/\|[0-9]+\.[0-9]{6}([ +])/|\1/' "$T/sl/got" >"$T/sl/got2"
printf '%s\n' '22|splogger| hello world' '20|splogger| warning: low disk' \
    '17|splogger| alert: queue gone' '22|splogger|   ?tab?bin?ary' |
    cmp -s - "$T/sl/got2"
ok $? "priorities info/warning/alert in LOG_MAIL, empty line dropped, bytes outside 32..126 become ?"
[ $? -eq 0 ] || sed 's/^/# /' "$T/sl/got"
is "$(grep -cE '^[0-9]+\|splogger\|[0-9]+\.[0-9]{6} ' "$T/sl/got")" 4 \
    "each line stamped seconds.microseconds (6 digits)"
t1=$(sed -n '1s/^[0-9]*|splogger|\([0-9]*\)\..*/\1/p' "$T/sl/got")
now=$(date +%s)
[ "$t1" -le "$now" ] && [ "$t1" -ge $((now - 60)) ]
ok $? "the stamp is the current time ($t1)"

printf 'one\ntwo' >"$T/sl/in2"
log "$T/sl/in2" mytag 3
is "$?" 0 "tag and facility: exit 0"
sed -E 's/\|[0-9]+\.[0-9]{6}([ +])/|\1/' "$T/sl/got" >"$T/sl/got2"
printf '%s\n' '30|mytag| one' '30|mytag| two' | cmp -s - "$T/sl/got2"
ok $? "ident from argument 1, facility 3 (daemon) from argument 2; a last line without LF is logged"

log "$T/sl/in2" othertag
sed -E 's/\|[0-9]+\.[0-9]{6}([ +])/|\1/' "$T/sl/got" >"$T/sl/got2"
is "$(head -n 1 "$T/sl/got2")" "22|othertag| one" "tag without facility: LOG_MAIL"

# 2000 bytes: pieces of 799, 799 and 402, one stamp, joined by '+'
python3 -c '
import sys
s = "warning: " + "".join(chr(48 + i % 10) for i in range(1991))
sys.stdout.write(s + "\nnext\n")' >"$T/sl/in3"
log "$T/sl/in3"
python3 - "$T/sl/got" "$T/sl/in3" <<'EOP' >"$T/sl/res"
import re, sys
got = open(sys.argv[1]).read().split("\n")[:-1]
line = open(sys.argv[2]).read().split("\n")[0]
pieces = [re.match(r"(\d+)\|splogger\|(\d+\.\d{6})([ +])(.*)$", g).groups() for g in got]
ok = (len(pieces) == 4
      and [p[3] for p in pieces[:3]] == [line[:799], line[799:1598], line[1598:]]
      and [p[2] for p in pieces] == [" ", "+", "+", " "]
      and pieces[0][1] == pieces[1][1] == pieces[2][1]
      and [p[0] for p in pieces] == ["20", "20", "20", "22"]
      and pieces[3][3] == "next")
print("ok" if ok else "bad: %r" % pieces)
EOP
is "$(cat "$T/sl/res")" ok \
    "a long line: 799-byte pieces, same stamp and priority, '+' after the stamp"

: >"$T/sl/in4"
log "$T/sl/in4"
is "$?:$(wc -l <"$T/sl/got")" "0:0" "empty input: nothing logged, exit 0"

done_testing
