#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# check_spdx.sh SOURCE_DIR -- the project's LICENSE is MIT, and every source
# file (C, headers, SWIG, C#, Lua, Python, shell, CMake, sanitizer
# suppressions, the build and packaging files) says so in its first lines.
# Frozen copies of a release (tests/abi/1.0) and fuzz seeds are data, not
# sources.
set -u
root=$1
tag='SPDX-License-Identifier: MIT'
bad=0
checked=0
grep -q '^MIT License$' "$root/LICENSE" 2>/dev/null || { echo "spdx: no MIT LICENSE at the root"; exit 1; }
while IFS= read -r -d '' f; do
    checked=$((checked + 1))
    if ! head -n 3 "$f" | grep -qF "$tag"; then
        echo "no '$tag' in the first lines of ${f#"$root"/}"
        bad=$((bad + 1))
    fi
done < <(find "$root" \( -path "$root/build" -o -path "$root/.git" -o -path "$root/tests/abi/1.0" \
    -o -path "$root/tests/fuzz/corpus" -o -name '__pycache__' -o -name '*.egg-info' \
    -o -path "$root/bindings/python/build" -o -path "$root/bindings/python/dist" \) -prune -o \
    -type f \( -name '*.c' -o -name '*.h' -o -name '*.i' -o -name '*.cs' -o -name '*.lua' \
    -o -name '*.py' -o -name '*.sh' -o -name '*.cmake' -o -name 'CMakeLists.txt' -o -name '*.in' \
    -o -name '*.map' -o -name '*.supp' -o -name '*.def' -o -name '*.toml' -o -name '*.service' -o -name '*.rockspec' \
    -o -path "$root/scripts/*" -o -path "$root/.ci/*" -o -path "$root/docs/man/*" \
    -o -path "$root/contrib/bash-completion/*" \) -print0)
echo "spdx: $checked files checked, $bad without the license line"
[ "$bad" -eq 0 ] && [ "$checked" -gt 100 ]
