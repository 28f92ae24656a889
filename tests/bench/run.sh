#!/bin/sh
# make bench: each figure beside F1, the fsync limit of the queue's
# filesystem measured in the same run.  Results are printed and appended
# to build/bench/results.txt; BENCHMARKS.md records them with the machine.
# Load generator and sink for SMTP: postfix's smtp-source and smtp-sink,
# taken from the Debian package (apt-get download, dpkg -x; postfix is
# not installed).  Helpers: benchtool.py (waits, memory), qqflood.c
# (fills the queue through qmail-queue).  Logs stay in build/bench/.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=$TOP/build/bench
QH=$B/home
N=${BENCH_N:-2000}
BIGQ=${BENCH_BIGQ:-10000}
HUGEQ=${BENCH_HUGEQ:-100000}
HUGE_SECS=${BENCH_HUGE_SECS:-300} # time allowed to fill the queue to HUGEQ
WARM=${BENCH_WARM:-500} # messages delivered before anything is timed
TOOL="python3 $TOP/tests/bench/benchtool.py"
MD=$B/homes/u1/Maildir
export LC_ALL=C
mkdir -p "$B"
ME=$(id -un)
cc -O2 -o "$B/fsyncrate" "$TOP/tests/bench/fsyncrate.c"
cc -O2 -o "$B/qqflood" "$TOP/tests/bench/qqflood.c"
cc -O2 -o "$B/injloop" "$TOP/tests/bench/injloop.c"
cc -O2 -o "$B/execrate" "$TOP/tests/bench/execrate.c"
printf 'int main(void) { return 0; }\n' > "$B/noop.c"
cc -O2 -o "$B/noop" "$B/noop.c"
# the same no-op linked statically with musl, as the per-message
# programs are (Makefile, STATIC_PROGS), where musl-gcc is there
rm -f "$B/noop-musl"
command -v musl-gcc >/dev/null && musl-gcc -O2 -static -o "$B/noop-musl" "$B/noop.c"

now() { date +%s.%N; }
# busy CPU time of the whole machine, in clock ticks, and per message
cputicks() { awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
cpums() { echo "$1 $2 $3 $(getconf CLK_TCK)" | awk '{ printf "%.2f", ($2 - $1) * 1000 / $4 / $3 }'; }
ratio() { echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }'; }
rate() { echo "$1 $2 $3" | awk '{ printf "%.1f", $1 / ($3 - $2) }'; }
out() { echo "$*" | tee -a "$B/results.txt"; }
die() { echo "bench: $*" >&2; exit 1; }
# BENCH_ONLY=local|smtp|remote|queue: F1, E1 and that part alone
want() { [ -z "${BENCH_ONLY:-}" ] || [ "$BENCH_ONLY" = "$1" ]; }

# wait (at most 60 s) until FILE has a line matching RE while PID lives
wait_log() {
    _i=0
    while ! grep -q -e "$3" "$2" 2>/dev/null; do
        kill -0 "$1" 2>/dev/null || return 1
        _i=$((_i + 1)); [ $_i -gt 1200 ] && return 1
        sleep 0.05
    done
}

mta_up() {
    : > "$B/send.log"
    ( cd / && exec env - PATH="$QH/bin:/usr/bin:/bin" \
        qmail-start ./Maildir/ > "$B/send.log" 2>&1 ) &
    SEND=$!
    wait_log $SEND "$B/send.log" '^status' ||
        { cat "$B/send.log" >&2; die "qmail-send did not start"; }
}
mta_down() { stop_pid "$SEND"; SEND=; }

# every process started here is stopped on the way out
SEND='' TCPS='' VERIFY='' SINK='' INJ='' FG='' WAITER=''
stop_pid() { # (its exit status may be that of a killed process)
    [ -n "$1" ] || return 0
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
cleanup() {
    for p in $FG $INJ $WAITER; do stop_pid "$p"; done
    stop_pid "$TCPS"; stop_pid "$VERIFY"; stop_pid "$SINK"
    mta_down
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
# a long command in the background, so that a signal is acted on at once
run_bg() { "$@" & FG=$!; _rc=0; wait $FG || _rc=$?; FG=; return $_rc; }

# wait_start WAIT ARGS...: benchtool's waitcount or waitempty in the
# background, its time into $B/waited; returns once it watches the tree,
# so that Python's start-up comes before the clock starts and takes no
# time from the programs measured.  wait_end sets WAITED to that time.
wait_start() {
    rm -f "$B/ready" "$B/waited"
    mkfifo "$B/ready"
    $TOOL "$@" "$B/ready" > "$B/waited" &
    WAITER=$!
    _r=$(timeout 60 head -n 1 "$B/ready") || _r=
    rm -f "$B/ready"
    [ "$_r" = ready ] || die "benchtool $1 did not start"
}
wait_end() {
    _rc=0; wait "$WAITER" || _rc=$?; WAITER=
    [ $_rc = 0 ] || die "benchtool: the wait failed"
    WAITED=$(cat "$B/waited")
}

# the last run's instance is moved aside, and removed with the rest of
# the trash after the last figure: ext4 without a journal hands out
# inodes slowly for a minute or more after many were freed, which would
# lower F1 and every figure after it
if [ -e "$QH" ]; then
    mkdir -p "$B/trash"
    mv "$QH" "$B/trash/home.$(date +%s%N)"
fi
make -s -C "$TOP" QMAILHOME="$QH" ACCOUNTS="$ME" install-instance >/dev/null
echo bench.example.org > "$QH/control/me"
echo bench.example.org > "$QH/control/rcpthosts"
F1=$("$B/fsyncrate" "$QH/queue" 5)
E1=$("$B/execrate" "$B/noop" 3)
E1S=
[ -x "$B/noop-musl" ] && E1S=$("$B/execrate" "$B/noop-musl" 3)

# an empty Maildir.  The old one is moved aside and removed only when
# every figure is taken: ext4 without a journal is slow to hand out
# inodes for a minute after many are freed, and the bench's own
# housekeeping must not slow the programs it measures
maildir_fresh() {
    if [ -d "$MD" ]; then
        mkdir -p "$B/trash"
        mv "$MD" "$B/trash/Maildir.$(date +%s%N)"
    fi
    "$QH/bin/maildirmake" "$MD"
}

# local throughput with the MTA up: N small messages from 4 parallel
# injectors (injloop.c: one qmail-inject per message), until every one
# is in Maildir/new; sets RATE
local_run() {
    maildir_fresh
    wait_start waitcount "$MD/new" "$N" 900
    t0=$(now)
    "$B/injloop" "$QH/bin/qmail-inject" "$N" 4 u1@bench.example.org &
    INJ=$!
    wait_end; t1=$WAITED
    for p in $INJ; do wait "$p" || true; done
    INJ=
    RATE=$(rate "$N" "$t0" "$t1")
}

# u1 is the caller's account with its home under build/bench/homes
uid=$(id -u) gid=$(id -g)
mkdir -p "$B/homes/u1"
printf '=u1:%s:%s:%s:%s:::\n.\n' "$ME" "$uid" "$gid" "$B/homes/u1" \
    > "$QH/users/assign"
"$QH/bin/qmail-newu"
out "date: $(date -u +%Y-%m-%dT%H:%MZ)  host: $(uname -m), $(nproc) cores, $(df -T "$QH" | awk 'NR==2{print $2}')"
out "F1 (create+write 300 B+fsync+rename, one writer): $F1 /s"
out "E1 (start a dynamically linked no-op and wait, one process): $E1 /s"
[ -n "$E1S" ] && out "E1s (the same, linked statically with musl): $E1S /s"
# warm-up, not timed: WARM messages through the local path, so that the
# figures are those of an MTA that has been running, whose pools of
# reusable queue files (queue/recycle, queue/spare) hold spares, not
# those of its first minute, when every queue file is a new inode
mta_up
maildir_fresh
wait_start waitcount "$MD/new" "$WARM" 300
run_bg "$B/injloop" "$QH/bin/qmail-inject" "$WARM" 4 u1@bench.example.org ||
    die "the warm-up failed"
wait_end
mta_down
out "warm-up (not timed): $WARM messages delivered locally"

if want local; then
    mta_up
    local_run
    mta_down
    LOCAL=$RATE
    out "local: $N messages, 4 injectors, inject to Maildir/new: $LOCAL msg/s = $(ratio "$LOCAL" "$F1") x F1"
    # the two halves of that path apart, each with the CPU time it took
    # (all cores, the whole machine, from /proc/stat), beside the CPU
    # time a message may take if the machine is to reach 0.5 x F1
    maildir_fresh
    c0=$(cputicks); t0=$(now)
    run_bg "$B/injloop" "$QH/bin/qmail-inject" "$N" 4 u1@bench.example.org ||
        die "injloop failed"
    t1=$(now); c1=$(cputicks)
    R=$(rate "$N" "$t0" "$t1")
    out "local, injection alone (qmail-send stopped): $R msg/s = $(ratio "$R" "$F1") x F1, CPU $(cpums "$c0" "$c1" "$N") ms/msg"
    wait_start waitcount "$MD/new" "$N" 900
    c0=$(cputicks); t0=$(now)
    mta_up
    wait_end; t1=$WAITED; c1=$(cputicks)
    mta_down
    R=$(rate "$N" "$t0" "$t1")
    out "local, delivery alone ($N queued, then qmail-send started): $R msg/s = $(ratio "$R" "$F1") x F1, CPU $(cpums "$c0" "$c1" "$N") ms/msg"
    out "local, CPU a message may take for 0.5 x F1 on $(nproc) cores: $(echo "$(nproc) $F1" | awk '{ printf "%.2f", $1 * 1000 / (0.5 * $2) }') ms"
fi

# ---- postfix's smtp-source and smtp-sink, unpacked from the package ----
# (only the two programs and their libraries are kept: the build's
# makefile reads every *.d file under build/, and the package has some)
PF=$B/postfix
if [ ! -x "$PF/usr/sbin/smtp-source" ] || [ ! -x "$PF/usr/sbin/smtp-sink" ]; then
    rm -rf "$PF" "$B/deb"
    mkdir -p "$B/deb"
    if ( cd "$B/deb" && apt-get download postfix ) >"$B/apt.log" 2>&1 &&
        dpkg -x "$B"/deb/postfix_*.deb "$B/deb/x"; then
        mkdir -p "$PF/usr/sbin" "$PF/usr/lib/postfix"
        cp "$B/deb/x/usr/sbin/smtp-source" "$B/deb/x/usr/sbin/smtp-sink" "$PF/usr/sbin/"
        find "$B/deb/x" -name 'libpostfix-*.so*' -exec cp {} "$PF/usr/lib/postfix/" \;
    fi
    rm -rf "$B/deb"
fi
# pf PROG ARGS...: smtp-source or smtp-sink with their libraries; it
# execs, so it is only used in a subshell (&, a pipeline), where the
# process id is then that of the program
pf() {
    _p=$1; shift
    exec env LD_LIBRARY_PATH="$PF/usr/lib/postfix" "$PF/usr/sbin/$_p" "$@"
}
PFOK=
if [ -x "$PF/usr/sbin/smtp-source" ] && [ -x "$PF/usr/sbin/smtp-sink" ] &&
    pf smtp-source 2>&1 | grep -q usage; then
    PFOK=1
fi
NOPF="skipped: postfix's smtp-source/smtp-sink unavailable (apt-get download postfix, see build/bench/apt.log)"

# ---- SMTP: qmail-smtpd under tcpserver, qmail-verify, the MTA ----
verify_up() {
    rm -f "$QH/verify.sock"
    env - PATH="$QH/bin:/usr/bin:/bin" "$QH/bin/qmail-verify" 2>>"$B/verify.log" &
    VERIFY=$!
    _i=0
    while [ ! -S "$QH/verify.sock" ]; do
        if ! kill -0 $VERIFY 2>/dev/null || [ $_i -ge 200 ]; then
            die "qmail-verify did not start"
        fi
        _i=$((_i + 1)); sleep 0.05
    done
}

# tcpserver -b 256 -c 40 on a free loopback port, no RELAYCLIENT
smtpd_up() {
    echo '127.0.0.1:allow' > "$B/tcp.rules"
    tcprules "$B/tcp.cdb" "$B/tcp.tmp" < "$B/tcp.rules"
    for _try in 1 2 3 4 5; do
        PORT=$($TOOL freeport)
        : > "$B/tcpserver.log"
        env - PATH="$QH/bin:/usr/bin:/bin" tcpserver -v -R -H \
            -l bench.example.org -x "$B/tcp.cdb" -b 256 -c 40 \
            127.0.0.1 "$PORT" "$QH/bin/qmail-smtpd" 2>>"$B/tcpserver.log" &
        TCPS=$!
        wait_log $TCPS "$B/tcpserver.log" 'status: 0/' && return 0
        stop_pid $TCPS; TCPS=
    done
    die "tcpserver did not start (see $B/tcpserver.log)"
}

if want smtp; then
mta_up
verify_up
smtpd_up
if [ -n "$PFOK" ]; then
    maildir_fresh
    wait_start waitcount "$MD/new" "$N" 900
    t0=$(now)
    run_bg pf smtp-source -c -l 300 -m "$N" -s 10 -M bench.client \
        -f sender@bench.client -t u1@bench.example.org "127.0.0.1:$PORT" \
        > "$B/smtp-source.log" 2>&1 || die "smtp-source failed (see $B/smtp-source.log)"
    ta=$(now)
    wait_end; t1=$WAITED
    R=$(rate "$N" "$t0" "$t1")
    out "smtp: $N messages, 10 smtp-source clients, SMTP to Maildir/new: $R msg/s = $(ratio "$R" "$F1") x F1"
    R=$(rate "$N" "$t0" "$ta")
    out "smtp accepted: $N messages, 10 clients, until smtp-source ends: $R msg/s = $(ratio "$R" "$F1") x F1"
else
    out "smtp: $NOPF"
fi

# memory of one qmail-smtpd, read after its message is accepted
maildir_fresh
M=$($TOOL smtpdmem "$PORT" "$TCPS" "$QH/bin/qmail-smtpd")
read -r HWM RSS PSS PRIV <<EOF
$M
EOF
$TOOL waitcount "$MD/new" 1 60 >/dev/null
out "qmail-smtpd peak RSS (VmHWM), one session with one message: $HWM KiB"
out "qmail-smtpd Pss at the end of that session: $PSS KiB (private $PRIV KiB, RSS $RSS KiB)"
stop_pid $TCPS; TCPS=
stop_pid $VERIFY; VERIFY=
mta_down
fi

# ---- remote: a full queue delivered to smtp-sink via smtproutes ----
sink_up() {
    for _try in 1 2 3 4 5; do
        SPORT=$($TOOL freeport)
        _u=''; [ "$(id -u)" = 0 ] && _u=nobody # required as root
        pf smtp-sink -c ${_u:+-u "$_u"} "127.0.0.1:$SPORT" 256 \
            > "$B/smtp-sink.log" 2>"$B/smtp-sink.err" &
        SINK=$!
        # ready once it accepts a connection
        _i=0
        while [ $_i -lt 100 ] && kill -0 $SINK 2>/dev/null; do
            python3 -c "import socket; socket.create_connection(('127.0.0.1', $SPORT), 1).close()" \
                2>/dev/null && return 0
            _i=$((_i + 1)); sleep 0.05
        done
        stop_pid $SINK; SINK=
    done
    die "smtp-sink did not start (see $B/smtp-sink.err)"
}
sink_count() { tr '\r' '\n' < "$B/smtp-sink.log" | sed -n 's/.*mesg=\([0-9]*\).*/\1/p' | tail -1; }

remote_run() { # CONCURRENCY
    echo "$1" > "$QH/control/concurrencyremote"
    _before=$(sink_count); _before=${_before:-0}
    run_bg "$B/qqflood" "$QH/bin/qmail-queue" "$N" 4 sender@bench.example.org \
        rcpt@remote.example || die "qqflood failed"
    wait_start waitempty "$QH/queue/mess" 900
    t0=$(now)
    mta_up
    wait_end; t1=$WAITED
    mta_down
    R=$(rate "$N" "$t0" "$t1")
    _got=$(( $(sink_count) - _before ))
    [ "$_got" -ge "$N" ] || die "smtp-sink counted $_got messages, not $N"
    out "remote: $N messages, concurrencyremote $1, queue to smtp-sink: $R msg/s = $(ratio "$R" "$F1") x F1"
}

if ! want remote; then
    :
elif [ -n "$PFOK" ]; then
    sink_up
    echo "remote.example:127.0.0.1:$SPORT" > "$QH/control/smtproutes"
    remote_run 20
    remote_run 100
    stop_pid $SINK; SINK=
else
    out "remote: $NOPF"
fi

want queue || { rm -rf "$B/trash"; exit 0; }

# ---- queue scaling: local throughput with messages held in the queue ----
# They are for a remote host while concurrencyremote is 0 (the channel
# is on hold), so they stay queued without taking delivery slots.
echo 0 > "$QH/control/concurrencyremote"
QUEUED=0
fill_queue() { # COUNT [SECONDS]: COUNT more, preprocessed by a running
    # qmail-send, within SECONDS if given (else return 2); sets FILL
    mta_up
    t0=$(now)
    run_bg "$B/qqflood" "$QH/bin/qmail-queue" "$1" 4 sender@bench.example.org \
        held@held.example "${2:-0}" ||
        { _rc=$?; mta_down; [ $_rc = 2 ] && return 2; die "qqflood failed"; }
    _left=$(echo "$t0 ${2:-900} $(now)" | awk '{ s = $1 + $2 - $3; printf "%d", s < 1 ? 1 : s }')
    t1=$($TOOL waitempty "$QH/queue/todo" "$_left") || { mta_down; return 2; }
    mta_down
    QUEUED=$((QUEUED + $1))
    FILL=$(rate "$1" "$t0" "$t1")
}
scaled_run() {
    mta_up
    local_run
    M=$($TOOL procmem "$SEND")
    read -r HWM RSS PSS PRIV <<EOF
$M
EOF
    mta_down
    out "local, $QUEUED queued: $N messages, 4 injectors, inject to Maildir/new: $RATE msg/s = $(ratio "$RATE" "$F1") x F1"
    out "qmail-send peak RSS (VmHWM), $QUEUED queued: $HWM KiB (Pss $PSS KiB, private $PRIV KiB)"
}

fill_queue "$BIGQ" "" || die "could not queue $BIGQ messages"
out "queue fill: $BIGQ messages via qmail-queue (4 writers), preprocessed: $FILL msg/s = $(ratio "$FILL" "$F1") x F1"
scaled_run
MORE=$((HUGEQ - BIGQ))
EST=$(echo "$MORE $FILL" | awk '{ printf "%d", $1 / $2 }')
if [ "$EST" -gt "$HUGE_SECS" ]; then
    out "local, $HUGEQ queued: skipped: filling the queue would take about $EST s at the rate above, over the $HUGE_SECS s limit"
elif fill_queue "$MORE" "$HUGE_SECS"; then
    out "queue fill: $MORE more messages (to $HUGEQ) via qmail-queue (4 writers), preprocessed: $FILL msg/s = $(ratio "$FILL" "$F1") x F1"
    scaled_run
else
    out "local, $HUGEQ queued: skipped: filling the queue took over the $HUGE_SECS s limit"
fi
# the held queue is large; the next run builds a fresh instance anyway
rm -rf "$QH/queue" "$B/trash"
