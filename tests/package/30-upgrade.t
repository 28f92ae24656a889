#!/bin/sh
# Installing over accounts that the old qmail-src packages left (primary
# group nogroup, homes under /var/qmail) on a host whose name has no dot
# and no /etc/mailname (then config-fast with a full name); then, with 100 messages queued and qmail-send
# stopped: reinstalling, upgrading to a newer build and removing (not
# purging) keep all 100, and they are delivered once each when the
# service is back.  Last, a purge while the services run takes them down
# first, removes what the packages made, and keeps the accounts,
# /etc/aliases, /etc/mailname and a queue that still holds mail.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
pkg_require

pkg_build
ok $? "build the packages" || done_testing
NEW=$PKG_DEBS-new
NEWV=$(dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version)+test1
sh "$TOP/scripts/build-deb.sh" "$NEW" "$NEWV" >/dev/null
ok $? "build the same tree as version $NEWV" || done_testing
ch_new upgrade mx
ok $? "a Debian 12 chroot, host mx (no domain, no /etc/mailname)" || done_testing
trap ch_done EXIT

# the accounts of the old non-free qmail-src packages
ch sh -e -c 'groupadd -g 64010 qmail
    useradd -u 64010 -g nogroup -d /var/qmail/alias -s /bin/sh alias
    u=64011
    for n in qmaild:nogroup qmails:qmail qmailr:qmail qmailq:qmail qmaill:nogroup qmailp:nogroup; do
        useradd -u $u -g ${n#*:} -d /var/qmail -s /bin/false ${n%%:*}
        u=$((u + 1))
    done
    mkdir -p /var/qmail/alias && echo root > /var/qmail/alias/.qmail-root' \
    >"$CH.oldaccounts.log" 2>&1
ok $? "accounts as qmail-src made them: group nogroup, homes in /var/qmail"

ch_apt install --no-install-recommends $(pkgfiles "$PKG_DEBS") >"$CH.install.log" 2>&1
ok $? "install over them" || { tail -n 30 "$CH.install.log" | sed 's/^/#   /'; done_testing; }
NF=$(ch getent group nofiles | cut -d: -f3)
acct() { ch getent passwd "$1" | cut -d: -f3,4,6; }
is "$(acct alias)" "64010:$NF:/var/lib/qmail/alias" "alias repaired: group nofiles, home /var/lib/qmail/alias"
is "$(acct qmaild) $(acct qmailq)" "64011:$NF:/var/lib/qmail 64014:64010:/var/lib/qmail" \
    "qmaild and qmailq repaired"
grep -q 'qmail-uids-gids: user alias: primary group changed to nofiles' "$CH.install.log"
ok $? "the repair is reported"
grep -q 'warning: the .qmail files in /var/qmail/alias are not used any more' "$CH.install.log"
ok $? "so are the alias files left in the old home"
grep -q 'config-fast: warning: mx has no dot' "$CH.install.log"
ok $? "a host name without a dot only warns"
is "$(ch cat /etc/qmail/me) $(ch cat /etc/mailname)" "mx mx" "control/me and /etc/mailname"
# qmail-inject appends defaultdomain to a host without a dot, so local
# mail needs a dotted name: what the warning asks the administrator for
ch /usr/lib/qmail/bin/config-fast mx.example.org >/dev/null
ok $? "config-fast mx.example.org"

ch_start
ok $? "svscan runs" || done_testing
await 30 svc_up qmail-send
ok $? "qmail-send is up"
ch adduser --quiet --disabled-password --gecos '' upg
ch qmailctl stop >/dev/null
await 30 svc_down qmail-send
ok $? "qmailctl stop: qmail-send is down"

ch sh -c 'i=1; while [ $i -le 100 ]; do
    printf "To: upg\nSubject: upgrade %d\n\nmessage %d\n" $i $i |
        /var/lib/qmail/bin/qmail-inject || exit 1; i=$((i + 1)); done'
ok $? "100 messages injected"
queued() { ch find /var/lib/qmail/queue/mess -type f | wc -l; }
MD=/home/upg/Maildir
delivered() { ch find $MD/new -type f | wc -l; }
is "$(queued)" 100 "100 messages in the queue"

# what every configure puts right: the alias home (fastforward ships it
# root:root 0755), the trigger FIFO
ch sh -c 'chown root:root /var/lib/qmail/alias && chmod 755 /var/lib/qmail/alias &&
    rm /var/lib/qmail/queue/lock/trigger'
ch_apt install --reinstall $(pkgfiles "$PKG_DEBS") >"$CH.reinstall.log" 2>&1
ok $? "reinstall"
is "$(ch stat -c '%U:%G %a' /var/lib/qmail/alias /var/lib/qmail/queue/lock/trigger | tr '\n' ' ')" \
    "alias:qmail 2755 qmails:qmail 622 " "the alias home and the trigger are repaired"
is "$(queued) $(delivered)" "100 0" "after the reinstall: 100 queued, none delivered"
svc_down qmail-send
ok $? "qmail-send stays down"

ch_apt install $(pkgfiles "$NEW") >"$CH.upgrade.log" 2>&1
ok $? "upgrade to $NEWV"
is "$(ch dpkg-query -W -f '${Version} ' qmail qmail-run qmail-uids-gids)" \
    "$NEWV $NEWV $NEWV " "the newer version of the three is installed"
is "$(queued) $(delivered)" "100 0" "after the upgrade: 100 queued, none delivered"
svc_down qmail-send
ok $? "qmail-send stays down"

ch_apt remove qmail qmail-run >"$CH.remove.log" 2>&1
ok $? "apt-get remove qmail qmail-run"
is "$(queued)" 100 "after the removal: 100 queued"
ch test ! -e /etc/service/qmail-send -a ! -e /etc/service/qmail-smtpd -a ! -e /usr/sbin/qmail-send
ok $? "the services are unregistered and the programs gone"
# live processes of the services (svscan reaps exited ones every 5 s)
svcprocs() {
    ch ps -eo stat=,pid=,comm= |
        awk '$1 !~ /^Z/ && $3 ~ /^(qmail-.*|tcpserver|supervise|multilog)$/'
}
is "$(svcprocs)" "" "no qmail process, no supervise, no multilog is left"

ch_apt install $(pkgfiles "$NEW") >"$CH.back.log" 2>&1
ok $? "install again"
drained() { [ "$(delivered)" -ge 100 ] && [ "$(queued)" -eq 0 ]; }
await 120 drained
ok $? "the service is back and the queue drains"
ch sh -c "grep -h '^Subject: upgrade ' $MD/new/*" | sort | uniq -c >"$CH.subjects"
is "$(awk '$1 == 1' "$CH.subjects" | wc -l) $(delivered)" "100 100" \
    "each of the 100 messages delivered exactly once"

# a purge while qmail-smtpd and qmail-verify run, with mail in the queue
ch svc -d /etc/service/qmail-send
await 30 svc_down qmail-send
ch sh -c 'for i in 1 2 3; do echo "To: upg" | /var/lib/qmail/bin/qmail-inject; done'
await 10 svc_up qmail-smtpd
ok $? "three messages queued, qmail-send down, qmail-smtpd up"
ch_apt purge qmail qmail-run qmail-uids-gids >"$CH.purge.log" 2>&1
ok $? "apt-get purge qmail qmail-run qmail-uids-gids"
is "$(svcprocs)" "" "the services were taken down"
is "$(queued)" 3 "the queue with its three messages is kept"
grep -q 'still holds mail' "$CH.purge.log"
ok $? "the purge says so"
left=
for f in /etc/qmail /var/log/qmail /etc/skel/Maildir /var/lib/qmail/rc \
    /var/lib/qmail/control /var/lib/qmail/supervise /var/lib/supervise/qmail-send \
    /var/lib/supervise/qmail-smtpd.log /etc/aliases.cdb /usr/sbin/sendmail \
    /var/lib/qmail/alias/.qmail-root /var/lib/qmail/queue/lock; do
    ch test -e $f -o -L $f && left="$left $f"
done
is "$left" "" "everything else the packages made is gone"
ch dpkg-statoverride --list /usr/sbin/qmail-queue >/dev/null
is $? 1 "the statoverride is gone"
ch test -f /etc/aliases -a -f /etc/mailname
ok $? "/etc/aliases and /etc/mailname stay"
is "$(acct alias | cut -d: -f1) $(ch getent group qmail | cut -d: -f3)" "64010 64010" "the accounts stay"
done_testing
