#!/bin/sh
# qmail-newu (delivery.md 3.2): users/assign compiled into users/cdb;
# the records read back with a small cdb reader (keys, data, the
# wildcard-character record, order of duplicates), the file mode, and
# every error with its exact text, leaving an older users/cdb intact.
. "$(dirname "$0")/../lib.sh"
inst_fresh
B=$QH/bin
A=$QH/users/assign
DB=$QH/users/cdb

# every record as "key=data" with NUL shown as |, in file order
dump() {
    python3 - "$DB" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
end = min(struct.unpack('<I', d[i * 8:i * 8 + 4])[0] for i in range(256))
pos = 2048
while pos < end:
    kl, dl = struct.unpack('<II', d[pos:pos + 8])
    k = d[pos + 8:pos + 8 + kl]
    v = d[pos + 8 + kl:pos + 8 + kl + dl]
    print((k + b'=' + v).replace(b'\0', b'|').decode())
    pos += 8 + kl + dl
EOF
}

"$B/qmail-newu" 2>"$T/err"
is "$?:$(cat "$T/err")" "111:qmail-newu: fatal: unable to open users/assign" \
    "no users/assign"

cat >"$A" <<'EOF'
=Joe:joe:1000:100:/home/joe:::
+joe-:joe:1000:100:/home/joe:-::
+list-:list:1001:100:/home/list:-:x-:extra:fields:
+:alias:7790:7780:/var/lib/qmail/alias:-::
=joe:second:1:1:/x:::
+Ab:u:2:2:/h:-::
.
ignored after the dot line
EOF
"$B/qmail-newu"
is "$?" 0 "a good users/assign"
is "$(dump)" "!joe|=joe|1000|100|/home/joe||
!joe-=joe|1000|100|/home/joe|-|
!list-=list|1001|100|/home/list|-|x-
!=alias|7790|7780|/var/lib/qmail/alias|-|
!joe|=second|1|1|/x||
!ab=u|2|2|/h|-|
=-b" "records: keys lowercased, NUL after exact keys, six fields, wildcard set last"
is "$(stat -c %a "$DB")" 644 "users/cdb is mode 0644"
[ ! -e "$QH/users/cdb.tmp" ]
ok $? "no users/cdb.tmp left behind"

printf '=a:a:1:1:/a:::\n.' >"$A"
"$B/qmail-newu"
is "$?:$(dump)" "0:!a|=a|1|1|/a||
=" "a final . line without LF; no wildcards: an empty set"

cp "$DB" "$T/db.good"
bad() { # bad CONTENT NAME
    printf "$1" >"$A"
    "$B/qmail-newu" 2>"$T/err"
    is "$?:$(cat "$T/err")" "111:qmail-newu: fatal: bad format in users/assign" "$2"
}
bad '=a:a:1:1:/a:::\n' "no . line"
bad '=a:a:1:1:/a:::' "no . line, no final LF"
bad '=a:a:1:1:/a::\n.\n' "only five colons after the key"
bad ':a:1:1:/a:::\n.\n' "empty key field"
bad 'no colon at all\n.\n' "a line without a colon"
bad '\n.\n' "an empty line"
bad '=a:a:1:1:/a\000b:::\n.\n' "a NUL in a line"
bad '' "an empty file"
cmp -s "$DB" "$T/db.good"
ok $? "users/cdb is untouched by every failure"
[ ! -e "$QH/users/cdb.tmp" ]
ok $? "...and no users/cdb.tmp is left"

printf '=a:a:1:1:/a:::\n.\n' >"$A"
mkdir "$QH/users/cdb.tmp"
"$B/qmail-newu" 2>"$T/err"
is "$?:$(cat "$T/err")" "111:qmail-newu: fatal: unable to open users/cdb.tmp" \
    "users/cdb.tmp cannot be created"
rmdir "$QH/users/cdb.tmp"
rm "$DB"
mkdir -p "$DB/full"
"$B/qmail-newu" 2>"$T/err"
is "$?:$(cat "$T/err")" "111:qmail-newu: fatal: unable to move users/cdb.tmp to users/cdb" \
    "users/cdb cannot be replaced"
rm -rf "$DB" "$QH/users/cdb.tmp"
mv "$A" "$A.f"
mkdir "$A"
"$B/qmail-newu" 2>"$T/err"
is "$?:$(cat "$T/err")" "111:qmail-newu: fatal: unable to read users/assign" \
    "users/assign unreadable (a directory)"
rmdir "$A"
mv "$A.f" "$A"

# a big file: many entries, looked up through the library's reader
python3 - "$A" <<'EOF'
import sys
with open(sys.argv[1], 'w') as f:
    for i in range(20000):
        f.write('=user%d:u%d:%d:%d:/home/u%d:::\n' % (i, i, i + 1, i + 1, i))
    f.write('.\n')
EOF
"$B/qmail-newu"
is "$?:$(dump | wc -l)" "0:20001" "20000 entries"
is "$(dump | grep '^!user12345|=')" "!user12345|=u12345|12346|12346|/home/u12345||" \
    "an entry in the middle"

done_testing
