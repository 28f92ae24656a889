#!/bin/sh
# The packages as built: dpkg-buildpackage succeeds with the hardening
# flags; versions, relations and file layout are Debian's (every program
# the build makes is in its Debian directory and linked from
# /var/lib/qmail/bin); nothing set-uid or owned by a role account is
# shipped (postinst does that); lintian finds no error and no warning, and
# every override carries its reason.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
pkg_require

pkg_build
ok $? "dpkg-buildpackage -us -uc -b" || { cat "$PKG_DEBS/build.log" >&2; done_testing; }
D=$PKG_DEBS
deb() { ls "$D/$1"_*.deb; }
field() { dpkg-deb -f "$(deb "$1")" "$2"; }
grep -q -e '-fstack-protector-strong' "$D/build.log" &&
    grep -q -e '-D_FORTIFY_SOURCE=2' "$D/build.log" &&
    grep -q -e '-Wl,-z,relro -Wl,-z,now' "$D/build.log"
ok $? "compiled and linked with the hardening flags"

for p in qmail:1.06-6.2~deb10u1 qmail-uids-gids:1.06-6.2~deb10u1 qmail-run:2.0.2+nmu1; do
    dpkg --compare-versions "$(field ${p%%:*} Version)" gt "${p#*:}"
    ok $? "${p%%:*} $(field ${p%%:*} Version) upgrades Debian's ${p#*:}"
done
for f in Provides Conflicts Replaces; do
    is "$(field qmail-run $f)" mail-transport-agent "qmail-run $f: mail-transport-agent"
done
field qmail-run Depends | grep -q 'daemontools-run | runit-run'
ok $? "qmail-run depends on daemontools-run, or runit-run, never runit-init"
field qmail Depends | grep -q 'qmail-uids-gids'
ok $? "qmail depends on qmail-uids-gids"

# every program the build made, in Debian's place, linked from bin/
X=$PKG_T/contents
rm -rf "$X" && mkdir -p "$X"
for p in qmail qmail-run; do dpkg-deb -x "$(deb $p)" "$X"; done
bad=
for b in "$D"/src/build/debian/bin/*; do
    n=${b##*/}
    case $n in
    config-fast) t=/usr/lib/qmail/bin/config-fast ;;
    sendmail) t=/usr/sbin/qmail-sendmail ;;
    *) t=$(readlink "$X/var/lib/qmail/bin/$n") || { bad="$bad $n"; continue; } ;;
    esac
    case $t in /usr/bin/* | /usr/sbin/* | /usr/lib/qmail/bin/*) ;; *) bad="$bad $n" ;; esac
    [ -f "$X$t" ] && [ -x "$X$t" ] || bad="$bad $n"
done
is "$bad" "" "every built program is installed and linked from /var/lib/qmail/bin"
# the programs started per message or connection: static PIEs with musl
bad=
for n in qmail-queue qmail-inject qmail-sendmail qmail-smtpd qmail-qmtpd qmail-qmqpd; do
    f=$X/usr/sbin/$n; [ -f "$f" ] || f=$X/usr/bin/$n
    h=$(readelf -lh "$f" 2>/dev/null)
    echo "$h" | grep -q 'Type: *DYN' && ! echo "$h" | grep -q INTERP ||
        bad="$bad $n"
done
is "$bad" "" "the per-message programs are static PIEs (no interpreter)"
readelf -lh "$X/usr/sbin/qmail-send" | grep -q INTERP
ok $? "the other programs are linked dynamically"
field qmail Built-Using | grep -q '^musl (= [0-9]'
ok $? "qmail's Built-Using names musl: $(field qmail Built-Using)"
is "$(readlink "$X/var/lib/qmail/control")" /etc/qmail "control -> /etc/qmail"
is "$(readlink "$X/var/lib/qmail/users")" /etc/qmail/users "users -> /etc/qmail/users"
is "$(readlink "$X/usr/sbin/sendmail") $(readlink "$X/usr/lib/sendmail")" \
    "qmail-sendmail ../sbin/sendmail" "sendmail links"
is "$(readlink "$X/usr/sbin/mailq") $(readlink "$X/usr/sbin/newaliases")" \
    "qmail-sendmail qmail-newaliases" "mailq and newaliases links"
missing=
for n in bouncesaying condredirect datemail elq except forward maildir2mbox \
    maildirmake maildirwatch mailsubj pinq predate preline qail qbiff \
    qmail-inject qmail-showctl qmail-tcpto qreceipt qsmhook splogger tcp-env \
    qmail-clean qmail-getpw qmail-local qmail-lspawn qmail-newmrh qmail-newu \
    qmail-pop3d qmail-popup qmail-pw2u qmail-qmqpc qmail-qmqpd qmail-qmtpd \
    qmail-qread qmail-qstat qmail-queue qmail-remote qmail-rspawn qmail-send \
    qmail-smtpd qmail-start qmail-tcpok qmail-verify sendmail; do
    [ -L "$X/var/lib/qmail/bin/$n" ] || missing="$missing $n"
done
diag "programs of Debian's qmail not built yet:${missing:- none}"
[ ! -e "$X/var/lib/qmail/queue/lock/trigger" ]
ok $? "no FIFO in the package (postinst makes it)"
is "$(for p in qmail qmail-run qmail-uids-gids; do dpkg-deb -c "$(deb $p)"; done |
    awk '$1 ~ /s/ || $2 != "root/root"' | head -n 3)" "" \
    "nothing set-uid and nothing owned by a role account in the packages"

# lintian: no error, no warning; missing manual pages are others' work
lintian --tag-display-limit 0 "$D"/*.changes >"$PKG_T/lintian.log" 2>&1
is "$(grep '^E: ' "$PKG_T/lintian.log")" "" "lintian: no error"
is "$(grep '^W: ' "$PKG_T/lintian.log" | grep -v ': no-manual-page ')" "" \
    "lintian: no warning (but missing manual pages)"
nomans=$(sed -n 's|^W: qmail: no-manual-page \[usr/s*bin/\(.*\)\]$|\1|p' \
    "$PKG_T/lintian.log" | tr '\n' ' ')
todo "$([ -z "$nomans" ]; echo $?)" "lintian: every program has a manual page" \
    "no manual page yet for: $nomans"
bad=
for f in "$TOP"/debian/*lintian-overrides; do
    [ -f "$f" ] || continue
    bad="$bad$(awk '!/^#/ && NF && prev !~ /^#/ { print FILENAME ": " $0 } { prev = $0 }' "$f")"
done
is "$bad" "" "every lintian override follows a comment giving its reason"
done_testing
