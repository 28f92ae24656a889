# tests/package/lib.sh: helpers of the package tests (source after
# tests/lib.sh).  They build this tree's .debs and try them in Debian 12
# chroots made from a cached debootstrap; they need root, Linux
# namespaces and Debian's archive, and skip (TAP) without them.  Set
# QMAIL_PACKAGE_TESTS=0 to skip them on purpose.
#
#   pkg_require           skip unless everything needed is there
#   pkg_build             this tree's packages in $PKG_DEBS (once per state)
#   pkg_base              the cached bookworm tarball $PKG_BASE
#   ch_new NAME HOST [FQDN]  a fresh chroot $CH with that host name
#   ch CMD...             run in the chroot (in svscan's namespaces once
#                         ch_start ran: same processes, own network)
#   ch_net CMD...         the same, also in svscan's network namespace
#   ch_start / ch_stop    svscan /etc/service as the chroot's init
#   ch_done               at exit: stop, keep the downloads, clean up
#   ch_apt ARGS...        apt-get in the chroot (archive cache kept)
#   await SECONDS CMD...  polls CMD until it succeeds
#   pkgfiles DIR          the three .debs in DIR, as paths in the chroot
PKG_SUITE=bookworm
PKG_MIRROR=${QMAIL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PKG_CACHE=${QMAIL_CHROOT_CACHE:-/var/cache/qmail-test-chroot}
PKG_BASE=$PKG_CACHE/$PKG_SUITE-minbase-procps.tgz
PKG_DEBS=$TOP/$O/deb
PKG_T=$T/pkg
CH= CH_HOST= CH_UNSHARE= SVPID=
CHENV="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 TERM=dumb
DEBIAN_FRONTEND=noninteractive"
mkdir -p "$PKG_T"

await() {
    _deadline=$(($(date +%s) + $1))
    shift
    while ! "$@" 2>/dev/null; do
        [ "$(date +%s)" -gt "$_deadline" ] && return 1
        sleep 0.1
    done
    return 0
}

# host tools: command and package
pkg_tools() {
    _missing=
    for _pair in debootstrap:debootstrap dpkg-buildpackage:dpkg-dev \
        dh:debhelper lintian:lintian piuparts:piuparts nsenter:util-linux \
        ip:iproute2 flock:util-linux; do
        command -v "${_pair%%:*}" >/dev/null || _missing="$_missing ${_pair#*:}"
    done
    dpkg -s libcdb-dev >/dev/null 2>&1 || _missing="$_missing libcdb-dev"
    [ -n "$_missing" ] || return 0
    _apt="apt-get -q -y -o DPkg::Lock::Timeout=600"
    $_apt install --no-install-recommends $_missing >"$PKG_T/tools.log" 2>&1 ||
        { $_apt update && $_apt install --no-install-recommends $_missing; } \
            >>"$PKG_T/tools.log" 2>&1
}

pkg_require() {
    [ "${QMAIL_PACKAGE_TESTS:-1}" != 0 ] || skip_all "QMAIL_PACKAGE_TESTS=0"
    [ "$(id -u)" = 0 ] || skip_all "the package tests need root"
    [ -r /etc/debian_version ] && command -v apt-get >/dev/null ||
        skip_all "not a Debian system"
    unshare --pid --fork --mount --net --uts true 2>/dev/null ||
        skip_all "cannot create Linux namespaces here"
    pkg_tools || skip_all "cannot install the tools (is Debian's archive reachable?)"
    pkg_base || skip_all "debootstrap $PKG_SUITE failed (is Debian's archive reachable?)"
}

# the packages of this tree, rebuilt when a source file is newer
pkg_build() {
    _stamp=$PKG_DEBS/.stamp
    if [ -f "$_stamp" ] && [ -z "$(cd "$TOP" && find Makefile README.md \
        README.Debian src scripts conf man debian -newer "$_stamp" \
        -print 2>/dev/null | head -n 1)" ]; then
        return 0
    fi
    sh "$TOP/scripts/build-deb.sh" "$PKG_DEBS" >/dev/null && touch "$_stamp"
}

# the chroot tarball, made once (several test runs may share the cache):
# a minimal bookworm with procps (ps, pgrep, pkill, as the page uses)
pkg_base() {
    mkdir -p "$PKG_CACHE/archives" || return 1
    (
        flock 9
        [ -s "$PKG_BASE" ] && exit 0
        _d=$PKG_CACHE/root.$$
        rm -rf --one-file-system "$_d"
        if debootstrap --variant=minbase --include=procps "$PKG_SUITE" "$_d" "$PKG_MIRROR" \
            >"$PKG_CACHE/debootstrap.log" 2>&1; then
            rm -f "$_d"/var/cache/apt/archives/*.deb
            (cd "$_d" && tar -czf "$PKG_BASE.new" .) && mv "$PKG_BASE.new" "$PKG_BASE"
        fi
        _rc=$?
        rm -rf --one-file-system "$_d"
        exit $_rc
    ) 9>"$PKG_CACHE/lock"
}

# ch_new NAME HOST [FQDN]: a fresh chroot; with FQDN, /etc/hosts names
# it, as the user's page asks ("127.0.1.1 myhost.domain.com")
ch_new() {
    ch_stop
    CH=$PKG_T/$1 CH_HOST=$2
    rm -rf --one-file-system "$CH"
    mkdir -p "$CH" && tar -xzf "$PKG_BASE" -C "$CH" || return 1
    cp /etc/resolv.conf "$CH/etc/resolv.conf"
    echo "$2" >"$CH/etc/hostname"
    {
        echo "127.0.0.1 localhost"
        [ -z "${3:-}" ] || echo "127.0.1.1 $3 $2"
    } >"$CH/etc/hosts"
    echo "deb $PKG_MIRROR $PKG_SUITE main" >"$CH/etc/apt/sources.list"
    printf '#!/bin/sh\nexit 101\n' >"$CH/usr/sbin/policy-rc.d"
    chmod 755 "$CH/usr/sbin/policy-rc.d"
    cp "$PKG_CACHE"/archives/*.deb "$CH/var/cache/apt/archives/" 2>/dev/null
    ch apt-get -q update >"$CH.apt.log" 2>&1
}

# at the end of a test: svscan stopped, the chroot's downloads kept in
# the cache, and the chroot removed unless a test failed (to look into)
ch_done() {
    ch_stop
    [ -n "$CH" ] || return 0
    (flock 9 && cp -n "$CH"/var/cache/apt/archives/*.deb "$PKG_CACHE/archives/") \
        9>"$PKG_CACHE/lock" 2>/dev/null
    [ "$_fail" -ne 0 ] || rm -rf --one-file-system "$CH"
    return 0
}

ch() {
    if [ -n "$SVPID" ]; then
        nsenter -t "$SVPID" -p -m -u -r -w -- env -i $CHENV \
            sh -c 'cd / && exec "$@"' sh "$@"
    else
        unshare --pid --fork --mount --uts --mount-proc="$CH/proc" -- \
            sh -c 'hostname "$1" && shift && exec chroot "$@"' sh "$CH_HOST" \
            "$CH" env -i $CHENV sh -c 'cd / && exec "$@"' sh "$@"
    fi
}
ch_net() {
    nsenter -t "$SVPID" -p -m -u -n -r -w -- env -i $CHENV \
        sh -c 'cd / && exec "$@"' sh "$@"
}
ch_apt() {
    ch apt-get -q -y -o Dpkg::Options::=--force-confdef \
        -o Dpkg::Options::=--force-confold "$@"
}

# svscan as process 1 of its own PID, mount, UTS and network namespaces
ch_start() {
    unshare --pid --fork --mount --net --uts --mount-proc="$CH/proc" -- \
        sh -c 'hostname "$1" && ip link set lo up &&
            exec chroot "$2" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
            svscan /etc/service' sh "$CH_HOST" "$CH" \
        >"$CH.svscan.log" 2>&1 &
    CH_UNSHARE=$!
    await 10 ch_svscan_pid || return 1
}
ch_svscan_pid() {
    _c=$(cat "/proc/$CH_UNSHARE/task/$CH_UNSHARE/children" 2>/dev/null) || return 1
    [ -n "$_c" ] && [ "$(cat "/proc/${_c% }/comm" 2>/dev/null)" = svscan ] || return 1
    SVPID=${_c% }
}
ch_stop() {
    [ -n "$CH_UNSHARE" ] || return 0
    [ -z "$SVPID" ] || kill -KILL "$SVPID" 2>/dev/null
    wait "$CH_UNSHARE" 2>/dev/null
    CH_UNSHARE= SVPID=
}

# pkgfiles DIR: copies the three packages of DIR into the chroot and
# prints their paths there
pkgfiles() {
    _in=/tmp/debs/${1##*/}
    mkdir -p "$CH$_in"
    for _p in qmail qmail-run qmail-uids-gids; do
        for _f in "$1/${_p}"_*.deb; do
            cp "$_f" "$CH$_in/" && echo "$_in/${_f##*/}"
        done
    done
}

# a service is up (svstat in the chroot)
svc_up() { ch svstat "/etc/service/$1" | grep -q ': up '; }
svc_down() { ch svstat "/etc/service/$1" | grep -q ': down '; }

# todo STATUS NAME REASON: a TAP test marked TODO (known, not yet done):
# reported, but a failure does not fail the suite
todo() {
    _n=$((_n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $_n - $2"; else
        echo "not ok $_n - $2 # TODO $3"; fi
}
