#!/usr/bin/python3
"""benchtool: small helpers for tests/bench/run.sh.

  freeport                      a free TCP port on 127.0.0.1
  waitcount DIR N SECS          wait until the tree DIR holds N files;
                                print the time (epoch seconds) it did
  waitempty DIR SECS            wait until the tree DIR holds no file;
                                print the time it did
  smtpdmem PORT PARENT PROG     one SMTP session to PORT sending one
                                message; before QUIT, read the memory of
                                the child of PARENT running PROG; print
                                "VmHWM VmRSS Pss Private" in KiB
  procmem PID                   print "VmHWM VmRSS Pss Private" of PID

A timeout exits 1 with a message on stderr.
"""
import os
import socket
import sys
import time


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


def waituntil(test, secs, what):
    deadline = time.time() + secs
    while not test():
        if time.time() > deadline:
            sys.exit("benchtool: timed out waiting for " + what())
        time.sleep(0.01)
    print("%.6f" % time.time())


def waitcount(top, n, secs):
    n = int(n)
    waituntil(lambda: count(top, n) >= n, float(secs),
              lambda: "%d files in %s (have %d)" % (n, top, count(top, n)))


def waitempty(top, secs):
    waituntil(lambda: count(top, 1) == 0, float(secs),
              lambda: "%s to empty (%d left)" % (top, count(top, 1 << 30)))


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
