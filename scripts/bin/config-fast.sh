#!/bin/sh
# config-fast [fqdn]: write the control files qmail needs to know its
# own name (Debian's config-fast, debian-packaging.md 7): me,
# defaultdomain and plusdomain are replaced, the name is added to
# locals and rcpthosts unless already listed.  Without an argument the
# name is the first line of /etc/mailname, else `hostname -f`.  Runs as
# root; files are written whole (temporary file, then rename), mode 644.
# Exit 0 (also after the warning about a name without a dot), 100 for
# usage or no usable name, 111 when the control directory cannot be
# written.
c=@QMAILHOME@/control

usage() {
    echo 'config-fast: usage: config-fast [fqdn]' >&2
    exit 100
}
fatal() { # fatal CODE TEXT
    echo "config-fast: fatal: $2" >&2
    exit "$1"
}

[ $# -le 1 ] || usage
if [ $# -eq 1 ]; then
    fqdn=$1
else
    fqdn=
    if [ -r /etc/mailname ]; then read -r fqdn </etc/mailname; fi
    [ -n "$fqdn" ] || fqdn=$(hostname -f 2>/dev/null)
    [ -n "$fqdn" ] || fatal 100 'no name given, and none in /etc/mailname or from hostname -f'
fi
case $fqdn in
'' | *[[:space:]]* | */*) usage ;;
esac

# defaultdomain: drop the first label of a name with three or more;
# plusdomain: the last two labels
case $fqdn in
*.*.*) ddom=${fqdn#*.} ;;
*.*) ddom=$fqdn ;;
*)
    ddom=$fqdn
    echo "config-fast: warning: $fqdn has no dot; using it as defaultdomain and plusdomain too" >&2
    ;;
esac
pdom=$fqdn
while :; do
    case $pdom in
    *.*.*) pdom=${pdom#*.} ;;
    *) break ;;
    esac
done

[ -d "$c" ] && [ -w "$c" ] || fatal 111 "unable to write to $c"

install_tmp() { # install_tmp NAME: move NAME.tmp into place, mode 644
    chmod 644 "$c/$1.tmp" && mv -f "$c/$1.tmp" "$c/$1" ||
        fatal 111 "unable to write $c/$1"
}
put() { # put NAME VALUE: the file becomes the one line VALUE
    echo "Putting $2 into $c/$1"
    printf '%s\n' "$2" >"$c/$1.tmp" || fatal 111 "unable to write $c/$1.tmp"
    install_tmp "$1"
}
add() { # add NAME VALUE: VALUE becomes the last line unless listed
    if [ -f "$c/$1" ] && grep -qxF -e "$2" "$c/$1"; then
        echo "$c/$1 already lists $2"
        return
    fi
    echo "Adding $2 to $c/$1"
    (
        if [ -f "$c/$1" ]; then
            cat "$c/$1" || exit 1
            # a last line without LF must not be joined to ours
            if [ -s "$c/$1" ] && [ -n "$(tail -c 1 "$c/$1")" ]; then echo; fi
        fi
        printf '%s\n' "$2"
    ) >"$c/$1.tmp" || fatal 111 "unable to write $c/$1.tmp"
    install_tmp "$1"
}

echo "The fully qualified name of this host is $fqdn."
put me "$fqdn"
put defaultdomain "$ddom"
put plusdomain "$pdom"
add locals "$fqdn"
add rcpthosts "$fqdn"
echo "qmail-smtpd now accepts mail only for the hosts in $c/rcpthosts."
echo "When you add a host to locals or virtualdomains, add it to rcpthosts too."
exit 0
