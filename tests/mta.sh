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
    # the log of an earlier run is kept in send-prev.log
    [ -s "$T/send.log" ] && cat "$T/send.log" >> "$T/send-prev.log"
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

# the pids of one program of this instance (pgrep -x NAME, limited to
# processes whose executable is under $QH/bin)
instpids() {
    for _p in $(pgrep -x "$1"); do
        case $(readlink "/proc/$_p/exe" 2>/dev/null) in
        "$QH"/bin/*) echo "$_p" ;;
        esac
    done
}

# send a signal to every process running a program of this instance
# (the seed page's "pkill -SIGUSR1 qmail", limited to our own MTA)
inst_signal() {
    for _p in $(pgrep qmail); do
        case $(readlink "/proc/$_p/exe" 2>/dev/null) in
        "$QH"/bin/*) kill -"$1" "$_p" 2>/dev/null ;;
        esac
    done
}

# make a local account with its home under $T/homes (root only)
mkuser() {
    _h=$T/homes/$1
    if ! id "$1" >/dev/null 2>&1; then
        useradd -M -d "$_h" -s /bin/sh "$1" || return 1
    else
        usermod -d "$_h" "$1" 2>/dev/null || return 1
    fi
    rm -rf "$_h"
    mkdir -p "$_h"
    chown "$1:$(id -gn "$1")" "$_h"
    chmod 755 "$T/homes" "$_h"
}

# run a command as a user (the seed page's "sudo su user")
as_user() {
    _u=$1; shift
    setpriv --reuid="$_u" --regid="$(id -g "$_u")" --clear-groups \
        env HOME="$(getent passwd "$_u" | cut -d: -f6)" USER="$_u" LOGNAME="$_u" "$@"
}

# files in a maildir's new/ whose content matches a pattern
maildir_grep() { grep -l -e "$2" "$1"/new/* 2>/dev/null | wc -l; }

# the only local user NAME: the caller's account, home $T/homes/NAME
# with a Maildir (users/assign, qmail-newu); sets H=$T/homes and uid, gid
only_user() {
    uid=$(id -u) gid=$(id -g) H=$T/homes
    mkdir -p "$H/$1"
    printf '=%s:%s:%s:%s:%s:::\n.\n' "$1" "$ME" "$uid" "$gid" "$H/$1" \
        > "$QH/users/assign"
    "$QH/bin/qmail-newu"
    "$QH/bin/maildirmake" "$H/$1/Maildir"
}
