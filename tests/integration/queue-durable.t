#!/bin/sh
# The durability rules of design.md 5, read off the system calls: a
# syscall trace (strace -f) of qmail-queue and of the running MTA shows
# that every file and directory entry a step depends on was flushed to
# disk before the step that makes the previous state go away.
#  - qmail-queue: mess/ and intd/ files fsynced, then mess/N fsynced,
#    before todo/ gets its link; todo/ fsynced before exit 0;
#  - qmail-send: info/ and local/ files of a preprocessed batch flushed
#    (a syncfs, which qmail-clean makes at qmail-send's request and
#    which must start after the files are in place, or fsync of each
#    file and directory) before todo/N is removed (the local channel
#    held, so that ten are preprocessed at once);
#  - the same when those files are spares from queue/spare, renamed
#    into place (a second round of ten, after the first filled the pool);
#  - maildir delivery: the file fsynced, then new/ fsynced after the
#    link, before success is reported;
#  - delivery straight from todo/ (qmail-send(8)): no info/ or local/
#    file at all, and todo/N removed only after the message's maildir
#    file is on disk, its message file only after that;
#  - a message whose delivery was deferred, preprocessed after it: its
#    files flushed before todo/N is removed, as in the first rounds.
# And, read off the same trace: qmail-send writes its log lines several
# at a time (qmail-send(8), LOG).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
command -v strace >/dev/null || skip_all "strace is not installed"
inst_fresh
# strace does not pass signals on: qmail-send itself is told to stop
send_stop() {
    [ -n "${MTA_PID:-}" ] || return 0
    kill -TERM $(instpids qmail-send) 2>/dev/null
    wait_for 60 grep -q '^status: exiting' "$T/send.log"
    wait "$MTA_PID" 2>/dev/null
    MTA_PID=
}
trap 'send_stop' EXIT
only_user joe
TR="strace -f -qq -e trace=open,openat,link,linkat,unlink,unlinkat,rename,renameat,renameat2,ftruncate,fsync,fdatasync,syncfs,write,close,execve,clone,clone3,fork,vfork"

# ten messages queued while qmail-send is down, one of them traced
for i in 1 2 3 4 5 6 7 8 9; do
    printf 'Subject: %d\n\nbody\n' "$i" | "$QH/bin/qmail-inject" joe@test.example.org
done
printf 'Subject: 10\n\nbody\n' | $TR -o "$T/queue.trace" \
    "$QH/bin/qmail-inject" joe@test.example.org
ok $? "a traced qmail-inject"
is "$(queue_count todo)" 10 "ten messages in todo/"

mta_run() { # TRACE
    : > "$T/send.log"
    ( cd / && exec env - PATH="$QH/bin:/usr/bin:/bin" $TR -o "$1" \
        qmail-start ./Maildir/ >>"$T/send.log" 2>&1 ) &
    MTA_PID=$!
}
# the MTA under strace, the local channel held: preprocessing of the
# batch; then, untraced, the deliveries
mta_pre() { # TRACE COUNT
    echo 0 > "$QH/control/concurrencylocal"
    mta_run "$1"
    wait_for 60 sh -c "[ \$(find '$QH/queue/local' -type f | wc -l) -eq 10 ] &&
        [ \$(find '$QH/queue/todo' -type f | wc -l) -eq 0 ]"
    ok $? "ten preprocessed for the held local channel"
    send_stop
    rm "$QH/control/concurrencylocal"
    mta_traced "$T/del.trace" "$2"
}
# the MTA under strace until COUNT are delivered and the queue is empty
mta_traced() { # TRACE COUNT
    mta_run "$1"
    wait_for 60 sh -c "[ \$(find '$H/joe/Maildir/new' -type f | wc -l) -ge $2 ]"
    ok $? "all $2 delivered"
    wait_for 30 sh -c "[ -z \"\$(find '$QH/queue/mess' -type f)\" ]"
    ok $? "the queue is empty again"
    send_stop
}
queue10() { # FIRST
    for i in $(seq "$1" $(($1 + 9))); do
        printf 'Subject: %d\n\nbody\n' "$i" | "$QH/bin/qmail-inject" joe@test.example.org
    done
}
mta_pre "$T/mta.trace" 10
is "$(find "$QH/queue/spare" -type f | wc -l)" 20 \
    "the ten info/ and ten local/ files went to queue/spare"

# round two: ten more, written into those spares
queue10 11
mta_pre "$T/mta2.trace" 20

# round three: ten more, delivered straight from todo/
queue10 21
mta_traced "$T/mta3.trace" 30
# qmail-send's log: the lines of one turn of its loop go out in one write
lines=$(grep -cE '^(new msg|info msg|starting delivery|delivery|end msg|status)' "$T/send.log")
writes=$(grep -cE '^[0-9]+ +write\(0, "(new msg|info msg|starting delivery|delivery|end msg|status)' "$T/mta3.trace")
diag "qmail-send wrote $lines log lines with $writes writes"
ok "$([ "$lines" -ge 50 ] && [ "$writes" -ge 1 ] && [ $((writes * 2)) -le "$lines" ]; echo $?)" \
    "log lines are written several at a time ($lines lines, $writes writes)"

# round four: ten more, each deferred at its first delivery, then
# delivered by the retry that SIGALRM starts
printf '|exit 111\n' > "$H/joe/.qmail"
queue10 31
mta_run "$T/mta4.trace"
wait_for 60 sh -c "[ \$(grep -c ': deferral: ' '$T/send.log') -ge 10 ] &&
    [ \$(find '$QH/queue/local' -type f | wc -l) -eq 10 ] &&
    [ \$(find '$QH/queue/todo' -type f | wc -l) -eq 0 ]"
ok $? "ten deferred, then preprocessed"
rm "$H/joe/.qmail"
kill -ALRM $(instpids qmail-send) 2>/dev/null
wait_for 60 sh -c "[ \$(find '$H/joe/Maildir/new' -type f | wc -l) -ge 40 ]"
ok $? "and delivered by the retry"
wait_for 30 sh -c "[ -z \"\$(find '$QH/queue/mess' -type f)\" ]"
ok $? "the queue is empty again"
send_stop

/usr/bin/python3 - "$T/queue.trace" "$T/mta.trace" "$T/mta2.trace" \
    "$T/del.trace" "$T/mta3.trace" "$T/mta4.trace" > "$T/checks" <<'PYEOF'
import re, sys

def load(fn):
    """(pid, call, args, result, start) in the order the calls
    completed; a call another process interrupted is joined with its
    resumption, and start is the number of calls completed before it
    began"""
    out, pending, began = [], {}, {}
    for line in open(fn, errors="replace"):
        m = re.match(r"(\d+) +(.*)", line.rstrip("\n"))
        if not m:
            continue
        pid, rest = m.groups()
        if rest.endswith("<unfinished ...>"):
            pending[pid] = rest[:-len("<unfinished ...>")].rstrip()
            began[pid] = len(out)
            continue
        start = len(out)
        r = re.match(r"<\.\.\. \w+ resumed>(.*)", rest)
        if r:
            if pid not in pending:
                continue
            rest = pending.pop(pid) + r.group(1)
            start = began.pop(pid)
        m = re.match(r"(\w+)\((.*)\) += (-?\d+)", rest)
        if m:
            out.append((int(pid), m.group(1), m.group(2), int(m.group(3)), start))
    return out

def ok(cond, name): # one line for the shell: status, then the name
    print("%d %s" % (0 if cond else 1, name))

def fdnames(tr):
    """for each record, the file name its fd argument refers to"""
    names, res = {}, []
    for pid, call, args, ret, _start in tr:
        # open(2) from the programs linked with musl, openat(2) from glibc
        if call in ("open", "openat") and ret >= 0:
            m = re.match(r'(?:AT_FDCWD, )?"([^"]*)"', args)
            names[(pid, ret)] = m.group(1) if m else "?"
        fd = None
        if call in ("fsync", "fdatasync", "syncfs", "close", "write"):
            fd = int(re.match(r"(\d+)", args).group(1))
        res.append(names.get((pid, fd)) if fd is not None else None)
        if call == "close":
            names.pop((pid, fd), None)
        # a file renamed into place (a spare) goes by its new name
        m = re.search(r'"([^"]*)", (?:AT_FDCWD, )?"([^"]*)"', args)
        if call.startswith("rename") and ret == 0 and m:
            for key in [k for k, v in names.items() if k[0] == pid and v == m.group(1)]:
                names[key] = m.group(2)
    return res

# ---- qmail-queue ----
q = load(sys.argv[1])
qn = fdnames(q)
def first(tr, pred):
    for i, r in enumerate(tr):
        if pred(i, r):
            return i
    return None
ilink = first(q, lambda i, r: r[1] == "link" and '"todo/' in r[2] and r[3] == 0)
ok(ilink is not None, "qmail-queue links intd/N to todo/N")
m = re.search(r'"intd/(\d+)", "todo/(\d+)"', q[ilink][2]) if ilink is not None else None
mid = m.group(1) if m else "none"
def synced_before(tr, names, limit, name):
    return any(r[1] in ("fsync", "fdatasync") and r[3] == 0 and names[i] == name
               for i, r in enumerate(tr[:limit]))
split = int(mid) % 23 if mid.isdigit() else 0
ok(synced_before(q, qn, ilink or 0, "mess/%d/%s" % (split, mid)) or
   any(r[1] == "fsync" and r[3] == 0 and qn[i] and qn[i].startswith("pid/")
       for i, r in enumerate(q[:ilink or 0])),
   "the message file is fsynced before todo/ links it")
ok(synced_before(q, qn, ilink or 0, "intd/%s" % mid), "intd/N is fsynced before the link")
ok(synced_before(q, qn, ilink or 0, "mess/%d" % split), "mess/N/ is fsynced before the link")
ok(synced_before(q, qn, len(q), "todo") and
   first(q, lambda i, r: r[1] == "fsync" and qn[i] == "todo") > ilink,
   "todo/ is fsynced after the link")

# todo/N removed: unlinked, or renamed into queue/recycle by qmail-clean
def gone_todo(r, i=""):
    return (r[3] == 0 and (r[1] == "unlink" or r[1].startswith("rename")) and
            '"todo/%s' % i + ('"' if i else '') in r[2])

# ---- qmail-send: preprocessing, then removal of todo/N ----
def send_checks(t, spare, round, batch=True):
    """info/N and local/N made (created, or spares cut and renamed into
    place) and flushed before todo/N goes, for each of ten messages"""
    tn = fdnames(t)
    ids = sorted({re.search(r'"todo/(\d+)"', r[2]).group(1) for r in t
                  if gone_todo(r)})
    ok(len(ids) == 10, "%s: todo/N removed for all ten (%d)" % (round, len(ids)))
    good = cut = 0
    for i in ids:
        s = str(int(i) % 23)
        names = ('"info/%s/%s"' % (s, i), '"local/%s/%s"' % (s, i))
        if spare:
            made = [k for k, r in enumerate(t) if r[1].startswith("rename") and
                    r[3] == 0 and '"spare/' in r[2] and
                    any(r[2].endswith(", " + n) for n in names)]
            # each spare cut to its new length before it is renamed
            cut += sum(1 for k in made
                       if any(x[1] == "ftruncate" and x[3] == 0 for x in t[max(0, k - 6):k]))
        else:
            made = [k for k, r in enumerate(t) if r[1] in ("open", "openat") and
                    r[3] >= 0 and "O_CREAT" in r[2] and any(n in r[2] for n in names)]
        gone = first(t, lambda k, r: gone_todo(r, i))
        if len(made) != 2 or gone is None:
            continue
        last = max(made)
        flushed = any(r[1] == "syncfs" and r[3] == 0 and r[4] > last
                      for r in t[last:gone]) or (
            all(any(r[1] == "fsync" and r[3] == 0 and tn[last + k] == f
                    for k, r in enumerate(t[last:gone]))
                for f in ("info/%s/%s" % (s, i), "local/%s/%s" % (s, i),
                          "info/%s" % s, "local/%s" % s)))
        good += flushed
    ok(good == 10, "%s: info/ and local/ %s, flushed before todo/N is removed, every message (%d)"
       % (round, "renamed from spare/" if spare else "created", good))
    if spare:
        ok(cut == 20, "%s: each spare cut to length before its rename (%d)" % (round, cut))
    if batch:
        ok(any(r[1] == "syncfs" and r[3] == 0 for r in t),
           "%s: a batch of ten is flushed with one syncfs" % round)
    return tn

t2 = load(sys.argv[3])
send_checks(t2, True, "spares")
t = load(sys.argv[2])
send_checks(t, False, "fresh")
t4 = load(sys.argv[6])
send_checks(t4, True, "deferred", batch=False)

# ---- delivery straight from todo/ ----
t3 = load(sys.argv[5])
n3 = fdnames(t3)
made = [r for r in t3 if (r[1] in ("open", "openat") and "O_CREAT" in r[2] or
                          r[1].startswith("rename")) and
        ('"info/' in r[2] or '"local/' in r[2]) and r[3] >= 0]
ok(not made, "direct: no info/ or local/ file made (%d)" % len(made))
good = 0
ids = sorted({re.search(r'"todo/(\d+)"', r[2]).group(1) for r in t3
              if gone_todo(r)})
for i in ids:
    s = str(int(i) % 23)
    mess = "mess/%s/%s" % (s, i)
    # qmail-lspawn opens the message file (in mess/) and forks the
    # delivering child, whose new/ fsync is the delivery's last step
    opened = [k for k, r in enumerate(t3) if r[1] in ("open", "openat") and
              '"%s/%s"' % (s, i) in r[2] and r[3] >= 0]
    pids = set()
    for k in opened:
        fork = first(t3, lambda j, r: j > k and r[0] == t3[k][0] and
                     r[1] in ("clone", "clone3", "fork", "vfork") and r[3] > 0)
        if fork is not None:
            pids.add(t3[fork][3])
    synced = [k for k, r in enumerate(t3) if r[0] in pids and r[1] == "fsync" and
              r[3] == 0 and n3[k] == "new"]
    gone = first(t3, lambda k, r: gone_todo(r, i))
    recycled = first(t3, lambda k, r: r[1].startswith("rename") and
                     '"%s"' % mess in r[2] and r[3] == 0)
    good += (len(synced) == 1 and gone is not None and recycled is not None and
             synced[0] < gone < recycled)
ok(len(ids) == 10 and good == 10,
   "direct: todo/N removed after the maildir's new/ is fsynced, the message file after it (%d of %d)"
   % (good, len(ids)))
t = load(sys.argv[4])
tn = fdnames(t)

# ---- maildir delivery ----
dels = 0
for k, r in enumerate(t):
    if r[1] == "link" and '"tmp/' in r[2] and '"new/' in r[2] and r[3] == 0:
        pid = r[0]
        tmp = re.match(r'"([^"]*)"', r[2]).group(1)
        before = any(x[0] == pid and x[1] == "fsync" and x[3] == 0 and tn[j] == tmp
                     for j, x in enumerate(t[:k]))
        after = [j for j, x in enumerate(t[k:], k) if x[0] == pid and x[1] == "fsync"
                 and tn[j] == "new" and x[3] == 0]
        rep = [j for j, x in enumerate(t[k:], k) if x[0] == pid and x[1] == "write"
               and x[2].startswith("1, ") and "did " in x[2]]
        dels += before and bool(after) and (not rep or after[0] < rep[0])
ok(dels == 10, "each maildir file fsynced, then new/ fsynced, before success (%d)" % dels)
PYEOF
ok $? "the traces could be read"
while read -r st name; do ok "$st" "$name"; done < "$T/checks"
done_testing
