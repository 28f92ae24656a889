#!/bin/sh
# install-debs.sh: on Debian 12 (or Ubuntu), as root, from a fresh
# machine to a running MTA: installs the build dependencies, builds the
# packages qmail, qmail-run and qmail-uids-gids into build/install/deb,
# installs them with apt-get, and makes sure svscan runs the services.
# Where no init system starts daemontools-run's svscanboot (a container),
# it starts svscanboot itself, detached.  Exit 0 once qmail-send is up;
# 1 when a step fails (apt-get, the build, or the service not coming up).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/install/deb

[ "$(id -u)" = 0 ] || { echo "install-debs: fatal: run me as root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get -q update
apt-get -q -y install --no-install-recommends build-essential dpkg-dev procps
apt-get -q -y build-dep "$top"

sh "$top/scripts/build-deb.sh" "$out" >/dev/null
apt-get -q -y install --no-install-recommends \
    "$out"/qmail_*.deb "$out"/qmail-run_*.deb "$out"/qmail-uids-gids_*.deb

if ! pgrep -x svscan >/dev/null; then
    echo "install-debs: no svscan runs (no init system?): starting svscanboot"
    setsid -f svscanboot </dev/null >/dev/null 2>&1
fi
i=0
until svstat /etc/service/qmail-send 2>/dev/null | grep -q ': up '; do
    i=$((i + 1))
    if [ $i -gt 300 ]; then
        echo "install-debs: fatal: qmail-send did not come up; see qmailctl stat" >&2
        exit 1
    fi
    sleep 0.1
done
qmailctl stat
