# tests/lib.sh: shared helpers for the integration tests (POSIX sh).
# TAP output: ok/not ok lines, then done_testing prints the plan.
# Each test gets a private MTA under $QH, built with QMAILHOME=$QH and
# every role account mapped to the caller (make install-instance), and
# a scratch directory $T of its own.  The instance is shared (it is
# built once and reinstalled by inst_fresh), so tests run one at a time.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
TBASE=${QMT:-$TOP/build/t}
QH=$TBASE/home
T=$TBASE/$(basename "$0" .t)
rm -rf "$T"
mkdir -p "$T"
ME=$(id -un)
_n=0
_fail=0
export LC_ALL=C

ok() { # ok STATUS NAME: STATUS 0 is a pass
    _n=$((_n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $_n - $2"; else
        echo "not ok $_n - $2"; _fail=$((_fail + 1)); fi
}
is() { # is GOT EXPECTED NAME
    if [ "$1" = "$2" ]; then ok 0 "$3"; else
        ok 1 "$3"; printf '#   got:      %s\n#   expected: %s\n' "$1" "$2"; fi
}
diag() { printf '# %s\n' "$*"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
done_testing() { echo "1..$_n"; [ "$_fail" -eq 0 ]; exit $?; }

# a fresh private instance at $QH (built once, copied each time);
# QMT_SANITIZE=1 builds it with ASan and UBSan (the build directory is
# keyed by QMAILHOME only, so give such a run a QMT of its own)
inst_fresh() {
    rm -rf "$QH"
    mkdir -p "$T"
    make -s -C "$TOP" QMAILHOME="$QH" ACCOUNTS="$ME" \
        ${QMT_SANITIZE:+SANITIZE=1} install-instance \
        >"$T/install.log" 2>&1 || { cat "$T/install.log" >&2; exit 1; }
    echo test.example.org > "$QH/control/me"
}

# number of messages in todo/ and in mess/
queue_count() { find "$QH/queue/$1" -type f | wc -l; }
