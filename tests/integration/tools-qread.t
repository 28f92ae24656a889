#!/bin/sh
# qmail-qread and qmail-qstat on a queue built by hand in the instance
# (smtp-and-tools.md 5.4, delivery.md 1.3): info/local/remote/bounce/mess
# files with known contents and mtimes, done recipients, a bouncing
# message, hostile bytes, a broken message and files that are ignored.
. "$(dirname "$0")/../lib.sh"
inst_fresh
Q=$QH/queue

# rec FILE RECORD...: write NUL-terminated records (printf escapes)
rec() {
    f=$1
    shift
    : >"$f"
    for r in "$@"; do printf "$r\\000" >>"$f"; done
}
mess() { # mess ID SIZE
    head -c "$2" /dev/zero | tr '\0' x >"$Q/mess/$(($1 % 23))/$1"
}

# 100: two local (one done), two remote (one done)
rec "$Q/info/8/100" 'Fjoe@example.org'
touch -d '2024-01-03 01:05:34 UTC' "$Q/info/8/100"
mess 100 312
rec "$Q/local/8/100" 'Tjoe@example.com' 'Dann@example.com'
rec "$Q/remote/8/100" 'Dfred@example.net' 'Tbob@example.net'
# 47: a bounce (null sender) whose own delivery failed, remote only
rec "$Q/info/1/47" 'F'
touch -d '2023-12-25 23:59:59 UTC' "$Q/info/1/47"
mess 47 1
rec "$Q/remote/1/47" 'Tsomeone@example.net'
echo '<someone@example.net>:' >"$Q/bounce/47"
# 23: control bytes and 8-bit bytes in sender and recipient, nothing
# left to deliver
rec "$Q/info/0/23" 'Fev\001il\033[2J@x.example'
touch -d '2024-02-29 12:00:00 UTC' "$Q/info/0/23"
mess 23 5000
rec "$Q/local/0/23" 'Dj\303\266rg\177@example.com'
# 5: info without a mess file
rec "$Q/info/5/5" 'Fx@example.org'
# 6: truncated recipient list
rec "$Q/info/6/6" 'Fy@example.org'
mess 6 10
printf 'Tz@example.org' >"$Q/local/6/6"
# ignored: names that are not numbers; a message only in todo
rec "$Q/info/3/notanumber" 'Fq@example.org'
rec "$Q/info/3/.hidden" 'Fq@example.org'
mess 70 7
rec "$Q/todo/70" 'u0' 'p1' 'Fnew@example.org' 'Tnew@example.com'

tab=$(printf '\t')
cat >"$T/exp" <<EOF2
warning: trouble with #5: No such file or directory
warning: trouble with #6: truncated recipient file
29 Feb 2024 12:00:00 GMT  #23  5000  <ev_il_[2J@x.example> 
  done${tab}local${tab}j__rg_@example.com
25 Dec 2023 23:59:59 GMT  #47  1  <>  bouncing
${tab}remote${tab}someone@example.net
3 Jan 2024 01:05:34 GMT  #100  312  <joe@example.org> 
${tab}local${tab}joe@example.com
  done${tab}local${tab}ann@example.com
  done${tab}remote${tab}fred@example.net
${tab}remote${tab}bob@example.net
EOF2

"$QH/bin/qmail-qread" >"$T/out" 2>"$T/err"
is "$?" 0 "qmail-qread: exit 0"
diff "$T/exp" "$T/out" >"$T/diff"
ok $? "qmail-qread: exact listing"
[ -s "$T/diff" ] && sed 's/^/# /' "$T/diff"
is "$(cat "$T/err")" "" "qmail-qread: nothing on stderr"

"$QH/bin/sendmail" -bp >"$T/out2" 2>&1
is "$?:$(cmp -s "$T/exp" "$T/out2" && echo same)" "0:same" "sendmail -bp: the same listing"
mkdir -p "$T/sbin"
ln -sf "$QH/bin/sendmail" "$T/sbin/mailq"
"$T/sbin/mailq" >"$T/out3" 2>&1
is "$?:$(cmp -s "$T/exp" "$T/out3" && echo same)" "0:same" "mailq: the same listing"

# qmail-qstat: regular files only (a stray directory is not a message)
mkdir "$Q/todo/stray"
"$QH/bin/qmail-qstat" >"$T/out" 2>"$T/err"
is "$?" 0 "qmail-qstat: exit 0"
is "$(cat "$T/out")" "messages in queue: 5
messages in queue but not yet preprocessed: 1" "qmail-qstat: counts"
rmdir "$Q/todo/stray"

# an empty queue
rm -rf "$T/q.full"
mv "$Q" "$T/q.full"
make -s -C "$TOP" QMAILHOME="$QH" ACCOUNTS="$ME" install-instance >/dev/null 2>&1
"$QH/bin/qmail-qread" >"$T/out" 2>&1
is "$?:$(cat "$T/out")" "0:" "qmail-qread: empty queue, no output"
is "$("$QH/bin/qmail-qstat")" "messages in queue: 0
messages in queue but not yet preprocessed: 0" "qmail-qstat: empty queue"
rm -rf "$Q"

# a queue that cannot be entered (a regular file: this also holds for root)
: >"$Q"
"$QH/bin/qmail-qread" >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out"):$(cat "$T/err")" "111:fatal: unable to chdir: Not a directory:" \
    "qmail-qread: queue not enterable: message on stdout, 111"
"$QH/bin/qmail-qstat" >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out")" "111:" "qmail-qstat: queue not enterable: 111, no counts"
rm -f "$Q"
mv "$T/q.full" "$Q"

# a subdirectory of info/ that cannot be listed
mv "$Q/info/7" "$Q/info/7.d"
: >"$Q/info/7"
"$QH/bin/qmail-qread" >"$T/out" 2>&1
is "$?:$(cat "$T/out")" "111:fatal: unable to opendir info/7: Not a directory" \
    "qmail-qread: unreadable info/7: fatal"
rm "$Q/info/7"
mv "$Q/info/7.d" "$Q/info/7"

done_testing
