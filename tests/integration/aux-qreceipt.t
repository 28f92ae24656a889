#!/bin/sh
# qreceipt: when a notice is due, what is queued (recorded through
# QMAILQUEUE), and its exit codes and messages (smtp-and-tools.md 5.1).
. "$(dirname "$0")/../lib.sh"
inst_fresh
Q=$QH/bin/qreceipt
R=$T/rec
mkdir -p "$R"
cat >"$T/recorder" <<'EOS'
#!/bin/sh
cat >"$R/msg"
cat <&1 >"$R/env"
exit "${RECEXIT:-0}"
EOS
chmod 755 "$T/recorder"
export R
QMAILQUEUE=$T/recorder
export QMAILQUEUE

ME=joe@example.org
# qr HEADER-LINES...: run qreceipt on a message with that header
qr() {
    rm -f "$R/msg" "$R/env"
    { for l in "$@"; do printf '%s\n' "$l"; done
      printf '\nbody\nNotice-Requested-Upon-Delivery-To: %s\n' "$ME"; } >"$T/in"
    "$Q" "$ME" <"$T/in" 2>"$T/err"
    echo "$?:$(cat "$T/err")"
}
sent() { [ -e "$R/env" ] && echo yes || echo no; }

export SENDER=sender@y.org
is "$(qr 'Subject: hi')" "0:" "no request: exit 0"
is "$(sent)" no "no request (one in the body does not count): nothing queued"

is "$(qr 'Message-ID: <m1@y.org>' \
    "Notice-Requested-Upon-Delivery-To: $ME")" "0:" "request: exit 0"
is "$(sent)" yes "request: a notice is queued"
is "$(tr '\0' '|' <"$R/env")" "F|Tsender@y.org||" \
    "the notice goes from <> to SENDER"
sed -n 1,4p "$R/msg" >"$T/head"
printf '%s\n' 'From: DELIVERY NOTICE SYSTEM <sender@y.org>' \
    'To: <sender@y.org>' 'Subject: success notice' '' | cmp -s - "$T/head"
ok $? "notice header: From, To, Subject, blank line"
grep -q "^$ME, which asked" "$R/msg"
ok $? "the notice names the delivery address"
is "$(tail -n 1 "$R/msg")" "Your Message-ID: <m1@y.org>" \
    "the notice ends with the original Message-ID line"

qr "Notice-Requested-Upon-Delivery-To: other@example.org" >/dev/null
is "$(sent)" no "request for another address: nothing queued"
qr "Notice-Requested-Upon-Delivery-To: JOE@example.org" >/dev/null
is "$(sent)" no "the comparison is exact (case matters)"
qr "Notice-Requested-Upon-Delivery-To: joe@example.org.x" >/dev/null
is "$(sent)" no "the comparison is exact (length matters)"

for f in "Joe Bloggs <$ME>" "$ME (Joe)" "a@b.c, $ME" "friends: a@b.c, $ME;" \
    "  joe @ example . org" "\"Joe\" <joe@example.org>, other@example.org"; do
    qr "Notice-Requested-Upon-Delivery-To: $f" >/dev/null
    is "$(sent)" yes "address found in: $f"
done
qr "Notice-Requested-Upon-Delivery-To: <@relay.net:$ME>" >/dev/null
is "$(sent)" no "no rewriting: a source route stays part of the address"
qr "notice-requested-upon-delivery-to: $ME" >/dev/null
is "$(sent)" yes "field name case does not matter"
qr "Notice-Requested-Upon-Delivery-To: a@b.c," "	$ME" >/dev/null
is "$(sent)" yes "continuation lines are part of the field"
qr "Subject: no Message-ID" "Notice-Requested-Upon-Delivery-To: $ME" >/dev/null
grep -q '^Your ' "$R/msg"
is "$?" 1 "no Message-ID: no 'Your' line"

ME='joe smith@example.org'
qr 'Notice-Requested-Upon-Delivery-To: "joe smith"@example.org' >/dev/null
is "$(sent)" yes "a quoted local part is compared unquoted"
ME=joe@example.org

SENDER='odd one@y.org'
qr "Notice-Requested-Upon-Delivery-To: $ME" >/dev/null
is "$(sed -n 2p "$R/msg")" 'To: <"odd one"@y.org>' "the sender is quoted in the header"
is "$(tr '\0' '|' <"$R/env")" "F|Todd one@y.org||" "and verbatim in the envelope"

for s in '' '#@[]'; do
    SENDER=$s
    is "$(qr "Notice-Requested-Upon-Delivery-To: $ME")" "0:" "sender '$s': exit 0"
    is "$(sent)" no "sender '$s': no notice"
done
SENDER=sender@y.org

is "$(qr "Notice-Requested-Upon-Delivery-To: $ME>")" \
    "100:qreceipt: fatal: unable to parse this: Notice-Requested-Upon-Delivery-To: $ME>" \
    "unparsable field ('>' without '<'): 100"
is "$(qr "Notice-Requested-Upon-Delivery-To: a: b: $ME;;")" \
    "100:qreceipt: fatal: unable to parse this: Notice-Requested-Upon-Delivery-To: a: b: $ME;;" \
    "unparsable field (nested group): 100"
is "$(qr "Notice-Requested-Upon-Delivery-To: \"joe@example.org")" \
    "100:qreceipt: fatal: unable to parse this: Notice-Requested-Upon-Delivery-To: \"joe@example.org" \
    "unterminated quoted string: 100"
is "$(qr "Notice-Requested-Upon-Delivery-To: (joe $ME")" \
    "100:qreceipt: fatal: unable to parse this: Notice-Requested-Upon-Delivery-To: (joe $ME" \
    "unterminated comment: 100"

is "$(RECEXIT=31 qr "Notice-Requested-Upon-Delivery-To: $ME")" \
    "100:qreceipt: fatal: mail server permanently rejected message (#5.3.0)" \
    "permanent queue failure: 100"
is "$(RECEXIT=51 qr "Notice-Requested-Upon-Delivery-To: $ME")" \
    "111:qreceipt: fatal: qq out of memory (#4.3.0)" \
    "temporary queue failure: 111"

"$Q" </dev/null 2>"$T/err"
is "$?:$(cat "$T/err")" "100:qreceipt: usage: qreceipt deliveryaddress" "no argument: usage"
env -u SENDER "$Q" "$ME" </dev/null 2>"$T/err"
is "$?:$(cat "$T/err")" "100:qreceipt: usage: qreceipt deliveryaddress" "no SENDER: usage"

done_testing
