#!/bin/sh
# piuparts on the three packages, in a chroot from the cached bookworm
# tarball: install, remove and purge must work non-interactively and
# leave nothing behind but what Debian allows (the accounts,
# /etc/aliases, /etc/mailname), no process running and no broken link.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
pkg_require

pkg_build
ok $? "build the packages" || done_testing
debs=
for p in qmail qmail-run qmail-uids-gids; do debs="$debs $(ls "$PKG_DEBS/${p}"_*.deb)"; done
# its own mount namespace: whatever piuparts mounts ends with it
unshare --mount --propagation private -- \
    piuparts --basetgz="$PKG_BASE" --distribution="$PKG_SUITE" \
    --mirror="$PKG_MIRROR" --tmpdir="$PKG_T" --no-upgrade-test \
    --fail-on-broken-symlinks --log-file="$PKG_T/piuparts.log" \
    $debs >/dev/null 2>&1
ok $? "piuparts: install, remove, purge" ||
    grep -E '^[0-9:.]* (ERROR|FAIL)|^  /' "$PKG_T/piuparts.log" | head -n 40 | sed 's/^/#   /'
grep -q 'PASS: All tests.' "$PKG_T/piuparts.log"
ok $? "piuparts says PASS"
is "$(grep -c ' WARN: ' "$PKG_T/piuparts.log")" 0 "piuparts gives no warning"
done_testing
