#!/bin/sh
# install-tree.sh MODE ACCOUNTS BINDIR QMAILHOME
# Lays out a complete qmail tree under QMAILHOME: bin/, queue/ (every
# directory, owner and mode of qmail-queue(5)), control/, users/, alias/.
#   -i  a private instance: every role account is ACCOUNTS (or the
#       caller when ACCOUNTS is empty); owners are set.
#   -s  a system install: owners are set only when running as root.
set -eu
mode=$1 accounts=$2 bindir=$3 home=$4

if [ "$mode" = -i ] && [ -z "$accounts" ]; then accounts=$(id -un); fi
me=$(id -u)
own() { # own USER GROUP MODE PATH
    if [ "$mode" = -i ]; then
        u=$accounts
        g=$(id -gn "$accounts")
    else
        u=$1 g=$2
    fi
    if [ "$me" = 0 ] || [ "$mode" = -i ]; then chown "$u:$g" "$4"; fi
    chmod "$3" "$4"
}
mkd() { mkdir -p "$4"; own "$@"; }

mkd root qmail 755 "$home"
for d in bin control users man doc boot; do mkd root qmail 755 "$home/$d"; done
mkd alias qmail 2755 "$home/alias"

# programs: 0700 for the root-only ones, 0711 daemons, 0755 user tools
for p in "$bindir"/*; do
    n=$(basename "$p")
    case $n in
    qmail-queue) m=4711 u=qmailq ;;
    qmail-lspawn|qmail-start|qmail-newu|qmail-newmrh) m=700 u=root ;;
    qmail-getpw|qmail-local|qmail-remote|qmail-rspawn|qmail-clean|\
    qmail-send|splogger|qmail-pw2u|qmail-popup) m=711 u=root ;;
    *) m=755 u=root ;;
    esac
    rm -f "$home/bin/$n.new"
    cp "$p" "$home/bin/$n.new"
    own "$u" qmail "$m" "$home/bin/$n.new"
    mv -f "$home/bin/$n.new" "$home/bin/$n"
done

q=$home/queue
mkd qmailq qmail 750 "$q"
mkd qmailq qmail 700 "$q/pid"
mkd qmailq qmail 700 "$q/intd"
mkd qmailq qmail 750 "$q/todo"
mkd qmails qmail 700 "$q/bounce"
mkd qmails qmail 700 "$q/spare"
mkd qmailq qmail 700 "$q/recycle"
for d in mess info local remote; do
    case $d in mess) u=qmailq m=750 ;; *) u=qmails m=700 ;; esac
    mkd "$u" qmail "$m" "$q/$d"
    i=0
    while [ $i -lt 23 ]; do mkd "$u" qmail "$m" "$q/$d/$i"; i=$((i + 1)); done
done
mkd qmailq qmail 750 "$q/lock"
[ -f "$q/lock/sendmutex" ] || : > "$q/lock/sendmutex"
own qmails qmail 600 "$q/lock/sendmutex"
[ -f "$q/lock/tcpto" ] || dd if=/dev/zero of="$q/lock/tcpto" bs=1024 count=1 2>/dev/null
own qmailr qmail 644 "$q/lock/tcpto"
[ -p "$q/lock/trigger" ] || mkfifo "$q/lock/trigger"
own qmails qmail 622 "$q/lock/trigger"
