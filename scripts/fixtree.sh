#!/bin/sh
# fixtree: gives the qmail tree under @QMAILHOME@ the owners and modes
# of qmail-queue(5): every queue directory, lock/sendmutex, lock/tcpto,
# the trigger FIFO, and the alias home (alias:qmail 2755).  Installed as
# /usr/lib/qmail/fixtree; run as root by the qmail package's postinst at
# every configure, and by "make install" on a live system.  Creates what
# is missing, never removes or truncates anything that holds data.
# Exit 0; 100 when an account is missing; 111 when a step fails.
set -u
h=@QMAILHOME@
q=$h/queue

fatal() { # fatal CODE TEXT
    echo "fixtree: fatal: $2" >&2
    exit "$1"
}
for a in alias qmailq qmailr qmails; do
    id -u "$a" >/dev/null 2>&1 || fatal 100 "no such user: $a"
done
getent group qmail >/dev/null || fatal 100 "no such group: qmail"

fix() { # fix USER MODE PATH: owner USER, group qmail
    chown "$1:qmail" "$3" && chmod "$2" "$3" ||
        fatal 111 "unable to set owner and mode of $3"
}
mkd() { # mkd USER MODE DIR: create if missing, then fix
    [ -d "$3" ] || mkdir -p "$3" || fatal 111 "unable to create $3"
    fix "$@"
}

mkd root 755 "$h"
mkd root 755 "$h/bin"
mkd alias 2755 "$h/alias"

mkd qmailq 750 "$q"
mkd qmailq 700 "$q/pid"
mkd qmailq 700 "$q/intd"
mkd qmailq 750 "$q/todo"
mkd qmails 700 "$q/bounce"
mkd qmails 700 "$q/spare"
mkd qmailq 700 "$q/recycle"
for d in mess info local remote; do
    case $d in mess) u=qmailq m=750 ;; *) u=qmails m=700 ;; esac
    mkd "$u" "$m" "$q/$d"
    i=0
    while [ $i -lt 23 ]; do
        mkd "$u" "$m" "$q/$d/$i"
        i=$((i + 1))
    done
done
mkd qmailq 750 "$q/lock"

# lock/sendmutex: empty; lock/tcpto: 1024 zero bytes (qmail-tcpto(8))
[ -f "$q/lock/sendmutex" ] || : >"$q/lock/sendmutex" ||
    fatal 111 "unable to create $q/lock/sendmutex"
fix qmails 600 "$q/lock/sendmutex"
if [ ! -f "$q/lock/tcpto" ]; then
    dd if=/dev/zero of="$q/lock/tcpto" bs=1024 count=1 2>/dev/null ||
        fatal 111 "unable to create $q/lock/tcpto"
fi
fix qmailr 644 "$q/lock/tcpto"

# the trigger is a FIFO; anything else under that name is replaced
if [ ! -p "$q/lock/trigger" ]; then
    rm -f "$q/lock/trigger" && mkfifo "$q/lock/trigger" ||
        fatal 111 "unable to create $q/lock/trigger"
fi
fix qmails 622 "$q/lock/trigger"
exit 0
