#!/bin/sh
# Runs every unit-test binary built from tests/unit/*.c; each one is a
# TAP stream of its own, reported here as one check (its lines shown as
# diagnostics when it fails).
. "$(dirname "$0")/../lib.sh"
mkdir -p "$T"
for src in "$TOP"/tests/unit/*.c; do
    n=$(basename "$src" .c)
    bin=$TOP/$O/unit/$n
    if [ ! -x "$bin" ]; then ok 1 "$n: built"; continue; fi
    "$bin" >"$T/unit-$n.out" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && ! grep -q '^not ok' "$T/unit-$n.out" &&
        grep -q '^1\.\.[1-9]' "$T/unit-$n.out"; then
        ok 0 "$n ($(grep -c '^ok' "$T/unit-$n.out") checks)"
    else
        ok 1 "$n (exit $rc)"
        sed 's/^/#   /' "$T/unit-$n.out"
    fi
done
done_testing
