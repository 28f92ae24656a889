#!/usr/bin/python3
"""rjob-drive.py: drive one qmail-remote worker the way qmail-rspawn
does (rjob.h), for the tests.

  rjob-drive.py PROGRAM MSGFILE COUNT HOST SENDER RECIPIENT...

Starts PROGRAM -w with a SOCK_SEQPACKET socket on fds 0, 1 and 2, sends
the same job COUNT times, one after the other, each with MSGFILE freshly
opened, and writes to stdout for each job the report bytes exactly as
received, then a line "== kept K" (K from the end packet).  With
RJOB_BETWEEN set in the environment, that shell command runs after each
job but the last, with the job's number (from 1) as $1.  A worker
that goes away during a job gives "== died".  Then closes the socket
and prints "== exit STATUS".
"""
import os
import socket
import subprocess
import sys

prog, msgfile, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
fields = sys.argv[4:]
job = b"".join(os.fsencode(f) + b"\0" for f in fields)
ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
p = subprocess.Popen([prog, "-w"], stdin=theirs, stdout=theirs,
                     stderr=theirs, close_fds=True)
theirs.close()
out = sys.stdout.buffer
between = os.environ.get("RJOB_BETWEEN")
for n in range(count):
    if n and between:
        out.flush()
        subprocess.run(["sh", "-c", between, "sh", str(n)], check=True)
    fd = os.open(msgfile, os.O_RDONLY)
    socket.send_fds(ours, [job], [fd])
    os.close(fd)
    while True:
        pkt = ours.recv(70000)
        if not pkt:
            out.write(b"== died\n")
            break
        if pkt[:1] == b"d":
            out.write(pkt[1:])
        elif pkt[:1] == b"e":
            out.write(b"\n== kept " + pkt[1:2] + b"\n")
            break
        else:
            out.write(b"\n== bad packet\n")
            break
    out.flush()
ours.close()
out.write(b"== exit %d\n" % p.wait())
