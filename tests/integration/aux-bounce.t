#!/bin/sh
# bouncesaying and except: verdicts, exit codes, messages, and how an
# exec failure is classified (smtp-and-tools.md 0.3 and 5.1).
. "$(dirname "$0")/../lib.sh"
inst_fresh
BS=$QH/bin/bouncesaying
EX=$QH/bin/except

run() { "$@" </dev/null 2>"$T/err"; echo "$?:$(cat "$T/err")"; }

# --- bouncesaying -------------------------------------------------------
is "$(run "$BS")" \
    "100:bouncesaying: usage: bouncesaying error [ program [ arg ... ] ]" \
    "bouncesaying: usage"
is "$(run "$BS" 'No such list here. (#5.1.1)')" \
    "100:No such list here. (#5.1.1)" \
    "bouncesaying: no program: the text alone, exit 100"
"$BS" 'go away' 2>"$T/err"
printf 'go away\n' | cmp -s - "$T/err"
ok $? "bouncesaying: the text is one LF-terminated line"
is "$(run "$BS" 'go away' true)" "100:go away" "bouncesaying: program exit 0: bounce"
is "$(run "$BS" 'go away' false)" "0:" "bouncesaying: program exit 1: accept, silent"
is "$(run "$BS" 'go away' sh -c 'exit 100')" "0:" "bouncesaying: program exit 100: accept"
is "$(run "$BS" 'go away' sh -c 'exit 111')" \
    "111:bouncesaying: fatal: temporary child error" "bouncesaying: program exit 111"
is "$(run "$BS" 'go away' sh -c 'kill -9 $$')" \
    "111:bouncesaying: fatal: child crashed" "bouncesaying: program killed"
is "$(run "$BS" 'go away' "$T/missing")" "0:" "bouncesaying: missing program: accept"
echo 'From: spammer' | "$BS" 'no spam' grep -q spammer 2>"$T/err"
is "$?:$(cat "$T/err")" "100:no spam" \
    "bouncesaying: the program reads the message on stdin"

# --- except -------------------------------------------------------------
is "$(run "$EX")" "100:except: usage: except program [ arg ... ]" "except: usage"
is "$(run "$EX" true)" "100:" "except: exit 0 becomes 100"
is "$(run "$EX" false)" "0:" "except: exit 1 becomes 0"
is "$(run "$EX" sh -c 'exit 100')" "0:" "except: exit 100 becomes 0"
is "$(run "$EX" sh -c 'exit 99')" "0:" "except: exit 99 becomes 0"
is "$(run "$EX" sh -c 'exit 111')" "111:except: fatal: temporary child error" \
    "except: exit 111 stays 111"
is "$(run "$EX" sh -c 'kill -9 $$')" "111:except: fatal: child crashed" \
    "except: program killed"
is "$(run "$EX" "$T/missing")" "0:" "except: missing program (ENOENT, permanent): 0"
printf '#!/bin/sh\nexit 0\n' >"$T/noexec"
chmod 644 "$T/noexec"
is "$(run "$EX" "$T/noexec")" "0:" "except: not executable (EACCES, permanent): 0"
is "$(run "$EX" sh -c 'test "$1$2" = "a bc"' sh 'a b' c)" "100:" \
    "except: arguments reach the program"
is "$(echo hello | "$EX" grep -q hello; echo $?)" 100 \
    "except: the program reads stdin"
is "$(env X=1 "$EX" sh -c 'test "$X" = 1' </dev/null; echo $?)" 100 \
    "except: the program inherits the environment"

# an executable that is open for writing cannot be run (ETXTBSY): a
# temporary condition, so 111
printf '#!/bin/sh\nexit 0\n' >"$T/busy"
chmod 755 "$T/busy"
out=$(python3 - "$EX" "$T/busy" <<'EOP'
import subprocess, sys
hold = open(sys.argv[2], "a")
r = subprocess.run([sys.argv[1], sys.argv[2]], stdin=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
print("%d:%s" % (r.returncode, r.stderr.decode().strip()))
EOP
)
is "$out" "111:except: fatal: temporary child error" \
    "except: ETXTBSY is temporary: 111"

done_testing
