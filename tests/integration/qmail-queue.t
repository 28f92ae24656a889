#!/bin/sh
# qmail-queue against spec delivery.md 1.2, 1.3, 1.5 and 1.6: the files
# of a queued message byte for byte (Received line, envelope, inode
# numbers, split directory, modes), every exit code that can be caused
# from outside, what each failure leaves in the queue, and the trigger.
. "$(dirname "$0")/../lib.sh"
inst_fresh
Q=$QH/queue
QQ=$QH/bin/qmail-queue
UID_=$(id -u)

qskip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"; }
# the regular files under the queue's message directories
qfiles() { (cd "$Q" && find pid intd todo mess -type f | sort); }
nfiles() { find "$Q/$1" -type f | wc -l | tr -d ' '; }
qreset() { find "$Q/pid" "$Q/intd" "$Q/todo" "$Q/mess" -type f -exec rm -f {} +; }
# qq MSG ENV: run qmail-queue (envelope on fd 1); sets rc and qpid
qq() {
    "$QQ" <"$1" 1<"$2" &
    qpid=$!
    wait "$qpid"
    rc=$?
}
# a run of N copies of byte C
bytes() { head -c "$1" /dev/zero | tr '\0' "$2"; }

printf 'Subject: test\n\nHello, world.\n' >"$T/m1"
printf 'Fsender@example.org\000Tr1@example.com\000Tr2@example.net\000\000' \
    >"$T/e1"
printf 'x\n' >"$T/mx"

# --- success ---------------------------------------------------------------
qreset
t0=$(date +%s)
qq "$T/m1" "$T/e1"
t1=$(date +%s)
is "$rc" 0 "success: exit 0"
N=$(ls "$Q/todo")
case $N in ''|*[!0-9]*) N=0 ;; esac
ok "$([ "$(nfiles todo)" = 1 ] && [ "$N" -gt 0 ]; echo $?)" \
    "one todo file with a decimal name ($N)"
S=$((N % 23))
is "$(stat -c %i "$Q/intd/$N" 2>&1)" "$(stat -c %i "$Q/todo/$N" 2>&1)" \
    "todo/N and intd/N are the same inode"
is "$(stat -c %h "$Q/todo/$N" 2>&1)" 2 "two links: intd and todo"
is "$(qfiles | grep '^mess/')" "mess/$S/$N" "mess/<N mod 23>/N, nothing else"
is "$(stat -c %i "$Q/mess/$S/$N" 2>&1)" "$N" "mess/$S/$N is inode N"
is "$(nfiles pid)" 0 "pid/ is empty again"
is "$(stat -c '%a %U' "$Q/mess/$S/$N" "$Q/todo/$N" | sort -u)" "644 $ME" \
    "mess and todo: mode 0644, owner $ME"

recv=$(head -n 1 "$Q/mess/$S/$N")
mon='(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)'
printf '%s\n' "$recv" | grep -Eq "^Received: \\(qmail [1-9][0-9]* invoked by alias\\); [1-9][0-9]? $mon [0-9]{4} [0-2][0-9]:[0-5][0-9]:[0-6][0-9] -0000\$"
ok $? "Received line: $recv"
is "$(printf '%s\n' "$recv" | sed -n 's/^Received: (qmail \([0-9]*\) .*/\1/p')" \
    "$qpid" "Received line names qmail-queue's pid"
secs=$(date -u -d "$(printf '%s\n' "$recv" | sed 's/^[^;]*; //; s/ -0000$//')" +%s)
ok "$([ "$secs" -ge "$t0" ] && [ "$secs" -le "$t1" ]; echo $?)" \
    "Received date is the start time, in UTC"
tail -n +2 "$Q/mess/$S/$N" | cmp -s - "$T/m1"
ok $? "the message follows the Received line exactly"
is "$(stat -c %s "$Q/mess/$S/$N")" "$(( ${#recv} + 1 + $(stat -c %s "$T/m1") ))" \
    "mess is exactly Received line + message"
printf "u%s\000p%s\000Fsender@example.org\000Tr1@example.com\000Tr2@example.net\000" \
    "$UID_" "$qpid" >"$T/exp"
cmp -s "$Q/todo/$N" "$T/exp"
ok $? "todo: u, p, F, T records, no final extra NUL"

# empty sender, no recipients, empty message
qreset
: >"$T/m0"
printf 'F\000\000' >"$T/e0"
qq "$T/m0" "$T/e0"
is "$rc" 0 "empty sender, no recipients, empty message: exit 0"
N=$(ls "$Q/todo")
printf "u%s\000p%s\000F\000" "$UID_" "$qpid" >"$T/exp"
cmp -s "$Q/todo/$N" "$T/exp"
ok $? "todo is exactly u, p and F NUL"
m=$Q/mess/$((N % 23))/$N
is "$(wc -l <"$m" | tr -d ' ') $(tail -c 1 "$m" | od -An -c | tr -d ' ')" '1 \n' \
    "mess holds the Received line only"

# another real uid: "by uid N" and uN (the binary is set-uid $ME)
if [ "$UID_" = 0 ] && command -v setpriv >/dev/null; then
    qreset
    setpriv --reuid=65534 --regid=65534 --clear-groups "$QQ" <"$T/m1" 1<"$T/e1" &
    qpid=$!
    wait $qpid
    is "$?" 0 "run by uid 65534: exit 0"
    N=$(ls "$Q/todo")
    head -n 1 "$Q/mess/$((N % 23))/$N" |
        grep -Eq "^Received: \\(qmail $qpid invoked by uid 65534\\); "
    ok $? "Received: invoked by uid 65534"
    head -c 8 "$Q/todo/$N" | cmp -s - "$(printf 'u65534\000p' >"$T/exp"; echo "$T/exp")"
    ok $? "todo starts with the real uid: u65534"
    is "$(stat -c %U "$Q/todo/$N")" "$ME" "files owned by the set-uid owner"
else
    qskip "run by another uid" "needs root and setpriv"
fi

# --- address length limit: 1002 bytes -----------------------------------------
qreset
{ printf F; bytes 1002 s; printf '\000T'; bytes 1002 r; printf '\000\000'; } >"$T/e"
qq "$T/mx" "$T/e"
is "$rc" 0 "1002-byte sender and recipient: queued"
N=$(ls "$Q/todo")
{ printf "u%s\000p%s\000F" "$UID_" "$qpid"; bytes 1002 s; printf '\000T'
  bytes 1002 r; printf '\000'; } >"$T/exp"
cmp -s "$Q/todo/$N" "$T/exp"
ok $? "long addresses stored exactly"

# --- failures ----------------------------------------------------------------
# fails CODE NAME MSG ENV [clean|left]: after the exit nothing is in todo/;
# clean: nothing anywhere (53, 54); left: mess and intd kept (spec 1.5)
fails() {
    qreset
    qq "$3" "$4"
    is "$rc" "$1" "$2: exit $1"
    is "$(nfiles todo)" 0 "$2: nothing in todo/"
    case ${5:-} in
    clean) is "$(qfiles | tr '\n' ' ')" "" "$2: mess/, intd/, pid/ cleaned" ;;
    left) is "$(nfiles mess) $(nfiles intd)" "1 1" \
        "$2: mess and intd left for the cleanup" ;;
    esac
}
printf 'X\000\000' >"$T/e"
fails 91 "bad first byte" "$T/mx" "$T/e" left
printf '\000' >"$T/e"
fails 91 "NUL as first byte" "$T/mx" "$T/e" left
printf 'Fa\000Xb\000\000' >"$T/e"
fails 91 "bad type byte" "$T/mx" "$T/e" left
printf 'Fa\000Tb\000F\000\000' >"$T/e"
fails 91 "F after T" "$T/mx" "$T/e" left
{ printf F; bytes 1003 s; printf '\000\000'; } >"$T/e"
fails 11 "1003-byte sender" "$T/mx" "$T/e" left
{ printf 'Fs\000Tok\000T'; bytes 1003 r; printf '\000\000'; } >"$T/e"
fails 11 "1003-byte recipient" "$T/mx" "$T/e" left
{ printf 'Fs\000T'; bytes 2000 r; printf '\000\000'; } >"$T/e"
fails 11 "2000-byte recipient" "$T/mx" "$T/e" left
printf 'Fa\000Tb\000' >"$T/e"
fails 54 "EOF before the final NUL" "$T/mx" "$T/e" clean
: >"$T/e"
fails 54 "EOF before any envelope" "$T/mx" "$T/e" clean
printf 'Fa\000Tbc' >"$T/e"
fails 54 "EOF inside an address" "$T/mx" "$T/e" clean
printf 'Fsend' >"$T/e"
fails 54 "EOF inside the sender" "$T/mx" "$T/e" clean
fails 54 "message unreadable (a directory)" "$Q/lock" "$T/e1" clean
fails 54 "envelope unreadable (a directory)" "$T/mx" "$Q/lock" clean

# QMAILHOME, queue and its directories missing or not directories
mv "$QH" "$QH.away"
"$QH.away/bin/qmail-queue" <"$T/mx" 1<"$T/e1"
is "$?" 61 "QMAILHOME missing: exit 61"
: >"$QH"
"$QH.away/bin/qmail-queue" <"$T/mx" 1<"$T/e1"
is "$?" 61 "QMAILHOME a regular file: exit 61"
rm -f "$QH"
mv "$QH.away" "$QH"
is "$(qfiles | tr '\n' ' ')" "" "61: nothing created"

# away DIR CODE NAME [file]: DIR (under the queue) missing, or a file
away() {
    qreset
    mv "$Q/$1" "$Q/$1.away"
    [ "${4:-}" = file ] && : >"$Q/$1"
    qq "$T/mx" "$T/e1"
    is "$rc" "$2" "$3: exit $2"
    rm -f "$Q/$1"
    [ -d "$Q/$1" ] || mv "$Q/$1.away" "$Q/$1"
    is "$(nfiles todo)" 0 "$3: nothing in todo/"
}
mv "$Q" "$Q.away"
qq "$T/mx" "$T/e1"
is "$rc" 62 "queue missing: exit 62"
mv "$Q.away" "$Q"
away pid 63 "pid/ missing"
away pid 63 "pid/ a regular file" file
is "$(qfiles | tr '\n' ' ')" "" "63: nothing created"
qreset
mv "$Q/mess" "$Q/mess.away"
mkdir "$Q/mess"
qq "$T/mx" "$T/e1"
is "$rc" 64 "mess/<split> missing: exit 64"
rmdir "$Q/mess"
mv "$Q/mess.away" "$Q/mess"
is "$(nfiles todo) $(nfiles intd)" "0 0" "64: no todo, no intd"
away intd 65 "intd/ missing"
is "$(nfiles mess)" 1 "65: mess left for the cleanup"
away todo 66 "todo/ missing"
is "$(nfiles mess) $(nfiles intd)" "1 1" "66: mess and intd left"

# --- signals (spec 1.5 step 3) -------------------------------------------------
# sig_start: qmail-queue reading its message from a FIFO we hold open;
# returns once its message file exists (its handlers are set by then)
sig_start() {
    qreset
    rm -f "$T/min" "$T/ein"
    mkfifo "$T/min" "$T/ein"
    "$QQ" <"$T/min" 1<"$T/ein" &
    qpid=$!
    exec 3>"$T/min" 4>"$T/ein"
    _d=$(( $(date +%s) + 10 ))
    while [ -z "$(find "$Q/mess" -type f)" ] && [ "$(date +%s)" -le "$_d" ]; do
        sleep 0.01
    done
}
sig_end() { wait "$qpid"; rc=$?; exec 3>&- 4>&-; }
sig_start
kill -ALRM "$qpid"
sig_end
is "$rc" 52 "SIGALRM (the 24-hour timer): exit 52"
is "$(nfiles todo) $(nfiles mess)" "0 1" "52: nothing in todo/, mess left"
for sig in SEGV BUS ILL FPE ABRT SYS; do
    sig_start
    kill -"$sig" "$qpid"
    sig_end
    is "$rc" 81 "SIG$sig: exit 81"
done
is "$(nfiles todo)" 0 "81: nothing in todo/"
sig_start
for sig in PIPE VTALRM PROF QUIT INT HUP XCPU XFSZ; do
    kill -"$sig" "$qpid"
done
cat "$T/mx" >&3
exec 3>&-
cat "$T/e1" >&4
sig_end
is "$rc" 0 "PIPE VTALRM PROF QUIT INT HUP XCPU XFSZ ignored: queued"
is "$(nfiles todo)" 1 "the message is in todo/"

# --- write errors and an unwritable queue, in a private mount namespace ----
# ns.sh MODE MSG ENV: full = a 64 KB tmpfs as the queue; ro = the queue
# bind-mounted read-only.  Prints the exit code, then the files left.
cat >"$T/ns.sh" <<'EOF'
set -u
q=$QUEUE
case $1 in
full)
    mount -t tmpfs -o size=64k,mode=750 qqtest "$q" || exit 1
    mkdir "$q/pid" "$q/intd" "$q/todo" "$q/mess" "$q/lock" || exit 1
    i=0
    while [ $i -lt 23 ]; do mkdir "$q/mess/$i"; i=$((i + 1)); done ;;
ro)
    mount --bind "$q" "$q" && mount -o remount,bind,ro "$q" || exit 1 ;;
esac
"$QQ" <"$2" 1<"$3"
echo "rc=$?"
cd "$q" && find pid intd todo mess -type f
EOF
# inns MODE MSG ENV: sets rc and left (the files left, one line)
inns() {
    out=$(QUEUE=$Q QQ=$QQ unshare -m sh "$T/ns.sh" "$@" 2>&1)
    rc=$(printf '%s\n' "$out" | sed -n 's/^rc=//p')
    left=$(printf '%s\n' "$out" | sed '1,/^rc=/d' | sort | tr '\n' ' ')
}
if [ "$UID_" = 0 ] && unshare -m true 2>/dev/null; then
    qreset
    bytes 100000 m >"$T/mbig"
    inns full "$T/mbig" "$T/e1"
    is "$rc" 53 "message larger than the disk: exit 53"
    is "$left" "" "53 (message): mess/, intd/, pid/, todo/ empty"
    bytes 30000 m >"$T/mmid"
    { printf 'Fs\000'; i=0; while [ $i -lt 40 ]; do printf T; bytes 1000 r
      printf '\000'; i=$((i + 1)); done; printf '\000'; } >"$T/ebig"
    inns full "$T/mmid" "$T/ebig"
    is "$rc" 53 "envelope does not fit: exit 53"
    is "$left" "" "53 (envelope): mess/, intd/, pid/, todo/ empty"
    inns full "$T/mmid" "$T/e1"
    is "$rc" 0 "the same message fits with a small envelope (control)"
    inns ro "$T/mx" "$T/e1"
    is "$rc" 63 "read-only queue: exit 63"
    is "$left" "" "read-only queue: nothing created"
    is "$(qfiles | tr '\n' ' ')" "" "the real queue was never touched"
else
    qskip "exit 53 on a full disk" "needs root and unshare -m"
    qreset
    chmod 500 "$Q/pid"
    qq "$T/mx" "$T/e1"
    chmod 700 "$Q/pid"
    is "$rc" 63 "unwritable pid/: exit 63"
    is "$(qfiles | tr '\n' ' ')" "" "unwritable queue: nothing created"
fi

# --- the trigger ---------------------------------------------------------------
# trigger.py FIFO QQ MSG ENV...: opens the FIFO for reading, then for
# each envelope runs qmail-queue and prints "<exit> <bytes read>"; what
# qmail-queue wrote is in the FIFO before it exits, so no waiting
cat >"$T/trigger.py" <<'EOF'
import os, subprocess, sys
fifo, qq, msg = sys.argv[1:4]
fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
def drain():
    got = b""
    while True:
        try:
            b = os.read(fd, 64)
        except BlockingIOError:
            break
        if not b:
            break
        got += b
    return got
print("before", drain().hex() or "-")
for env in sys.argv[4:]:
    with open(msg, "rb") as m, open(env, "rb") as e:
        rc = subprocess.call([qq], stdin=m, stdout=e)
    print(rc, drain().hex() or "-")
EOF
qreset
printf 'Fa\000X\000' >"$T/ebad"
if command -v python3 >/dev/null; then
    out=$(python3 "$T/trigger.py" "$Q/lock/trigger" "$QQ" "$T/mx" \
        "$T/e1" "$T/ebad" "$T/e1" | tr '\n' ',')
    is "$out" "before -,0 00,91 -,0 00," \
        "a reader gets one NUL byte per queued message, none on failure"
else
    qskip "trigger" "needs python3"
fi
mv "$Q/lock/trigger" "$Q/lock/trigger.away"
qq "$T/mx" "$T/e1"
is "$rc" 0 "no lock/trigger: still queued"
mv "$Q/lock/trigger.away" "$Q/lock/trigger"
is "$(stat -c %F "$Q/lock/trigger")" fifo "lock/trigger is still a FIFO"

done_testing
