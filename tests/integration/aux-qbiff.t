#!/bin/sh
# qbiff: the notice written to the recipient's terminals (smtp-and-
# tools.md 5.1).  A pseudo-terminal stands in for the login, and a
# private mount namespace puts a utmp file of ours at /run/utmp.
. "$(dirname "$0")/../lib.sh"
unshare -m true 2>/dev/null || skip_all "no mount namespaces (needs root or user namespaces)"
inst_fresh
QB=$QH/bin/qbiff

# biff CASE: run qbiff for one pty login; prints what the tty received
# (Python repr) to stdout.  CASE picks the variation.
biff() {
    python3 - "$T" "$QB" "$1" <<'EOP'
import os, struct, subprocess, sys, tty
t, prog, case = sys.argv[1:]
master, slave = os.openpty()
tty.setraw(slave)          # no CR insertion: see the bytes as written
name = os.ttyname(slave)   # /dev/pts/N
os.fchmod(slave, 0o700 if case != "nobiff" else 0o600)
line = name[len("/dev/"):]
if case == "dotline":
    line = "pts/../" + line
user = "joe" if case != "otheruser" else "ann"
def rec(ut_type, user, line):
    return struct.pack("hi32s4s32s256shhiii16s20x", ut_type, os.getpid(),
                       line.encode(), b"x", user.encode(), b"", 0, 0, 0, 0, 0, b"")
run = os.path.join(t, "run")
os.makedirs(run, exist_ok=True)
with open(os.path.join(run, "utmp"), "wb") as f:
    f.write(rec(8, "joe", line))          # a dead process: ignored
    f.write(rec(7, user, line))           # USER_PROCESS
msg = b"Subject: Hi\tthere\nX-Other: y\n\nbody line\n" + b"z\x01" * 60
env = dict(os.environ, USER="joe", SENDER="s\x02@y.org", LOCAL="joe-ext")
r = subprocess.run(["unshare", "-m", "sh", "-c",
                    'mount --bind "$0" /run && exec "$1"', run, prog],
                   input=msg, env=env)
os.set_blocking(master, False)
try:
    got = os.read(master, 4096)
except BlockingIOError:
    got = b""
print("%d %r" % (r.returncode, got))
EOP
}
text="    Hi/there/body line/$(python3 -c 'print("z/" * 30, end="")')"
text=$(printf '%s' "$text" | cut -c1-78)
exp="0 b'\\\\r\\\\n\\\\x07*** TO <joe-ext> FROM <s_@y.org>\\\\r\\\\n$text\\\\r\\\\n'"
exp=$(printf '%b' "$exp")
is "$(biff plain)" "$exp" \
    "biff y: CR LF BEL, TO/FROM line (control characters as _), 78 bytes of subject and body (as /)"
is "$(biff nobiff)" "0 b''" "tty without the owner-execute bit: nothing written"
is "$(biff otheruser)" "0 b''" "a login of another user: nothing written"
is "$(biff dotline)" "0 b''" "a utmp line with a dot: skipped"

env -u USER SENDER=a LOCAL=b "$QB" </dev/null 2>"$T/err"
is "$?:$(cat "$T/err")" "0:" "USER missing: exit 0, silent"
env -u SENDER USER=a LOCAL=b "$QB" </dev/null 2>"$T/err"
is "$?:$(cat "$T/err")" "0:" "SENDER missing: exit 0, silent"

done_testing
