#!/bin/sh
# The bad-input tests again on an instance built with AddressSanitizer
# and UndefinedBehaviorSanitizer (make SANITIZE=1): a long line, a huge
# message, NUL bytes or an over-long address must not read or write out
# of bounds anywhere, not merely not crash.  And qmail-send's delivery
# from todo/ (send-direct), whose messages live in its own tables.
. "$(dirname "$0")/../lib.sh"
command -v cc >/dev/null || skip_all "no compiler"
for t in queue-badinput qmail-queue smtp-badinput send-direct; do
    QMT=$TBASE-san QMT_SANITIZE=1 ASAN_OPTIONS=detect_leaks=0 \
        sh "$TOP/tests/integration/$t.t" > "$T/$t.out" 2>&1
    rc=$?
    n=$(grep -c '^ok' "$T/$t.out")
    if [ $rc -eq 0 ] && ! grep -q '^not ok' "$T/$t.out" && [ "$n" -gt 0 ]; then
        ok 0 "$t under ASan+UBSan ($n checks)"
    else
        ok 1 "$t under ASan+UBSan (exit $rc)"
        grep -v '^ok' "$T/$t.out" | sed 's/^/#   /' | head -40
    fi
done
done_testing
