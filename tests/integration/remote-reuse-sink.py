#!/usr/bin/python3
"""remote-reuse-sink.py: an SMTP server (aiosmtpd) that numbers its
connections, for the tests of connection reuse by qmail-remote workers.

  remote-reuse-sink.py LOG READY PORT [OPTION=VALUE ...]

Listens on 127.0.0.1:PORT (0 picks a port), writes the port to READY
once listening, and appends to LOG one line per event, N being the
number of the connection (from 1):
  N CONNECT        a client connected
  N C: LINE        a command (EHLO, HELO, MAIL, RCPT, DATA, RSET, QUIT)
  N MSG K          message K accepted (its bytes in LOG.K)
  N STALL K        message K received, its reply held back for ever
  N CLOSE          the server closed an idle connection
Options:
  idle=SECONDS:ANSWER  after a message is accepted, when no command
                       comes for SECONDS, send ANSWER (not for "drop")
                       and close the connection
  rset=ANSWER          the reply to RSET ("drop" closes)
  mail2=ANSWER         the reply to MAIL on a connection that already
                       carried a message ("drop" closes; a 421 reply
                       is followed by closing, as RFC 5321 3.8 says)
  stall1=1             hold back the reply to the first message
"""
import asyncio
import socket
import sys

from aiosmtpd.smtp import SMTP

log_path, ready_path, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
opt = {}
for arg in sys.argv[4:]:
    k, _, v = arg.partition("=")
    opt[k] = v
conns = [0]
msgs = [0]


def log(line):
    with open(log_path, "a", encoding="latin-1") as f:
        f.write(line + "\n")


class Sink(SMTP):
    num = 0
    cmds = 0
    carried = 0

    def connection_made(self, transport):
        conns[0] += 1
        self.num = conns[0]
        log("%d CONNECT" % self.num)
        super().connection_made(transport)

    def seen(self, line):
        self.cmds += 1
        log("%d C: %s" % (self.num, line))

    async def reply(self, val):
        """answer val; True when the connection was closed"""
        if val != "drop":
            await self.push(val)
        if val == "drop" or val.startswith("421"):
            self.transport.close()
            return True
        return False

    async def idle_close(self, seconds, answer, mark):
        await asyncio.sleep(seconds)
        if self.cmds != mark or self.transport.is_closing():
            return
        log("%d CLOSE" % self.num)
        if answer != "drop":
            self.transport.write(answer.encode() + b"\r\n")
        self.transport.close()

    async def smtp_EHLO(self, arg):
        self.seen("EHLO %s" % arg)
        await super().smtp_EHLO(arg)

    async def smtp_HELO(self, arg):
        self.seen("HELO %s" % arg)
        await super().smtp_HELO(arg)

    async def smtp_RSET(self, arg):
        self.seen("RSET")
        if "rset" in opt:
            await self.reply(opt["rset"])
            return
        await super().smtp_RSET(arg)

    async def smtp_MAIL(self, arg):
        self.seen("MAIL %s" % arg)
        if self.carried and "mail2" in opt:
            await self.reply(opt["mail2"])
            return
        await super().smtp_MAIL(arg)

    async def smtp_RCPT(self, arg):
        self.seen("RCPT %s" % arg)
        await super().smtp_RCPT(arg)

    async def smtp_DATA(self, arg):
        self.seen("DATA")
        await super().smtp_DATA(arg)

    async def smtp_QUIT(self, arg):
        self.seen("QUIT")
        await super().smtp_QUIT(arg)


class Handler:
    async def handle_DATA(self, server, session, envelope):
        msgs[0] += 1
        k = msgs[0]
        with open("%s.%d" % (log_path, k), "wb") as f:
            f.write(envelope.original_content)
        if k == 1 and opt.get("stall1"):
            log("%d STALL %d" % (server.num, k))
            await asyncio.sleep(3600)
        server.carried += 1
        log("%d MSG %d" % (server.num, k))
        if "idle" in opt:
            secs, _, answer = opt["idle"].partition(":")
            asyncio.ensure_future(
                server.idle_close(float(secs), answer, server.cmds))
        return "250 ok message %d" % k


async def main():
    loop = asyncio.get_running_loop()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(50)
    await loop.create_server(lambda: Sink(Handler(), hostname="sink"), sock=s)
    with open(ready_path + ".tmp", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    import os
    os.rename(ready_path + ".tmp", ready_path)
    await asyncio.Event().wait()


asyncio.run(main())
