#!/bin/sh
# build-deb.sh OUTDIR [VERSION]
# Builds the binary packages qmail, qmail-run and qmail-uids-gids
# (dpkg-buildpackage -b, unsigned) from a copy of the tree in OUTDIR/src,
# so that the tree itself and other builds in build/ are not touched.
# With VERSION, the copy's debian/changelog gets a first entry of that
# version (the package tests use it to build an upgrade).  The .deb,
# .changes and .buildinfo files end up in OUTDIR; the build's output is
# in OUTDIR/build.log.  Exit 0, or 111 when the build fails.
set -eu
out=$1 ver=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)

mkdir -p "$out"
out=$(cd "$out" && pwd)
src=$out/src
rm -rf "$src" "$out"/*.deb "$out"/*.ddeb "$out"/*.changes "$out"/*.buildinfo
mkdir -p "$src"
(cd "$top" && tar --exclude=./build --exclude=./.git -cf - .) | (cd "$src" && tar -xf -)

if [ -n "$ver" ]; then
    c=$src/debian/changelog
    maint=$(sed -n 's/^ -- \(.*>\)  .*/\1/p' "$c" | head -n 1)
    {
        printf 'qmail (%s) unstable; urgency=medium\n\n' "$ver"
        printf '  * Rebuild of the tree as version %s.\n\n' "$ver"
        printf ' -- %s  %s\n\n' "$maint" "$(date -R)"
        cat "$c"
    } >"$c.new"
    mv "$c.new" "$c"
fi

# a clean environment for the package's own make (no O= from ours)
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
# no -dbgsym package: these builds are for installing and testing
export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-} noautodbgsym"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
    tail -n 40 "$out/build.log" >&2
    echo "build-deb: fatal: dpkg-buildpackage failed; see $out/build.log" >&2
    exit 111
fi
ls "$out"/*.deb
