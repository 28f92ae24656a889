#!/bin/sh
# qmail-getpw (delivery.md 3.3): the record it prints for the caller's
# own account and for the alias fallback; as root, with test accounts:
# longest user name first, lowercased lookups, ext in original case,
# homes that are missing or owned by someone else, names of 32 bytes
# or more, uid 0, and a missing alias account.
. "$(dirname "$0")/../lib.sh"
inst_fresh
B=$QH/bin

gp() { "$B/qmail-getpw" "$@" | tr '\0' '|'; }

"$B/qmail-getpw" >/dev/null 2>&1
is "$?" 100 "no argument: exit 100"

# the alias account of this instance is the caller, with the instance's
# alias directory as its home (as /var/lib/qmail/alias is alias's home)
AHOME=$QH/alias
AREC="$ME|$(id -u)|$(id -g)|$AHOME|-"
is "$(gp qmt-no-such-user-x)" "$AREC|qmt-no-such-user-x|" \
    "unknown name: the alias account, dash -, the whole name as ext"
is "$(gp '')" "$AREC||" "empty local part: alias"

UHOME=$(getent passwd "$ME" | cut -d: -f6)
if [ "$(id -u)" != 0 ]; then
    if [ "$(stat -c %u "$UHOME" 2>/dev/null)" = "$(id -u)" ]; then
        is "$(gp "$ME")" "$ME|$(id -u)|$(id -g)|$UHOME|||" \
            "the caller's own name: empty dash and ext"
        is "$(gp "$ME-Box-X")" "$ME|$(id -u)|$(id -g)|$UHOME|-|Box-X|" \
            "the caller's name with an extension"
    else
        diag "the home of $ME is not owned by it: the own-name cases are not tested"
    fi
    done_testing
fi

is "$(gp root)" "$AREC|root|" "uid 0 is never a mail account"
is "$(gp root-x)" "$AREC|root-x|" "...not even with an extension"

D=
users="qmtgpa qmtgpa-b qmtgpc qmtgpd abcdefghijklmnopqrstuvwxyz01234 abcdefghijklmnopqrstuvwxyz012345"
cleanup() {
    for u in $users; do userdel "$u" >/dev/null 2>&1; done
    [ -z "$D" ] || rm -rf "$D"
}
trap cleanup EXIT
cleanup # accounts a killed earlier run may have left
D=$(mktemp -d /tmp/qmt-gpw.XXXXXX)
chmod 755 "$D"
for u in $users; do
    useradd -M -d "$D/$u" -s /bin/sh "$u" >/dev/null 2>&1 ||
        { diag "useradd $u failed"; }
    mkdir "$D/$u"
    chown "$u:" "$D/$u"
done
rec() { echo "$1|$(id -u "$1")|$(id -g "$1")|$D/$1|$2|$3|"; }

is "$(gp qmtgpa)" "$(rec qmtgpa '' '')" "an account: empty dash and ext"
is "$(gp QMTgpa)" "$(rec qmtgpa '' '')" "looked up in lowercase"
is "$(gp qmtgpa-Box)" "$(rec qmtgpa - Box)" "an extension keeps its case"
is "$(gp qmtgpa-b)" "$(rec qmtgpa-b '' '')" "the longest name wins"
is "$(gp qmtgpa-b-c-D)" "$(rec qmtgpa-b - c-D)" "longest name, then the extension"
is "$(gp qmtgpa-x-y)" "$(rec qmtgpa - x-y)" "a shorter name with a longer extension"
chown root "$D/qmtgpc"
is "$(gp qmtgpc)" "$AREC|qmtgpc|" "a home owned by someone else: alias"
rmdir "$D/qmtgpd"
is "$(gp qmtgpd-x)" "$AREC|qmtgpd-x|" "a missing home: alias"
n31=abcdefghijklmnopqrstuvwxyz01234
is "$(gp $n31)" "$(rec $n31 '' '')" "a 31-byte name"
if id abcdefghijklmnopqrstuvwxyz012345 >/dev/null 2>&1; then
    is "$(gp abcdefghijklmnopqrstuvwxyz012345)" \
        "$AREC|abcdefghijklmnopqrstuvwxyz012345|" "names of 32 bytes are not tried"
else
    diag "useradd refused a 32-byte name: that case is not tested"
fi

# an instance whose alias account no longer exists
useradd -M -d "$D/gone" -s /bin/sh qmtgpgone >/dev/null 2>&1
users="$users qmtgpgone"
Q2=$T/gpw-gone/home
make -s -C "$TOP" QMAILHOME="$Q2" ACCOUNTS=qmtgpgone install-instance \
    >"$T/install2.log" 2>&1 || { cat "$T/install2.log" >&2; exit 1; }
userdel qmtgpgone
"$Q2/bin/qmail-getpw" nobody-here >/dev/null 2>&1
is "$?" 116 "no alias account: exit 116"

done_testing
