# queue-crash.py: the driver of queue-crash.t (python3, standard library).
#   queue-crash.py QMAILQUEUE QUEUEDIR COUNT SEED
# Injects COUNT messages straight into qmail-queue (random sizes up to
# 200 KB, random envelopes, each message unique) while a timer kills the
# running qmail-queue with SIGKILL at a random moment 0..5 ms after it
# started, and a watcher process reads every todo/ file the moment it
# appears.  Then checks the queue against what was sent.  Prints TAP
# lines "ok"/"not ok" without numbers ("- name"), diagnostics with "#".
import hashlib
import multiprocessing
import os
import random
import re
import signal
import subprocess
import sys
import threading

SPLIT = 23
RECEIVED = re.compile(
    rb"^Received: \(qmail ([0-9]+) invoked [^)]*\); [1-9][0-9]? "
    rb"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} "
    rb"[0-9]{2}:[0-9]{2}:[0-9]{2} -0000\n")


def records(data):
    """Split a queue file into (type, text) records; None if any record
    lacks its NUL (a half-written file)."""
    out = []
    pos = 0
    while pos < len(data):
        nul = data.find(b"\0", pos)
        if nul < 0 or nul == pos:
            return None
        out.append((data[pos:pos + 1], data[pos + 1:nul]))
        pos = nul + 1
    return out


def self_check(queue, name, uid):
    """Check todo/name and its mess file from their own contents: the
    message says its id, length and checksum, the addresses say which
    message and how many recipients.  Returns an error text or None."""
    try:
        with open(os.path.join(queue, "todo", name), "rb") as f:
            todo = f.read()
    except FileNotFoundError:
        return "todo/%s vanished" % name
    recs = records(todo)
    if recs is None or len(recs) < 3:
        return "todo/%s is incomplete: %r" % (name, todo[:80])
    if recs[0] != (b"u", str(uid).encode()) or recs[1][0] != b"p":
        return "todo/%s: bad u/p records" % name
    if recs[2][0] != b"F" or any(t != b"T" for t, _ in recs[3:]):
        return "todo/%s: bad F/T records" % name
    m = re.match(rb"^s([0-9]+)\.([0-9]+)@", recs[2][1])
    if not m:
        return "todo/%s: unexpected sender %r" % (name, recs[2][1][:40])
    ident, nrcpt = m.group(1), int(m.group(2))
    if len(recs) - 3 != nrcpt:
        return "todo/%s: %d recipients, sender says %d" % (
            name, len(recs) - 3, nrcpt)
    for k, (_, addr) in enumerate(recs[3:]):
        if not addr.startswith(b"r%s-%d@" % (ident, k)):
            return "todo/%s: recipient %d is %r" % (name, k, addr[:40])
    messfn = os.path.join(queue, "mess", str(int(name) % SPLIT), name)
    try:
        with open(messfn, "rb") as f:
            mess = f.read()
    except FileNotFoundError:
        return "mess for todo/%s missing" % name
    r = RECEIVED.match(mess)
    if not r or r.group(1) != recs[1][1]:
        return "mess/%s: bad Received line" % name
    msg = mess[r.end():]
    h = re.match(rb"^X-Crash-Id: ([0-9]+)\nX-Crash-Len: ([0-9]+)\n"
                 rb"X-Crash-Sum: ([0-9a-f]{64})\n\n", msg)
    if not h or h.group(1) != ident:
        return "mess/%s: bad headers" % name
    body = msg[h.end():]
    if len(body) != int(h.group(2)) or \
            hashlib.sha256(body).hexdigest().encode() != h.group(3):
        return "mess/%s: body incomplete or wrong (%d bytes)" % (
            name, len(body))
    return None


def watcher(queue, uid, stop, result):
    """Read each new todo/ file at first sight; it must be complete."""
    seen = set()
    bad = []
    while True:
        last = stop.is_set()
        for name in os.listdir(os.path.join(queue, "todo")):
            if name in seen:
                continue
            seen.add(name)
            err = self_check(queue, name, uid)
            if err:
                bad.append(err)
        if last:
            break
    result.put((len(seen), bad))


def message(i, rnd):
    body = rnd.randbytes(rnd.randint(0, 200 * 1024))
    if rnd.random() < 0.3:
        body = body.replace(b"\n", b"x") + b"\n" * rnd.randint(0, 3)
    head = b"X-Crash-Id: %d\nX-Crash-Len: %d\nX-Crash-Sum: %s\n\n" % (
        i, len(body), hashlib.sha256(body).hexdigest().encode())
    return head + body


def envelope(i, rnd):
    n = rnd.choice([0, 1, 1, 2, 3, 5, 20])
    sender = b"s%d.%d@example.org" % (i, n)
    rcpts = []
    for k in range(n):
        pad = b"p" * rnd.choice([0, 0, 10, 900])
        rcpts.append(b"r%d-%d@%sexample.com" % (i, k, pad))
    env = b"F" + sender + b"\0" + b"".join(b"T" + r + b"\0" for r in rcpts)
    return sender, rcpts, env + b"\0"


def inject(qq, msg, env, rnd):
    """One qmail-queue run, killed at a random moment (or not).
    Returns (exit status, pid, killed-by-us)."""
    er, ew = os.pipe()
    p = subprocess.Popen([qq], stdin=subprocess.PIPE, stdout=er)
    os.close(er)
    pidfd = os.pidfd_open(p.pid)
    fired = []

    def kill():
        try:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
            fired.append(1)
        except ProcessLookupError:
            pass
    timer = None
    if rnd.random() < 0.75:
        timer = threading.Timer(rnd.uniform(0, 0.005), kill)
        timer.start()
    try:
        p.stdin.write(msg)
        p.stdin.close()
        view = memoryview(env)
        while view:
            view = view[os.write(ew, view):]
    except BrokenPipeError:
        pass
    finally:
        try:
            p.stdin.close()
        except BrokenPipeError:
            pass
        os.close(ew)
    rc = p.wait()
    if timer:
        timer.cancel()
        timer.join()
    os.close(pidfd)
    return rc, p.pid, bool(fired)


def final_check(queue, sent, uid):
    """Compare the queue with what was sent; returns (ok, name) pairs."""
    checks = []
    bypid = {s["pid"]: s for s in sent}
    todo = {}
    problems = []
    for name in os.listdir(os.path.join(queue, "todo")):
        err = self_check(queue, name, uid)
        if err:
            problems.append(err)
            continue
        with open(os.path.join(queue, "todo", name), "rb") as f:
            data = f.read()
        pid = int(records(data)[1][1])
        s = bypid.get(pid)
        if s is None:
            problems.append("todo/%s: pid %d was never run" % (name, pid))
            continue
        todo[pid] = name
        exp = b"u%d\0p%d\0F%s\0" % (uid, pid, s["sender"]) + \
            b"".join(b"T" + r + b"\0" for r in s["rcpts"])
        if data != exp:
            problems.append("todo/%s: envelope differs from what was sent"
                            % name)
        st_t = os.stat(os.path.join(queue, "todo", name))
        st_i = os.stat(os.path.join(queue, "intd", name))
        if st_t.st_ino != st_i.st_ino:
            problems.append("todo/%s and intd/%s differ" % (name, name))
        messfn = os.path.join(queue, "mess", str(int(name) % SPLIT), name)
        if os.stat(messfn).st_ino != int(name):
            problems.append("mess/%s: inode is not %s" % (name, name))
        with open(messfn, "rb") as f:
            mess = f.read()
        r = RECEIVED.match(mess)
        if hashlib.sha256(mess[r.end():]).hexdigest() != s["sum"]:
            problems.append("mess/%s differs from the message sent" % name)
    for p in problems[:20]:
        print("# " + p)
    checks.append((not problems, "every todo file is complete, matches what "
                   "was sent, with intd the same inode and its mess exact"))
    lost = [s["i"] for s in sent if s["rc"] == 0 and s["pid"] not in todo]
    for i in lost[:20]:
        print("# injection %d exited 0 but is not in todo/" % i)
    checks.append((not lost, "every injection that exited 0 is queued"))
    return checks, todo


def main():
    qq, queue, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        int(sys.argv[4])
    uid = os.getuid()
    rnd = random.Random(seed)
    stop = multiprocessing.Event()
    result = multiprocessing.Queue()
    w = multiprocessing.Process(target=watcher,
                                args=(queue, uid, stop, result))
    w.start()
    sent = []
    for i in range(count):
        msg = message(i, rnd)
        sender, rcpts, env = envelope(i, rnd)
        rc, pid, killed = inject(qq, msg, env, rnd)
        sent.append({"i": i, "rc": rc, "pid": pid, "killed": killed,
                     "sender": sender, "rcpts": rcpts,
                     "sum": hashlib.sha256(msg).hexdigest()})
    stop.set()
    seen, bad = result.get()
    w.join()
    checks, todo = final_check(queue, sent, uid)
    ok0 = sum(1 for s in sent if s["rc"] == 0)
    k9 = sum(1 for s in sent if s["rc"] == -signal.SIGKILL)
    other = [s for s in sent if s["rc"] not in (0, -signal.SIGKILL)]
    late = sum(1 for s in sent if s["rc"] == -signal.SIGKILL
               and s["pid"] in todo)
    print("# %d injections: %d exited 0, %d killed (%d of them after the "
          "commit), %d other; %d todo files" % (
              count, ok0, k9, late, len(other), len(todo)))
    for s in other[:10]:
        print("# injection %d: exit %d" % (s["i"], s["rc"]))
    checks.append((not other, "every injection either exited 0 or was "
                   "killed"))
    checks.append((ok0 >= count // 10 and k9 >= count // 10,
                   "both outcomes are frequent (%d queued, %d killed)"
                   % (ok0, k9)))
    for b in bad[:20]:
        print("# watcher: " + b)
    checks.append((not bad, "the watcher found every todo file complete at "
                   "first sight (%d files)" % seen))
    checks.append((seen == len(os.listdir(os.path.join(queue, "todo"))),
                   "the watcher saw every todo file"))
    for good, name in checks:
        print("%s - %s" % ("ok" if good else "not ok", name))


if __name__ == "__main__":
    main()
