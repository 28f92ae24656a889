#!/bin/sh
# README's install command on a fresh Debian 12 (a minimal chroot with
# only this tree copied in): scripts/install-debs.sh installs the build
# dependencies, builds and installs the three packages, starts svscanboot
# since no init system runs there, and ends with qmail-send up.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
pkg_require

ch_new fresh mail mail.example.org
ok $? "a minimal Debian 12 chroot" || done_testing
trap ch_done EXIT
mkdir -p "$CH/root/src"
(cd "$TOP" && tar --exclude=./build --exclude=./.git -cf - .) | tar -C "$CH/root/src" -xf -
ok $? "this tree, without build/, copied into it"
ch sh /root/src/scripts/install-debs.sh >"$CH.install-debs.log" 2>&1
ok $? "sh scripts/install-debs.sh" || tail -n 20 "$CH.install-debs.log" | sed 's/^/#   /'
grep -q 'starting svscanboot' "$CH.install-debs.log"
ok $? "it started svscanboot itself"
grep -q '^/etc/service/qmail-send: up' "$CH.install-debs.log"
ok $? "qmail-send runs at the end"
is "$(ch dpkg-query -W -f '${db:Status-Abbrev}' qmail qmail-run qmail-uids-gids)" \
    "ii ii ii " "the three packages are installed"
done_testing
