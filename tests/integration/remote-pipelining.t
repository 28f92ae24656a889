#!/bin/sh
# PIPELINING in qmail-remote (RFC 2920), against aiosmtpd servers that
# announce it (remote-sink.py pipelining=1): MAIL, each RCPT and DATA go
# in one write, and RSET with them on a kept connection; the replies
# are read in order.  At every stage where the server may refuse, the
# report is byte for byte the one a server without PIPELINING gets, and
# a kept connection stays in step for the next job.  Every recipient
# refused but DATA accepted all the same: a lone dot, no message.  A
# group over 8 KiB goes one command at a time.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
DRIVE=$TOP/tests/integration/rjob-drive.py
. "$(dirname "$0")/remote-lib.sh"
inst_fresh
echo helo.example.net >"$QH/control/helohost"
msgs() { grep -c ' MSG ' "$T/s.log"; }

printf 'Subject: pipe\n\n.hidden dot\nbody\n' >"$T/msg"

# --- the wire --------------------------------------------------------
sink pipelining=1
remote example.com a@example.net b@example.com c@example.com
is "$(cat "$T/rc")" 0 "exit status 0"
is "$(res)" "$(printf 'r|r|K127.0.0.1 accepted message.\nRemote host said: 250 ok message 1\n|')" \
    "two r reports, then K with the server's reply"
is "$(slog)" "$(printf 'CONNECT\nC: EHLO helo.example.net\nC: MAIL FROM:<a@example.net> +\nC: RCPT TO:<b@example.com> +\nC: RCPT TO:<c@example.com> +\nC: DATA\nMSG 1')" \
    "MAIL, both RCPTs and DATA came in one write (each had the next behind it)"
printf 'Subject: pipe\r\n\r\n.hidden dot\r\nbody\r\n' >"$T/want"
cmp -s "$T/want" "$T/s.log.1"
ok $? "the message as always: CRLF, dot-stuffed on the wire"

sink
remote example.com a@example.net b@example.com
is "$(grep -c ' +$' "$T/s.log")" 0 \
    "a server that does not announce PIPELINING gets one command at a time"

# --- every stage: the same report as without PIPELINING ----------------
# stage NAME SINK-ARGS...: one-shot qmail-remote to a sink with and one
# without PIPELINING, both scripted by SINK-ARGS: same report, same
# number of messages received
stage() {
    _what=$1; shift
    sink "$@"
    remote example.com a@example.net b@example.com c@example.com
    cp "$T/out" "$T/out.plain"
    _m1=$(msgs)
    sink pipelining=1 "$@"
    remote example.com a@example.net b@example.com c@example.com
    cmp -s "$T/out" "$T/out.plain"
    _r=$?
    ok $_r "same report: $_what"
    [ $_r = 0 ] || { res; echo; tr '\000' '|' <"$T/out.plain"; } | sed 's/^/#   /'
    is "$(msgs)" "$_m1" "same messages received: $_what"
    grep -q ' C: MAIL .* +$' "$T/s.log"
    ok $? "pipelined: $_what"
}
stage "accepted"
stage "one recipient refused" 'rcpt:b@example.com=550 5.1.1 unknown'
stage "one recipient refused for now" 'rcpt:c@example.com=451 4.2.1 later'
stage "every recipient refused" 'rcpt=550 5.1.1 unknown'
stage "sender refused" 'mail=553 5.1.8 bad sender'
stage "sender refused for now" 'mail=451 4.3.0 later'
stage "DATA refused" 'data=554 5.5.1 no data'
stage "DATA refused for now" 'data=451 4.3.0 later'
stage "refused after the message" 'dot=554 5.6.0 spam'
stage "refused for now after the message" 'dot=451 4.3.0 later'
stage "connection dropped at RCPT" 'rcpt=drop'
stage "connection dropped at DATA" 'data=drop'

# --- DATA accepted with no recipient: a lone dot ends it ----------------
sink pipelining=1 'rcpt=550 5.1.1 unknown' 'data=accept'
remote example.com a@example.net b@example.com
is "$(res)" "$(printf 'h127.0.0.1 does not like recipient.\nRemote host said: 550 5.1.1 unknown\n|DGiving up on 127.0.0.1.\n|')" \
    "every recipient refused: h report, then D, although DATA was accepted"
is "$(grep -c ' DOT after 0 lines$' "$T/s.log")" 1 \
    "the data was ended at once with a lone dot"
is "$(msgs)" 0 "no message was received"

# --- a kept connection: RSET joins the group ---------------------------
# same NAME KEPT CONNECTIONS SINK-ARGS...: a worker's two jobs (the
# second on the connection the first kept, when it did) report what
# one-shot qmail-remote prints; the sink counts the connections of the
# one-shot run and both jobs
same() {
    _what=$1 _kept=$2 _conns=$3; shift 3
    sink pipelining=1 "$@"
    "$QH/bin/qmail-remote" example.com a@example.net b@example.com \
        c@example.com <"$T/msg" >"$T/one" 2>&1
    $PY "$DRIVE" "$QH/bin/qmail-remote" "$T/msg" 2 example.com \
        a@example.net b@example.com c@example.com >"$T/w" 2>&1
    { cat "$T/one"; printf '\n== kept %s\n' "$_kept"; cat "$T/one"
      printf '\n== kept %s\n== exit 0\n' "$_kept"; } >"$T/want"
    cmp -s "$T/w" "$T/want"
    _r=$?
    ok $_r "worker, same report as one-shot: $_what"
    [ $_r = 0 ] || { tr '\000' '|' <"$T/w"; echo; tr '\000' '|' <"$T/want"; } |
        sed 's/^/#   /'
    is "$(grep -c ' CONNECT$' "$T/s.log")" "$_conns" \
        "$_what: $_conns connections for one-shot and two jobs"
}
same "accepted" 1 2 'dot=250 accepted'
ok "$(grep -q ' C: RSET +$' "$T/s.log"; echo $?)" \
    "the second job's RSET came with MAIL, RCPT and DATA"
is "$(grep -c ' MSG ' "$T/s.log")" 3 "three messages received"
same "one recipient refused" 1 2 'rcpt:b@example.com=550 5.1.1 unknown' \
    'dot=250 accepted'
same "every recipient refused" 1 2 'rcpt=550 5.1.1 unknown'
same "every recipient refused, DATA accepted all the same" 1 2 \
    'rcpt=550 5.1.1 unknown' 'data=accept'
same "sender refused" 1 3 'mail=553 5.1.8 bad sender'
same "sender refused for now" 0 3 'mail=451 4.3.0 later'
same "DATA refused" 1 2 'data=554 no data'
same "refused after the message" 1 2 'dot=554 5.6.0 spam'
same "RSET refused: a fresh connection" 1 3 'rset=421 4.3.0 closing' \
    'dot=250 accepted'

# --- a long group goes one command at a time ---------------------------
rcpts=$(seq -f 'r%03g@example.com' 1 300)
sink pipelining=1
# shellcheck disable=SC2086
remote example.com a@example.net $rcpts
is "$(res | tr '|' '\n' | grep -c '^r$')" 300 "300 recipients accepted"
is "$(grep -c ' +$' "$T/s.log")" 0 \
    "over 8 KiB of commands: one at a time, nothing sent ahead"
is "$(msgs)" 1 "the message was received"

done_testing
