# tests/integration/smtp-lib.sh: servers under the real tcpserver for
# the smtp-*.t tests.  Source after tests/lib.sh and tests/mta.sh.
#   tcp_up NAME RULES PROG [ARGS...]  tcpserver -x (rules compiled with
#        tcprules) on a random free port of 127.0.0.1; sets NAME_PORT
#        and NAME_PID; its log (and the programs' fd 2) in $T/NAME.log
#   tcp_down NAME                     stop it
#   verify_up / verify_down           qmail-verify of the instance
#   drive ARGS...                     tests/integration/smtp-drive.py
#   crlf TEXT                         printf TEXT with every \n as CRLF
DRIVE=$TOP/tests/integration/smtp-drive.py
drive() { python3 "$DRIVE" "$@"; }
crlf() { printf "$1" | sed 's/$/\r/'; }

tcp_up() {
    _name=$1 _rules=$2
    shift 2
    printf '%s\n' "$_rules" > "$T/$_name.rules"
    tcprules "$T/$_name.cdb" "$T/$_name.tmp" < "$T/$_name.rules" || return 1
    _try=0
    while [ $_try -lt 20 ]; do
        _port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
        : > "$T/$_name.log"
        tcpserver -v -R -H -l test.example.org -x "$T/$_name.cdb" \
            127.0.0.1 $_port "$@" 2>>"$T/$_name.log" &
        _pid=$!
        if wait_for 10 grep -q -e 'status: 0/' -e fatal "$T/$_name.log" &&
            grep -q 'status: 0/' "$T/$_name.log"; then
            eval "${_name}_PORT=$_port ${_name}_PID=$_pid"
            return 0
        fi
        kill $_pid 2>/dev/null
        wait $_pid 2>/dev/null
        _try=$((_try + 1))
    done
    return 1
}

tcp_down() {
    eval "_pid=\${${1}_PID:-}"
    [ -n "$_pid" ] || return 0
    kill "$_pid" 2>/dev/null
    wait "$_pid" 2>/dev/null
    eval "${1}_PID="
}

verify_up() {
    rm -f "$QH/verify.sock"
    "$QH/bin/qmail-verify" 2>>"$T/verify.log" &
    VERIFY_PID=$!
    wait_for 10 test -S "$QH/verify.sock"
}

verify_down() {
    [ -n "${VERIFY_PID:-}" ] || return 0
    kill "$VERIFY_PID" 2>/dev/null
    wait "$VERIFY_PID" 2>/dev/null
    VERIFY_PID=
}

# how many processes run the instance's program NAME
inst_procs() {
    _c=0
    for _p in /proc/[0-9]*; do
        [ "$(readlink "$_p/exe" 2>/dev/null)" = "$QH/bin/$1" ] && _c=$((_c + 1))
    done
    echo $_c
}

# the newest queued message (mess file) and its envelope (todo file)
last_mess() { ls -t "$QH"/queue/mess/*/* 2>/dev/null | head -1; }
last_env() { f=$(ls -t "$QH"/queue/todo/* 2>/dev/null | head -1); [ -n "$f" ] && tr '\0' '\n' < "$f"; }
