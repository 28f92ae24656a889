#!/bin/sh
# install-system.sh BINDIR DESTDIR RUNDESTDIR QMAILHOME ("make install"):
# Debian's layout (design 3, debian-packaging.md 3-4).  Each program in
# BINDIR goes where the layout table says and is linked from QMAILHOME/bin,
# so a new program lands without a change here.  qmail-run's files
# (services, rc, qmailctl, sendmail links, defaults) go under RUNDESTDIR,
# the rest under DESTDIR.  Sets no owner: /usr/lib/qmail/fixtree does
# (the package's postinst, or this script into / as root).  Files under
# /etc are never overwritten.  A failing step ends it with its status.
set -eu
bindir=$1 dest=$2 rundest=$3 home=$4
top=$(cd "$(dirname "$0")/.." && pwd)

warn() { echo "install-system: warning: $*" >&2; }

# layout NAME: "DIR FILENAME PART" for a program; PART is qmail, run,
# or nolink (qmail, without a QMAILHOME/bin link).  The names are those of
# Debian's qmail 1.06 and qmail-run packages; a program not listed goes
# to /usr/sbin if it is a qmail-* daemon or tool, else to /usr/bin.
layout() {
    case $1 in
    sendmail) echo /usr/sbin qmail-sendmail qmail ;;
    config-fast) echo /usr/lib/qmail/bin config-fast nolink ;;
    qmailctl) echo /usr/bin qmailctl run ;;
    bouncesaying | condredirect | datemail | elq | except | forward | \
        maildir2mbox | maildirmake | maildirwatch | mailsubj | pinq | \
        predate | preline | qail | qbiff | qmail-inject | qmail-showctl | \
        qmail-tcpto | qreceipt | qsmhook | splogger | tcp-env)
        echo /usr/bin "$1" qmail ;;
    qmail-clean | qmail-getpw | qmail-local | qmail-lspawn | qmail-newmrh | \
        qmail-newu | qmail-pop3d | qmail-popup | qmail-pw2u | qmail-qmqpc | \
        qmail-qmqpd | qmail-qmtpd | qmail-qread | qmail-qstat | qmail-queue | \
        qmail-remote | qmail-rspawn | qmail-send | qmail-smtpd | \
        qmail-start | qmail-tcpok | qmail-verify)
        echo /usr/sbin "$1" qmail ;;
    qmail-*)
        warn "$1 is not in the layout table: installed in /usr/sbin"
        echo /usr/sbin "$1" qmail ;;
    *)
        warn "$1 is not in the layout table: installed in /usr/bin"
        echo /usr/bin "$1" qmail ;;
    esac
}

root_of() { # root_of PART: the install root of that part
    if [ "$1" = run ]; then echo "$rundest"; else echo "$dest"; fi
}
subst() { # subst SRC DST MODE: copy with @QMAILHOME@ replaced
    sed -e "s|@QMAILHOME@|$home|g" "$1" >"$2.new"
    chmod "$3" "$2.new"
    mv -f "$2.new" "$2"
}
conf() { # conf SRC DST MODE: like subst, but never over an existing file
    if [ -e "$2" ] || [ -L "$2" ]; then
        echo "install-system: keeping $2"
    else
        subst "$@"
    fi
}
lnk() { # lnk TARGET LINK: replaces a link, never a file or directory
    if [ -e "$2" ] && [ ! -L "$2" ]; then
        warn "$2 exists and is not a link: left alone"
    else
        ln -sfn "$1" "$2"
    fi
}

programs() {
    mkdir -p "$dest$home/bin" "$dest/usr/bin" "$dest/usr/sbin" \
        "$dest/usr/lib/qmail/bin" "$rundest$home/bin" "$rundest/usr/bin"
    for p in "$bindir"/*; do
        n=${p##*/}
        set -- $(layout "$n")
        r=$(root_of "$3")
        cp "$p" "$r$1/$2.new"
        chmod 755 "$r$1/$2.new"
        mv -f "$r$1/$2.new" "$r$1/$2"
        [ "$3" = nolink ] || lnk "$1/$2" "$r$home/bin/$n"
    done
    subst "$top/scripts/fixtree.sh" "$dest/usr/lib/qmail/fixtree" 755
}

# the qmail package: QMAILHOME with its links, the queue skeleton (owners
# come from fixtree), /etc/qmail and /etc/qmail/users
tree() {
    mkdir -p "$dest$home/alias" "$dest/etc/qmail/users" \
        "$dest/usr/share/doc/qmail"
    lnk /etc/qmail "$dest$home/control"
    lnk /etc/qmail/users "$dest$home/users"
    lnk /usr/share/doc/qmail "$dest$home/doc"
    q=$dest$home/queue
    mkdir -p "$q/pid" "$q/intd" "$q/todo" "$q/bounce" "$q/spare" "$q/recycle" "$q/lock"
    for d in mess info local remote; do
        i=0
        while [ $i -lt 23 ]; do
            mkdir -p "$q/$d/$i"
            i=$((i + 1))
        done
    done
    for f in README.md README.Debian; do
        cp "$top/$f" "$dest/usr/share/doc/qmail/$f"
        chmod 644 "$dest/usr/share/doc/qmail/$f"
    done
}

# the qmail-run package: services, rc, defaults, the MTA's public names
run() {
    r=$rundest c=$top/conf
    mkdir -p "$r/etc/qmail" "$r/var/log/qmail/smtpd" "$r/var/log/qmail/verify" \
        "$r/usr/share/qmail-run" \
        "$r$home/supervise" "$r/usr/sbin" "$r/usr/lib"
    for f in defaultdelivery concurrencyincoming tcp.smtp; do
        conf "$c/$f" "$r/etc/qmail/$f" 644
    done
    for s in qmail-send qmail-smtpd qmail-verify; do
        mkdir -p "$r/etc/qmail/$s/log"
        conf "$c/$s/run" "$r/etc/qmail/$s/run" 755
        conf "$c/$s/log/run" "$r/etc/qmail/$s/log/run" 755
        lnk "/etc/qmail/$s" "$r$home/supervise/$s"
    done
    subst "$c/rc" "$r$home/rc" 755
    subst "$c/aliases" "$r/usr/share/qmail-run/aliases" 644
    pub qmail-sendmail "$r/usr/sbin/sendmail"
    pub qmail-sendmail "$r/usr/sbin/mailq"
    pub qmail-newaliases "$r/usr/sbin/newaliases"
    pub ../sbin/sendmail "$r/usr/lib/sendmail"
}
pub() { # pub TARGET LINK: a public MTA name; another MTA's is kept
    if [ -e "$2" ] || [ -L "$2" ]; then
        [ "$(readlink "$2")" = "$1" ] || warn "$2 belongs to another MTA: left alone"
    else
        ln -s "$1" "$2"
    fi
}

# man pages: man/NAME.SECTION; the sendmail wrapper's page follows its
# Debian name, and the pages of qmail-run's programs go with qmail-run
manpages() {
    for m in "$top"/man/*.[1-8]; do
        n=${m##*/} s=${m##*.}
        part=qmail
        case $n in
        sendmail.8) n=qmail-sendmail.8 ;;
        qmailctl.8) part=run ;;
        esac
        r=$(root_of $part)
        mkdir -p "$r/usr/share/man/man$s"
        cp "$m" "$r/usr/share/man/man$s/$n"
        chmod 644 "$r/usr/share/man/man$s/$n"
    done
    r=$rundest/usr/share/man
    mkdir -p "$r/man8" "$r/man1"
    pub qmail-sendmail.8 "$r/man8/sendmail.8"
    pub qmail-sendmail.8 "$r/man8/mailq.8"
    pub qmail-newaliases.1 "$r/man1/newaliases.1"
}

programs
tree
run
manpages

# into the running system as root: owners and modes now
if [ -z "$dest" ] && [ "$(id -u)" = 0 ]; then
    "$dest/usr/lib/qmail/fixtree" ||
        warn "create the qmail accounts, then run /usr/lib/qmail/fixtree"
fi
exit 0
