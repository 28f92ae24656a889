#!/bin/sh
# maildirmake, maildir2mbox and maildirwatch (smtp-and-tools.md 5.2):
# the directories and modes made, the mbox written (byte for byte and
# as Python's mailbox module reads it), what is left behind, locking,
# errors; maildirwatch's screen.
. "$(dirname "$0")/../lib.sh"
inst_fresh
B=$QH/bin
W=$T/md
rm -rf "$W"
mkdir -p "$W"

# --- maildirmake --------------------------------------------------------
(umask 000; "$B/maildirmake" "$W/Maildir")
is "$?" 0 "maildirmake: exit 0"
for d in "" /tmp /new /cur; do
    is "$(stat -c %a "$W/Maildir$d")" 700 "maildirmake: Maildir$d is 0700 (whatever the umask)"
done
is "$(find "$W/Maildir" | wc -l)" 4 "maildirmake: nothing else is made"
"$B/maildirmake" "$W/Maildir" 2>"$T/err"
is "$?:$(cat "$T/err")" "111:maildirmake: fatal: unable to mkdir $W/Maildir: File exists" \
    "maildirmake: existing directory: 111"
"$B/maildirmake" "$W/no/such" 2>"$T/err"
is "$?:$(cat "$T/err")" \
    "111:maildirmake: fatal: unable to mkdir $W/no/such: No such file or directory" \
    "maildirmake: missing parent: 111"
# a subdirectory that cannot be made: a tmpfs with room for one inode
# more than its root (needs a private mount namespace)
if unshare -m true 2>/dev/null; then
    mkdir -p "$W/tiny"
    unshare -m sh -c 'mount -t tmpfs -o nr_inodes=2 none "$1" &&
        "$2" "$1/md"' sh "$W/tiny" "$B/maildirmake" 2>"$T/err"
    r=$?
    case $(cat "$T/err") in
    "maildirmake: fatal: unable to mkdir $W/tiny/md/tmp: "*) m=ok ;;
    *) m=$(cat "$T/err") ;;
    esac
    is "$r:$m" "111:ok" "maildirmake: subdirectory fails: 111, names dir/tmp"
else
    ok 0 "maildirmake: subdirectory failure # SKIP no mount namespace"
fi
"$B/maildirmake" 2>"$T/err"
is "$?:$(cat "$T/err")" "100:maildirmake: usage: maildirmake name" "maildirmake: usage"
(cd "$W" && "$B/maildirmake" rel)
is "$?:$(ls "$W/rel" | tr '\n' ' ')" "0:cur new tmp " "maildirmake: relative name"

# --- maildir2mbox: environment ------------------------------------------
M2=$B/maildir2mbox
env -u MAIL MAILTMP=x MAILDIR=y "$M2" 2>"$T/err"
is "$?:$(cat "$T/err")" "111:maildir2mbox: fatal: MAIL not set" "maildir2mbox: no MAIL"
env -u MAILTMP MAIL=x MAILDIR=y "$M2" 2>"$T/err"
is "$?:$(cat "$T/err")" "111:maildir2mbox: fatal: MAILTMP not set" "maildir2mbox: no MAILTMP"
env -u MAILDIR MAIL=x MAILTMP=y "$M2" 2>"$T/err"
is "$?:$(cat "$T/err")" "111:maildir2mbox: fatal: MAILDIR not set" "maildir2mbox: no MAILDIR"
MAIL=$W/mbox MAILTMP=$W/mbox.tmp MAILDIR=$W/none "$M2" 2>"$T/err"
is "$?:$(cat "$T/err")" \
    "111:maildir2mbox: fatal: unable to chdir to $W/none: No such file or directory" \
    "maildir2mbox: missing maildir"

export MAIL=$W/mbox MAILTMP=$W/mbox.tmp MAILDIR=$W/Maildir
"$M2"
is "$?" 0 "maildir2mbox: empty maildir: exit 0"
[ ! -e "$MAIL" ] && [ ! -e "$MAILTMP" ]
ok $? "maildir2mbox: empty maildir: MAIL not created"

# --- maildir2mbox: the conversion ---------------------------------------
# Python builds the maildir (with mtimes in the past, in a known order)
# and the expected mbox, independently of the program
python3 - "$MAILDIR" "$T/expected" <<'EOP'
import os, sys, time
md, exp = sys.argv[1], sys.argv[2]
now = int(time.time())
msgs = [  # (subdir, name, age, contents)
    ("new", "b", 300, b"Return-Path: <a b\tc@y.org>\nSubject: one\n\nFrom here\n>From there\n>>From x\nFrom\n"),
    ("cur", "a:2,S", 200, b"Return-Path: <>\nSubject: bounce\n\nno final newline"),
    ("new", "c", 100, b"Subject: no return path\n\n\n"),
    ("new", "d", 100, b""),
]
def ctime(t):
    return time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(t)).encode()
def quote(body):
    out = b""
    lines = body.split(b"\n")
    for i, l in enumerate(lines):
        if i == len(lines) - 1 and l == b"":
            break
        if l.lstrip(b">").startswith(b"From "):
            l = b">" + l
        out += l + b"\n"
    return out
mbox = b"From old@x.org Thu Jan 01 00:00:00 1970\nSubject: old\n\nold\n\n"
for sub, name, age, data in sorted(msgs, key=lambda m: (-m[2], m[0] + "/" + m[1])):
    t = now - age
    p = os.path.join(md, sub, name)
    with open(p, "wb") as f:
        f.write(data)
    os.utime(p, (t, t))
    first = data.split(b"\n")[0]
    if data.startswith(b"Return-Path: <>\n"):
        who = b"MAILER-DAEMON"
    elif data.startswith(b"Return-Path: <"):
        who = first[14:-1].replace(b" ", b"-").replace(b"\t", b"-")
    else:
        who = b"XXX"
    mbox += b"From " + who + b" " + ctime(t) + b"\n" + quote(data) + b"\n"
# one just arriving (this second or later) stays for the next run
p = os.path.join(md, "new", "late")
open(p, "wb").write(b"Subject: late\n\n")
os.utime(p, (now + 3600, now + 3600))
# temporary files: an old one is removed, a fresh one stays
for n, age in (("old", 40 * 3600), ("fresh", 60)):
    p = os.path.join(md, "tmp", n)
    open(p, "wb").write(b"partial")
    os.utime(p, (now - age, now - age))
# dot files are not messages
open(os.path.join(md, "new", ".hidden"), "wb").write(b"x")
open(exp, "wb").write(mbox)
EOP
printf 'From old@x.org Thu Jan 01 00:00:00 1970\nSubject: old\n\nold\n\n' >"$MAIL"
chmod 640 "$MAIL"
"$M2" 2>"$T/err"
is "$?:$(cat "$T/err")" "0:" "maildir2mbox: exit 0"
cmp -s "$T/expected" "$MAIL"
ok $? "maildir2mbox: mbox = old contents + From lines + quoted messages"
[ $? -eq 0 ] || diff "$T/expected" "$MAIL" | sed 's/^/# /'
is "$(cd "$MAILDIR" && find new cur tmp -type f | sort | tr '\n' ' ')" \
    "new/.hidden new/late tmp/fresh " \
    "maildir2mbox: moved messages and the stale tmp file are gone"
[ ! -e "$MAILTMP" ]
ok $? "maildir2mbox: MAILTMP renamed over MAIL"
is "$(stat -c %a "$MAIL")" 600 "maildir2mbox: the new mbox is 0600"
python3 - "$MAIL" <<'EOP' >"$T/py"
import mailbox, sys
for m in mailbox.mbox(sys.argv[1]):
    print(repr((m.get_from().split(" ")[0], m["Subject"])))
EOP
printf '%s\n' "('old@x.org', 'old')" "('a-b-c@y.org', 'one')" \
    "('MAILER-DAEMON', 'bounce')" "('XXX', 'no return path')" "('XXX', None)" |
    cmp -s - "$T/py"
ok $? "maildir2mbox: Python's mailbox reads the five messages back"

"$M2"
cmp -s "$T/expected" "$MAIL"
ok $? "maildir2mbox: a second run with nothing old enough changes nothing"

# the lock: a reader holding an exclusive flock on MAIL delays the move
python3 - "$MAILDIR" <<'EOP'
import os, sys, time
p = os.path.join(sys.argv[1], "new", "locked")
open(p, "wb").write(b"Subject: locked\n\n")
os.utime(p, (time.time() - 10, time.time() - 10))
EOP
python3 - "$M2" "$MAIL" <<'EOP' >"$T/lock"
import fcntl, subprocess, sys
f = open(sys.argv[2], "a")
fcntl.flock(f, fcntl.LOCK_EX)
p = subprocess.Popen([sys.argv[1]])
try:
    p.wait(timeout=1)
    print("finished while locked")
except subprocess.TimeoutExpired:
    print("waited")
print("untouched" if b"Subject: locked" not in open(sys.argv[2], "rb").read()
      else "written while locked")
fcntl.flock(f, fcntl.LOCK_UN)
print(p.wait(timeout=30))
EOP
is "$(tr '\n' ' ' <"$T/lock")" "waited untouched 0 " \
    "maildir2mbox: waits for the lock on MAIL, MAIL untouched meanwhile"
grep -q '^Subject: locked$' "$MAIL"
ok $? "maildir2mbox: and then moves the message"

# MAILTMP cannot be created: the maildir is left alone
python3 - "$MAILDIR" <<'EOP'
import os, sys, time
p = os.path.join(sys.argv[1], "new", "kept")
open(p, "wb").write(b"Subject: kept\n\n")
os.utime(p, (time.time() - 10, time.time() - 10))
EOP
cp "$MAIL" "$T/before"
MAILTMP=$W/nodir/tmp "$M2" 2>"$T/err"
is "$?:$(cat "$T/err")" \
    "111:maildir2mbox: fatal: unable to create $W/nodir/tmp: No such file or directory" \
    "maildir2mbox: MAILTMP cannot be created: 111"
[ -e "$MAILDIR/new/kept" ] && cmp -s "$T/before" "$MAIL"
ok $? "maildir2mbox: after a failure the message is still in the maildir, MAIL unchanged"

# relative MAIL and MAILTMP are relative to MAILDIR
(cd / && MAIL=../rel.mbox MAILTMP=../rel.tmp "$M2")
grep -q '^Subject: kept$' "$W/rel.mbox" && [ ! -e "$MAILDIR/new/kept" ]
ok $? "maildir2mbox: relative MAIL is taken from MAILDIR"

# --- maildirwatch -------------------------------------------------------
MW=$B/maildirwatch
env -u MAILDIR "$MW" 2>"$T/err"
is "$?:$(cat "$T/err")" "111:maildirwatch: fatal: MAILDIR not set" "maildirwatch: no MAILDIR"
MAILDIR=$W/none "$MW" 2>"$T/err"
is "$?:$(cat "$T/err")" \
    "111:maildirwatch: fatal: unable to chdir to $W/none: No such file or directory" \
    "maildirwatch: missing maildir"

rm -rf "$W/watch"
"$B/maildirmake" "$W/watch"
python3 - "$W/watch" <<'EOP'
import os, sys, time
now = time.time()
body = "x" * 200
for name, age, data in (
    ("one", 200, "Return-Path: <s@y.org>\nDelivered-To: box@example.org\n"
                 "From: Sam <s@y.org>\nSubject: Hello\tthere\n\nFirst line\n"),
    ("two", 100, "Subject: long\n\n" + body + "\n"),
):
    p = os.path.join(sys.argv[1], "new", name)
    open(p, "w").write(data)
    os.utime(p, (now - age, now - age))
EOP
# the first screen is written at once; wait for it, then stop the program
python3 - "$MW" "$W/watch" "$T/screen" <<'EOP'
import os, subprocess, sys, time
env = dict(os.environ, MAILDIR=sys.argv[2])
out = open(sys.argv[3], "wb")
p = subprocess.Popen([sys.argv[1]], env=env, stdout=out)
deadline = time.time() + 20
want = b"\n\n"
while time.time() < deadline:
    data = open(sys.argv[3], "rb").read()
    if data.count(b"\n\n") >= 2 and data.endswith(b"\n\n"):
        break
    time.sleep(0.05)
p.kill()
p.wait()
EOP
printf '\033[;H\033[;JFROM <s@y.org> TO <box@example.org>\n\033[1mFrom: Sam <s@y.org>\033[0m\nHello/there/First line/\n\nFROM ? TO <?>\nlong/%s\n\n' \
    "$(python3 -c 'print("x" * 153)')" >"$T/screen.exp"
cmp -s "$T/screen.exp" "$T/screen"
ok $? "maildirwatch: clear screen, then each message oldest first"
[ $? -eq 0 ] || od -c "$T/screen" | sed 's/^/# /' | head -20

done_testing
