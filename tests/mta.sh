# tests/mta.sh: run a whole private MTA (qmail-start and its daemons)
# from the instance at $QH.  Source after tests/lib.sh.
#   mta_start [defaultdelivery]  starts qmail-start, log in $T/send.log
#   mta_stop                     SIGTERM, waits for "status: exiting"
#   wait_for SECONDS CMD...      polls CMD until it succeeds (an event
#                                that has a visible result; the deadline
#                                only bounds a failure)
#   queue_empty                  no message left in the queue

wait_for() {
    _deadline=$(( $(date +%s) + $1 )); shift
    while ! "$@" 2>/dev/null; do
        [ "$(date +%s)" -gt "$_deadline" ] && return 1
        sleep 0.05
    done
    return 0
}

mta_start() {
    _dd=${1:-./Maildir/}
    : > "$T/send.log"
    ( cd / && exec env - PATH="$QH/bin:/usr/bin:/bin" \
        qmail-start "$_dd" >>"$T/send.log" 2>&1 ) &
    MTA_PID=$!
    wait_for 10 grep -q '^status: local' "$T/send.log" || {
        echo "# qmail-start did not come up:"; sed 's/^/#   /' "$T/send.log"
        return 1; }
}

mta_stop() {
    [ -n "${MTA_PID:-}" ] || return 0
    kill -TERM "$MTA_PID" 2>/dev/null
    wait_for 60 grep -q '^status: exiting' "$T/send.log"
    wait "$MTA_PID" 2>/dev/null
    MTA_PID=
}

queue_empty() {
    [ -z "$(find "$QH/queue/mess" "$QH/queue/todo" "$QH/queue/info" \
        "$QH/queue/local" "$QH/queue/remote" "$QH/queue/bounce" -type f)" ]
}

# inject a message with qmail-inject of the instance
inject() { "$QH/bin/qmail-inject" "$@"; }

# count the files in a maildir's new/
maildir_count() { find "$1/new" -type f 2>/dev/null | wc -l; }
