#!/bin/sh
# Connection reuse by qmail-rspawn's pool of qmail-remote workers,
# through the whole private MTA and sinks (remote-reuse-sink.py) that
# number their connections: many messages share few connections, at
# most 100 each; a server that closes an idle connection, refuses RSET
# or answers MAIL with 421 on a reused connection costs a reconnection,
# never a deferral; two destinations each get their own messages; a
# worker killed during a delivery makes a retry, not a loss; and with
# QMAILREMOTE set, one qmail-remote runs per delivery as before.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
PY=/usr/bin/python3
SINK=$TOP/tests/integration/remote-reuse-sink.py
$PY -c 'import aiosmtpd' 2>/dev/null ||
    skip_all "needs python3-aiosmtpd (Debian package)"

inst_fresh
SINKS=
trap 'mta_stop; for p in $SINKS; do kill "$p" 2>/dev/null; done' EXIT

# sink NAME OPTIONS...: a sink logging to $T/NAME.log; sets PORT
sink() {
    _sn=$1; shift
    rm -f "$T/$_sn".log* "$T/$_sn.ready"
    $PY "$SINK" "$T/$_sn.log" "$T/$_sn.ready" 0 "$@" 2>"$T/$_sn.err" &
    SINKS="$SINKS $!"
    wait_for 10 test -s "$T/$_sn.ready" || { cat "$T/$_sn.err" >&2; exit 1; }
    PORT=$(cat "$T/$_sn.ready")
}
# count NAME WHAT: lines of the sink's log with " WHAT"
count() { grep -c " $2" "$T/$1.log" 2>/dev/null; }
atleast() { [ "$(count "$1" "$2")" -ge "$3" ]; }
# subjects NAME: the Subject numbers of the messages the sink received
subjects() {
    cat "$T/$1".log.* 2>/dev/null | tr -d '\r' |
        sed -n 's/^Subject: reuse //p' | sort -n
}
send() { # DOMAIN NUMBER
    printf 'Subject: reuse %d\n\nmessage %d\n' "$2" "$2" |
        inject -fsender@example.org "r$2@$1"
}
deferrals() { grep -c ': deferral: ' "$T/send.log"; }

# --- a worker reports exactly what one-shot qmail-remote prints -------
# same: the worker's report for each of two jobs (the second on the
# kept connection when the first kept it) equals qmail-remote's output;
# KEPT is what the worker says of its connection after each job, and
# the sink counts the connections of all three deliveries (a reused
# connection whose MAIL is refused is given up for a fresh one)
OLD=$TOP/tests/integration/remote-sink.py
DRIVE=$TOP/tests/integration/rjob-drive.py
printf 'Subject: same\n\n.dot\nbody\n' >"$T/msg"
same() { # NAME KEPT CONNECTIONS SINK-ARGS...
    _what=$1 _kept=$2 _conns=$3; shift 3
    rm -f "$T/o.log" "$T/o.ready"
    $PY "$OLD" "$T/o.log" "$T/o.ready" 127.0.0.1:0 "$@" 2>"$T/o.err" &
    _sp=$!
    wait_for 10 test -s "$T/o.ready" || { cat "$T/o.err" >&2; exit 1; }
    printf 'same.example:127.0.0.1:%s\n' "$(cat "$T/o.ready")" \
        >"$QH/control/smtproutes"
    "$QH/bin/qmail-remote" same.example a@example.org b@same.example \
        c@same.example <"$T/msg" >"$T/one" 2>&1
    $PY "$DRIVE" "$QH/bin/qmail-remote" "$T/msg" 2 same.example \
        a@example.org b@same.example c@same.example >"$T/w" 2>&1
    kill $_sp; wait $_sp 2>/dev/null
    { cat "$T/one"; printf '\n== kept %s\n' "$_kept"; cat "$T/one"
      printf '\n== kept %s\n== exit 0\n' "$_kept"; } >"$T/want"
    cmp -s "$T/w" "$T/want"
    ok $? "same report as one-shot: $_what"
    [ $? = 0 ] || { tr '\000' '|' <"$T/w"; echo; tr '\000' '|' <"$T/want"; } |
        sed 's/^/#   /'
    is "$(grep -c ' CONNECT$' "$T/o.log")" "$_conns" \
        "$_what: $_conns connections for one-shot and two jobs"
}
same "accepted" 1 2 'dot=250 accepted'
same "one recipient refused" 1 2 'rcpt:b@same.example=550 5.1.1 unknown' \
    'dot=250 accepted'
same "every recipient refused" 1 2 'rcpt=550 5.1.1 unknown'
same "refused after the message" 1 2 'dot=554 5.6.0 spam'
same "sender refused for now" 0 3 'mail=451 4.3.0 later'
same "sender refused" 1 3 'mail=553 5.1.8 bad sender'
same "greeting refused" 0 3 'greeting=554 go away'
same "DATA refused" 1 2 'data=554 no data'
printf 'same.example:127.0.0.1:1\n' >"$QH/control/smtproutes"
"$QH/bin/qmail-remote" same.example a@example.org b@same.example \
    <"$T/msg" >"$T/one" 2>&1
$PY "$DRIVE" "$QH/bin/qmail-remote" "$T/msg" 1 same.example a@example.org \
    b@same.example >"$T/w" 2>&1
{ cat "$T/one"; printf '\n== kept 0\n== exit 0\n'; } >"$T/want"
cmp -s "$T/w" "$T/want"
ok $? "same report as one-shot: no connection"
$PY "$DRIVE" "$QH/bin/qmail-remote" "$T/msg" 1 same.example a@example.org \
    >"$T/w" 2>&1
is "$(tr '\000' '|' <"$T/w")" "$(printf 'ZI (qmail-remote) received a malformed job. (#4.3.5)\n|\n== kept 0\n== exit 0')" \
    "a job without a recipient is refused, temporarily"

# --- control files read again for each job ---------------------------
# A worker reuses what it read from the control files only while none
# of them has changed; a file changed within the last second is read
# again in any case, so two changes of the same size within one second
# are both seen.  A new helohost makes a new connection.
csink() { # NAME: a sink logging to $T/NAME.log, its port in $T/NAME.ready
    rm -f "$T/$1".log* "$T/$1.ready"
    $PY "$OLD" "$T/$1.log" "$T/$1.ready" 127.0.0.1:0 'dot=250 accepted' \
        2>"$T/$1.err" &
    SINKS="$SINKS $!"
    wait_for 10 test -s "$T/$1.ready" || { cat "$T/$1.err" >&2; exit 1; }
}
csink ca
csink cb
PA=$(cat "$T/ca.ready") PB=$(cat "$T/cb.ready")
cp "$QH/control/me" "$T/me.saved"
rm -f "$QH/control/helohost"
echo one.example >"$QH/control/me"
printf 'c.example:127.0.0.1:%s\n' "$PA" >"$QH/control/smtproutes"
# the files must be more than a second old for the first read to be kept
sleep 2
# after job 2 the route goes to B; after job 3 back to A (the same size,
# within the same second), and control/me changes
{
    echo 'case $1 in'
    echo "2) echo c.example:127.0.0.1:$PB >'$QH/control/smtproutes' ;;"
    echo "3) echo c.example:127.0.0.1:$PA >'$QH/control/smtproutes'"
    echo "   echo two.example >'$QH/control/me' ;;"
    echo 'esac'
} >"$T/between"
TRW=
command -v strace >/dev/null &&
    TRW="strace -f -qq -e trace=openat,open -o $T/ctl.trace"
RJOB_BETWEEN=". '$T/between'" $TRW $PY "$DRIVE" "$QH/bin/qmail-remote" \
    "$T/msg" 4 c.example a@example.org b@c.example >"$T/w" 2>&1
cp "$T/me.saved" "$QH/control/me"
is "$(grep -c 'accepted message' "$T/w")" 4 "four jobs, each accepted"
is "$(count ca MSG) $(count cb MSG)" "3 1" "jobs 1, 2 and 4 went to A, job 3 to B"
ehlos() { sed -n 's/^[^ ]* C: EHLO //p' "$T/$1.log" | tr -d '\r' | tr '\n' ' '; }
is "$(ehlos ca)/$(ehlos cb)" "one.example two.example /one.example " \
    "EHLO with control/me as it was for each new connection"
is "$(count ca CONNECT)" 2 "A: a new connection for the new helohost"
if [ -n "$TRW" ]; then
    # job 2 found nothing changed and read no control file
    is "$(grep -c '"control/smtproutes"' "$T/ctl.trace")" 3 \
        "smtproutes read for jobs 1, 3 and 4, not for job 2"
fi

# --- many messages to one destination --------------------------------
sink a
printf 'a.example:127.0.0.1:%s\n' "$PORT" >"$QH/control/smtproutes"
echo 1 >"$QH/control/concurrencyremote"
mta_start || { ok 1 "mta starts"; done_testing; }
N=120
i=1
while [ $i -le $N ]; do send a.example $i; i=$((i + 1)); done
wait_for 60 atleast a 'MSG' $N
ok $? "$N messages reach the sink"
is "$(subjects a)" "$(seq 1 $N)" "each of them exactly once"
c=$(count a CONNECT)
diag "$c connections for $N messages"
ok "$([ "$c" -ge 2 ] && [ "$c" -le 12 ]; echo $?)" \
    "over few connections ($c), at least two (100 messages at most each)"
most=$(sed -n 's/^\([0-9]*\) MSG .*/\1/p' "$T/a.log" | sort | uniq -c |
    sort -n | tail -n 1 | awk '{ print $1 }')
ok "$([ "$most" -le 100 ] && [ "$most" -ge 50 ]; echo $?)" \
    "a connection carries many messages, at most 100 ($most)"
ok "$([ "$(count a 'C: RSET')" -ge $((N - c)) ]; echo $?)" \
    "RSET before each further message on a connection"
wait_for 30 queue_empty
ok $? "the queue is empty"
is "$(grep -c 'delivery [0-9]*: success: 127.0.0.1_accepted_message./Remote_host_said:_250_ok_message_[0-9]*/$' "$T/send.log")" \
    $N "qmail-send logs each success with qmail-remote's usual text"
is "$(deferrals)" 0 "no deferral"
ok "$([ -n "$(instpids qmail-remote)" ]; echo $?)" \
    "the worker stays for the next delivery"
mta_stop

# --- reuse fails before MAIL is accepted: a new connection -----------
# one message at a time; each runs into the server's refusal on the
# connection kept from the one before
one_by_one() { # SINK DOMAIN COUNT [WAIT-FOR-CLOSE]
    _i=1
    while [ $_i -le "$3" ]; do
        send "$2" $_i
        wait_for 30 atleast "$1" 'MSG' $_i || return 1
        if [ -n "${4:-}" ]; then
            wait_for 30 atleast "$1" 'CLOSE' $_i || return 1
        fi
        _i=$((_i + 1))
    done
}
scenario() { # NAME WHAT WAIT-FOR-CLOSE SINK-OPTIONS...
    _s=$1 _what=$2 _close=$3; shift 3
    sink "$_s" "$@"
    printf '%s.example:127.0.0.1:%s\n' "$_s" "$PORT" >"$QH/control/smtproutes"
    mta_start || { ok 1 "mta starts"; return; }
    one_by_one "$_s" "$_s.example" 3 "$_close"
    ok $? "$_what: every message arrives"
    is "$(subjects "$_s")" "$(printf '1\n2\n3')" "$_what: once each"
    is "$(count "$_s" CONNECT)" 3 "$_what: on a new connection each"
    is "$(deferrals)" 0 "$_what: no deferral"
    wait_for 30 queue_empty
    ok $? "$_what: the queue is empty"
    mta_stop
}
scenario idle "the server closes idle connections with 421" 1 \
    'idle=0.2:421 4.4.2 sink idle timeout'
scenario drop "the server drops idle connections" 1 'idle=0.2:drop'
scenario rset "the server refuses RSET" '' 'rset=502 5.5.1 no RSET here'
scenario rsetdrop "the server hangs up on RSET" '' 'rset=drop'
scenario mail "the server says 421 to MAIL on a reused connection" '' \
    'mail2=421 4.3.2 too many messages on this connection'

# --- two destinations, interleaved -----------------------------------
sink one
P1=$PORT
sink two
printf 'one.example:127.0.0.1:%s\ntwo.example:127.0.0.1:%s\n' "$P1" "$PORT" \
    >"$QH/control/smtproutes"
echo 3 >"$QH/control/concurrencyremote"
mta_start || { ok 1 "mta starts"; done_testing; }
i=1
while [ $i -le 40 ]; do
    send one.example $i
    send two.example $((i + 1))
    i=$((i + 2))
done
wait_for 60 sh -c "[ \$(grep -c ' MSG ' '$T/one.log') -ge 20 ] &&
    [ \$(grep -c ' MSG ' '$T/two.log') -ge 20 ]"
ok $? "both servers receive their 20 messages"
is "$(subjects one | tr '\n' ' ')" "$(seq 1 2 39 | tr '\n' ' ')" \
    "the first gets the odd ones, once each"
is "$(subjects two | tr '\n' ' ')" "$(seq 2 2 40 | tr '\n' ' ')" \
    "the second the even ones, once each"
is "$(grep ' C: RCPT' "$T/one.log" | grep -vc '@one.example>')" 0 \
    "no recipient of the second reaches the first"
is "$(grep ' C: RCPT' "$T/two.log" | grep -vc '@two.example>')" 0 \
    "nor the other way round"
c=$(( $(count one CONNECT) + $(count two CONNECT) ))
diag "$c connections for 40 messages"
ok "$([ "$c" -le 20 ]; echo $?)" "fewer connections than messages ($c)"
wait_for 30 queue_empty
ok $? "the queue is empty"
mta_stop

# --- a worker killed during a delivery --------------------------------
sink kill stall1=1
printf 'kill.example:127.0.0.1:%s\n' "$PORT" >"$QH/control/smtproutes"
mta_start || { ok 1 "mta starts"; done_testing; }
send kill.example 1
wait_for 30 atleast kill 'STALL 1' 1
ok $? "the server holds back its answer to the message"
pids=$(instpids qmail-remote)
ok "$([ -n "$pids" ]; echo $?)" "a qmail-remote worker is running"
kill -KILL $pids 2>/dev/null
wait_for 30 grep -q 'deferral: qmail-remote_crashed./' "$T/send.log"
ok $? "qmail-send is told of a temporary failure"
kill -ALRM "$MTA_PID"
wait_for 30 atleast kill 'MSG' 1
ok $? "the retry delivers the message"
is "$(cat "$T"/kill.log.2 | tr -d '\r' | sed -n 's/^Subject: //p')" "reuse 1" \
    "the same message"
wait_for 30 queue_empty
ok $? "the queue is empty"
grep -q ': failure: ' "$T/send.log"
is $? 1 "nothing bounced"
mta_stop

# --- QMAILREMOTE: one program per delivery, no reuse -----------------
sink env
printf 'env.example:127.0.0.1:%s\n' "$PORT" >"$QH/control/smtproutes"
echo 1 >"$QH/control/concurrencyremote"
: >"$T/send.log"
( cd / && exec env - PATH="$QH/bin:/usr/bin:/bin" \
    QMAILREMOTE="$QH/bin/qmail-remote" qmail-start ./Maildir/ \
    >>"$T/send.log" 2>&1 ) &
MTA_PID=$!
wait_for 10 grep -q '^status: local' "$T/send.log"
one_by_one env env.example 3
ok $? "QMAILREMOTE: every message arrives"
is "$(count env CONNECT)" 3 "QMAILREMOTE: one connection per message"
is "$(count env 'C: RSET')" 0 "QMAILREMOTE: no RSET"
wait_for 30 queue_empty
ok $? "QMAILREMOTE: the queue is empty"
is "$(instpids qmail-remote)" "" "QMAILREMOTE: no qmail-remote stays"
mta_stop

done_testing
