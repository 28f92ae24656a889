#!/bin/sh
# preline: the three lines in front of the message, the options, the
# exit status of the command, and its failures (delivery.md 3.5,
# smtp-and-tools.md 5.1).
. "$(dirname "$0")/../lib.sh"
inst_fresh
P=$QH/bin/preline

UFLINE='From s@y.org Thu Jan 01 00:00:00 1970
'
RPLINE='Return-Path: <s@y.org>
'
DTLINE='Delivered-To: box@example.org
'
export UFLINE RPLINE DTLINE
printf 'Subject: x\n\nFrom the start\nlast line without LF' >"$T/in"

# expect F R D: which of the three lines should come first
expect() {
    : >"$T/exp"
    case $1 in *F*) printf '%s' "$UFLINE" >>"$T/exp" ;; esac
    case $1 in *R*) printf '%s' "$RPLINE" >>"$T/exp" ;; esac
    case $1 in *D*) printf '%s' "$DTLINE" >>"$T/exp" ;; esac
    cat "$T/in" >>"$T/exp"
}
check() { # check LINES NAME OPTIONS...
    l=$1 n=$2
    shift 2
    expect "$l"
    "$P" "$@" cat <"$T/in" >"$T/out" 2>"$T/err"
    r=$?
    cmp -s "$T/exp" "$T/out"
    is "$r:$?:$(cat "$T/err")" "0:0:" "$n"
}
check FRD "all three lines, in order, then the message verbatim"
check RD "-f: no From_ line" -f
check FD "-r: no Return-Path" -r
check FR "-d: no Delivered-To" -d
check "" "-frd: none" -frd
check D "-f -r: two options" -f -r
check FRD "-fF: upper case turns a line back on" -fF
check FR "-dDd: the last letter wins" -dDd

"$P" sh -c 'cat >/dev/null; exit 42' <"$T/in" 2>"$T/err"
is "$?:$(cat "$T/err")" "42:" "the command's exit status is preline's"
"$P" sh -c 'cat >/dev/null; kill -9 $$' <"$T/in" 2>"$T/err"
is "$?:$(cat "$T/err")" "111:preline: fatal: child crashed" "command killed: 111"

"$P" "$T/missing" <"$T/in" 2>"$T/err"
is "$?:$(cat "$T/err")" \
    "100:preline: fatal: unable to run $T/missing: No such file or directory" \
    "command missing: 100"
printf '#!/bin/sh\n' >"$T/noexec"
chmod 644 "$T/noexec"
"$P" "$T/noexec" <"$T/in" 2>"$T/err"
is "$?:$(cat "$T/err")" \
    "100:preline: fatal: unable to run $T/noexec: Permission denied" \
    "command not executable: 100"
PATH=/nonexistent:/bin:/usr/bin "$P" tr a-z A-Z <"$T/in" >"$T/out" 2>/dev/null
grep -q '^DELIVERED-TO: BOX@EXAMPLE.ORG$' "$T/out"
ok $? "the command is found through PATH and gets its arguments"

usage="100:preline: usage: preline cmd [ arg ... ]"
"$P" </dev/null 2>"$T/err"
is "$?:$(cat "$T/err")" "$usage" "no command: usage"
for v in UFLINE RPLINE DTLINE; do
    env -u $v "$P" cat <"$T/in" >/dev/null 2>"$T/err"
    is "$?:$(cat "$T/err")" "$usage" "$v missing: usage"
done
"$P" -x cat <"$T/in" >/dev/null 2>"$T/err"
is "$?:$(tail -n 1 "$T/err")" "$usage" "unknown option: usage"

# the command stops reading early: its verdict counts
head -c 2000000 /dev/zero >"$T/big"
"$P" sh -c 'exit 0' <"$T/big" 2>"$T/err"
is "$?:$(cat "$T/err")" "0:" "a command that reads nothing and exits 0: 0"
"$P" sh -c 'exit 100' <"$T/big" 2>"$T/err"
is "$?:$(cat "$T/err")" "100:" "a command that reads nothing and exits 100: 100"

# 2 MB of arbitrary bytes pass unchanged
head -c 2000000 /dev/urandom >"$T/big"
"$P" -frd cat <"$T/big" | cmp -s - "$T/big"
ok $? "2 MB of binary input copied exactly"

# stdout of the command is preline's stdout (qmail-local's report)
is "$("$P" sh -c 'cat >/dev/null; echo report' <"$T/in")" "report" \
    "the command writes to preline's stdout"

done_testing
