#!/bin/sh
# qmail-showctl on an empty and on a populated control directory
# (smtp-and-tools.md 5.5): the header with the run-time ids, defaults,
# values, list files, unreadable files, the morercpthosts.cdb checks
# and unknown files.
. "$(dirname "$0")/../lib.sh"
inst_fresh
C=$QH/control
SC=$QH/bin/qmail-showctl

uid=$(id -u "$ME")
gid=$(getent group "$ME" | cut -d: -f3)
[ -n "$gid" ] || gid=$(id -g "$ME")
known='me badmailfrom bouncefrom bouncehost concurrencyincoming
concurrencylocal concurrencyremote databytes defaultdelivery defaultdomain
defaulthost doublebouncehost doublebounceto envnoathost helohost idhost
localiphost locals morercpthosts morercpthosts.cdb percenthack plusdomain
qmqpservers queuelifetime rcptcheck rcpthosts smtpgreeting smtproutes timeoutconnect
timeoutremote timeoutsmtpd virtualdomains'

show() { "$SC" >"$T/out" 2>"$T/err"; st=$?; }
has() { # has LINE NAME: LINE is in the output, exactly
    if grep -qxF -e "$1" "$T/out"; then ok 0 "$2"; else
        ok 1 "$2"; diag "missing line: $1"; fi
}

# -- empty --------------------------------------------------------------
rm -f "$C"/*
show
is "$st:$(cat "$T/err")" "0:" "empty: exit 0, nothing on stderr"
is "$(head -n 7 "$T/out")" "qmail home directory: $QH.
user-ext delimiter: -.
paternalism (in decimal): 2.
silent concurrency limit: 120.
subdirectory split: 23.
user ids: $uid, $uid, $uid, $uid, $uid, $uid, $uid, $uid.
group ids: $gid, $gid." "header: build settings and the ids of the accounts"
n=0 bad=
for f in $known; do
    n=$((n + 1))
    c=$(grep -c "^$f: " "$T/out")
    [ "$c" = 1 ] || bad="$bad $f($c)"
done
is "$bad" "" "every known file is shown once"
is "$(grep -c '^$' "$T/out")" "$n" "each entry follows an empty line"
is "$(grep -c 'I have no idea' "$T/out")" 0 "no unknown files"
has "me: (Default.) None. Most programs refuse to run without it; run config-fast." "me absent"
has "locals: (Default.) None. qmail-send refuses to start." "locals absent, no me"
has "localiphost: (Default.) None. qmail-smtpd leaves address literals as they are." \
    "localiphost absent, no me"
has "concurrencyincoming: (Default.) None. The qmail-smtpd service does not start without it." \
    "concurrencyincoming absent"
has "defaultdelivery: (Default.) None. The qmail-send service delivers to ./Maildir/ and says so on its log." \
    "defaultdelivery absent"
has "bouncehost: (Default.) Bounces are sent from the host bouncehost." \
    "a me-default without me: the literal default"
has "bouncefrom: (Default.) Bounces are sent from the user MAILER-DAEMON." "bouncefrom default"
has "concurrencyremote: (Default.) At most 20 remote deliveries run at once." "integer default"
has "rcpthosts: (Default.) SMTP accepts mail for any host: an open relay unless the tcpserver rules prevent it!" \
    "rcpthosts absent: open relay warning"
has "morercpthosts.cdb: (Default.) No extra recipient hosts." "no morercpthosts at all"

# -- me only ------------------------------------------------------------
echo test.example.org >"$C/me"
show
has "me: This host's name is test.example.org." "me present"
has "locals: (Default.) Mail for test.example.org is delivered locally." "locals defaults to me"
has "bouncehost: (Default.) Bounces are sent from the host test.example.org." "bouncehost defaults to me"
has "defaultdomain: (Default.) qmail-inject adds .test.example.org to host names without a dot." \
    "defaultdomain defaults to me"
has "smtpgreeting: (Default.) SMTP greets with 220 test.example.org." "smtpgreeting defaults to me"

# -- populated ----------------------------------------------------------
echo host.example.com >"$C/me"
printf 'a.example\n# a comment\n\n.b.example  \n' >"$C/rcpthosts"
echo 1000 >"$C/databytes"
echo abc >"$C/timeoutsmtpd"
echo 50 >"$C/concurrencyincoming"
printf '|preline procmail\n./Maildir/\n' >"$C/defaultdelivery"
printf 'host.example.com ESMTP\001x\nsecond line\n' >"$C/smtpgreeting"
printf 'example.net:relay.example.com:2525\n' >"$C/smtproutes"
: >"$C/locals"
: >"$C/bouncefrom"
mkdir "$C/badmailfrom"
: >"$C/bogus"
: >"$C/tcp.smtp"
: >"$C/$(printf 'zz\001')"
show
is "$st" 0 "populated: exit 0"
is "$(sed -n '/^rcpthosts: $/,/^$/p' "$T/out")" "rcpthosts: 
SMTP accepts mail for a.example.
SMTP accepts mail for .b.example." "list file: one line per entry, comments and blanks skipped"
has "databytes: SMTP takes messages of up to 1000 bytes (0: no limit)." "integer value"
has "timeoutsmtpd: (Default.) qmail-smtpd gives up on a silent client after 1200 seconds (0 counts as 1)." \
    "integer without digits: the default"
has "concurrencyincoming: The SMTP service takes at most 50 connections at once." "concurrencyincoming"
is "$(sed -n '/^defaultdelivery: $/,/^$/p' "$T/out")" "defaultdelivery: 
Delivery for users without a .qmail file: |preline procmail.
Delivery for users without a .qmail file: ./Maildir/." "defaultdelivery: every line"
has "smtpgreeting: SMTP greets with 220 host.example.com ESMTP?x." \
    "single line: first line only, control bytes as ?"
has "smtproutes: " "smtproutes present"
has "SMTP route: example.net:relay.example.com:2525." "smtproutes entry"
is "$(sed -n '/^locals: /,/^$/p' "$T/out")" "locals: 
(Present, with no entries.)" "an empty list file"
has "bouncefrom: Bounces are sent from the user ." "an empty single-line file is an empty value"
has "badmailfrom: Oops! Trouble reading this file." "unreadable file"
is "$(grep 'I have no idea' "$T/out")" "bogus: I have no idea what this file does.
tcp.smtp: I have no idea what this file does.
zz?: I have no idea what this file does." "unknown files, sorted, names filtered"
is "$(tail -n 2 "$T/out")" "
zz?: I have no idea what this file does." "unknown files come last"

# -- morercpthosts.cdb --------------------------------------------------
cdbline() { show; grep '^morercpthosts.cdb: ' "$T/out"; }
echo c.example >"$C/morercpthosts"
is "$(cdbline)" "morercpthosts.cdb: Oops! morercpthosts exists but this file does not; run qmail-newmrh." \
    "morercpthosts without its cdb"
: >"$C/morercpthosts.cdb"
touch -d '2020-01-01 00:00:00' "$C/morercpthosts.cdb"
is "$(cdbline)" "morercpthosts.cdb: Oops! It is older than morercpthosts; run qmail-newmrh." \
    "cdb older than its source"
touch -d '2020-01-01 00:00:00' "$C/morercpthosts"
is "$(cdbline)" "morercpthosts.cdb: Compiled from morercpthosts, and up to date." \
    "cdb as new as its source"
has "SMTP also accepts mail for c.example (after qmail-newmrh)." "morercpthosts entry"
rm "$C/morercpthosts"
is "$(cdbline)" "morercpthosts.cdb: Oops! It exists but morercpthosts does not; qmail-smtpd still uses it." \
    "cdb without its source"

# -- cannot enter -------------------------------------------------------
mv "$C" "$C.d"
: >"$C"
show
is "$st:$(tail -n 1 "$T/out")" "111:Oops! Unable to chdir to control." "control not a directory: 111"
rm "$C"
mv "$C.d" "$C"

done_testing
