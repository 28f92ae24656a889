#!/bin/sh
# inject-golden.t: qmail-inject against the golden files of
# tests/golden/inject, one check per case.  A case NAME has NAME.in
# (the message on stdin) and optionally:
#   NAME.args     arguments, one per line (an empty line is "")
#   NAME.env      environment, VAR=value per line; nothing else is set
#                 but PATH; @GOLDEN@ stands for tests/golden/inject
#   NAME.exp      the expected output of qmail-inject -n ARGS
#   NAME.exp-re   instead of .exp (generated Date, Message-ID): one
#                 extended regular expression per output line
#   NAME.code     the expected exit status (default 0)
#   NAME.err      the expected stderr (default: none at all)
#   NAME.env-exp  the envelope handed to qmail-queue when the message
#                 is queued (QMAILQUEUE=qq-record.sh), one record per
#                 line, the terminating NUL giving a last empty line;
#                 the queued message must equal NAME.exp minus its
#                 Return-Path line
#   NAME.queue    (empty) queue through the recorder instead of -n: for
#                 the exit status and stderr of queue failures
# Cases run with tests/golden/inject as working directory.
. "$(dirname "$0")/../lib.sh"
inst_fresh
G=$TOP/tests/golden/inject
W=$T/inject-golden
rm -rf "$W"
mkdir -p "$W/rec"
cp "$TOP/tests/golden/qq-record.sh" "$W/qq-record"
chmod 755 "$W/qq-record"

# inject CASE MODE: run qmail-inject for CASE, with -n when MODE is -n,
# else queueing through the recorder; leaves $W/out, $W/err, $W/code
inject() {
    _c=$1 _m=$2
    set -- "QMAILQUEUE=$W/qq-record" "QQ_RECORD=$W/rec"
    if [ -f "$G/$_c.env" ]; then
        while IFS= read -r _l || [ -n "$_l" ]; do
            set -- "$@" "$(printf '%s\n' "$_l" | sed "s|@GOLDEN@|$G|g")"
        done <"$G/$_c.env"
    fi
    set -- "$@" "$QH/bin/qmail-inject"
    if [ "$_m" = -n ]; then set -- "$@" -n; fi
    if [ -f "$G/$_c.args" ]; then
        while IFS= read -r _l || [ -n "$_l" ]; do
            set -- "$@" "$_l"
        done <"$G/$_c.args"
    fi
    (cd "$G" && env -i PATH="$PATH" "$@" <"$G/$_c.in" >"$W/out" 2>"$W/err")
    echo $? >"$W/code"
}

# same FILE EXPECTED WHAT: compare, showing a diff when they differ
same() {
    if cmp -s "$1" "$2"; then return 0; fi
    diag "$_c: $3 differs"
    diff "$2" "$1" | sed 's/^/#   /' | head -40
    return 1
}

# match_re FILE REGEXFILE: every line matches its regex, same count
match_re() {
    awk 'NR == FNR { re[NR] = $0; n = NR; next }
         { m = FNR; if (FNR > n || $0 !~ ("^" re[FNR] "$")) {
               print "#   line " FNR ": " $0; bad = 1 } }
         END { if (m != n) print "#   " m " lines, expected " n
               exit (bad || m != n) }' "$2" "$1"
}

check_print() {
    _bad=0
    _want=0
    [ -f "$G/$_c.code" ] && _want=$(cat "$G/$_c.code")
    if [ -f "$G/$_c.queue" ]; then inject "$_c" queue; else inject "$_c" -n; fi
    if [ "$(cat "$W/code")" != "$_want" ]; then
        diag "$_c: exit $(cat "$W/code"), expected $_want"
        _bad=1
    fi
    if [ -f "$G/$_c.err" ]; then
        same "$W/err" "$G/$_c.err" stderr || _bad=1
    elif [ -s "$W/err" ]; then
        diag "$_c: unexpected stderr:"
        sed 's/^/#   /' "$W/err"
        _bad=1
    fi
    if [ -f "$G/$_c.exp" ]; then
        same "$W/out" "$G/$_c.exp" output || _bad=1
    elif [ -f "$G/$_c.exp-re" ]; then
        match_re "$W/out" "$G/$_c.exp-re" || _bad=1
    elif [ -s "$W/out" ]; then
        diag "$_c: unexpected output"
        _bad=1
    fi
    return $_bad
}

check_queue() {
    [ -f "$G/$_c.env-exp" ] || return 0
    rm -f "$W/rec/message" "$W/rec/envelope"
    inject "$_c" queue
    if [ "$(cat "$W/code")" != 0 ] || [ -s "$W/err" ]; then
        diag "$_c: queueing exited $(cat "$W/code")"
        sed 's/^/#   /' "$W/err"
        return 1
    fi
    tr '\000' '\n' <"$W/rec/envelope" >"$W/envelope"
    same "$W/envelope" "$G/$_c.env-exp" envelope || return 1
    if [ -f "$G/$_c.exp" ]; then
        tail -n +2 "$G/$_c.exp" >"$W/queued-exp"
        same "$W/rec/message" "$W/queued-exp" "queued message" || return 1
    fi
    return 0
}

for f in "$G"/*.in; do
    _c=$(basename "$f" .in)
    check_print && check_queue
    ok $? "$_c"
done
done_testing
