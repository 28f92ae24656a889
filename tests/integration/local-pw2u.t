#!/bin/sh
# qmail-pw2u (smtp-and-tools.md 5.5): passwd lines in, users/assign
# lines out; the filters (uid 0, capitals, include, exclude, homes),
# mail names, subusers, append, the options, the errors; and the
# result accepted by qmail-newu.
. "$(dirname "$0")/../lib.sh"
inst_fresh
B=$QH/bin
D=$T/pw2u
rm -rf "$D"
mkdir -p "$D/joe" "$D/ann" "$D/al" "$D/other"
# homes owned by the uid written in the passwd lines (root can pick any)
if [ "$(id -u)" = 0 ]; then HU=4242; else HU=$(id -u); fi
chown "$HU" "$D/joe" "$D/ann" "$D/al"
A=$ME # the alias account of this instance

cat >"$D/passwd" <<EOF
root:x:0:0:root:/root:/bin/sh
joe:x:$HU:100:Joe:$D/joe:/bin/sh
Ann:x:$HU:101::$D/ann:/bin/sh
ann:x:$HU:101::$D/ann:/bin/sh
$A:x:$HU:102::$D/al:/bin/sh
far:x:$HU:103::$D/missing:/bin/sh
notmine:x:$((HU + 1)):104::$D/other:/bin/sh
short:x:5:5
EOF
pw() { "$B/qmail-pw2u" "$@" <"$D/passwd" >"$D/out" 2>"$D/err"; rc=$?; }

pw
is "$rc" 0 "default options"
is "$(cat "$D/out")" "=joe:joe:$HU:100:$D/joe:::
+joe-:joe:$HU:100:$D/joe:-::
=ann:ann:$HU:101:$D/ann:::
+ann-:ann:$HU:101:$D/ann:-::
+:$A:$HU:102:$D/al:-::
=$A:$A:$HU:102:$D/al:::
+$A-:$A:$HU:102:$D/al:-::
." "uid 0, capitals, missing and foreign homes, short lines skipped; alias catch-all"
cp "$D/out" "$QH/users/assign"
"$B/qmail-newu"
is "$?" 0 "qmail-newu accepts the output"

pw -u -H -C
is "$(cat "$D/out")" "=joe:joe:$HU:100:$D/joe:::
=Ann:Ann:$HU:101:$D/ann:::
=ann:ann:$HU:101:$D/ann:::
+:$A:$HU:102:$D/al:-::
=$A:$A:$HU:102:$D/al:::
=far:far:$HU:103:$D/missing:::
=notmine:notmine:$((HU + 1)):104:$D/other:::
." "-u capitals, -H no home checks, -C no wildcard lines"
pw -h
is "$rc:$(cat "$D/err")" "111:qmail-pw2u: fatal: unable to stat $D/missing" \
    "-h: a missing home is fatal"
pw -c + -/
is "$(sed -n '1,2p' "$D/out")" "=joe:joe:$HU:100:$D/joe:::
+joe+:joe:$HU:100:$D/joe:-/::" "-c + as the break, -/ dash field"
pw -z
is "$rc" 100 "an unknown option: exit 100"
grep -v "^$A:" "$D/passwd" >"$D/noalias"
"$B/qmail-pw2u" <"$D/noalias" >/dev/null 2>"$D/err"
is "$?:$(cat "$D/err")" "111:qmail-pw2u: fatal: unable to find $A user" \
    "no alias account"

printf 'joe\n# a comment\nANN\n%s\n' "$A" >"$QH/users/include"
printf 'ann\n' >"$QH/users/exclude"
printf 'joe:jo:j.oe::\n' >"$QH/users/mailnames"
printf 'sub:joe:pre:\nbad line\nsub2:ann:x:\n' >"$QH/users/subusers"
printf '=extra:x:1:1:/x:::\n' >"$QH/users/append"
pw
is "$rc:$(cat "$D/err")" "111:qmail-pw2u: fatal: unable to find ann user for subuser" \
    "a subuser of an account that was left out"
printf 'sub:joe:pre:\nbad line\n' >"$QH/users/subusers"
pw
is "$rc" 0 "include, exclude, mailnames, subusers, append"
is "$(cat "$D/out")" "=jo:joe:$HU:100:$D/joe:::
+jo-:joe:$HU:100:$D/joe:-::
=j.oe:joe:$HU:100:$D/joe:::
+j.oe-:joe:$HU:100:$D/joe:-::
+:$A:$HU:102:$D/al:-::
=$A:$A:$HU:102:$D/al:::
+$A-:$A:$HU:102:$D/al:-::
=sub:joe:$HU:100:$D/joe:-:pre:
+sub-:joe:$HU:100:$D/joe:-:pre-:
=extra:x:1:1:/x:::
." "mail names replace the user name; ann excluded; subuser lines; appended text"
cp "$D/out" "$QH/users/assign"
"$B/qmail-newu"
is "$?" 0 "qmail-newu accepts it"

done_testing
