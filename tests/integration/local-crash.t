#!/bin/sh
# Crash test of local delivery: 1,000 messages to several local users
# while qmail-send, qmail-lspawn and qmail-local are killed with SIGKILL
# at random moments and the service is restarted (as supervise would).
# Every message must be delivered at least once, none lost, and the
# queue must end empty and consistent.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
N=${CRASH_N:-1000}
inst_fresh
uid=$(id -u) gid=$(id -g)
mkdir -p "$T/homes"
: > "$QH/users/assign"
for u in u1 u2 u3 u4; do
    mkdir -p "$T/homes/$u"
    echo "=$u:$ME:$uid:$gid:$T/homes/$u:::" >> "$QH/users/assign"
done
echo . >> "$QH/users/assign"
"$QH/bin/qmail-newu"
ok $? "qmail-newu"

running() { kill -0 "$MTA_PID" 2>/dev/null; }

# injectors: 4 in parallel, each message has a unique id
inject_range() {
    i=$1
    while [ "$i" -le "$N" ]; do
        u=u$(( i % 4 + 1 ))
        printf 'To: %s@test.example.org\nSubject: crash %d\n\nmessage id %d\n' \
            "$u" "$i" "$i" | "$QH/bin/qmail-inject" || echo "$i" >> "$T/inject.fail"
        i=$((i + 4))
    done
}
rm -f "$T/inject.fail"
mta_start ./Maildir/ || { ok 1 "start"; done_testing; }
INJ=
for k in 1 2 3 4; do inject_range $k & INJ="$INJ $!"; done

# the killer: random victims at random moments; restart when needed
kills=0 restarts=0
end=$(( $(date +%s) + 240 ))
while [ "$(date +%s)" -lt "$end" ]; do
    if ! running; then
        wait "$MTA_PID" 2>/dev/null
        mta_start ./Maildir/ >/dev/null 2>&1 || break
        restarts=$((restarts + 1))
    fi
    r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
    sleep "0.$(( r % 300 + 20 ))"
    case $(( r % 3 )) in
    0) victim=qmail-send ;; 1) victim=qmail-lspawn ;; *) victim=qmail-local ;;
    esac
    p=$(instpids $victim | head -n 1)
    if [ -n "$p" ] && [ "$kills" -lt "${CRASH_KILLS:-40}" ]; then
        kill -KILL "$p" 2>/dev/null && kills=$((kills + 1))
        # qmail-send is this shell's child: reaped at once, or running
        # would take a dying one or a zombie for a live one
        [ "$p" = "$MTA_PID" ] && wait "$p" 2>/dev/null
    fi
    # done when the injectors have finished and the queue has drained
    alive=0
    for p in $INJ; do kill -0 "$p" 2>/dev/null && alive=1; done
    if [ "$kills" -ge "${CRASH_KILLS:-40}" ] && [ $alive = 0 ]; then
        running && queue_empty && break
    fi
done
wait $INJ 2>/dev/null
diag "kills: $kills, restarts: $restarts"
ok "$([ "$kills" -gt 5 ]; echo $?)" "processes were killed ($kills times)"
running || mta_start ./Maildir/
wait_for 120 queue_empty
ok $? "the queue drains after the last restart"
mta_stop

nfail=0; [ -f "$T/inject.fail" ] && nfail=$(wc -l < "$T/inject.fail")
is "$nfail" 0 "every injection was accepted"
cat "$T"/homes/u*/Maildir/new/* | sed -n 's/^message id //p' | sort -u > "$T/got"
seq 1 "$N" | sort > "$T/want"
missing=$(comm -23 "$T/want" "$T/got" | wc -l)
is "$missing" 0 "every one of $N messages delivered at least once"
dups=$(cat "$T"/homes/u*/Maildir/new/* | grep -c '^message id ')
diag "deliveries: $dups for $N messages"
for d in mess info local remote todo intd bounce; do
    is "$(find "$QH/queue/$d" -type f | wc -l)" 0 "queue/$d is empty"
done
done_testing
