#!/bin/sh
# qmailctl: controls the qmail services that daemontools supervises
# (qmail-send, qmail-smtpd, qmail-verify in /etc/service), with the verbs
# of Debian's qmail-run (debian-packaging.md 6): start, stop, restart,
# reload (hup), flush (doqueue, alrm), stat, queue, pause, cont, cdb,
# help.  Runs as root; it only sends svc commands and reads the queue.
# Exit 0; 1 for an unknown verb or a step that failed.
PATH=@QMAILHOME@/bin:/usr/bin:/bin:/usr/sbin:/sbin
export PATH
sv=/etc/service
send=$sv/qmail-send smtpd=$sv/qmail-smtpd verify=$sv/qmail-verify
c=@QMAILHOME@/control
rc=0

usage() {
    cat <<EOF
usage: qmailctl VERB
  start      start the services (after stop)
  stop       stop the services (mail waits in the queue)
  restart    restart the services (rereads every control file)
  reload     qmail-send rereads locals and virtualdomains (also: hup)
  flush      retry every queued message now (also: doqueue, alrm)
  stat       status of the services and of the queue
  queue      the queue: counts, then every message
  pause      stop starting deliveries and serving (cont resumes)
  cont       resume after pause
  cdb        compile $c/tcp.smtp into $c/tcp.smtp.cdb
  help       this text
EOF
}
run() { # run CMD...: remember a failure
    "$@" || rc=1
}
up() { # up DIR...: svc -u each service whose supervise runs
    for d; do
        if svok "$d"; then run svc -u "$d" "$d/log"; else
            echo "qmailctl: ${d##*/}: supervise not running"; rc=1; fi
    done
}

case ${1:-} in
start)
    echo "Starting qmail."
    up "$verify" "$send" "$smtpd" ;;
stop)
    echo "Stopping qmail."
    run svc -d "$smtpd" "$smtpd/log" "$send" "$send/log" \
        "$verify" "$verify/log" ;;
restart)
    echo "Restarting qmail."
    run svc -d "$smtpd" "$smtpd/log"
    run svc -t "$send" "$send/log" "$verify" "$verify/log"
    run svc -u "$smtpd" "$smtpd/log" ;;
reload | hup)
    echo "Sending HUP to qmail-send."
    run svc -h "$send" ;;
flush | doqueue | alrm)
    echo "Flushing the queue: ALRM to qmail-send."
    if command -v qmail-tcpok >/dev/null; then run qmail-tcpok; fi
    run svc -a "$send" ;;
stat)
    run svstat "$send" "$send/log" "$smtpd" "$smtpd/log" \
        "$verify" "$verify/log"
    run qmail-qstat ;;
queue)
    run qmail-qstat
    run qmail-qread ;;
pause)
    echo "Pausing qmail."
    run svc -p "$send" "$smtpd" "$verify" ;;
cont)
    echo "Continuing qmail."
    run svc -c "$send" "$smtpd" "$verify" ;;
cdb)
    if tcprules "$c/tcp.smtp.cdb" "$c/tcp.smtp.tmp" <"$c/tcp.smtp" &&
        chmod 644 "$c/tcp.smtp.cdb"; then
        echo "Reloaded $c/tcp.smtp."
    else
        echo "qmailctl: unable to compile $c/tcp.smtp" >&2; rc=1
    fi ;;
help)
    usage ;;
*)
    usage >&2
    exit 1 ;;
esac
exit $rc
