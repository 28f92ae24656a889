#!/bin/sh
# tcp-env: the environment it sets for a program whose stdin is a real
# TCP connection (smtp-and-tools.md 5.6).  A small Python helper makes
# the connection and hands the accepted socket to tcp-env as fd 0; the
# ident (RFC 1413) part runs in a private network namespace, where the
# helper can also be the server on port 113; failed reverse lookups come
# from a getnameinfo() preloaded in front of the C library's.
. "$(dirname "$0")/../lib.sh"
inst_fresh
TE=$QH/bin/tcp-env

# conn IDENT-MODE ARGS...: run tcp-env ARGS on an accepted loopback
# connection; the program's environment ends up in $T/te.env and the
# helper's view of the ports in $T/te.ports ("LOCALPORT REMOTEPORT");
# IDENT-MODE: none, answer, silent (port 113 accepts, never replies)
conn() {
    python3 - "$T" "$@" <<'EOP'
import os, socket, subprocess, sys, threading
t, mode, args = sys.argv[1], sys.argv[2], sys.argv[3:]
query = []
if mode != "none":
    ident = socket.socket()
    ident.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ident.bind(("127.0.0.1", 113))
    ident.listen(1)
    def serve():
        c, _ = ident.accept()
        data = b""
        while not data.endswith(b"\r\n"):
            b = c.recv(100)
            if not b:
                break
            data += b
        query.append(data)
        if mode == "answer":
            rp, lp = [x.strip() for x in data.decode().split(",")]
            c.sendall(("%s , %s : USERID : UNIX : j o\tsmith :x\r\n" % (rp, lp)).encode())
        else:
            c.recv(100)   # until tcp-env gives up and closes
        c.close()
    threading.Thread(target=serve, daemon=True).start()
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(1)
client = socket.create_connection(l.getsockname())
server, _ = l.accept()
with open(os.path.join(t, "te.ports"), "w") as f:
    f.write("%d %d\n" % (server.getsockname()[1], server.getpeername()[1]))
r = subprocess.run(args, stdin=server)
with open(os.path.join(t, "te.query"), "wb") as f:
    f.write(query[0] if query else b"")
sys.exit(r.returncode)
EOP
}
envof() { sed -n "s/^$1=//p" "$T/te.env"; }

conn none env -u PROTO TCPREMOTEINFO=stale "$TE" -R sh -c 'env >"$0"' "$T/te.env"
is "$?" 0 "-R: exit status of the program"
read lport rport <"$T/te.ports"
is "$(envof PROTO)" TCP "PROTO=TCP"
is "$(envof TCPLOCALIP)" 127.0.0.1 "TCPLOCALIP"
is "$(envof TCPREMOTEIP)" 127.0.0.1 "TCPREMOTEIP"
is "$(envof TCPLOCALPORT)" "$lport" "TCPLOCALPORT is the listening port"
is "$(envof TCPREMOTEPORT)" "$rport" "TCPREMOTEPORT is the client's port"
grep -q '^TCPREMOTEINFO=' "$T/te.env"
is "$?" 1 "-R: TCPREMOTEINFO removed, not looked up"
h=$(python3 -c '
import socket
try: print(socket.gethostbyaddr("127.0.0.1")[0].lower())
except OSError: print("")')
if [ -n "$h" ]; then
    is "$(envof TCPREMOTEHOST)" "$h" "TCPREMOTEHOST is the name of 127.0.0.1 ($h)"
    is "$(envof TCPLOCALHOST)" "$h" "TCPLOCALHOST likewise"
else
    ok 0 "TCPREMOTEHOST # SKIP 127.0.0.1 has no name here"
fi

conn none env PROTO=TCP TCPLOCALIP=1.2.3.4 "$TE" -R sh -c 'env >"$0"' "$T/te.env"
is "$(envof TCPLOCALIP):$(envof TCPREMOTEPORT)" "1.2.3.4:" \
    "PROTO=TCP already: the environment is left alone"

conn none "$TE" -R sh -c 'exit 7'
is "$?" 7 "the program's exit status"
conn none "$TE" -R 2>"$T/err"
is "$?:$(cat "$T/err")" "111:" "no program: 111, silent"
conn none "$TE" -R "$T/missing" 2>"$T/err"
is "$?:$(cat "$T/err")" "111:" "program cannot be run: 111, silent"
env -u PROTO "$TE" -R true <"$T/te.ports" 2>"$T/err"
is "$?:$(cat "$T/err")" "111:" "stdin not a socket: 111, silent"
conn none env PATH=/nonexistent:/bin:/usr/bin "$TE" -R env >/dev/null
is "$?" 0 "the program is found through PATH"

# --- reverse lookups that fail, through a getnameinfo() preloaded
# in front of the C library's (QMT_GAI: again = temporary failure,
# noname = there is no name)
if command -v cc >/dev/null && ldd "$TE" >/dev/null 2>&1; then
    cat >"$T/gai.c" <<'EOC'
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
int getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host,
                socklen_t hostlen, char *serv, socklen_t servlen, int flags)
{
    const char *m = getenv("QMT_GAI");
    (void)sa, (void)salen, (void)host, (void)hostlen;
    (void)serv, (void)servlen, (void)flags;
    return m && !strcmp(m, "noname") ? EAI_NONAME : EAI_AGAIN;
}
EOC
    cc -shared -fPIC -o "$T/gai.so" "$T/gai.c"
    # the sanitizers' runtime would insist on coming first
    gai() {
        _m=$1; shift
        conn none env -u PROTO LD_PRELOAD="$T/gai.so" QMT_GAI="$_m" \
            ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
            TCPREMOTEHOST=stale TCPLOCALHOST=stale "$TE" -R "$@"
    }
    gai again sh -c 'env >"$0"' "$T/te.env"
    is "$?" 0 "temporary DNS failure: the program runs"
    is "$(envof TCPREMOTEHOST):$(envof TCPLOCALHOST)" "softdnserror:softdnserror" \
        "temporary DNS failure: TCPREMOTEHOST and TCPLOCALHOST are softdnserror"
    gai noname sh -c 'env >"$0"' "$T/te.env"
    is "$?" 0 "no name: the program runs"
    grep -q -e '^TCPREMOTEHOST=' -e '^TCPLOCALHOST=' "$T/te.env"
    is "$?" 1 "no name: TCPREMOTEHOST and TCPLOCALHOST unset"
else
    ok 0 "failed reverse lookups # SKIP no cc, or tcp-env is linked statically"
fi

# --- RFC 1413 in a network namespace of our own ---------------------
if unshare -n true 2>/dev/null; then
    # ns MODE ARGS...: conn inside a fresh network namespace (lo up)
    ns() {
        unshare -n sh -c 'ip link set lo up && shift && "$@"' sh - \
            env T="$T" sh -c '. "$0"; conn "$@"' "$T/conn.sh" "$@"
    }
    # the helper, for the subshell inside the namespace
    sed -n '/^conn() {/,/^}/p' "$0" >"$T/conn.sh"
    ns answer env -u PROTO "$TE" sh -c 'env >"$0"' "$T/te.env"
    is "$?" 0 "ident: exit 0"
    read lport rport <"$T/te.ports"
    is "$(cat "$T/te.query")" "$(printf '%s , %s\r\n' "$rport" "$lport")" \
        "ident: query is 'remoteport , localport' CRLF"
    is "$(envof TCPREMOTEINFO)" "josmith:x" \
        "ident: TCPREMOTEINFO = text after the third colon, blanks removed"
    ns silent env -u PROTO "$TE" -t1 sh -c 'env >"$0"' "$T/te.env"
    is "$?" 0 "ident: silent server, -t1: the program still runs"
    grep -q '^TCPREMOTEINFO=' "$T/te.env"
    is "$?" 1 "ident: silent server: no TCPREMOTEINFO"
    ns none env -u PROTO TCPREMOTEINFO=stale "$TE" sh -c 'env >"$0"' "$T/te.env"
    grep -q '^TCPREMOTEINFO=' "$T/te.env"
    is "$?" 1 "ident: nothing on port 113: no TCPREMOTEINFO (a stale one removed)"
else
    ok 0 "ident # SKIP no network namespace"
fi

done_testing
