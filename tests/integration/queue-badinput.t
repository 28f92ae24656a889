#!/bin/sh
# qmail-queue with hostile or unusual input (spec delivery.md 1.3, 1.5):
# a 100 MB message streamed through, NUL bytes, a 1 MB header line, no
# final newline, bare CR, 8-bit and control bytes in addresses, a 1 MB
# envelope, and an over-long address.  Every byte must reach the queue
# unchanged.  Run with QMT_SANITIZE=1 (and a QMT of its own) to check
# an ASan/UBSan build of the instance.
. "$(dirname "$0")/../lib.sh"
inst_fresh
Q=$QH/queue
QQ=$QH/bin/qmail-queue
UID_=$(id -u)
[ -n "${QMT_SANITIZE:-}" ] && diag "instance built with SANITIZE=1"

nfiles() { find "$Q/$1" -type f | wc -l | tr -d ' '; }
qreset() { find "$Q/pid" "$Q/intd" "$Q/todo" "$Q/mess" -type f -exec rm -f {} +; }
bytes() { head -c "$1" /dev/zero | tr '\0' "$2"; }
# after a success: the mess file of the one queued message
messfile() { _q=$(ls "$Q/todo"); echo "$Q/mess/$((_q % 23))/$_q"; }
# the message part of a mess file (after the Received line)
body() { tail -c +$(( $(head -n 1 "$1" | wc -c) + 1 )) "$1"; }
# queued NAME MSGFILE: queue MSGFILE with envelope $T/e1, compare bytes
queued() {
    qreset
    "$QQ" <"$2" 1<"$T/e1" 2>"$T/qq.err"
    is "$?" 0 "$1: exit 0"
    body "$(messfile)" | cmp -s - "$2"
    ok $? "$1: stored byte for byte"
    is "$(cat "$T/qq.err")" "" "$1: nothing on stderr"
}
printf 'Fs@example.org\000Tr@example.com\000\000' >"$T/e1"

# 100 MB, streamed: the checksum is taken on the way in
qreset
rm -f "$T/fifo"
mkfifo "$T/fifo"
sha256sum <"$T/fifo" >"$T/sum.in" &
sumpid=$!
head -c 104857600 /dev/urandom | tee "$T/fifo" | "$QQ" 1<"$T/e1" 2>"$T/qq.err"
is "$?" 0 "100 MB message: exit 0"
wait $sumpid
m=$(messfile)
is "$(( $(stat -c %s "$m") - $(head -n 1 "$m" | wc -c) ))" 104857600 \
    "100 MB message: size"
is "$(body "$m" | sha256sum)" "$(cat "$T/sum.in")" "100 MB message: checksum"
is "$(cat "$T/qq.err")" "" "100 MB message: nothing on stderr"
rm -f "$T/fifo"

# NUL bytes and random binary
{ printf 'Subject: nul\000s\n\n\000\000a\000b\n\000'; head -c 65536 /dev/urandom
  printf '\000'; } >"$T/m"
queued "NUL bytes and binary" "$T/m"

# a header line of 1 MB
{ printf 'Subject: '; bytes 1048576 x; printf '\n\nbody\n'; } >"$T/m"
queued "a 1 MB header line" "$T/m"

# no final newline; bare CR; CRLF; a lone dot line
printf 'Subject: x\r\n\r\n.\r\nbare\rcr\n.\nno newline at the end' >"$T/m"
queued "CR, CRLF, dot lines, no final newline" "$T/m"

# a message of one byte, and of a single newline
printf 'x' >"$T/m"
queued "a one-byte message" "$T/m"
printf '\n' >"$T/m"
queued "a lone newline" "$T/m"

# envelope_stored NAME ENVFILE: the one todo file is u, p and the
# envelope as given without its final NUL
envelope_stored() {
    _q=$(ls "$Q/todo")
    _pid=$(sed -n '1s/^Received: (qmail \([0-9]*\) .*/\1/p' \
        "$Q/mess/$((_q % 23))/$_q")
    { printf "u%s\000p%s\000" "$UID_" "$_pid"
      head -c "$(( $(stat -c %s "$2") - 1 ))" "$2"; } >"$T/exp"
    cmp -s "$Q/todo/$_q" "$T/exp"
    ok $? "$1: stored byte for byte"
}

# 8-bit and control bytes in addresses are stored verbatim
qreset
printf 'F\001\377 s\t@x\000T\033[2J\200@y\000T \000\000' >"$T/e"
"$QQ" <"$T/m" 1<"$T/e"
is "$?" 0 "control and 8-bit bytes in addresses: exit 0"
envelope_stored "control and 8-bit bytes in addresses" "$T/e"

# a 1 MB envelope: 1000 recipients of 1002 bytes
qreset
{ printf 'Fs\000'; i=0
  while [ $i -lt 1000 ]; do printf T; bytes 1002 r; printf '\000'; i=$((i + 1)); done
  printf '\000'; } >"$T/ebig"
"$QQ" <"$T/m" 1<"$T/ebig"
is "$?" 0 "1000 recipients of 1002 bytes: exit 0"
envelope_stored "a 1 MB envelope" "$T/ebig"
is "$(tr -cd '\000' <"$Q/todo/$(ls "$Q/todo")" | wc -c | tr -d ' ')" 1003 \
    "u, p, F and 1000 T records"

# an address of 2,000 bytes: exit 11, nothing queued
qreset
{ printf 'Fs\000T'; bytes 2000 a; printf '@example.com\000\000'; } >"$T/e"
"$QQ" <"$T/m" 1<"$T/e" 2>"$T/qq.err"
is "$?" 11 "2,000-byte address: exit 11"
is "$(nfiles todo)" 0 "2,000-byte address: nothing in todo/"
is "$(cat "$T/qq.err")" "" "2,000-byte address: nothing on stderr"
{ printf 'F'; bytes 2000 a; printf '\000\000'; } >"$T/e"
"$QQ" <"$T/m" 1<"$T/e"
is "$?" 11 "2,000-byte sender: exit 11"
is "$(nfiles todo)" 0 "2,000-byte sender: nothing in todo/"

done_testing
