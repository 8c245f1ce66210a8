#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# check_format.sh CLANG_FORMAT SOURCE_DIR -- every C file of the project is
# formatted as the root .clang-format says, the public header included (the
# frozen 1.0 header excepted: it is a copy of a release, kept byte for byte).
set -u
clang_format=$1
root=$2
bad=0
checked=0
while IFS= read -r -d '' f; do
    checked=$((checked + 1))
    if ! "$clang_format" --style=file --dry-run -Werror "$f" >/dev/null 2>&1; then
        echo "not formatted: ${f#"$root"/} (run: clang-format -i ${f#"$root"/})"
        bad=$((bad + 1))
    fi
done < <(find "$root/abi" "$root/src" "$root/tests" "$root/examples" "$root/bindings" \
    -path "$root/tests/abi/1.0" -prune -o \( -name '*.c' -o -name '*.h' \) -print0)
echo "clang-format: $checked files checked, $bad not formatted"
[ "$bad" -eq 0 ]
