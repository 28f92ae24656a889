#!/usr/bin/python3
"""remote-sink.py: a scripted SMTP server (aiosmtpd) for the qmail-remote
tests.

  remote-sink.py LOG READY ADDR:PORT [ADDR:PORT...] [STAGE=ANSWER ...]

Listens on every ADDR:PORT (port 0 picks one; [v6]:port for IPv6, bound
with IP_FREEBIND so that an address routed to lo but not configured on
it works), writes the chosen ports to READY when it is listening, and
appends to LOG one line per event:
  ADDR CONNECT          a client connected to ADDR
  ADDR C: LINE          a command as received
  ADDR MSG N            a message was accepted; its bytes (as sent,
                        dot-unstuffed, CRLF kept) are in LOG.N
STAGE is greeting, ehlo, helo, rset, mail, rcpt, rcpt:ADDRESS (the RCPT
argument contains <ADDRESS>), data or dot.  ANSWER is a reply sent as
it is (Python escapes allowed, CRLF added), or one of:
  drop     close the connection
  stall    never answer
  big      a one-line reply of 1 MB
  endless  continuation lines as fast as the client reads them
  trickle  a continuation line every 0.2 s, never a last line
  accept   (data only) 354 whatever came before, then the data read up
           to the dot, logged as "ADDR DOT after N lines", and refused
           with 554, as a server that does not check for recipients
size=N announces SIZE N in the EHLO reply (and enforces it).
pipelining=1 announces PIPELINING, and then a command logged while more
input was already waiting behind it (it came in one write with the
next) ends in " +".
"""
import asyncio
import socket
import sys

from aiosmtpd.smtp import SMTP

log_path, ready_path = sys.argv[1], sys.argv[2]
listen, script, size, pipelining = [], {}, None, False
for arg in sys.argv[3:]:
    key, eq, val = arg.partition("=")
    if key == "size":
        size = int(val)
    elif key == "pipelining":
        pipelining = val == "1"
    elif eq:
        script[key] = val.encode("latin-1").decode("unicode_escape")
    else:
        listen.append(arg)
count = [0]


def log(line):
    with open(log_path, "a", encoding="latin-1") as f:
        f.write(line + "\n")


class Sink(SMTP):
    greeted = False

    def local(self):
        return self.transport.get_extra_info("sockname")[0]

    def cmd(self, text):
        """log a command, marked when more input waits behind it"""
        more = pipelining and len(getattr(self._reader, "_buffer", b""))
        log("%s C: %s%s" % (self.local(), text, " +" if more else ""))

    async def answer(self, stage, arg=""):
        """True when the script decided this stage's answer"""
        val = None
        if stage == "rcpt":
            for k, v in script.items():
                if k.startswith("rcpt:") and "<%s>" % k[5:] in arg:
                    val = v
        if val is None:
            val = script.get(stage)
        if val is None:
            return False
        await self.special(val)
        return True

    async def special(self, val):
        w = self.transport
        if val == "drop":
            w.close()
        elif val == "stall":
            pass
        elif val == "accept":
            w.write(b"354 go ahead\r\n")
            n = 0
            while True:
                line = await self._reader.readline()
                if not line or line.rstrip(b"\r\n") == b".":
                    break
                n += 1
            log("%s DOT after %d lines" % (self.local(), n))
            w.write(b"554 5.5.1 no valid recipients\r\n")
        elif val == "big":
            w.write(b"250 " + b"x" * (1 << 20) + b"\r\n")
        elif val in ("endless", "trickle"):
            while not w.is_closing():
                w.write(b"250-more and more\r\n" * (1 if val == "trickle" else 64))
                await self._writer.drain()
                await asyncio.sleep(0.2 if val == "trickle" else 0)
        else:
            w.write(val.encode("latin-1") + b"\r\n")

    async def push(self, status):
        if not self.greeted:
            self.greeted = True
            log("%s CONNECT" % self.local())
            if await self.answer("greeting"):
                return
        await super().push(status)

    async def smtp_EHLO(self, arg):
        log("%s C: EHLO %s" % (self.local(), arg))
        if not await self.answer("ehlo"):
            await super().smtp_EHLO(arg)

    async def smtp_HELO(self, arg):
        log("%s C: HELO %s" % (self.local(), arg))
        if not await self.answer("helo"):
            await super().smtp_HELO(arg)

    async def smtp_RSET(self, arg):
        self.cmd("RSET")
        if not await self.answer("rset"):
            await super().smtp_RSET(arg)

    async def smtp_MAIL(self, arg):
        self.cmd("MAIL %s" % arg)
        if not await self.answer("mail"):
            await super().smtp_MAIL(arg)

    async def smtp_RCPT(self, arg):
        self.cmd("RCPT %s" % arg)
        if not await self.answer("rcpt", arg):
            await super().smtp_RCPT(arg)

    async def smtp_DATA(self, arg):
        self.cmd("DATA")
        if not await self.answer("data"):
            await super().smtp_DATA(arg)

    async def smtp_QUIT(self, arg):
        log("%s C: QUIT" % self.local())
        await super().smtp_QUIT(arg)


class Handler:
    async def handle_DATA(self, server, session, envelope):
        count[0] += 1
        n = count[0]
        with open("%s.%d" % (log_path, n), "wb") as f:
            f.write(envelope.original_content)
        log("%s MSG %d" % (server.local(), n))
        val = script.get("dot")
        if val in ("drop", "stall", "big", "endless", "trickle"):
            asyncio.ensure_future(server.special(val))
            await asyncio.sleep(3600)
        return val if val is not None else "250 ok message %d" % n


class PipeHandler(Handler):
    async def handle_EHLO(self, server, session, envelope, hostname,
                          responses):
        session.host_name = hostname
        return responses[:-1] + ["250-PIPELINING"] + responses[-1:]


def bind(spec):
    host, _, port = spec.rpartition(":")
    fam = socket.AF_INET6 if host.startswith("[") else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_IP, 15, 1)  # IP_FREEBIND
    s.bind((host.strip("[]"), int(port)))
    s.listen(50)
    return s


async def main():
    loop = asyncio.get_running_loop()
    ports = []
    for spec in listen:
        s = bind(spec)
        ports.append(str(s.getsockname()[1]))
        await loop.create_server(
            lambda: Sink(PipeHandler() if pipelining else Handler(),
                         data_size_limit=size, hostname="sink"),
            sock=s)
    with open(ready_path + ".tmp", "w") as f:
        f.write(" ".join(ports) + "\n")
    import os
    os.rename(ready_path + ".tmp", ready_path)
    await asyncio.Event().wait()


asyncio.run(main())
