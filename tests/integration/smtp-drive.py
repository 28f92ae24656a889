#!/usr/bin/env python3
"""smtp-drive.py: SMTP (and QMTP/QMQP/POP3) clients for the integration
tests, talking to a server under tcpserver on 127.0.0.1.

  chat PORT            send stdin at once (pipelined), print every byte
                       the server sends until it closes
  step PORT            send stdin one line at a time, each after the
                       complete reply to the previous one
  smtplib PORT FROM TO [pipelined|plain]
                       send a small message with Python's smtplib
  flood PORT PARENT KIND MIB
                       stream MIB MiB of KIND (rcptline: one RCPT line;
                       header: one header line inside DATA; rcpts: that
                       many thousand RCPT commands) and print the reply
                       and the peak RSS (kB) of the qmail-smtpd child of
                       PARENT, measured just before QUIT
  idle PORT            connect, read the greeting, say nothing; print
                       what the server sends until it closes
  middata PORT         start DATA, send half a message and close
  qmtp PORT            a QMTP session from stdin lines "msg|sender|r1,r2"
  qmqp PORT SENDER RCPT...  one QMQP packet, message on stdin
  pop PORT             POP3 commands from stdin, one at a time
"""
import os
import smtplib
import socket
import sys


def connect(port):
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=120)
    return s


def read_all(s):
    out = b""
    while True:
        d = s.recv(65536)
        if not d:
            return out
        out += d


def read_reply(f):
    """one complete (possibly multi-line) SMTP reply"""
    out = b""
    while True:
        line = f.readline()
        if not line:
            return out
        out += line
        if len(line) < 4 or line[3:4] != b"-":
            return out


def chat(port):
    s = connect(port)
    s.sendall(sys.stdin.buffer.read())
    s.shutdown(socket.SHUT_WR)  # a session without QUIT ends at EOF
    sys.stdout.buffer.write(read_all(s))


def step(port):
    s = connect(port)
    f = s.makefile("rb")
    sys.stdout.buffer.write(read_reply(f))
    indata = False
    for line in sys.stdin.buffer.read().splitlines(keepends=True):
        s.sendall(line)
        if indata and line.rstrip(b"\r\n") != b".":
            continue  # message lines get no reply
        r = read_reply(f)
        sys.stdout.buffer.write(r)
        indata = r.startswith(b"354")
    s.shutdown(socket.SHUT_WR)
    sys.stdout.buffer.write(read_all(s))


def viasmtplib(port, frm, to, mode):
    msg = "Subject: via smtplib\r\n\r\nsent by smtplib\r\n.leading dot\r\n"
    c = smtplib.SMTP("127.0.0.1", int(port), timeout=60)
    if mode == "plain":
        c.helo("client.example")
    else:
        c.ehlo("client.example")
        assert c.has_extn("pipelining"), "no PIPELINING"
    refused = c.sendmail(frm, to.split(","), msg)
    c.quit()
    print("refused:", sorted(refused.items()))


def child_of(parent):
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            st = open("/proc/%s/stat" % p).read()
            exe = os.readlink("/proc/%s/exe" % p)
        except OSError:
            continue
        if st.rsplit(")", 1)[1].split()[1] == str(parent) and \
                exe.endswith("qmail-smtpd"):
            return p
    return None


def hwm(pid):
    """peak RSS; the private (anonymous) RSS and the proportional set
    size (shared pages divided among their users) now; all in kB"""
    v = {}
    for line in open("/proc/%s/status" % pid):
        k = line.split(":")[0]
        if k in ("VmHWM", "RssAnon"):
            v[k] = int(line.split()[1])
    pss = -1
    try:
        for line in open("/proc/%s/smaps_rollup" % pid):
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return "%d anon_kb %d pss_kb %d" % (v.get("VmHWM", -1),
                                        v.get("RssAnon", -1), pss)


def flood(port, parent, kind, mib):
    s = connect(port)
    f = s.makefile("rb")
    read_reply(f)
    pid = child_of(parent)
    chunk = b"x" * (1 << 20)
    n = int(mib)
    if kind == "rcptline":
        s.sendall(b"HELO flood\r\nMAIL FROM:<a@b>\r\n")
        read_reply(f)
        read_reply(f)
        s.sendall(b"RCPT TO:<")
        for _ in range(n):
            s.sendall(chunk)
        s.sendall(b">\r\n")
        reply = read_reply(f)
    elif kind == "header":
        s.sendall(b"MAIL FROM:<a@b>\r\nRCPT TO:<u@test.example.org>\r\nDATA\r\n")
        for _ in range(3):
            read_reply(f)
        s.sendall(b"X-Long: ")
        for _ in range(n):
            s.sendall(chunk)
        s.sendall(b"\r\n\r\nbody\r\n.\r\n")
        reply = read_reply(f)
    else:  # rcpts: n thousand RCPT commands, pipelined
        s.sendall(b"MAIL FROM:<a@b>\r\n")
        read_reply(f)
        block = b"".join(b"RCPT TO:<r%d@test.example.org>\r\n" % i
                         for i in range(1000))
        counts = {}
        for _ in range(n):
            s.sendall(block)
            for _ in range(1000):
                r = read_reply(f)[:3].decode()
                counts[r] = counts.get(r, 0) + 1
        reply = (" ".join("%s:%d" % kv for kv in sorted(counts.items())) +
                 "\n").encode()
    peak = hwm(pid) if pid else "-1 anon_kb -1 pss_kb -1"
    s.sendall(b"QUIT\r\n")
    read_reply(f)
    sys.stdout.buffer.write(reply)
    print("rss_kb", peak)


def idle(port):
    s = connect(port)
    sys.stdout.buffer.write(read_all(s))


def middata(port):
    s = connect(port)
    f = s.makefile("rb")
    read_reply(f)
    s.sendall(b"MAIL FROM:<a@b>\r\nRCPT TO:<u@test.example.org>\r\nDATA\r\n")
    for _ in range(3):
        sys.stdout.buffer.write(read_reply(f))
    s.sendall(b"Subject: half\r\n\r\nthe first half\r\n")
    s.close()


def ns(b):
    return b"%d:%s," % (len(b), b)


def qmtp(port):
    s = connect(port)
    want = 0
    for line in sys.stdin.buffer.read().split(b"\n"):
        if not line:
            continue
        msg, sender, rcpts = line.split(b"|")
        rl = rcpts.split(b",") if rcpts else []
        if msg.startswith(b"CR:"):  # the CRLF form of QMTP
            body = b"\r" + msg[3:].replace(b"\\n", b"\r\n")
        else:
            body = b"\n" + msg.replace(b"\\n", b"\n")
        s.sendall(ns(body) + ns(sender) + ns(b"".join(ns(r) for r in rl)))
        want += len(rl)
    f = s.makefile("rb")
    for _ in range(want):
        n = b""
        while not n.endswith(b":"):
            c = f.read(1)
            if not c:
                print("EOF")
                return
            n += c
        body = f.read(int(n[:-1]) + 1)
        sys.stdout.buffer.write(body[:-1] + b"\n")


def qmqp(port, sender, rcpts):
    s = connect(port)
    inner = ns(sys.stdin.buffer.read()) + ns(sender.encode())
    inner += b"".join(ns(r.encode()) for r in rcpts)
    s.sendall(ns(inner))
    sys.stdout.buffer.write(read_all(s) + b"\n")


def pop(port):
    """POP3, one command at a time; multi-line answers read to the dot"""
    s = connect(port)
    f = s.makefile("rb")
    out = f.readline()
    for line in sys.stdin.buffer.read().split(b"\n"):
        if not line:
            continue
        s.sendall(line + b"\r\n")
        r = f.readline()
        out += r
        w = line.split()
        verb = w[0].upper() if w else b""
        multi = verb in (b"RETR", b"TOP") or (verb in (b"LIST", b"UIDL")
                                               and len(w) == 1)
        if multi and r.startswith(b"+OK"):
            while r and r != b".\r\n":
                r = f.readline()
                out += r
        if not r:
            break
    s.shutdown(socket.SHUT_WR)
    out += f.read()  # what f has buffered already, too
    sys.stdout.buffer.write(out)


def main():
    a = sys.argv[1:]
    if a[0] == "chat":
        chat(a[1])
    elif a[0] == "step":
        step(a[1])
    elif a[0] == "smtplib":
        viasmtplib(a[1], a[2], a[3], a[4] if len(a) > 4 else "pipelined")
    elif a[0] == "flood":
        flood(*a[1:5])
    elif a[0] == "idle":
        idle(a[1])
    elif a[0] == "middata":
        middata(a[1])
    elif a[0] == "qmtp":
        qmtp(a[1])
    elif a[0] == "pop":
        pop(a[1])
    elif a[0] == "qmqp":
        qmqp(a[1], a[2], a[3:])
    else:
        sys.exit("unknown mode " + a[0])


if __name__ == "__main__":
    main()
