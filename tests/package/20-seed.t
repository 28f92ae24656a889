#!/bin/sh
# The user's page on the real packages, in a Debian 12 chroot whose host
# name is the page's (nxl67170ux.wbi.nxp.com in /etc/hosts, as its
# installation note asks): apt-get install, then its "Example
# Configuration" command by command (config-fast, defaultdelivery, the
# alias files as "sudo su alias", the reload with pkill -SIGUSR1 qmail,
# the six qmail-inject tests, the log), its how-to (virtualdomains,
# ~alias/.qmail-myisp-*), /etc/aliases through Debian's fastforward,
# .forward through Debian's dot-forward, bsd-mailx's mail through
# /usr/sbin/sendmail read back with mblaze, SMTP on port 25, qmailctl.
# svscan runs as the chroot's init, in its own PID and network namespaces.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
pkg_require
FQDN=nxl67170ux.wbi.nxp.com U=beq06659

pkg_build
ok $? "build the packages" || done_testing
ch_new seed nxl67170ux $FQDN
ok $? "a Debian 12 chroot, host $FQDN" || done_testing
trap ch_done EXIT
ch_apt install --no-install-recommends sudo procps >"$CH.tools.log" 2>&1
ok $? "sudo and procps for the page's commands"

# sudo apt-get install ucspi-tcp qmail qmail-run qmail-uids-gids
ch sudo apt-get -q -y install ucspi-tcp $(pkgfiles "$PKG_DEBS") >"$CH.install.log" 2>&1
ok $? "sudo apt-get install ucspi-tcp qmail qmail-run qmail-uids-gids" ||
    { tail -n 30 "$CH.install.log" | sed 's/^/#   /'; done_testing; }
is "$(grep -ci 'warning' "$CH.install.log")" 0 "no warning from the maintainer scripts"

# ---- what the packages set up ----
acct() { ch getent passwd "$1" | cut -d: -f3,4,6,7; }
gid() { ch getent group "$1" | cut -d: -f3; }
NF=$(gid nofiles)
is "$(gid qmail)" 64010 "group qmail is 64010"
[ -n "$NF" ] && [ "$NF" -lt 1000 ]
ok $? "group nofiles is a system group ($NF)"
is "$(acct alias)" "64010:$NF:/var/lib/qmail/alias:/bin/sh" "user alias, with a login shell"
i=64011
for u in qmaild:$NF qmails:64010 qmailr:64010 qmailq:64010 qmaill:$NF qmailp:$NF; do
    is "$(acct ${u%%:*})" "$i:${u#*:}:/var/lib/qmail:/usr/sbin/nologin" "user ${u%%:*}"
    i=$((i + 1))
done
st() { ch stat -c '%U:%G %a' "$@"; }
is "$(st /usr/sbin/qmail-queue)" "qmailq:qmail 4711" "qmail-queue is set-uid qmailq"
is "$(st /var/lib/qmail/alias)" "alias:qmail 2755" "alias home alias:qmail 2755"
q=/var/lib/qmail/queue
is "$(st $q $q/mess/0 $q/mess/22 $q/todo $q/intd $q/pid $q/lock $q/recycle | tr '\n' ' ')" \
    "$(printf 'qmailq:qmail %s ' 750 750 750 750 700 700 750 700)" "queue: qmailq's directories"
is "$(st $q/info/0 $q/local/11 $q/remote/22 $q/bounce $q/spare | tr '\n' ' ')" \
    "$(printf 'qmails:qmail %s ' 700 700 700 700 700)" "queue: qmails's directories"
is "$(st $q/lock/sendmutex $q/lock/tcpto $q/lock/trigger | tr '\n' ' ')" \
    "qmails:qmail 600 qmailr:qmail 644 qmails:qmail 622 " "queue: lock files"
ch test -p $q/lock/trigger
ok $? "lock/trigger is a FIFO"
bad=
for l in $(ch ls /var/lib/qmail/bin); do
    ch test -x "/var/lib/qmail/bin/$l" || bad="$bad $l"
done
is "$bad" "" "every /var/lib/qmail/bin link reaches a program"
is "$(ch cat /etc/qmail/defaultdelivery /etc/qmail/concurrencyincoming | tr '\n' ' ')" \
    "./Maildir/ 20 " "defaultdelivery ./Maildir/, concurrencyincoming 20"
ch test -f /etc/qmail/tcp.smtp.cdb -a -f /etc/aliases -a -f /etc/aliases.cdb
ok $? "tcp.smtp.cdb, /etc/aliases, aliases.cdb"
ch test -d /etc/skel/Maildir/new
ok $? "/etc/skel/Maildir"
is "$(ch cat /etc/mailname)" $FQDN "/etc/mailname"
is "$(st /var/lib/qmail/alias/.qmail-root | cut -d' ' -f1) $(ch cat /var/lib/qmail/alias/.qmail-root)" \
    "alias:qmail &alias" "~alias/.qmail-root: &alias, owned by alias"
is "$(ch readlink /var/lib/qmail/alias/.qmail-abuse)" .qmail-postmaster ".qmail-abuse -> .qmail-postmaster"
is "$(ch readlink /etc/service/qmail-send /etc/service/qmail-smtpd | tr '\n' ' ')" \
    "/etc/qmail/qmail-send /etc/qmail/qmail-smtpd " "services registered in /etc/service"

ch_start
ok $? "svscan /etc/service runs as the chroot's init" || done_testing
await 30 svc_up qmail-send && await 30 ch grep -q 'status: local 0/' /var/log/qmail/current
ok $? "qmail-send is up and logs to /var/log/qmail/current"
await 30 svc_up qmail-smtpd && await 30 ch grep -q 'tcpserver: status: 0/20' /var/log/qmail/smtpd/current
ok $? "qmail-smtpd's tcpserver is up, 20 connections at most"

# ---- the page's "Example Configuration" ----
ch sudo /usr/lib/qmail/bin/config-fast $FQDN >"$CH.cf.log" 2>&1
ok $? "sudo /usr/lib/qmail/bin/config-fast $FQDN"
is "$(ch cat /etc/qmail/defaultdomain)" wbi.nxp.com "defaultdomain"
is "$(ch cat /etc/qmail/locals)" $FQDN "locals"
is "$(ch cat /etc/qmail/me)" $FQDN "me"
is "$(ch cat /etc/qmail/plusdomain)" nxp.com "plusdomain"
is "$(ch cat /etc/qmail/rcpthosts)" $FQDN "rcpthosts"
ch sh -c 'echo ./Maildir/ | sudo tee /etc/qmail/defaultdelivery' >/dev/null
ok $? "echo ./Maildir/ | sudo tee /etc/qmail/defaultdelivery"

ch adduser --quiet --disabled-password --gecos '' $U
ok $? "the page's user $U" || done_testing
ch test -d /home/$U/Maildir/new
ok $? "~$U/Maildir comes from /etc/skel"

# sudo su alias, then typed into alias's shell
ch sudo su alias <<EOF
cd ~alias
maildirmake Maildir
echo $U > .qmail-postmaster
echo $U > .qmail-root
#echo &alias
EOF
ok $? "sudo su alias: maildirmake Maildir, .qmail-postmaster, .qmail-root"
is "$(ch cat /var/lib/qmail/alias/.qmail-root /var/lib/qmail/alias/.qmail-mailer-daemon | tr '\n' ' ')" \
    "$U $U " "the alias files name $U (mailer-daemon through the link)"

pid() { ch svstat /etc/service/qmail-send | sed -n 's/.*(pid \([0-9]*\)).*/\1/p'; }
before=$(pid)
ch sudo pkill -SIGUSR1 qmail
ok $? "sudo pkill -SIGUSR1 qmail"
await 10 ch grep -q 'status: local 0/' /var/log/qmail/current && svc_up qmail-send
is "$(pid)" "$before" "qmail-send took the signal as a reload and kept running"

inject() { ch sh -c "echo to: $1 | /var/lib/qmail/bin/qmail-inject"; }
for to in $U notfound $U@localhost $U@$FQDN POSTmaster root; do
    inject $to
    ok $? "echo to: $to | /var/lib/qmail/bin/qmail-inject"
done
MD=/home/$U/Maildir
# nmatch PATTERN MAILDIR...: messages in new/ with a line matching
# PATTERN (any case); atleast N PATTERN MAILDIR...: at least N of them
nmatch() {
    _p=$1
    shift
    ch sh -c 'p=$1; shift; for d; do for f in "$d"/new/*; do
        [ -f "$f" ] && grep -qi -e "$p" "$f" && echo; done; done' sh "$_p" "$@" | wc -l
}
atleast() {
    _want=$1
    shift
    [ "$(nmatch "$@")" -ge "$_want" ]
}
await 60 atleast 5 '^Delivered-To: ' $MD
ok $? "$U receives his mail"
is "$(nmatch '^Delivered-To: ' $MD)" 5 "~$U/Maildir holds five messages"
is "$(nmatch "^to: $U@$FQDN" $MD)" 2 "to: $U and to: $U@$FQDN delivered to ~$U/Maildir"
is "$(nmatch "^to: POSTmaster@$FQDN" $MD)" 1 "to: POSTmaster through ~alias/.qmail-postmaster"
is "$(nmatch "^to: root@$FQDN" $MD)" 2 "to: root through ~alias/.qmail-root (and the bounce to root)"
is "$(nmatch "^<notfound@$FQDN>:" $MD)" 1 "to: notfound bounced to root, hence to $U"
is "$(nmatch "^to: $U@localhost" $MD)" 0 "$U@localhost is not a local address"
ch tail -n 200 /var/log/qmail/current >"$CH.current"
is "$(grep -c 'delivery [0-9]*: success: did_1+0+0/' "$CH.current")" 5 \
    "tail /var/log/qmail/current: five deliveries into ~$U/Maildir"
is "$(grep -c 'delivery [0-9]*: success: did_0+1+0/' "$CH.current")" 3 \
    "tail /var/log/qmail/current: three forwards by ~alias (postmaster, root, the bounce)"
grep -q 'delivery [0-9]*: failure: ' "$CH.current"
ok $? "tail /var/log/qmail/current: the failure for notfound"
grep -q "starting delivery [0-9]*: msg [0-9]* to remote $U@localhost" "$CH.current"
ok $? "tail /var/log/qmail/current: $U@localhost goes to remote delivery"

# ---- the page's how-to: a remote mailbox at myisp.com ----
for u in john jane; do ch adduser --quiet --disabled-password --gecos '' $u; done
ch sh -c 'cd /etc/qmail && echo mypc.local > me &&
    printf "localhost\nmypc.local\nmyisp.com\n" > rcpthosts &&
    echo mypc.local > locals && echo myisp.com:alias-myisp > virtualdomains'
ok $? "control files me, rcpthosts, locals, virtualdomains"
ch sh -c 'cd ~alias && printf "john\njane\n" > .qmail-myisp-family &&
    echo john > .qmail-myisp-default'
ok $? "~alias/.qmail-myisp-family and .qmail-myisp-default"
ch su john -c 'cd && maildirmake Maildir-virtual && echo ./Maildir-virtual/ > .qmail-default && chmod 644 .qmail-default'
ok $? "john: ~/Maildir-virtual and ~/.qmail-default"
# me changed, which qmail-send reads when it starts: a restart
before=$(pid)
ch qmailctl restart >/dev/null
ok $? "qmailctl restart"
restarted() { [ -n "$(pid)" ] && [ "$(pid)" != "$before" ] &&
    ch sh -c 'tail -n 1 /var/log/qmail/current | grep -q "status: local 0/"'; }
await 30 restarted
ok $? "qmail-send restarted"
msg() { ch sh -c "printf 'To: %s\nSubject: %s\n\n%s\n' '$1' '$2' '$2' | /var/lib/qmail/bin/qmail-inject"; }
msg family@myisp.com family && msg any@myisp.com any && msg john-lists@mypc.local ext
ok $? "mail to family@myisp.com, any@myisp.com, john-lists@mypc.local"
JM=/home/john/Maildir JA=/home/jane/Maildir JV=/home/john/Maildir-virtual
await 60 atleast 4 '^Subject: ' $JM $JA $JV
ok $? "the how-to's mail is delivered"
is "$(nmatch '^Subject: family' $JM) $(nmatch '^Subject: family' $JA)" "1 1" \
    "family@myisp.com reaches john and jane"
is "$(nmatch '^Subject: any' $JM) $(nmatch '^Subject: any' $JA)" "1 0" \
    "any@myisp.com reaches john only (.qmail-myisp-default)"
is "$(nmatch '^Subject: ext' $JV)" 1 "john-lists@mypc.local reaches ~john/Maildir-virtual/"
ch grep -q 'to local alias-myisp-family@myisp.com' /var/log/qmail/current
ok $? "the log shows the virtualdomains rewriting"

# ---- /etc/aliases through fastforward (Debian's package) ----
ch sh -c 'echo "staff: beq06659, jane" >> /etc/aliases && newaliases'
ok $? "/etc/aliases: staff, then newaliases"
msg staff@mypc.local staff
await 60 atleast 2 '^Subject: staff' $MD $JA
is "$(nmatch '^Subject: staff' $MD) $(nmatch '^Subject: staff' $JA)" "1 1" \
    "staff@mypc.local reaches $U and jane through fastforward"

# ---- .forward through dot-forward (Debian's package) ----
ch_apt install --no-install-recommends dot-forward bsd-mailx mblaze >"$CH.tools2.log" 2>&1
ok $? "apt-get install dot-forward bsd-mailx mblaze"
before=$(pid)
ch sh -c 'printf "|dot-forward .forward\n./Maildir/\n" > /etc/qmail/defaultdelivery && qmailctl restart' >/dev/null
ok $? "defaultdelivery: |dot-forward .forward, then ./Maildir/; qmailctl restart"
await 30 restarted
ok $? "qmail-send restarted"
ch su jane -c "echo $U > ~/.forward"
msg jane@mypc.local dotforward-jane && msg john@mypc.local dotforward-john
await 60 atleast 2 '^Subject: dotforward' $MD $JM
ok $? "dot-forward deliveries done"
is "$(nmatch '^Subject: dotforward-jane' $MD) $(nmatch '^Subject: dotforward-jane' $JA)" "1 0" \
    "jane's .forward sends her mail to $U"
is "$(nmatch '^Subject: dotforward-john' $JM)" 1 "john, without .forward, keeps his"

# ---- bsd-mailx through /usr/sbin/sendmail, read with mblaze ----
ch su john -c "echo 'hello from mailx' | mail -s 'mailx test' $U"
ok $? "john: mail -s 'mailx test' $U (bsd-mailx, /usr/sbin/sendmail)"
await 60 atleast 1 '^Subject: mailx test' $MD
ok $? "the mailx message is delivered"
ch su $U -c 'mlist ~/Maildir | mscan' >"$CH.mscan" 2>/dev/null
grep -q 'john@mypc.local *mailx test' "$CH.mscan"
ok $? "mblaze's mscan lists it, from john@mypc.local"
ch su $U -c 'mlist ~/Maildir | mpick -t "subject == \"mailx test\"" | mshow' >"$CH.mshow" 2>/dev/null
grep -q '^hello from mailx$' "$CH.mshow"
ok $? "mblaze's mshow shows its text"

# ---- SMTP on port 25 (tcpserver, tcp.smtp.cdb, qmail-smtpd) ----
cat >"$CH/tmp/smtp.sh" <<'EOF'
# reads client lines on stdin; prints each reply's last line
reply() { while IFS= read -r l <&6; do case $l in ???-*) ;; *) echo "$l" | tr -d '\r'; return ;; esac; done; }
reply
while IFS= read -r c; do printf '%s\r\n' "$c" >&7; case $c in DATA) reply ;; .) reply ;; QUIT) reply ;; [A-Z][A-Z][A-Z][A-Z]*) reply ;; esac; done
EOF
printf 'HELO x\nMAIL FROM:<a@b.example>\nRCPT TO:<%s@mypc.local>\nRCPT TO:<nosuchuser@mypc.local>\nDATA\nSubject: by smtp\n\nhi\n.\nQUIT\n' $U |
    ch_net tcpclient -RHl0 127.0.0.1 25 sh /tmp/smtp.sh >"$CH.smtp" 2>&1
codes=$(cut -c1-3 "$CH.smtp" | tr '\n' ' ')
is "$(echo "$codes" | cut -d' ' -f1-4,6-8)" "220 250 250 250 354 250 221" \
    "SMTP on port 25: greeting, HELO, MAIL, RCPT $U, DATA, message, QUIT"
is "$(echo "$codes" | cut -d' ' -f5)" 550 \
    "SMTP: RCPT of an unknown local user refused with 550 (fastforward -n asked)"
await 60 atleast 1 '^Subject: by smtp' $MD
ok $? "the SMTP message is delivered"

# ---- qmailctl ----
ch qmailctl stat >"$CH.stat" 2>&1
grep -q '^/etc/service/qmail-send: up' "$CH.stat" && grep -q '^messages in queue: ' "$CH.stat"
ok $? "qmailctl stat"
ch qmailctl flush >/dev/null && await 10 ch grep -q 'status: local 0/' /var/log/qmail/current
ok $? "qmailctl flush"
ch sh -c 'mailq >/dev/null && sendmail -bp >/dev/null'
ok $? "mailq and sendmail -bp"
ch qmailctl nonsense >/dev/null 2>&1
is $? 1 "qmailctl with an unknown verb: exit 1"

# an upgrade (here a reinstall) restarts the running services
before=$(pid)
ch_apt install --reinstall $(pkgfiles "$PKG_DEBS") >"$CH.reinstall.log" 2>&1
ok $? "apt-get install --reinstall qmail qmail-run qmail-uids-gids"
await 30 restarted
ok $? "qmail-send was restarted and is up"
done_testing
