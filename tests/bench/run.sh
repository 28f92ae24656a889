#!/bin/sh
# make bench: each figure beside F1, the fsync limit of the queue's
# filesystem measured in the same run.  Results are printed and appended
# to build/bench/results.txt; BENCHMARKS.md records them with the machine.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=$TOP/build/bench
QH=$B/home
N=${BENCH_N:-2000}
mkdir -p "$B"
ME=$(id -un)
cc -O2 -o "$B/fsyncrate" "$TOP/tests/bench/fsyncrate.c"

rm -rf "$QH"
make -s -C "$TOP" QMAILHOME="$QH" ACCOUNTS="$ME" install-instance >/dev/null
echo bench.example.org > "$QH/control/me"
F1=$("$B/fsyncrate" "$QH/queue" 5)

now() { date +%s.%N; }
ratio() { echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }'; }

# local throughput: N small messages from 4 parallel injectors, until
# every one is in Maildir/new
local_bench() {
    uid=$(id -u) gid=$(id -g)
    mkdir -p "$B/homes/u1"
    rm -rf "$B/homes/u1/Maildir"
    "$QH/bin/maildirmake" "$B/homes/u1/Maildir"
    printf '=u1:%s:%s:%s:%s:::\n.\n' "$ME" "$uid" "$gid" "$B/homes/u1" \
        > "$QH/users/assign"
    "$QH/bin/qmail-newu"
    ( cd / && exec env - PATH="$QH/bin:/usr/bin:/bin" \
        qmail-start ./Maildir/ > "$B/send.log" 2>&1 ) &
    send=$!
    while ! grep -q '^status' "$B/send.log"; do sleep 0.05; done
    t0=$(now)
    for k in 1 2 3 4; do
        ( i=$k; while [ $i -le "$N" ]; do
            printf 'To: u1@bench.example.org\nSubject: %d\n\nbench\n' $i |
                "$QH/bin/qmail-inject"; i=$((i + 4)); done ) &
    done
    wait_inj=$(jobs -p | grep -v "^$send\$" || true)
    while [ "$(find "$B/homes/u1/Maildir/new" -type f | wc -l)" -lt "$N" ]; do
        sleep 0.02
    done
    t1=$(now)
    kill -TERM $send; wait $send 2>/dev/null || true
    echo "$N $t0 $t1" | awk '{ printf "%.1f", $1 / ($3 - $2) }'
}

LOCAL=$(local_bench)
{
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  host: $(uname -m), $(nproc) cores, $(df -T "$QH" | awk 'NR==2{print $2}')"
    echo "F1 (create+write 300 B+fsync+rename, one writer): $F1 /s"
    echo "local: $N messages, 4 injectors, inject to Maildir/new: $LOCAL msg/s = $(ratio "$LOCAL" "$F1") x F1"
} | tee -a "$B/results.txt"
