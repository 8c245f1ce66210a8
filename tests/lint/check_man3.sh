#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# check_man3.sh SOURCE_DIR -- docs/man/mailslot.3 is what docs/man/mailslot3.py
# writes from abi/mailslot.h (so the page says what the header says), it has
# a subsection with a description for every exported function, and it
# renders without a groff warning.
set -u
src=${1:?usage: check_man3.sh SOURCE_DIR}
. "$src/tests/lib/strict.sh"
for tool in python3 groff; do
    command -v "$tool" >/dev/null || { ms_cannot_run "$tool not found (apt-get install python3 groff-base)"; exit $?; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mailslot-man3.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0

python3 "$src/docs/man/mailslot3.py" "$src/abi/mailslot.h" >"$tmp/mailslot.3" || { echo "FAIL: mailslot3.py failed"; exit 1; }
if ! diff -u "$src/docs/man/mailslot.3" "$tmp/mailslot.3" >"$tmp/diff"; then
    head -n 40 "$tmp/diff"
    echo "FAIL: docs/man/mailslot.3 is not docs/man/mailslot3.py's output for abi/mailslot.h;"
    echo "      run: python3 docs/man/mailslot3.py abi/mailslot.h > docs/man/mailslot.3"
    failed=1
fi

# Each exported function: a subsection with its prototype and text after it.
functions=$(sed -n 's/^MAILSLOT_API .*[ *]\(mailslot_[a-z_]*\)(.*/\1/p' "$src/abi/mailslot.h")
[ -n "$functions" ] || { echo "FAIL: no MAILSLOT_API function found in abi/mailslot.h"; failed=1; }
for fn in $functions; do
    awk -v fn="$fn" '$0 == ".SS " fn { s = 1; next } s && /^\.(SS|SH) / { exit } s && !/^\./ && !/mailslot_/ { text++ }
                     END { exit !(s && text) }' "$tmp/mailslot.3" ||
        { echo "FAIL: mailslot.3 has no described subsection for $fn (a comment above its prototype?)"; failed=1; }
done

warnings=$(groff -t -man -Tutf8 -ww -z "$tmp/mailslot.3" 2>&1)
[ -z "$warnings" ] || { echo "FAIL: groff warns: $warnings"; failed=1; }

[ "$failed" -eq 0 ] && echo "PASS: mailslot.3 matches abi/mailslot.h ($(wc -w <<<"$functions") functions) and renders cleanly"
exit "$failed"
