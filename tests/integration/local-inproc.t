#!/bin/sh
# qmail-lspawn runs qmail-local's code in its forked child, without an
# exec: a |program delivery must still see what it saw when qmail-local
# was a program of its own.  Only fds 0, 1 and 2; the recipient's uid
# and gid and no other group (as root); the environment of an exec'd
# qmail-local (and the variables qmail-local -e lists); the signal
# dispositions and mask exec would have passed on; umask 077; the
# process named qmail-local.  Once driven as qmail-send drives it, once
# under a whole MTA.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
command -v setpriv >/dev/null || skip_all "needs setpriv (util-linux)"
inst_fresh
trap 'mta_stop; cleanup' EXIT
cleanup() { :; }
B=$QH/bin
DRIVE="python3 $TOP/tests/integration/spawn-drive.py"
tab=$(printf '\t')

if [ "$(id -u)" = 0 ]; then
    R=qmt-lp-inproc
    userdel $R >/dev/null 2>&1 # left by a killed earlier run
    groupdel $R-x >/dev/null 2>&1
    groupadd $R-x || { ok 1 "groupadd $R-x"; done_testing; }
    mkuser $R || { ok 1 "create user $R"; done_testing; }
    usermod -a -G $R-x $R
    cleanup() { userdel $R >/dev/null 2>&1; groupdel $R-x >/dev/null 2>&1; }
    H=$T/homes/$R
else
    R=$ME
    H=$T/home
    mkdir -p "$H"
    chmod 755 "$H"
fi
RU=$(id -u $R)
RG=$(id -g $R)
printf '+inproc-:%s:%s:%s:%s:-::\n.\n' $R "$RU" "$RG" "$H" >"$QH/users/assign"
"$B/qmail-newu"
ok $? "users/assign: inproc- belongs to $R"

# the program records what it got.  The descriptors are those its child
# fdprobe.py inherits: probed with fstat, which opens nothing (listing
# /proc/$$/fd from the shell raced with the shell's own pipe and
# redirection descriptors)
cat >"$H/fdprobe.py" <<'EOF'
import os
fds = []
for fd in range(1024):
    try:
        os.fstat(fd)
        fds.append(str(fd))
    except OSError:
        pass
print(" ".join(fds), end=" ")
EOF
chmod 644 "$H/fdprobe.py"
cat >"$H/.qmail-default" <<'EOF'
|python3 "$HOME/fdprobe.py" >"$HOME/$EXT.fds"; grep -E '^(Uid|Gid|Groups|SigBlk|SigIgn|Umask):' /proc/self/status >"$HOME/$EXT.status"; cat /proc/$PPID/comm >"$HOME/$EXT.comm"; env | grep -v '^UFLINE=' | sort >"$HOME/$EXT.env"
EOF
chown $R "$H/.qmail-default"
chmod 644 "$H/.qmail-default"
status() { sed -n "s/^$2:[$tab ]*//p" "$H/$1.status" | tr -s "$tab " ' ' | sed 's/ $//'; }

MS=$QH/queue/mess/5/55
printf 'Subject: inproc\n\nhello\n' >"$MS"
chmod 644 "$MS"

# --- driven as qmail-send drives it -------------------------------------------------
printf '0\t5/55\ts@x.org\tinproc-a-b-c@x.y.example.org\n' >"$T/cmds"
$DRIVE "$T/cmds" "$B/qmail-lspawn" ./Maildir/ >"$T/reps" 2>"$T/err"
is "$(sed -n 's/^0 //p' "$T/reps")" "K did 0+0+1\\n" "delivered by the program"
is "$(cat "$H/a-b-c.fds")" "0 1 2 " "the program has fds 0, 1, 2 and no other"
is "$(cat "$H/a-b-c.comm")" "qmail-local" "its parent is named qmail-local"
is "$(status a-b-c Umask)" "0077" "umask 077, as qmail-local sets it"
# what an exec'd qmail-local would have passed on: the mask and the
# ignored signals of a process that spawn-drive.py starts
python3 -c 'import subprocess
subprocess.run(["grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status"])' \
    >"$T/exec.sig"
is "$(status a-b-c SigBlk)" "$(sed -n 's/^SigBlk:[[:space:]]*//p' "$T/exec.sig")" \
    "signal mask as across exec"
is "$(status a-b-c SigIgn)" "$(sed -n 's/^SigIgn:[[:space:]]*//p' "$T/exec.sig")" \
    "ignored signals as across exec: the daemon's handlers are gone"
is "$(status a-b-c SigBlk)" "0000000000000000" "an empty signal mask"
if [ "$(id -u)" = 0 ]; then
    is "$(status a-b-c Uid)" "$RU $RU $RU $RU" "the recipient's uid (real, effective, saved, fs)"
    is "$(status a-b-c Gid)" "$RG $RG $RG $RG" "the recipient's gid"
    is "$(status a-b-c Groups)" "$RG" "no supplementary group but the gid ($R-x is not there)"
fi

# the same delivery by the qmail-local program, exec'd as before, with
# the environment spawn-drive.py gave qmail-lspawn (python3 may be a
# wrapper that adds variables: it starts this one too, from the same
# directory; qmail-lspawn's child starts in QMAILHOME)
mv "$H/a-b-c.env" "$T/inproc.env"
if [ "$(id -u)" = 0 ]; then
    AS="setpriv --reuid=$RU --regid=$RG --clear-groups"
else
    AS=
fi
python3 -c 'import os, sys
os.chdir(sys.argv[1])
os.execvp(sys.argv[2], sys.argv[2:])' "$QH" \
    $AS "$B/qmail-local" -- $R "$H" inproc-a-b-c - a-b-c x.y.example.org \
    s@x.org ./Maildir/ <"$MS" >"$T/exec.out" 2>&1
is "$(cat "$T/exec.out")" "did 0+0+1" "the qmail-local program delivers the same"
diff "$T/inproc.env" "$H/a-b-c.env" >"$T/env.diff"
ok $? "the program's environment is the one an exec'd qmail-local gave"
sed 's/^/#   /' "$T/env.diff"
( cd "$QH" && $AS "$B/qmail-local" -n -e -- $R "$H" inproc-a-b-c - a-b-c \
    x.y.example.org s@x.org ./Maildir/ ) | sed -n 's/^env //p' >"$T/e.env"
is "$(wc -l <"$T/e.env")" 14 "qmail-local -e lists 14 variables"
is "$(grep -c -x -F -f "$T/e.env" "$T/inproc.env")" 14 \
    "...and the program has each of them with that value"

# --- under a whole MTA: qmail-lspawn holds the pipes to qmail-send --------------------
mta_start ./Maildir/ || { ok 1 "mta starts"; done_testing; }
printf 'To: inproc-mta@test.example.org\n\nhi\n' | "$B/qmail-inject"
wait_for 30 test -s "$H/mta.env"
ok $? "an injected message reaches the program"
wait_for 30 queue_empty
is "$(cat "$H/mta.fds")" "0 1 2 " "under the MTA: fds 0, 1, 2 and no other"
is "$(status mta SigBlk)" "0000000000000000" "under the MTA: an empty signal mask"
# mta_start runs qmail-start as a background job: SIGINT and SIGQUIT
# come ignored, and exec kept them so; nothing else may be
sh -c 'grep "^SigIgn:" /proc/self/status' >"$T/bg.sig" &
wait $!
is "$(status mta SigIgn)" "$(sed -n 's/^SigIgn:[[:space:]]*//p' "$T/bg.sig")" \
    "under the MTA: the ignored signals of qmail-start, no more"
mta_stop
done_testing
