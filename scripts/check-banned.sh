#!/bin/sh
# check-banned.sh: fails when src/ calls what style.md item 13 bans.
cd "$(dirname "$0")/.." || exit 111
pat='\b(sprintf|vsprintf|strcpy|strcat|gets|sscanf|scanf|fscanf|strtok|atoi|system|popen|alloca)[[:space:]]*\('
if grep -rnE "$pat" src --include='*.c' --include='*.h' |
    grep -vE ':[0-9]+:[[:space:]]*(//|/?\*)'; then
    echo "check-banned: banned calls found" >&2
    exit 1
fi
exit 0
