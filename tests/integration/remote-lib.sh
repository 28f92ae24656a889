# tests/integration/remote-lib.sh: a scripted SMTP sink (remote-sink.py)
# and one-shot qmail-remote runs, for the remote-*.t tests that talk to
# qmail-remote directly.  Source after tests/lib.sh and tests/mta.sh;
# it skips the test when python3-aiosmtpd is missing.
#   sink ARGS...   a fresh sink on 127.0.0.1 (or the addresses given
#                  first), scripted by ARGS; $PORT is its (first) port,
#                  example.com is routed to it; its log is $T/s.log
#   sink_stop      stop it (also done on exit)
#   remote ARGS... qmail-remote with $T/msg on fd 0; output in $T/out,
#                  exit status in $T/rc
#   res            the output with NUL shown as |
#   slog           the sink's log without addresses, and without the
#                  QUIT, which qmail-remote sends without waiting
PY=/usr/bin/python3
SINK=$TOP/tests/integration/remote-sink.py
$PY -c 'import aiosmtpd' 2>/dev/null ||
    skip_all "needs python3-aiosmtpd (Debian package)"
SINKPID=
trap 'sink_stop' EXIT

sink() {
    sink_stop
    rm -f "$T"/s.log* "$T/s.ready"
    case ${1:-} in *:*:*|127.*|\[*) ;; *) set -- 127.0.0.1:0 "$@" ;; esac
    $PY "$SINK" "$T/s.log" "$T/s.ready" "$@" 2>"$T/s.err" &
    SINKPID=$!
    wait_for 10 test -f "$T/s.ready" || { cat "$T/s.err" >&2; exit 1; }
    read PORT _rest <"$T/s.ready"
    echo "example.com:127.0.0.1:$PORT" >"$QH/control/smtproutes"
}
sink_stop() {
    [ -n "$SINKPID" ] && kill "$SINKPID" 2>/dev/null && wait "$SINKPID" 2>/dev/null
    SINKPID=
}
remote() {
    "$QH/bin/qmail-remote" "$@" <"$T/msg" >"$T/out" 2>"$T/err"
    echo $? >"$T/rc"
}
res() { tr '\000' '|' <"$T/out"; }
slog() { sed -e 's/^[^ ]* //' -e '/^C: QUIT$/d' "$T/s.log"; }
