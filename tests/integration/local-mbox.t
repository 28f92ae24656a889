#!/bin/sh
# mbox delivery by qmail-local (delivery.md 3.4): the exact bytes
# appended (From_ line, Return-Path, Delivered-To, >From quoting, the
# final empty line), messages read back with Python's mailbox module,
# locking (a delivery waits for the lock, and gives up after 30
# seconds), and a failed write cut back to the old end of the file.
. "$(dirname "$0")/../lib.sh"
inst_fresh
B=$QH/bin
L=$T/lmb
H=$L/home
rm -rf "$L"
mkdir -p "$H"
chmod 755 "$H"
OUT=$L/out

# dl FILE-WITH-MESSAGE SENDER [MBOX]: deliver to ./Mailbox (default)
dl() {
    "$B/qmail-local" -- "$ME" "$H" joe '' '' example.org "$2" "${3-./Mailbox}" \
        <"$1" >"$OUT" 2>&1
    rc=$?
}

printf 'Subject: one\n\nFrom the start\n>From quoted\n>>From twice\nFromage\n no From\nlast line\n' \
    >"$L/m1"
printf 'Subject: two\n\npartial last line' >"$L/m2"
dl "$L/m1" 'joe@example.org'
is "$rc:$(cat "$OUT")" "0:did 1+0+0" "first delivery"
dl "$L/m2" ''
is "$rc:$(cat "$OUT")" "0:did 1+0+0" "second delivery (a bounce)"
dl "$L/m1" 'a b@example.org'
is "$rc" 0 "third delivery (a sender with a space)"
is "$(stat -c %a "$H/Mailbox")" 600 "a new mbox is created 0600"

# the From_ lines carry the time; check their shape, then the bytes
python3 - "$H/Mailbox" <<'EOF' >"$L/froms"
import re, sys
for line in open(sys.argv[1], 'rb').read().split(b'\n'):
    if line.startswith(b'From '):
        m = re.fullmatch(rb'From (\S+) (Sun|Mon|Tue|Wed|Thu|Fri|Sat) '
                         rb'(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) '
                         rb'[0-3]\d [0-2]\d:[0-5]\d:[0-6]\d \d{4}', line)
        print(m.group(1).decode() if m else 'BAD ' + line.decode())
EOF
is "$(cat "$L/froms" | tr '\n' ' ')" "joe@example.org MAILER-DAEMON a-b@example.org " \
    "From_ lines: sender, MAILER-DAEMON, blanks as dashes; UTC, day zero-padded"
sed 's/^\(From [^ ]*\) .*/\1 DATE/' "$H/Mailbox" >"$L/got"
cat >"$L/exp" <<'EOF'
From joe@example.org DATE
Return-Path: <joe@example.org>
Delivered-To: joe@example.org
Subject: one

>From the start
>>From quoted
>>>From twice
Fromage
 no From
last line

From MAILER-DAEMON DATE
Return-Path: <>
Delivered-To: joe@example.org
Subject: two

partial last line

From a-b@example.org DATE
Return-Path: <"a b"@example.org>
Delivered-To: joe@example.org
Subject: one

>From the start
>>From quoted
>>>From twice
Fromage
 no From
last line

EOF
cmp -s "$L/exp" "$L/got"
ok $? "mbox bytes: headers, mboxrd quoting, partial line ends in two LFs"
[ $? -eq 0 ] || diff "$L/exp" "$L/got" | sed 's/^/# /'

python3 - "$H/Mailbox" <<'EOF' >"$L/py"
import mailbox, sys
for m in mailbox.mbox(sys.argv[1]):
    print('%s|%s|%s|%r' % (m['Return-Path'], m['Delivered-To'], m['Subject'],
                           m.get_payload()[:15]))
EOF
is "$(cat "$L/py")" "<joe@example.org>|joe@example.org|one|'>From the start'
<>|joe@example.org|two|'partial last li'
<\"a b\"@example.org>|joe@example.org|one|'>From the start'" \
    "Python's mailbox.mbox reads three messages"

# --- mbox paths ---------------------------------------------------------------
dl "$L/m1" s@x.org ./nodir/Mailbox
is "$rc:$(cat "$OUT")" "111:Unable to open ./nodir/Mailbox: No such file or directory. (#4.2.1)" \
    "mbox in a missing directory: temporary"
mkdir -p "$L/abs"
dl "$L/m1" s@x.org "$L/abs/box"
is "$rc:$(grep -c '^Subject: one$' "$L/abs/box")" "0:1" "absolute mbox path"

# --- a failed write is cut back ---------------------------------------------
# a file size limit makes the write fail with EFBIG (SIGXFSZ ignored)
size=$(stat -c %s "$H/Mailbox")
head -c 200000 /dev/zero | tr '\0' 'x' >"$L/big"
python3 - "$size" "$B/qmail-local" "$ME" "$H" "$L/big" "$OUT" <<'EOF'
import os, resource, signal, sys
size, prog, me, home, msg, out = sys.argv[1:]
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
lim = int(size) + 1000
resource.setrlimit(resource.RLIMIT_FSIZE, (lim, lim))
fd = os.open(msg, os.O_RDONLY); os.dup2(fd, 0)
fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC); os.dup2(fd, 1); os.dup2(fd, 2)
os.execv(prog, [prog, '--', me, home, 'joe', '', '', 'example.org', 's@x.org',
                './Mailbox'])
EOF
is "$?:$(cat "$OUT")" "111:Unable to write ./Mailbox: File too large. (#4.3.0)" \
    "write failure: temporary"
is "$(stat -c %s "$H/Mailbox")" "$size" "the mbox is cut back to its old end"

# --- locking ------------------------------------------------------------------
# hold the lock, start a delivery, wait (by polling /proc/locks) until
# it is blocked on our lock, check nothing was written, release
cat >"$L/locker.py" <<'EOF'
import fcntl, os, subprocess, sys, time
prog, me, home, msg, hold = sys.argv[1:]
box = os.path.join(home, 'Mailbox')
f = open(box, 'ab')
fcntl.flock(f, fcntl.LOCK_EX)
before = os.path.getsize(box)
p = subprocess.Popen([prog, '--', me, home, 'joe', '', '', 'example.org',
                      's@x.org', './Mailbox'], stdin=open(msg, 'rb'),
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
blocked = False
for _ in range(2000):
    if any(('-> FLOCK' in l and ' %d ' % p.pid in l)
           for l in open('/proc/locks')):
        blocked = True
        break
    if p.poll() is not None:
        break
    time.sleep(0.01)
print('blocked' if blocked else 'not blocked')
print('unchanged' if os.path.getsize(box) == before else 'changed')
if hold == 'release':
    fcntl.flock(f, fcntl.LOCK_UN)
out = p.communicate()[0].decode()
print('exit %d %s' % (p.returncode, out.strip()))
print('grew' if os.path.getsize(box) > before else 'same size')
EOF
python3 "$L/locker.py" "$B/qmail-local" "$ME" "$H" "$L/m1" release >"$L/lk"
is "$(cat "$L/lk")" "blocked
unchanged
exit 0 did 1+0+0
grew" "a delivery waits for the lock, then appends"
python3 "$L/locker.py" "$B/qmail-local" "$ME" "$H" "$L/m1" hold >"$L/lk"
is "$(cat "$L/lk")" "blocked
unchanged
exit 111 File has been locked for 30 seconds straight. (#4.3.0)
same size" "a lock held for 30 seconds: temporary failure, nothing written"

done_testing
