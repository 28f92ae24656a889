#!/bin/sh
# qmail-local run directly against a home in the test directory
# (delivery.md 3.4): usage and home checks, every .qmail line type with
# -n, the -default cascade several levels deep, DEFAULT, forward-only
# files, program exit statuses, the environment given to programs, and
# NEWSENDER for lists with owners.
. "$(dirname "$0")/../lib.sh"
inst_fresh
B=$QH/bin
L=$T/ldq
H=$L/home
rm -rf "$L"
mkdir -p "$H"
chmod 755 "$H"
MSG=$L/msg
printf 'Subject: dot-qmail test\nTo: joe@example.org\n\nbody line\n' >"$MSG"
OUT=$L/out

# ql [-n] LOCAL DASH EXT [SENDER [DEFAULTDELIVERY]]: output in $OUT, status in $rc
ql() {
    fl=--
    if [ "$1" = -n ]; then fl=-n; shift; fi
    "$B/qmail-local" "$fl" "$ME" "$H" "$1" "$2" "$3" a.b.example.org \
        "${4-s@x.org}" "${5-./Mailbox}" <"$MSG" >"$OUT" 2>&1
    rc=$?
}
out() { cat "$OUT"; }
qm() { # qm NAME TEXT: write a .qmail file, mode 644
    printf '%s\n' "$2" >"$H/$1"
    chmod 644 "$H/$1"
}
clean() { rm -rf "$H"/.qmail* "$H/Mailbox" "$H/Maildir" "$H"/*.out; }

# --- usage and operands -------------------------------------------------
"$B/qmail-local" -- a "$H" a '' '' d s >"$OUT" 2>&1
is "$?:$(out)" "100:qmail-local: usage: qmail-local [ -nN ] user homedir local dash ext domain sender aliasempty" \
    "seven operands: usage, exit 100"
"$B/qmail-local" -x a "$H" a '' '' d s ./M >"$OUT" 2>&1
is "$?" 100 "unknown option: usage"
"$B/qmail-local" -- a relative a '' '' d s ./M <"$MSG" >"$OUT" 2>&1
is "$?:$(out)" "100:qmail-local: usage: qmail-local [ -nN ] user homedir local dash ext domain sender aliasempty" \
    "home directory must be absolute"
"$B/qmail-local" -- a "$L/nohome" a '' '' d s ./M <"$MSG" >"$OUT" 2>&1
is "$?:$(out)" "111:Unable to switch to $L/nohome: No such file or directory. (#4.3.0)" \
    "missing home: temporary"

# --- home checks --------------------------------------------------------
chmod 757 "$H"
ql joe '' ''
is "$rc:$(out)" "111:Uh-oh: home directory is writable. (#4.7.0)" \
    "world-writable home: temporary"
chmod 775 "$H"
ql -n joe '' ''
is "$rc" 0 "group-writable home is fine"
chmod 1755 "$H"
ql joe '' ''
is "$rc:$(out)" "111:Home directory is sticky: user is editing his .qmail file. (#4.2.1)" \
    "sticky home: temporary"
ql -n joe '' ''
is "$rc:$(out)" "0:Warning: home directory is sticky.
mbox ./Mailbox
did 1+0+0" "sticky home with -n: only a warning"
chmod 755 "$H"

# --- which file, and the defaultdelivery --------------------------------
clean
ql -n joe '' '' s@x.org './Maildir/'
is "$rc:$(out)" "0:maildir ./Maildir/
did 1+0+0" "no .qmail: the defaultdelivery argument"
ql -n joe - nothere
is "$rc:$(out)" "100:Sorry, no mailbox here by that name. (#5.1.1)" \
    "extension without a file: permanent"
: >"$H/.qmail"
chmod 644 "$H/.qmail"
ql -n joe '' '' s@x.org '|deliver-me'
is "$rc:$(out)" "0:program deliver-me
did 0+0+1" "empty .qmail: the defaultdelivery argument"
qm .qmaildefault './fromdefault'
rm "$H/.qmail"
ql -n joe '' ''
is "$rc:$(out)" "0:mbox ./fromdefault
did 1+0+0" "the basic address falls back to .qmaildefault"
clean

# --- every line type (-n) ------------------------------------------------
printf '%s\n' '# a comment' './Mailbox  ' './Maildir/' '/abs/mbox' \
    '|preline procmail -t' '&joe@example.org' 'bob@example.com' '' \
    '+other' '+list ' '&last@example.net' >"$H/.qmail-types"
chmod 644 "$H/.qmail-types"
ql -n joe-types - types
is "$rc:$(out)" "0:mbox ./Mailbox
maildir ./Maildir/
mbox /abs/mbox
program preline procmail -t
forward joe@example.org
forward bob@example.com
forward last@example.net
did 3+3+1" "-n describes every line type"
printf '\n./Mailbox\n' >"$H/.qmail-blank"
chmod 644 "$H/.qmail-blank"
ql -n joe-blank - blank
is "$rc:$(out)" "111:Uh-oh: first line of .qmail file is blank. (#4.2.1)" \
    "blank first line: temporary"
printf '   \n./Mailbox\n' >"$H/.qmail-blank"
ql -n joe-blank - blank
is "$rc" 111 "a first line of blanks is blank too"
qm .qmail-ww './Mailbox'
chmod 646 "$H/.qmail-ww"
ql -n joe-ww - ww
is "$rc:$(out)" "111:Uh-oh: .qmail file is writable. (#4.7.0)" \
    "world-writable .qmail: temporary"
mkdir "$H/.qmail-isdir"
qm .qmail-default '|echo from default'
ql -n joe-isdir - isdir
is "$rc:$(out)" "0:program echo from default
did 0+0+1" "a directory named like a .qmail file does not count"
clean

# --- forward-only -------------------------------------------------------
printf '&a@example.org\n./Mailbox\n' >"$H/.qmail-xf"
chmod 744 "$H/.qmail-xf"
ql joe-xf - xf
is "$rc:$(out)" "111:Uh-oh: .qmail has file delivery but has x bit set. (#4.7.0)" \
    "x bit and a file line"
printf '&a@example.org\n|true\n' >"$H/.qmail-xp"
chmod 744 "$H/.qmail-xp"
ql joe-xp - xp
is "$rc:$(out)" "111:Uh-oh: .qmail has prog delivery but has x bit set. (#4.7.0)" \
    "x bit and a program line"
printf '|echo ran >first.out\n+list\n|echo no >second.out\n' \
    >"$H/.qmail-pl"
chmod 644 "$H/.qmail-pl"
ql joe-pl - pl
is "$rc:$(out)" "111:Uh-oh: .qmail has prog delivery but has x bit set. (#4.7.0)" \
    "+list forbids the programs after it"
is "$(cat "$H/first.out" 2>&1):$(test -e "$H/second.out"; echo $?)" "ran:1" \
    "the line before +list ran, the one after did not"
: >"$H/.qmail-xe"
chmod 744 "$H/.qmail-xe"
ql joe-xe - xe s@x.org ./Mailbox
is "$rc:$(out):$(grep -c '^body line$' "$H/Mailbox")" "0:did 1+0+0:1" \
    "empty x-bit file: defaultdelivery, forward-only cleared"
clean

# --- the -default cascade ------------------------------------------------
for f in a-b-c a-b-default a-default default; do
    qm ".qmail-$f" "|echo file=$f default=\${DEFAULT-unset}"
done
ql joe-a-b-c - a-b-c
is "$rc:$(out)" "0:file=a-b-c default=unset
did 0+0+1" "exact file first, no DEFAULT"
rm "$H/.qmail-a-b-c"
ql joe-a-b-C - a-b-C
is "$rc:$(out)" "0:file=a-b-default default=C
did 0+0+1" ".qmail-a-b-default, DEFAULT in original case"
rm "$H/.qmail-a-b-default"
ql joe-a-B-c - a-B-c
is "$rc:$(out)" "0:file=a-default default=B-c
did 0+0+1" ".qmail-a-default two levels up"
rm "$H/.qmail-a-default"
ql joe-A-b-c - A-b-c
is "$rc:$(out)" "0:file=default default=A-b-c
did 0+0+1" ".qmail-default three levels up"
ql joe-x-y-z-w - X-y-z-w
is "$rc:$(out)" "0:file=default default=X-y-z-w
did 0+0+1" "four levels"
qm .qmail-foo-default '|echo file=foo-default default=$DEFAULT'
ql joe-Foo-DEFAULT - Foo-DEFAULT
is "$rc:$(out)" "0:file=foo-default default=DEFAULT
did 0+0+1" "an extension spelling default itself"
qm .qmail-x:y '|echo dotted'
ql joe-X.Y - X.Y
is "$rc:$(out)" "0:dotted
did 0+0+1" "dots in the extension map to colons"
qm .qmail-a-b- '|echo trailing dash'
ql joe-a-b- - a-b-
is "$rc:$(out)" "0:trailing dash
did 0+0+1" "an extension ending in a dash"
rm "$H/.qmail-default"
ql joe-none - none
is "$rc:$(out)" "100:Sorry, no mailbox here by that name. (#5.1.1)" \
    "the cascade ends: no mailbox"
clean

# --- the environment of programs ------------------------------------------
qm .qmail-list-default '|env -0 >env.out'
"$B/qmail-local" -- "$ME" "$H" joe-list-Sub-X - list-Sub-X a.b.example.org \
    'snd@x.org' ./Mailbox <"$MSG" >"$OUT" 2>&1
is "$?" 0 "program delivery for the environment"
envget() {
    python3 - "$H/env.out" "$1" <<'EOF'
import sys
d = {}
for x in open(sys.argv[1], 'rb').read().decode('latin-1').split('\0'):
    if '=' in x:
        k, v = x.split('=', 1)
        d[k] = v
v = d.get(sys.argv[2])
sys.stdout.write('<unset>' if v is None else v.replace('\n', '\\n'))
EOF
}
for kv in "USER=$ME" "HOME=$H" "LOCAL=joe-list-Sub-X" "HOST=a.b.example.org" \
    "HOST2=a.b.example" "HOST3=a.b" "HOST4=a" \
    "RECIPIENT=joe-list-Sub-X@a.b.example.org" "SENDER=snd@x.org" \
    "NEWSENDER=snd@x.org" "EXT=list-Sub-X" "EXT2=Sub-X" "EXT3=X" "EXT4=" \
    "DEFAULT=Sub-X" 'DTLINE=Delivered-To: joe-list-Sub-X@a.b.example.org\n' \
    'RPLINE=Return-Path: <snd@x.org>\n'; do
    is "$(envget "${kv%%=*}")" "${kv#*=}" "environment: ${kv%%=*}"
done
uf=$(envget UFLINE)
python3 - "$uf" <<'EOF'
import calendar, re, sys, time
m = re.fullmatch(r'From snd@x\.org (\w{3}) (\w{3}) (\d\d) (\d\d):(\d\d):(\d\d) (\d{4})\\n',
                 sys.argv[1])
t = time.strptime(' '.join(m.groups()), '%a %b %d %H %M %S %Y')
sys.exit(0 if abs(calendar.timegm(t) - time.time()) < 60 else 1)
EOF
ok $? "environment: UFLINE is a From_ line with the current UTC time"
qm .qmail-list-default '|env -0 >env.out'
cp "$H/.qmail-list-default" "$H/.qmail"
"$B/qmail-local" -- "$ME" "$H" joe '' '' localhost '' './Mailbox' <"$MSG" \
    >"$OUT" 2>&1
for kv in "HOST2=localhost" "HOST4=localhost" "EXT=" "EXT2=" "DEFAULT=<unset>" \
    "SENDER=" "NEWSENDER=" 'RPLINE=Return-Path: <>\n'; do
    is "$(envget "${kv%%=*}")" "${kv#*=}" "basic address: ${kv%%=*}"
done
clean

# --- program deliveries ---------------------------------------------------
qm .qmail-p '|cat >copy.out; pwd >pwd.out
|cat >copy2.out'
ql joe-p - p
is "$rc:$(out)" "0:did 0+0+2" "two programs"
cmp -s "$MSG" "$H/copy.out" && cmp -s "$MSG" "$H/copy2.out"
ok $? "each program reads the whole message, without added headers"
is "$(cat "$H/pwd.out")" "$H" "programs run in the home directory"
pexit() { # pexit STATUS EXPECTED-QMAIL-LOCAL-STATUS
    qm .qmail-px "|echo said $1; exit $1
./Mailbox"
    ql joe-px - px
    is "$rc:$(out):$(test -e "$H/Mailbox"; echo $?)" "$2:said $1:1" \
        "program exit $1: qmail-local exits $2, later lines do not run"
}
for s in 100 64 65 70 76 77 78 112; do pexit "$s" 100; done
for s in 111 1 2 75 101; do pexit "$s" 111; done
qm .qmail-k '|kill -9 $$'
ql joe-k - k
is "$rc:$(out)" "111:Aack, child crashed. (#4.3.0)" "program killed by a signal"
qm .qmail-99 '|echo first
|exit 99
|echo never'
ql joe-99 - 99
is "$rc:$(out)" "0:first
did 0+0+2" "exit 99: success, later lines skipped"
clean

# --- NEWSENDER for lists ---------------------------------------------------
qm .qmail-list '|echo "$NEWSENDER"'
ql joe-list - list
is "$(head -n 1 "$OUT")" "s@x.org" "no owner file: NEWSENDER is the sender"
qm .qmail-list-owner '&owner@example.org'
ql joe-list - list
is "$(head -n 1 "$OUT")" "joe-list-owner@a.b.example.org" \
    "with .qmail-list-owner"
qm .qmail-list-owner-default '&owner@example.org'
ql joe-list - list
is "$(head -n 1 "$OUT")" "joe-list-owner-@a.b.example.org-@[]" \
    "with -owner-default too: the VERP form"
ql joe-list - list ''
is "$(head -n 1 "$OUT")" "" "a bounce keeps its empty sender"
ql joe-list - list '#@[]'
is "$(head -n 1 "$OUT")" "#@[]" "a double bounce keeps #@[]"
qm .qmail-list-default '|echo "$NEWSENDER"'
ql joe-list-x - list-x
is "$(head -n 1 "$OUT")" "s@x.org" \
    "owner files are looked up for the exact extension only"
clean

done_testing
