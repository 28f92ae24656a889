#!/bin/sh
# qmail-local as an ordinary user, where qmail delivered and where the
# directory fsync of design 5 must not get in the way: a home the user
# may search but not read (root's, mode 0711) with a maildir and an
# empty mbox of the user's in it, and a drop-box maildir whose tmp/ and
# new/ the user may write into but not read (root's, mode 0733).  Each
# delivery succeeds, once.  As root only (it needs a second account).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mta.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (an account of its own)"
command -v setpriv >/dev/null || skip_all "needs setpriv (util-linux)"
inst_fresh
R=qmt-perms
cleanup() { userdel $R >/dev/null 2>&1; }
trap cleanup EXIT
userdel $R >/dev/null 2>&1 # left by a killed earlier run
mkuser $R || { ok 1 "create user $R"; done_testing; }
H=$T/homes/$R
printf 'From: a@b.example\nSubject: perms\n\nperms body\n' > "$T/msg"
chmod 644 "$T/msg"
# ql HOME EXT: qmail-local for R-EXT as R, exit status
ql() {
    as_user $R "$QH/bin/qmail-local" -- $R "$1" "$R-$2" - "$2" test.example.org \
        s@b.example ./Maildir/ < "$T/msg" > "$T/ql.out" 2>&1
}

# a home of root's that R may only search
chown root:root "$H"
chmod 711 "$H"
"$QH/bin/maildirmake" "$H/md" && chown -R $R "$H/md"
echo ./md/ > "$H/.qmail-md"
ql "$H" md
ok $? "maildir in a home R may not read: delivered ($(cat "$T/ql.out"))"
is "$(maildir_grep "$H/md" '^perms body$')" 1 "once, in md/new"
: > "$H/mb"
chown $R "$H/mb"
echo ./mb > "$H/.qmail-mb"
ql "$H" mb
ok $? "an empty mbox in a home R may not read: delivered ($(cat "$T/ql.out"))"
is "$(grep -c '^perms body$' "$H/mb")" 1 "once, in mb"
grep -q '^From s@b.example ' "$H/mb"
ok $? "with its From_ line"

# a drop box: root's tmp/ and new/, mode 0733, in R's own home
chown $R "$H"
chmod 755 "$H"
mkdir -p "$H/drop/tmp" "$H/drop/new" "$H/drop/cur"
chmod 733 "$H/drop/tmp" "$H/drop/new"
echo ./drop/ > "$H/.qmail-drop"
ql "$H" drop
ok $? "a drop-box maildir R may write into but not read: delivered ($(cat "$T/ql.out"))"
is "$(maildir_grep "$H/drop" '^perms body$')" 1 "once, in drop/new"
is "$(find "$H/drop/tmp" -type f | wc -l)" 0 "nothing left in drop/tmp"
done_testing
