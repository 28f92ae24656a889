#!/bin/sh
# Replays every fuzz target's seed corpus through its plain-main build.
. "$(dirname "$0")/../lib.sh"
for src in "$TOP"/tests/fuzz/fuzz-*.c; do
    n=$(basename "$src" .c)
    bin=$TOP/$O/fuzz/$n-replay
    corpus=$TOP/tests/fuzz/corpus/$n
    [ -d "$corpus" ] || { ok 1 "$n: corpus exists"; continue; }
    mkdir -p "$T"; "$bin" "$corpus" 2>"$T/fuzz.err"
    ok $? "$n: corpus replays ($(ls "$corpus" | wc -l) inputs)"
done
done_testing
