#!/bin/sh
# qmail-lspawn driven the way qmail-send drives it (delivery.md 2.7,
# 3.1): commands on its stdin, reports read back.  users/assign exact
# and wildcard entries through qmail-newu, case folding, first
# duplicate wins, the trash address, every spawn-side check, the exit
# status translation, the 3000-byte cut, a busy slot, the default
# delivery, a delivering child that crashes, an unreadable users/cdb,
# and (as root) deliveries under another uid, the qmail-getpw lookup
# (made in the child: bin/qmail-local and bin/qmail-getpw are not
# run), the wrong-owner check and the refusal to deliver as root.
. "$(dirname "$0")/../lib.sh"
inst_fresh
B=$QH/bin
L=$T/lsp
rm -rf "$L"
mkdir -p "$L"
U=$(id -u)
G=$(id -g)
DRIVE="python3 $TOP/tests/integration/spawn-drive.py"
for h in alice bob alias; do mkdir -p "$L/$h"; chmod 755 "$L/$h"; done
MS=$QH/queue/mess/7/4711
printf 'Subject: spawned\n\nhello\n' >"$MS"
chmod 640 "$MS"

cat >"$QH/users/assign" <<EOF
=alice:$ME:$U:$G:$L/alice:::
+bob-:$ME:$U:$G:$L/bob:-::
+bob-list-:$ME:$U:$G:$L/bob:-:lst-:
=dup:$ME:$U:$G:$L/alice:::
=dup:$ME:$U:$G:$L/bob:::
+:$ME:$U:$G:$L/alias:-::
.
EOF
"$B/qmail-newu"
is "$?" 0 "qmail-newu builds users/cdb"
qm() { printf '%s\n' "$3" >"$L/$1/$2"; chmod 644 "$L/$1/$2"; }
qm bob .qmail-x '|echo "bob ext=$EXT local=$LOCAL host=$HOST sender=$SENDER"'
qm bob .qmail-lst-default '|echo "list ext=$EXT default=$DEFAULT"'
qm bob .qmail-d100 '|echo nope; exit 100'
qm bob .qmail-z111 '|echo later; exit 111'
qm bob .qmail-big '|head -c 5000 /dev/zero | tr "\0" y'
qm bob .qmail-x@a '|echo "at local=$LOCAL host=$HOST sender=$SENDER"'
qm alias .qmail-default '|echo "alias ext=$EXT"'

tab=$(printf '\t')
cmds() { tr '|' "$tab" >"$L/cmds"; }
drive() { $DRIVE "$L/cmds" "$B/qmail-lspawn" "$@" >"$L/reps" 2>"$L/err"; }
rep() { sed -n "s/^$1 //p" "$L/reps"; }

cmds <<EOF
0|7/4711|s@x.org|alice@example.org
1|7/4711|s@x.org|ALICE@Example.ORG
2|7/4711|s@x.org|bob-x@example.org
3|7/4711|s@x.org|BOB-List-Foo@example.org
4|7/4711|s@x.org|stranger@example.org
5|7/4711|s@x.org|@example.org
6|7/4711|s@x.org|bob-d100@example.org
7|7/4711|s@x.org|bob-z111@example.org
8|7/4711|s@x.org|bob-big@example.org
9|7/4711|s@x.org|dup@example.org
10|7/4711||bob-x@a@example.org
EOF
drive ./Maildir/
is "$(sed -n 1p "$L/reps")" "concurrency 120" "first byte: the concurrency, 120"
is "$(rep 0)" "K did 1+0+0\\n" "exact entry: default ./Maildir/ delivery"
is "$(rep 1)" "K did 1+0+0\\n" "exact entry, other case"
is "$(rep 2)" "K bob ext=x local=bob-x host=example.org sender=s@x.org\\ndid 0+0+1\\n" \
    "wildcard entry: dash and ext"
is "$(rep 3)" "K list ext=lst-Foo default=Foo\\ndid 0+0+1\\n" \
    "longest wildcard, ext prefix, rest in original case"
is "$(rep 4)" "K alias ext=stranger\\ndid 0+0+1\\n" "catch-all entry"
is "$(rep 5)" "K " "empty local part: success, no delivery"
is "$(rep 6)" "D nope\\n" "qmail-local exit 100: D with its output"
is "$(rep 7)" "Z later\\n" "qmail-local exit 111: Z with its output"
big=$(head -c 2966 /dev/zero | tr '\0' y)
is "$(rep 8)" "K ${big}\\nError report too long, sorry.\\n" \
    "output over 3000 bytes: cut to 2966 and a notice"
is "$(rep 9)" "K did 1+0+0\\n" "duplicate entries: the first wins"
is "$(rep 10)" "K at local=bob-x@a host=example.org sender=\\ndid 0+0+1\\n" \
    "the domain starts after the last @; empty sender"
is "$(tail -n 1 "$L/reps")" "exit 0" "EOF on stdin: exit 0 once all is reported"
is "$(find "$L/alice/Maildir/new" -type f | wc -l)" 3 \
    "three messages in alice's new ./Maildir/"
[ -z "$(find "$L/bob" -name Maildir)" ]
ok $? "nothing delivered to bob's maildir"
python3 - "$L/alice/Maildir" <<'EOF' >"$L/py"
import mailbox, sys
for m in sorted(mailbox.Maildir(sys.argv[1], create=False),
                key=lambda m: m['Delivered-To']):
    print(m['Delivered-To'], m['Subject'])
EOF
is "$(cat "$L/py")" "ALICE@Example.ORG spawned
alice@example.org spawned
dup@example.org spawned" "the Delivered-To lines keep the recipient's case"

# --- checks made before anything runs ---------------------------------------------
long=$(head -c 100 /dev/zero | tr '\0' 7)
cmds <<EOF
120|7/4711|s|r@h
255|7/4711|s|r@h
1|7/47a1|s|r@h
2|/7/4711|s|r@h
3||s|r@h
4|$long|s|r@h
5|7/4711|s|noat
6|7/9999|s|r@h
7|7|s|r@h
8|7/4711|s|bob-x@example.org
EOF
drive ./Maildir/
is "$(rep 120)" "Z Internal error: delnum too big. (#4.3.5)\\n" "slot 120"
is "$(rep 255)" "Z Internal error: delnum too big. (#4.3.5)\\n" "slot 255"
is "$(rep 1)" "D Internal error: messid has nonnumerics. (#5.3.5)\\n" "letters in messid"
is "$(rep 2)" "D Internal error: messid has nonnumerics. (#5.3.5)\\n" "leading slash"
is "$(rep 3)" "D Internal error: messid too short. (#5.3.5)\\n" "empty messid"
is "$(rep 4)" "D Internal error: messid too long. (#5.3.5)\\n" "100-byte messid"
is "$(rep 5)" "D Sorry, address must include host name. (#5.1.3)\\n" "no @"
is "$(rep 6)" "Z qmail-spawn unable to open message. (#4.3.0)\\n" "no such message"
is "$(rep 7)" "Z Sorry, message has wrong type. (#4.3.5)\\n" "a directory"
is "$(rep 8)" "K bob ext=x local=bob-x host=example.org sender=s\\ndid 0+0+1\\n" \
    "a good command after bad ones still works"

# --- a busy slot: the first delivery waits on a FIFO --------------------------------
mkfifo "$L/fifo"
qm bob .qmail-wait "|cat $L/fifo >/dev/null; echo released"
cmds <<EOF
3|7/4711|s|bob-wait@example.org
3|7/4711|s|bob-x@example.org
EOF
drive ./Maildir/ &
dpid=$!
echo go >"$L/fifo" # returns once the first delivery is reading the FIFO
wait $dpid
is "$(sed -n '2,$p' "$L/reps" | tr '\n' '|')" \
    "3 Z Internal error: delnum in use. (#4.3.5)\\n|3 K released\\ndid 0+0+1\\n|exit 0|" \
    "the same slot while busy: refused; the first still reports"

# --- what qmail-local's code gets, run in the child without an exec -------------
# (the report for every other exit status is tests/unit/qlx.c's business)
qm bob .qmail-dd '|echo crash; kill -9 $PPID'
cmds <<EOF
0|7/4711|snd@x.org|Alice@Example.org
1|7/4711|s|bob-dd@x
EOF
mv "$B/qmail-local" "$B/qmail-local.away"
drive '|echo "dd user=$USER home=$HOME local=$LOCAL host=$HOST sender=$SENDER"; pwd'
mv "$B/qmail-local.away" "$B/qmail-local"
is "$(rep 0)" "K dd user=$ME home=$L/alice local=Alice host=Example.org sender=snd@x.org\\n$L/alice\\ndid 0+0+1\\n" \
    "no .qmail: the default delivery, in the home, with the variables (no bin/qmail-local needed)"
is "$(rep 1)" "Z qmail-local crashed.\\n" "the delivering child killed by a signal"
rm "$L/bob/.qmail-dd"

# --- users/cdb unreadable ---------------------------------------------------------------
cmds <<EOF
0|7/4711|s|bob-x@example.org
EOF
cp "$QH/users/cdb" "$L/cdb.good"
printf 'not a cdb' >"$QH/users/cdb"
drive ./Maildir/
is "$(rep 0)" "Z Trouble reading users/cdb in qmail-lspawn.\\n" "corrupt users/cdb"
cp "$L/cdb.good" "$QH/users/cdb"
drive ./Maildir/
is "$(rep 0)" "K bob ext=x local=bob-x host=example.org sender=s\\ndid 0+0+1\\n" \
    "users/cdb is read for every delivery"
"$B/qmail-lspawn" </dev/null >/dev/null 2>"$L/err"
is "$?" 100 "no defaultdelivery argument: exit 100"

if [ "$U" != 0 ]; then
    cat >"$QH/users/assign" <<EOF
=other:someone:$((U + 1)):$G:$L/bob:::
.
EOF
    "$B/qmail-newu"
    cmds <<EOF
0|7/4711|s|other@example.org
EOF
    drive ./Maildir/
    is "$(rep 0)" "Z Internal qmail-lspawn bug.\\n" \
        "unprivileged: another uid is a temporary failure, not a pretence"
    done_testing
fi

# --- as root ------------------------------------------------------------------------------
# other uids must reach the instance's programs and the homes
D=$(mktemp -d /tmp/qmt-lsp.XXXXXX)
chmod 755 "$D"
cleanup() { rm -rf "$D"; userdel qmt-lsp-gpw >/dev/null 2>&1; }
trap cleanup EXIT
reach() { setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$1"; }

chown 65534 "$MS"
cmds <<EOF
0|7/4711|s|bob-x@example.org
EOF
drive ./Maildir/
is "$(rep 0)" "Z Sorry, message has wrong owner. (#4.3.5)\\n" \
    "a message not owned by qmailq"
chown "$U" "$MS"

if ! reach "$B/qmail-local"; then
    diag "$B is not reachable by other users: setuid deliveries not tested"
else
    mkdir "$D/nob"
    chown 65534:65534 "$D/nob"
    printf '|id -u; id -G; echo "$USER $HOME"\n' >"$D/nob/.qmail"
    chmod 644 "$D/nob/.qmail"
    cat >"$QH/users/assign" <<EOF
=nob:nobody:65534:65534:$D/nob:::
.
EOF
    "$B/qmail-newu"
    cmds <<EOF
0|7/4711|s|nob@example.org
EOF
    drive ./Maildir/
    is "$(rep 0)" "K 65534\\n65534\\nnobody $D/nob\\ndid 0+0+1\\n" \
        "delivery as the assigned uid and gid, no other groups"

    userdel qmt-lsp-gpw >/dev/null 2>&1 # left by a killed earlier run
    useradd -M -d "$D/gpw" -s /bin/sh qmt-lsp-gpw >/dev/null 2>&1
    mkdir "$D/gpw"
    chown qmt-lsp-gpw: "$D/gpw"
    printf '|echo "$(id -un) ext=$EXT"\n' >"$D/gpw/.qmail-Ext"
    chmod 644 "$D/gpw/.qmail-Ext"
    rm "$QH/users/cdb"
    cmds <<EOF
0|7/4711|s|qmt-lsp-gpw-Ext@example.org
EOF
    drive ./Maildir/
    is "$(rep 0)" "D Sorry, no mailbox here by that name. (#5.1.1)\\n" \
        "no users/cdb: qmail-getpw finds the account, ext keeps its case"
    mv "$D/gpw/.qmail-Ext" "$D/gpw/.qmail-ext"
    mv "$B/qmail-getpw" "$B/qmail-getpw.away"
    mv "$B/qmail-local" "$B/qmail-local.away"
    drive ./Maildir/
    mv "$B/qmail-getpw.away" "$B/qmail-getpw"
    mv "$B/qmail-local.away" "$B/qmail-local"
    is "$(rep 0)" "K qmt-lsp-gpw ext=Ext\\ndid 0+0+1\\n" \
        "...and qmail-local's code runs as that account (neither program run)"
fi

# the refusal to deliver as root needs an instance whose accounts are not root
Q2=$T/lsp-nobody/home
make -s -C "$TOP" QMAILHOME="$Q2" ACCOUNTS=nobody install-instance \
    >"$T/install2.log" 2>&1 || { cat "$T/install2.log" >&2; exit 1; }
mkdir -p "$Q2/queue/mess/3"
cp "$MS" "$Q2/queue/mess/3/33"
chown nobody "$Q2/queue/mess/3/33"
printf '=rootie:root:0:0:%s:::\n.\n' "$L/bob" >"$Q2/users/assign"
"$Q2/bin/qmail-newu"
cmds <<EOF
0|3/33|s|rootie@example.org
EOF
$DRIVE "$L/cmds" "$Q2/bin/qmail-lspawn" ./Maildir/ >"$L/reps" 2>"$L/err"
is "$(rep 0)" "Z Not allowed to perform deliveries as root.\\n" \
    "an installation whose accounts are not root never delivers as root"

# qmail-getpw's lookup looks at homes with qmailp's rights (nobody here),
# not root's: an account whose home only root can reach is passed over
if id qmt-lsp-gpw >/dev/null 2>&1 && reach "$Q2/alias"; then
    mkdir -m 700 "$D/hide"
    mkdir "$D/hide/h"
    chown qmt-lsp-gpw: "$D/hide/h"
    usermod -d "$D/hide/h" qmt-lsp-gpw
    printf '|echo "alias ext=$EXT"\n' >"$Q2/alias/.qmail-default"
    chmod 644 "$Q2/alias/.qmail-default"
    cmds <<EOF
0|3/33|s|qmt-lsp-gpw-x@example.org
EOF
    $DRIVE "$L/cmds" "$Q2/bin/qmail-lspawn" ./Maildir/ >"$L/reps" 2>"$L/err"
    is "$(rep 0)" "K alias ext=qmt-lsp-gpw-x\\ndid 0+0+1\\n" \
        "the lookup sees homes as qmailp does: an unreachable one is no account"
fi

done_testing
