#!/usr/bin/python3
"""remote-dns-evil.py: a hostile DNS server for the qmail-remote tests.

  remote-dns-evil.py READY

Answers on 127.0.0.1:53, UDP and TCP, every query with a reply that
echoes the query's id and question (so the resolver accepts it) and
then carries a broken answer chosen by the first label of the name:
  loop      an MX whose name is a compression loop
  forward   an MX whose name points forward
  trunc     an MX whose rdata runs past the end of the message
  lies      an answer count of 5 with one record
  longname  an MX name of more than 255 bytes
  reserved  a label of the reserved types 0x40/0x80
  tc        over UDP a truncated (TC) reply; over TCP the connection
            is closed at once
  badaddr   a valid MX whose exchanger's A record has 3 bytes
Writes READY when it is listening.
"""
import socket
import struct
import sys
import threading

MX, A = 15, 1


def question(q):
    """the question section of a query and its first label, type"""
    p = 12
    labels = []
    while q[p]:
        labels.append(q[p + 1:p + 1 + q[p]])
        p += q[p] + 1
    p += 1
    qtype = struct.unpack(">H", q[p:p + 2])[0]
    return q[12:p + 4], (labels[0].decode("latin-1") if labels else ""), qtype


def rr(owner, t, rd, rdlen=None):
    n = len(rd) if rdlen is None else rdlen
    return owner + struct.pack(">HHIH", t, 1, 60, n) + rd


def answer(q, tcp):
    qsec, kind, qtype = question(q)
    P = b"\xc0\x0c"
    an, body, flags = 1, b"", 0x8180
    after_q = 12 + len(qsec)  # offset of the answer section
    if kind == "loop":
        # rdata: pref, label "a", pointer back to that label
        start = after_q + 12 + 2
        body = rr(P, MX, b"\0\x0a\x01a" + struct.pack(">H", 0xC000 | start))
    elif kind == "forward":
        body = rr(P, MX, b"\0\x0a\xc0\xff")
    elif kind == "trunc":
        body = rr(P, MX, b"\0\x0a\x02mx", rdlen=40)
    elif kind == "lies":
        an, body = 5, rr(P, MX, b"\0\x0a\x02mx" + P)
    elif kind == "longname":
        body = rr(P, MX, b"\0\x0a" + (b"\x3f" + b"a" * 63) * 5 + b"\0")
    elif kind == "reserved":
        body = rr(P, MX, b"\0\x0a\x80abc\0")
    elif kind == "tc":
        if tcp:
            return None
        an, flags = 0, 0x8380
    elif kind == "badaddr" and qtype == MX:
        body = rr(P, MX, b"\0\x0a\x02mx" + P)
    elif kind == "mx" and qtype == A:
        body = rr(P, A, b"\x7f\0\0")
    else:
        an = 0
    return q[:2] + struct.pack(">HHHHH", flags, 1, an, 0, 0) + qsec + body


def udp(s):
    while True:
        q, peer = s.recvfrom(4096)
        r = answer(q, False)
        if r is not None:
            s.sendto(r, peer)


def tcp(s):
    while True:
        c, _ = s.accept()
        try:
            n = struct.unpack(">H", c.recv(2))[0]
            q = b""
            while len(q) < n:
                q += c.recv(n - len(q))
            r = answer(q, True)
            if r is not None:
                c.sendall(struct.pack(">H", len(r)) + r)
        except (OSError, struct.error):
            pass
        c.close()


u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 53))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("127.0.0.1", 53))
t.listen(5)
threading.Thread(target=tcp, args=(t,), daemon=True).start()
open(sys.argv[1], "w").close()
udp(u)
