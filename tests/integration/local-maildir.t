#!/bin/sh
# maildir delivery by qmail-local (delivery.md 3.4, design 5 and 6):
# the file name, mode and bytes, nothing left in tmp/, messages read
# back with Python's mailbox.Maildir, large messages, the creation of
# a missing or half-made default ./Maildir/ (and only that one), and
# failures.
. "$(dirname "$0")/../lib.sh"
inst_fresh
B=$QH/bin
L=$T/lmd
H=$L/home
rm -rf "$L"
mkdir -p "$H"
chmod 755 "$H"
OUT=$L/out

dl() { # dl MESSAGE-FILE DEFAULTDELIVERY [SENDER]
    "$B/qmail-local" -- "$ME" "$H" joe '' '' example.org "${3-s@x.org}" "$2" \
        <"$1" >"$OUT" 2>&1
    rc=$?
}
files() { find "$H/$1" -type f | wc -l; }

printf 'Subject: md\n\nFrom body\nno final newline' >"$L/m1"
mkdir -p "$H/Mail/tmp" "$H/Mail/new" "$H/Mail/cur"
dl "$L/m1" ./Mail/
is "$rc:$(cat "$OUT")" "0:did 1+0+0" "delivery to an existing maildir"
is "$(files Mail/new):$(files Mail/tmp):$(files Mail/cur)" "1:0:0" \
    "one file in new/, tmp/ left empty"
f=$(ls "$H/Mail/new")
host=$(hostname)
python3 -c 'import re, sys; sys.exit(not re.fullmatch(r"[0-9]+\.M[0-9]+P[0-9]+Q[0-9]+\." + re.escape(sys.argv[2]), sys.argv[1]))' "$f" "$host"
ok $? "file name is <sec>.M<usec>P<pid>Q<n>.<host> ($f)"
is "$(stat -c %a "$H/Mail/new/$f")" 600 "file mode 0600"
printf 'Return-Path: <s@x.org>\nDelivered-To: joe@example.org\n' |
    cat - "$L/m1" | cmp -s - "$H/Mail/new/$f"
ok $? "bytes: Return-Path, Delivered-To, the message verbatim (no quoting, no LF added)"
python3 - "$H/Mail/new/$f" <<'EOF'
import sys, time
t = int(sys.argv[1].rsplit('/', 1)[1].split('.')[0])
sys.exit(0 if abs(t - time.time()) < 120 else 1)
EOF
ok $? "the name starts with the current time"

dl "$L/m1" ./Mail/ ''
dl "$L/m1" ./Mail/ 'x y@z'
python3 - "$H/Mail" <<'EOF' >"$L/py"
import mailbox, sys
md = mailbox.Maildir(sys.argv[1], create=False)
for m in sorted(md, key=lambda m: m['Return-Path']):
    print('%s|%s|%s|%s' % (m['Return-Path'], m['Delivered-To'], m['Subject'],
                           m.get_payload().split('\n')[0]))
EOF
is "$(cat "$L/py")" "<\"x y\"@z>|joe@example.org|md|From body
<>|joe@example.org|md|From body
<s@x.org>|joe@example.org|md|From body" \
    "Python's mailbox.Maildir reads three distinct messages"

# a large message, through a .qmail line this time
head -c 6000000 /dev/urandom | od -An -tx1 | head -c 9000000 >"$L/big"
printf './Mail/\n' >"$H/.qmail"
chmod 644 "$H/.qmail"
dl "$L/big" ./Mailbox
is "$rc" 0 "a 9 MB message"
largest=$(ls -S "$H/Mail/new" | head -n 1)
tail -c +54 "$H/Mail/new/$largest" | cmp -s - "$L/big"
ok $? "9 MB copied exactly"
rm -f "$H/.qmail"

# --- the default ./Maildir/ is created when missing ------------------------
dl "$L/m1" ./Maildir/
is "$rc:$(cat "$OUT")" "0:did 1+0+0" "missing default ./Maildir/: delivered"
is "$(stat -c '%a %U' "$H/Maildir" "$H/Maildir/tmp" "$H/Maildir/new" "$H/Maildir/cur" | sort -u)" \
    "700 $ME" "created tmp, new, cur with mode 0700, owned by the user"
is "$(files Maildir/new)" 1 "the message is in the new Maildir"
printf './Maildir/\n' >"$H/.qmail-sub"
chmod 644 "$H/.qmail-sub"
rm -rf "$H/Maildir"
"$B/qmail-local" -- "$ME" "$H" joe-sub - sub example.org s@x.org ./Mailbox \
    <"$L/m1" >"$OUT" 2>&1
is "$?:$(files Maildir/new)" "0:1" "also when ./Maildir/ is a .qmail line"
# half made, as a crash or a delivery making it at this moment leaves it
rm -rf "$H/Maildir"
mkdir -p "$H/Maildir/new"
dl "$L/m1" ./Maildir/
is "$rc:$(cat "$OUT")" "0:did 1+0+0" "a default ./Maildir/ without tmp/: delivered"
is "$(stat -c '%a' "$H/Maildir/tmp" "$H/Maildir/cur" | sort -u):$(files Maildir/new)" \
    "700:1" "tmp/ and cur/ were made"
rm -rf "$H/Maildir"
mkdir -p "$H/Maildir/tmp" "$H/Maildir/cur"
dl "$L/m1" ./Maildir/
is "$rc:$(cat "$OUT"):$(files Maildir/new):$(files Maildir/tmp)" "0:did 1+0+0:1:0" \
    "a default ./Maildir/ without new/: delivered, nothing left in tmp/"
dl "$L/m1" ./Other/
is "$rc:$(cat "$OUT")" "111:Unable to chdir to maildir. (#4.2.1)" \
    "any other missing maildir: temporary failure"
[ ! -e "$H/Other" ]
ok $? "...and it is not created"
mkdir -p "$H/Half/new" "$H/Half/cur"
dl "$L/m1" ./Half/
is "$rc:$(cat "$OUT")" "111:Temporary error on maildir delivery. (#4.3.0)" \
    "a maildir without tmp/: temporary failure"
: >"$H/Notdir"
dl "$L/m1" ./Notdir/
is "$rc:$(cat "$OUT")" "111:Unable to chdir to maildir. (#4.2.1)" \
    "a file where the maildir should be"

# --- a failed write leaves nothing behind ----------------------------------
python3 - "$B/qmail-local" "$ME" "$H" "$L/big" "$OUT" <<'EOF'
import os, resource, signal, sys
prog, me, home, msg, out = sys.argv[1:]
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (100000, 100000))
fd = os.open(msg, os.O_RDONLY); os.dup2(fd, 0)
fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC); os.dup2(fd, 1); os.dup2(fd, 2)
os.execv(prog, [prog, '--', me, home, 'joe', '', '', 'example.org', 's@x.org',
                './Maildir/'])
EOF
is "$?:$(cat "$OUT")" "111:Temporary error on maildir delivery. (#4.3.0)" \
    "write failure: temporary"
is "$(files Maildir/tmp):$(files Maildir/new)" "0:1" \
    "nothing left in tmp/, nothing added to new/"
dl /dev/null ./Maildir/ </dev/null
is "$rc" 0 "an empty message"

# one qmail-local, three maildir deliveries (two to the same maildir,
# one to another, then a program): distinct names, and each later line
# still runs in the home directory
rm -rf "$H/Maildir" "$H/M2" "$H/Mail"
mkdir -p "$H/M2/tmp" "$H/M2/new" "$H/M2/cur"
printf './Maildir/\n./M2/\n./Maildir/\n|pwd > where\n' >"$H/.qmail-twice"
chmod 644 "$H/.qmail-twice"
"$B/qmail-local" -- "$ME" "$H" joe-twice - twice example.org s@x.org \
    ./Maildir/ <"$L/m1" >"$OUT" 2>&1
is "$?:$(cat "$OUT")" "0:did 3+0+1" "three maildir lines and a program"
is "$(files Maildir/new):$(files M2/new):$(files Maildir/tmp)" "2:1:0" \
    "two files in one maildir, one in the other, tmp/ empty"
n1=$(ls "$H/Maildir/new" | head -1) n2=$(ls "$H/Maildir/new" | tail -1)
ok "$([ "$n1" != "$n2" ] && echo 0 || echo 1)" "two names ($n1, $n2)"
is "$(cat "$H/where" 2>/dev/null)" "$H" "the program ran in the home directory"

done_testing
