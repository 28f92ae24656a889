#!/bin/sh
# qmail-clean(8)'s requests, spoken to it directly: todo/N removes
# intd/N and todo/N, foop/N removes intd/N and mess/N, sync/N flushes
# the queue's filesystem (syncfs) before its answer, and anything else
# is answered 'x'.  One reply byte per request, in order.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
inst_fresh
Q=$QH/queue
clean() { # the replies to the NUL-terminated requests given as arguments
    for r in "$@"; do printf '%s\0' "$r"; done |
        "$QH/bin/qmail-clean" | od -An -c | tr -d ' \n'
}

echo x > "$Q/intd/5"
ln "$Q/intd/5" "$Q/todo/5"
echo x > "$Q/mess/$((6 % 23))/6"
echo x > "$Q/intd/6"
is "$(clean todo/5 foop/6)" "++" "todo/5 and foop/6 answered +"
ok "$([ ! -e "$Q/intd/5" ] && [ ! -e "$Q/todo/5" ]; echo $?)" \
    "todo/5: intd/5 and todo/5 are gone"
ok "$([ ! -e "$Q/intd/6" ] && [ ! -e "$Q/mess/6/6" ]; echo $?)" \
    "foop/6: intd/6 and mess/6/6 are gone"
is "$(clean todo/5 foop/6)" "++" "files already gone are fine"

is "$(clean sync/1 sync/18446744073709551615)" "++" "sync/N answered +"
is "$(clean sync/ sync/1x sink/1 todo/ foop/-1 syncfs sync/1)" "xxxxxx+" \
    "malformed requests answered x, each in its turn"

if command -v strace >/dev/null; then
    printf 'sync/3\0' | strace -qq -e trace=syncfs,write -o "$T/trace" \
        "$QH/bin/qmail-clean" > "$T/out"
    is "$(cat "$T/out")" "+" "traced: sync/3 answered +"
    /usr/bin/python3 - "$T/trace" <<'EOF'
import re, sys
calls = [re.match(r"(\w+)\((\d+)", l) for l in open(sys.argv[1])]
calls = [(m.group(1), m.group(2)) for m in calls if m]
s = [i for i, c in enumerate(calls) if c[0] == "syncfs"]
w = [i for i, c in enumerate(calls) if c == ("write", "1")]
sys.exit(0 if s and w and s[0] < w[0] else 1)
EOF
    ok $? "the syncfs comes before the answer"
else
    diag "strace is not installed: the order of syncfs and answer is not checked"
fi
done_testing
