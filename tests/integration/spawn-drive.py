#!/usr/bin/env python3
# spawn-drive.py: talk to a spawn (qmail-lspawn, qmail-rspawn) the way
# qmail-send does, for the integration tests.
#   spawn-drive.py [-e] CMDFILE PROGRAM ARGS...
# CMDFILE has one command per line: SLOT<TAB>MESSID<TAB>SENDER<TAB>RECIP
# (the fields may use \t \n \\ and \xHH escapes; SLOT is a decimal byte).
# All commands are written, fd 0 is closed, and every report is read up
# to EOF.  Output: "concurrency N", then one line per report sorted by
# slot, "SLOT LETTER TEXT" with LF shown as \n, then "exit STATUS".
# A report that is not NUL-terminated at EOF is shown as "partial ...".
import codecs
import subprocess
import sys


def unesc(s):
    return codecs.escape_decode(s.encode())[0]


def show(b):
    out = []
    for c in b:
        if c == 10:
            out.append('\\n')
        elif c == 92:
            out.append('\\\\')
        elif 32 <= c < 127:
            out.append(chr(c))
        else:
            out.append('\\x%02x' % c)
    return ''.join(out)


def main():
    args = sys.argv[1:]
    cmds = b''
    with open(args[0], encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line:
                continue
            slot, messid, sender, recip = line.split('\t')
            cmds += bytes([int(slot)]) + unesc(messid) + b'\0' + \
                unesc(sender) + b'\0' + unesc(recip) + b'\0'
    p = subprocess.Popen(args[1:], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE)
    out, _ = p.communicate(cmds)
    if not out:
        print('no output')
        print('exit %d' % p.returncode)
        return
    print('concurrency %d' % out[0])
    reps = []
    rest = out[1:]
    while rest:
        slot = rest[0]
        nul = rest.find(b'\0', 1)
        if nul < 0:
            reps.append((slot, 'partial ' + show(rest[1:])))
            break
        r = rest[1:nul]
        rest = rest[nul + 1:]
        if r:
            reps.append((slot, chr(r[0]) + ' ' + show(r[1:])))
        else:
            reps.append((slot, 'empty'))
    for slot, text in sorted(reps, key=lambda x: x[0]):
        print('%d %s' % (slot, text))
    print('exit %d' % p.returncode)


main()
