#!/bin/sh
# config-fast (debian-packaging.md 7, with the documented differences):
# me/defaultdomain/plusdomain/locals/rcpthosts for several names, no
# duplicates on a re-run, the seed page's example, the name from
# /etc/mailname or hostname -f, a name without a dot, usage and an
# unwritable control directory.
. "$(dirname "$0")/../lib.sh"
inst_fresh
C=$QH/control
CF=$QH/bin/config-fast

clean() { rm -f "$C"/*; }
cf() { "$CF" "$@" >"$T/out" 2>"$T/err"; st=$?; }
files() { # the five files, "name=content" with lines joined by |
    for f in me defaultdomain plusdomain locals rcpthosts; do
        if [ -f "$C/$f" ]; then
            printf '%s=%s\n' "$f" "$(paste -sd '|' "$C/$f")"
        else
            printf '%s absent\n' "$f"
        fi
    done
}
expect() { # expect FQDN DEFAULTDOMAIN PLUSDOMAIN
    printf '%s\n' "me=$1" "defaultdomain=$2" "plusdomain=$3" "locals=$1" "rcpthosts=$1"
}

for case in host.example.com:example.com:example.com a.b:a.b:a.b \
    x.y.example.com:y.example.com:example.com \
    nxl67170ux.wbi.nxp.com:wbi.nxp.com:nxp.com; do
    IFS=: read -r name dd pd <<EOF2
$case
EOF2
    clean
    cf "$name"
    is "$st:$(cat "$T/err")" "0:" "$name: exit 0, no warning"
    is "$(files)" "$(expect "$name" "$dd" "$pd")" "$name: the five files"
done
# the seed page's example, as it lists the files
is "$(cd "$C" && for f in defaultdomain locals me plusdomain rcpthosts; do
    printf '%-26s# in /etc/qmail/%s\n' "$(cat $f)" "$f"; done)" \
"wbi.nxp.com               # in /etc/qmail/defaultdomain
nxl67170ux.wbi.nxp.com    # in /etc/qmail/locals
nxl67170ux.wbi.nxp.com    # in /etc/qmail/me
nxp.com                   # in /etc/qmail/plusdomain
nxl67170ux.wbi.nxp.com    # in /etc/qmail/rcpthosts" "seed page: the files as the page shows them"
is "$(stat -c %a "$C/me" "$C/defaultdomain" "$C/plusdomain" "$C/locals" "$C/rcpthosts" | sort -u)" \
    644 "files are mode 644"
grep -q 'nxl67170ux.wbi.nxp.com' "$T/out"
ok $? "it says what it does"
is "$(ls "$C")" "defaultdomain
locals
me
plusdomain
rcpthosts" "nothing else is written (no temporary files left)"

# re-run and existing lists
clean
cf host.example.com
cf host.example.com
is "$(files)" "$(expect host.example.com example.com example.com)" "re-run: no duplicate lines"
grep -q 'already' "$T/out"
ok $? "re-run: says the name is already listed"
printf 'localhost\nother.example' >"$C/locals"       # no final LF
printf '# hosts\nother.example\n' >"$C/rcpthosts"
chmod 600 "$C/locals"
cf host.example.com
is "$(cat "$C/locals")" "localhost
other.example
host.example.com" "locals: kept, a last line without LF is not joined"
is "$(cat "$C/rcpthosts")" "# hosts
other.example
host.example.com" "rcpthosts: kept, name added"
is "$(stat -c %a "$C/locals")" 644 "a rewritten list is mode 644"
echo old.example >"$C/me"
cf new.example.org
is "$(cat "$C/me"):$(cat "$C/defaultdomain")" "new.example.org:example.org" "me and defaultdomain are replaced"

# a name without a dot
clean
cf nodot
is "$st" 0 "nodot: exit 0"
grep -q '^config-fast: warning: .*nodot' "$T/err"
ok $? "nodot: a warning on stderr"
is "$(files)" "$(expect nodot nodot nodot)" "nodot: defaultdomain and plusdomain are the name"

# usage
clean
cf a.example b.example
is "$st:$(ls "$C" | wc -l)" "100:0" "two arguments: usage, 100, nothing written"
grep -q 'usage' "$T/err"
ok $? "two arguments: usage message"
cf ''
is "$st:$(ls "$C" | wc -l)" "100:0" "empty name: 100"
cf 'a b.example'
is "$st:$(ls "$C" | wc -l)" "100:0" "name with a space: 100"

# control/ not writable: a regular file in its place (works for root too)
mv "$C" "$C.d"
: >"$C"
cf host.example.com
is "$st" 111 "control not a directory: 111"
grep -q '^config-fast: fatal: ' "$T/err"
ok $? "control not a directory: fatal message"
rm "$C"
mv "$C.d" "$C"

# no argument: /etc/mailname, else hostname -f.  The host's /etc is
# covered by an overlay in a private mount namespace, where root may
# write /etc/mailname; a fake hostname comes first in PATH.
mkdir -p "$T/fakebin"
printf '#!/bin/sh\n[ "$1" = -f ] && echo fromhostname.example.net\n' >"$T/fakebin/hostname"
chmod 755 "$T/fakebin/hostname"
noarg() { # noarg MAILNAME-CONTENT|-: run config-fast without argument
    rm -rf "$T/ov"
    mkdir -p "$T/ov/u" "$T/ov/w"
    unshare -m sh -c '
        mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/u,workdir=$1/w" /etc || exit 99
        rm -f /etc/mailname
        [ "$2" = - ] || printf "%s" "$2" >/etc/mailname
        PATH=$3:$PATH exec "$4"' sh "$T/ov" "$1" "$T/fakebin" "$CF" >"$T/out" 2>"$T/err"
    st=$?
}
overlay_ok() { # can /etc be covered here? (root, unshare, overlayfs)
    rm -rf "$T/ov"
    mkdir -p "$T/ov/u" "$T/ov/w"
    [ "$(id -u)" = 0 ] && unshare -m sh -c \
        'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/u,workdir=$1/w" /etc' \
        sh "$T/ov" 2>/dev/null
}
if overlay_ok; then
    clean
    noarg "$(printf 'mail.example.com\nsecond.example\n')"
    is "$st:$(cat "$C/me")" "0:mail.example.com" "no argument: first line of /etc/mailname"
    clean
    noarg -
    is "$st:$(cat "$C/me"):$(cat "$C/defaultdomain")" "0:fromhostname.example.net:example.net" \
        "no argument, no /etc/mailname: hostname -f"
    clean
    noarg ''
    is "$st:$(cat "$C/me")" "0:fromhostname.example.net" "no argument, empty /etc/mailname: hostname -f"
    printf '#!/bin/sh\nexit 1\n' >"$T/fakebin/hostname"
    clean
    noarg -
    is "$st:$(ls "$C" | wc -l)" "100:0" "no name anywhere: 100, nothing written"
else
    for i in 1 2 3 4; do echo "ok $((_n + 1)) # skip needs root, unshare and overlayfs"; _n=$((_n + 1)); done
fi

done_testing
