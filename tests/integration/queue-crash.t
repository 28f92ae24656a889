#!/bin/sh
# Crash test of qmail-queue (design 5, spec delivery.md 1.4 and 1.5):
# 500 injections of random messages (0..200 KB) and envelopes while the
# running qmail-queue is killed with SIGKILL at random moments, and a
# watcher reads every todo/ file the moment it appears.  Every injection
# that exited 0 must be queued exactly as sent; no todo/ file may ever
# be seen incomplete, and each must have its complete message.
# qmail-queue draws on a queue/recycle seeded with spares full of old
# data, some of them with a second name that must never be written.
# The driver is queue-crash.py (python3); CRASH_QQ_N changes the count.
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null || skip_all "needs python3"
inst_fresh
R=$QH/queue/recycle
mkdir -p "$T/keep"
python3 - "$R" "$T/keep" <<'PY'
import os, random, sys
pool, keep = sys.argv[1], sys.argv[2]
rnd = random.Random(7)
for k in range(256):
    with open(os.path.join(pool, str(k)), "wb") as f:
        f.write(bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(0, 3000))) * 20)
    if k % 16 == 0:
        os.link(os.path.join(pool, str(k)), os.path.join(keep, str(k)))
PY
for f in "$T"/keep/*; do cp "$f" "$f.copy"; done
python3 "$TOP/tests/integration/queue-crash.py" "$QH/bin/qmail-queue" \
    "$QH/queue" "${CRASH_QQ_N:-500}" "${CRASH_QQ_SEED:-$$}" >"$T/crash.out" 2>&1
rc=$?
grep '^#' "$T/crash.out"
ok "$rc" "the driver ran to the end"
n=0
while IFS= read -r line; do
    case $line in
    "ok - "*) ok 0 "${line#ok - }"; n=$((n + 1)) ;;
    "not ok - "*) ok 1 "${line#not ok - }"; n=$((n + 1)) ;;
    '#'*) ;;
    *) diag "driver: $line" ;;
    esac
done <"$T/crash.out"
is "$n" 6 "the driver made all its checks"
bad=0
for f in "$T"/keep/*.copy; do cmp -s "$f" "${f%.copy}" || bad=$((bad + 1)); done
is "$bad" 0 "no spare with a second name was written to"
left=$(find "$R" -type f | wc -l)
ok "$([ "$left" -lt 100 ]; echo $?)" "the spares were used ($left of 256 left)"
done_testing
