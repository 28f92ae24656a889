#!/bin/sh
# Crash test of remote delivery: messages to remote recipients, routed
# by smtproutes to an SMTP sink on loopback, while qmail-remote,
# qmail-rspawn, qmail-send and the sink itself are killed with SIGKILL
# at random moments and restarted (the sink announcing PIPELINING every
# other time).  Every message must reach the sink at least once, and
# the queue must end empty and consistent.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
PY=/usr/bin/python3
$PY -c 'import aiosmtpd' 2>/dev/null ||
    skip_all "needs python3-aiosmtpd (Debian package)"
N=${CRASH_N:-300}
inst_fresh
SINKPID=
trap 'mta_stop; [ -n "$SINKPID" ] && kill "$SINKPID" 2>/dev/null' EXIT

PORT=
SINKN=0
# each run of the sink logs to a file of its own (it numbers the
# messages it receives from 1); every other run announces PIPELINING,
# so that both ways of qmail-remote's dialogue are cut short
sink_start() {
    rm -f "$T/s.ready"
    SINKN=$((SINKN + 1))
    $PY "$TOP/tests/integration/remote-sink.py" "$T/s$SINKN.log" "$T/s.ready" \
        "127.0.0.1:${PORT:-0}" "pipelining=$((SINKN % 2))" 2>>"$T/s.err" &
    SINKPID=$!
    wait_for 10 test -s "$T/s.ready"
}
sink_start || { ok 1 "the sink starts"; done_testing; }
PORT=$(cat "$T/s.ready")
printf 'example.com:127.0.0.1:%s\n' "$PORT" > "$QH/control/smtproutes"
running() { kill -0 "$MTA_PID" 2>/dev/null; }

mta_start ./Maildir/ || { ok 1 "start"; done_testing; }
inject_range() {
    i=$1
    while [ "$i" -le "$N" ]; do
        printf 'To: r%d@example.com\nSubject: remote crash %d\n\nmessage id %d\n' \
            "$i" "$i" "$i" | "$QH/bin/qmail-inject" -f sender@example.org ||
            echo "$i" >> "$T/inject.fail"
        i=$((i + 2))
    done
}
INJ=
for k in 1 2; do inject_range $k & INJ="$INJ $!"; done

kills=0
end=$(( $(date +%s) + 90 ))
while [ "$(date +%s)" -lt "$end" ] && [ "$kills" -lt "${CRASH_KILLS:-25}" ]; do
    running || { wait "$MTA_PID" 2>/dev/null; mta_start ./Maildir/ >/dev/null 2>&1; }
    kill -0 "$SINKPID" 2>/dev/null || { wait "$SINKPID" 2>/dev/null; sink_start; }
    r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
    sleep "0.$(( r % 400 + 50 ))"
    case $(( r % 4 )) in
    0) p=$(instpids qmail-send | head -n 1) ;;
    1) p=$(instpids qmail-rspawn | head -n 1) ;;
    2) p=$(instpids qmail-remote | head -n 1) ;;
    *) p=$SINKPID ;;
    esac
    [ -n "$p" ] && kill -KILL "$p" 2>/dev/null || continue
    kills=$((kills + 1))
    # a child of this shell (the sink, or qmail-send) is reaped at once:
    # kill -0 above succeeds for one that is dying or a zombie, and the
    # loop would take it for a live one and not restart it
    case $p in "$SINKPID" | "$MTA_PID") wait "$p" 2>/dev/null ;; esac
done
wait $INJ 2>/dev/null
diag "kills: $kills"
ok "$([ "$kills" -gt 5 ]; echo $?)" "processes were killed ($kills times)"

# drain: the service started afresh (a qmail-send that lost a helper
# may still be on its way out, and kill -0 takes it for a live one) and
# the sink up; deferred messages are retried at once
if running; then mta_stop; else wait "$MTA_PID" 2>/dev/null; fi
mta_start ./Maildir/
kill -0 "$SINKPID" 2>/dev/null || { wait "$SINKPID" 2>/dev/null; sink_start; }
i=0
while [ $i -lt 60 ] && ! queue_empty; do
    kill -ALRM "$MTA_PID"
    wait_for 3 queue_empty && break
    i=$((i + 1))
done
queue_empty; ok $? "the queue drains once the service is back"
mta_stop

nfail=0; [ -f "$T/inject.fail" ] && nfail=$(wc -l < "$T/inject.fail")
is "$nfail" 0 "every injection was accepted"
cat "$T"/s*.log.* 2>/dev/null | tr -d '\r' | sed -n 's/^message id //p' | sort -u > "$T/got"
seq 1 "$N" | sort > "$T/want"
is "$(comm -23 "$T/want" "$T/got" | wc -l)" 0 "every one of $N messages reached the sink at least once"
diag "messages received by the sink: $(ls "$T"/s*.log.* 2>/dev/null | wc -l) for $N ($SINKN runs of the sink)"
grep -q ' failure: ' "$T/send.log" "$T/send-prev.log" 2>/dev/null
ok "$([ $? -ne 0 ]; echo $?)" "no delivery was turned into a bounce"
for d in mess info local remote todo intd bounce; do
    is "$(find "$QH/queue/$d" -type f | wc -l)" 0 "queue/$d is empty"
done
done_testing
