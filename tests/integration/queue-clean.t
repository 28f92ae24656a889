#!/bin/sh
# qmail-clean(8)'s requests, spoken to it directly: todo/N removes
# intd/N and todo/N, foop/N removes intd/N and mess/N, sync/N flushes
# the queue's filesystem (syncfs) before its answer, done/N removes
# intd/N, todo/N and mess/N, and anything else is answered 'x'.  One
# reply byte per request, in order.  Requests are carried out also
# when nobody reads the replies; a second qmail-clean answers only once
# the first has exited (the lock on the queue directory).
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

# done/7: a message delivered straight from todo/
echo x > "$Q/intd/7"
ln "$Q/intd/7" "$Q/todo/7"
echo x > "$Q/mess/7/7"
is "$(clean done/7)" "+" "done/7 answered +"
ok "$([ ! -e "$Q/intd/7" ] && [ ! -e "$Q/todo/7" ] && [ ! -e "$Q/mess/7/7" ]; echo $?)" \
    "done/7: intd/7, todo/7 and mess/7/7 are gone"
is "$(clean done/7)" "+" "done/7 again: files already gone are fine"

# nobody reads the replies: the requests are carried out all the same
for n in 8 9; do
    echo x > "$Q/intd/$n"
    ln "$Q/intd/$n" "$Q/todo/$n"
    echo x > "$Q/mess/$n/$n"
done
mkfifo "$T/rep"
( exec 3<"$T/rep" ) & # opens the reply pipe, then closes it unread
printf 'done/8\0done/9\0' | "$QH/bin/qmail-clean" > "$T/rep"
is "$?" 0 "replies unread: qmail-clean exits 0 at the end of its input"
ok "$([ ! -e "$Q/todo/8" ] && [ ! -e "$Q/mess/8/8" ] && [ ! -e "$Q/todo/9" ] &&
    [ ! -e "$Q/mess/9/9" ]; echo $?)" "replies unread: both done/ requests were carried out"

# a second qmail-clean waits for the first: the first is kept at work
# (its input open) while the second gets a request
mkfifo "$T/in1"
"$QH/bin/qmail-clean" < "$T/in1" > "$T/out1" &
c1=$!
exec 4>"$T/in1"
printf 'sync/1\0' >&4
wait_for 10 sh -c "[ -s '$T/out1' ]"
ok $? "the first qmail-clean answers"
printf 'sync/2\0' | "$QH/bin/qmail-clean" > "$T/out2" 4>&- &
c2=$!
# the second is blocked on the lock: flock(2) shows in its wait channel
c2=$(pgrep -n -x qmail-clean)
wait_for 10 sh -c "grep -q lock /proc/$c2/wchan"
blocked=$?
is "$(cat "$T/out2")" "" "the second has not answered while the first runs"
exec 4>&-
wait $c1
wait_for 10 sh -c "[ -s '$T/out2' ]"
is "$(cat "$T/out2")" "+" "the second answers once the first has exited"
diag "wait channel of the second seen as a lock wait: $([ $blocked = 0 ] && echo yes || echo no)"

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
    # qmail-send reads the queue only after qmail-clean's first answer
    # (a qmail-clean of an earlier run may still be at its requests)
    : > "$T/send.log"
    ( cd / && exec env - PATH="$QH/bin:/usr/bin:/bin" strace -qq -ff \
        -e trace=read,write,open,openat -o "$T/st" \
        qmail-start ./Maildir/ >>"$T/send.log" 2>&1 ) &
    MTA_PID=$!
    wait_for 10 grep -q '^status: local' "$T/send.log"
    ok $? "qmail-send started under strace"
    kill -TERM $(instpids qmail-send) 2>/dev/null
    wait_for 30 grep -q '^status: exiting' "$T/send.log"
    wait "$MTA_PID" 2>/dev/null
    /usr/bin/python3 - "$T"/st.* <<'EOP'
import re, sys
for fn in sys.argv[1:]:
    lines = open(fn, errors="replace").read().splitlines()
    asked = [i for i, l in enumerate(lines) if l.startswith('write(5, "sync/0\\0"')]
    if not asked:
        continue
    answered = [i for i, l in enumerate(lines) if re.match(r'read\(6, "\+", \d+\) += 1', l)]
    opened = [i for i, l in enumerate(lines)
              if re.match(r'open(at)?\((AT_FDCWD, )?"(info/|todo)', l)]
    sys.exit(0 if answered and opened and asked[0] < answered[0] < opened[0] else 1)
sys.exit(1)
EOP
    ok $? "qmail-send opens info/ and todo only after qmail-clean's first answer"
else
    diag "strace is not installed: the order of syncfs and answer is not checked"
fi
done_testing
