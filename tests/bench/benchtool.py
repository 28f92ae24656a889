#!/usr/bin/python3
"""benchtool: small helpers for tests/bench/run.sh.

  freeport                      a free TCP port on 127.0.0.1
  waitcount DIR N SECS [READY]  wait until the tree DIR holds N files;
                                print the time (epoch seconds) it did
  waitempty DIR SECS [READY]    wait until the tree DIR holds no file;
                                print the time it did
  (with READY, a FIFO: "ready" is written to it once the tree is
  watched, so that a caller can start its clock after Python's start)
  smtpdmem PORT PARENT PROG     one SMTP session to PORT sending one
                                message; before QUIT, read the memory of
                                the child of PARENT running PROG; print
                                "VmHWM VmRSS Pss Private" in KiB
  procmem PID                   print "VmHWM VmRSS Pss Private" of PID

A timeout exits 1 with a message on stderr.

The waits do not scan the tree over and over, which on a machine of two
cores would take time from the programs being measured: they count the
files from inotify(7) events (one read of them every few milliseconds),
and scan only at the start, when the count says the wait is over (to
confirm it), and after an event queue overflow.  Without inotify they
scan every 10 ms.
"""
import ctypes
import os
import select
import socket
import struct
import sys
import time

IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_Q_OVERFLOW, IN_ISDIR, IN_ONLYDIR = 0x4000, 0x40000000, 0x01000000
EVENT = struct.Struct("iIII")  # wd, mask, cookie, len; then the name
BATCH = 0.005  # seconds of events gathered before one read


def freeport():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    print(port)


def count(top, limit):
    n = 0
    for _root, _dirs, files in os.walk(top):
        n += len(files)
        if n >= limit:
            break
    return n


class Watch:
    """the files of a tree, kept up to date from inotify events.  The
    names are a set, filled by a scan made after the watches are set and
    then changed by the events in their order, so that a file the scan
    and an event both saw counts once, whichever came first."""

    def __init__(self, top):
        libc = ctypes.CDLL(None, use_errno=True)
        self.fd = libc.inotify_init1(os.O_CLOEXEC | os.O_NONBLOCK)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        mask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR
        self.dirs = {}
        for root, _dirs, _files in os.walk(top):
            wd = libc.inotify_add_watch(self.fd, root.encode(), mask)
            if wd < 0:
                raise OSError(ctypes.get_errno(), "inotify_add_watch " + root)
            self.dirs[wd] = root
        self.scan()

    def scan(self):
        self.names = set()
        for wd, d in self.dirs.items():
            try:
                for e in os.scandir(d):
                    if not e.is_dir(follow_symlinks=False):
                        self.names.add((wd, e.name))
            except FileNotFoundError:
                pass

    def count(self):
        return len(self.names)

    def update(self, secs):
        """events for at most secs seconds; False if there were none"""
        if not select.select([self.fd], [], [], secs)[0]:
            return False
        time.sleep(BATCH)
        while True:
            try:
                buf = os.read(self.fd, 65536)
            except BlockingIOError:
                return True
            pos = 0
            while pos < len(buf):
                wd, mask, _cookie, n = EVENT.unpack_from(buf, pos)
                name = buf[pos + EVENT.size:pos + EVENT.size + n]
                pos += EVENT.size + n
                if mask & IN_Q_OVERFLOW:
                    self.scan()
                    continue
                if mask & IN_ISDIR:
                    continue
                key = (wd, os.fsdecode(name.rstrip(b"\0")))
                if mask & (IN_CREATE | IN_MOVED_TO):
                    self.names.add(key)
                elif mask & (IN_DELETE | IN_MOVED_FROM):
                    self.names.discard(key)


def waituntil(top, done, secs, what, ready=None):
    """wait until done(number of files in the tree top) holds"""
    deadline = time.time() + secs
    try:
        w = Watch(top)
    except (OSError, AttributeError):
        w = None
    if ready:
        with open(ready, "w") as f:
            f.write("ready\n")
    while not done(w.count() if w else count(top, 1 << 30)):
        left = deadline - time.time()
        if left <= 0:
            sys.exit("benchtool: timed out waiting for " + what())
        if w:
            w.update(min(left, 1.0))
        else:
            time.sleep(0.01)
    print("%.6f" % time.time())


def waitcount(top, n, secs, ready=None):
    n = int(n)
    waituntil(top, lambda have: have >= n, float(secs),
              lambda: "%d files in %s (have %d)" % (n, top, count(top, n)),
              ready)


def waitempty(top, secs, ready=None):
    waituntil(top, lambda have: have == 0, float(secs),
              lambda: "%s to empty (%d left)" % (top, count(top, 1 << 30)),
              ready)


def kib(path, keys):
    vals = dict.fromkeys(keys, 0)
    with open(path) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in vals:
                vals[k] += int(v.split()[0])
    return vals


def memline(pid):
    st = kib("/proc/%d/status" % pid, ("VmHWM", "VmRSS"))
    sm = kib("/proc/%d/smaps_rollup" % pid,
             ("Pss", "Private_Clean", "Private_Dirty"))
    return "%d %d %d %d" % (st["VmHWM"], st["VmRSS"], sm["Pss"],
                            sm["Private_Clean"] + sm["Private_Dirty"])


def procmem(pid):
    print(memline(int(pid)))


def child_running(parent, prog):
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if ppid == parent and os.readlink("/proc/%s/exe" % d) == prog:
                return int(d)
        except (OSError, IndexError, ValueError):
            continue
    return None


class Session:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", int(port)), 30)
        self.buf = b""

    def reply(self, want):
        while True:
            while b"\n" not in self.buf:
                data = self.sock.recv(4096)
                if not data:
                    sys.exit("benchtool: connection closed")
                self.buf += data
            line, self.buf = self.buf.split(b"\n", 1)
            if line[3:4] != b"-":
                break
        if not line.startswith(want.encode()):
            sys.exit("benchtool: unexpected reply %r" % line)

    def cmd(self, text, want):
        self.sock.sendall(text.encode() + b"\r\n")
        self.reply(want)


def smtpdmem(port, parent, prog):
    s = Session(port)
    s.reply("220")
    s.cmd("EHLO bench.client", "250")
    s.cmd("MAIL FROM:<sender@bench.client>", "250")
    s.cmd("RCPT TO:<u1@bench.example.org>", "250")
    s.cmd("DATA", "354")
    body = "".join("line %d of the body of the message\r\n" % i
                   for i in range(10))
    s.cmd("From: sender@bench.client\r\nTo: u1@bench.example.org\r\n"
          "Subject: memory\r\n\r\n" + body + ".", "250")
    pid = child_running(int(parent), os.path.realpath(prog))
    if pid is None:
        sys.exit("benchtool: no %s under %s" % (prog, parent))
    line = memline(pid)
    s.cmd("QUIT", "221")
    print(line)


CMDS = {"freeport": freeport, "waitcount": waitcount,
        "waitempty": waitempty, "smtpdmem": smtpdmem, "procmem": procmem}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in CMDS:
        sys.exit(__doc__)
    CMDS[sys.argv[1]](*sys.argv[2:])
