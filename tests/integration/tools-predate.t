#!/bin/sh
# predate: the Date line (local time, numeric offset), the child on a
# pipe, exit statuses and messages (smtp-and-tools.md 3.10).
. "$(dirname "$0")/../lib.sh"
inst_fresh
P=$QH/bin/predate

# check_date ZONE: predate's Date in ZONE is well formed, names the
# current second, and its offset is the one date(1) gives
check_date() {
    b=$(date +%s)
    bz=$(TZ=$1 date +%z)
    d=$(echo body | TZ=$1 "$P" cat >"$T/d" && head -n 1 "$T/d")
    az=$(TZ=$1 date +%z)
    a=$(date +%s)
    case $d in
    "Date: "[1-9]" "[A-Z][a-z][a-z]" "[0-9][0-9][0-9][0-9]" "[0-2][0-9]:[0-5][0-9]:[0-6][0-9]" "[+-][0-9][0-9][0-9][0-9] | \
    "Date: "[1-3][0-9]" "[A-Z][a-z][a-z]" "[0-9][0-9][0-9][0-9]" "[0-2][0-9]:[0-5][0-9]:[0-6][0-9]" "[+-][0-9][0-9][0-9][0-9])
        r=0 ;;
    *) r=1 ;;
    esac
    ok $r "$1: format ($d)"
    z=${d##* }
    [ "$z" = "$bz" ] || [ "$z" = "$az" ]
    ok $? "$1: offset $z is date's ($bz)"
    t=$(date -d "${d#Date: }" +%s)
    [ "$t" -ge "$b" ] && [ "$t" -le "$a" ]
    ok $? "$1: the time is now ($t in $b..$a)"
    # the wall-clock fields are local time in ZONE
    is "$(TZ=$1 LC_ALL=C date -d "@$t" '+%-d %b %Y %H:%M:%S %z')" "${d#Date: }" \
        "$1: local time of that instant"
}
check_date UTC
is "$(echo | TZ=UTC "$P" cat >"$T/d" && head -n 1 "$T/d" | sed 's/.* //')" "+0000" "UTC: offset +0000"
check_date Europe/Berlin
check_date America/St_Johns
check_date Asia/Kolkata

# -- the child and its input ---------------------------------------------
head -c 300000 /dev/urandom >"$T/in"
"$P" cat <"$T/in" >"$T/out"
is "$?" 0 "cat: exit 0"
tail -n +2 "$T/out" | cmp -s - "$T/in"
ok $? "input copied byte for byte after the Date line"
is "$(head -n 1 "$T/out" | cut -c1-6)" "Date: " "the Date line comes first"

out=$(echo x | "$P" sh -c 'cat >/dev/null; printf "%s|" "$@"' sh a 'b c' '')
is "$out" "a|b c||" "arguments reach the child"

PATH=$QH/bin:$PATH
export PATH
printf 'line\n' >"$T/in"
"$P" sh -c 'cat >/dev/null; exit 7' <"$T/in"
is "$?" 7 "the child's exit status is ours"
"$P" false </dev/null
is "$?" 1 "child found through PATH, status 1"

yes | head -c 2000000 >"$T/big"
"$P" true <"$T/big" 2>"$T/err"
is "$?:$(cat "$T/err")" "0:" "a child that reads nothing: its status, no complaint"

# the child starts with SIGPIPE at its default: yes dies of it, and
# predate reports the crash
{ "$P" sh -c 'exec yes' </dev/null 2>"$T/err"; echo $? >"$T/st"; } | head -c 1 >/dev/null
is "$(cat "$T/st"):$(cat "$T/err")" "111:predate: fatal: child crashed" \
    "the child keeps SIGPIPE's default action"

"$P" sh -c 'kill -9 $$' </dev/null 2>"$T/err"
is "$?:$(cat "$T/err")" "111:predate: fatal: child crashed" "child killed: 111"

"$P" "$T/nonexistent" </dev/null 2>"$T/err"
is "$?:$(cat "$T/err")" \
    "111:predate: fatal: unable to run $T/nonexistent: No such file or directory" \
    "child cannot be run: 111"

"$P" 2>"$T/err" </dev/null
is "$?:$(cat "$T/err")" "100:predate: usage: predate child" "no child: usage, 100"

# a read error on our input kills the child: a directory as stdin.  The
# command substitution ends only once every writer of its pipe, the
# child included, is gone, so a child that saw EOF would have said so.
out=$("$P" sh -c 'cat >/dev/null; echo reached EOF' <"$T" 2>"$T/err"; echo "status $?")
is "$out:$(sed 's/: [^:]*$//' "$T/err")" "status 111:predate: fatal: unable to read input" \
    "unreadable input: 111, and the child never sees the end of a partial message"

done_testing
